/**
 * The cast of the message tests (edits and reactions, search, threads): ana and bob in
 * #general, ana owning #general and the private #secret, eve in neither.
 */
import { CreateChannelRequest, JoinChannelRequest } from '../../protocol/channels';
import type { TestClient } from '../helpers/client';
import type { Fixture } from '../helpers/fixture';

export interface Cast {
	ana: TestClient;
	bob: TestClient;
	eve: TestClient;
}

export async function signInCast(fx: Fixture): Promise<Cast> {
	const ana = await fx.login('ana');
	const bob = await fx.login('bob');
	const eve = await fx.login('eve');
	// ana creates both channels: she owns them.
	await ana.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
	await bob.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
	await ana.connection.sendRequest(CreateChannelRequest.type, { channel: '#secret', private: true });
	return { ana, bob, eve };
}

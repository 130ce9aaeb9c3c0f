/**
 * `server/resync` (hub.resyncHere, what a cluster node does after a gap fill), over real
 * TCP and SQLite: a membership that ended where this server could not hear it no longer
 * receives the channel, and every signed-in connection is asked to read again.
 */
import * as assert from 'node:assert/strict';
import { JoinChannelRequest, MemberLeftNotification } from '../../protocol/channels';
import { ResyncNotification } from '../../protocol/lifecycle';
import { MessageNewNotification, SendMessageRequest } from '../../protocol/messages';
import type { TestClient } from '../helpers/client';
import { useServer } from '../helpers/fixture';

describe('server/resync: after events were lost', () => {
	const fx = useServer();
	let ana: TestClient;
	let bob: TestClient;
	beforeEach(async () => {
		ana = await fx.login('ana');
		bob = await fx.login('bob');
		for (const c of [ana, bob]) {
			await c.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		}
	});

	it('unsubscribes a connection whose membership ended unheard (a kick on another node), tells it, and asks everyone to read again', async () => {
		// Removed in the database only, as a kick through another node whose event was lost.
		assert.equal(await fx.server.hub.memberships.remove('#general', 'bob'), true);
		await fx.server.hub.resyncHere('a test');
		assert.deepEqual(await bob.waitFor(MemberLeftNotification.type), { channel: '#general', nick: 'bob', reason: 'no longer a member when this server caught up with the others' });
		for (const c of [ana, bob]) {
			assert.match((await c.waitFor(ResyncNotification.type)).reason, /lost events of the other servers/);
		}
		assert.equal(ana.received(MemberLeftNotification.type).length, 0, 'ana is still a member: nothing to tell her');
		const { message } = await ana.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: 'after the kick' });
		await bob.sync();
		assert.equal(bob.received(MessageNewNotification.type).filter((p) => p.message.id === message.id).length, 0, 'bob gets nothing more of #general');
	});
});

/** conversation/typing and user/setStatus over real TCP: who is told, the rate limit, and the account-wide status. */
import * as assert from 'node:assert/strict';
import { ChannelMembersRequest, JoinChannelRequest } from '../../protocol/channels';
import { TypingNotification } from '../../protocol/conversations';
import { ErrorCodes } from '../../protocol/errors';
import type { ConversationState } from '../../protocol/types';
import { SendMessageRequest } from '../../protocol/messages';
import { PresenceNotification, SetStatusRequest, UserListRequest } from '../../protocol/users';
import { rpcError, type TestClient } from '../helpers/client';
import { useServer } from '../helpers/fixture';
import { assertNone, barrier, PASSWORD, register, signIn } from './accounts-helpers';

describe('typing and away', () => {
	const fx = useServer({}, { manualClock: true });
	let ana: TestClient;
	let ana2: TestClient;
	let bob: TestClient;
	let eve: TestClient;
	const join = (c: TestClient, channel: string) => c.connection.sendRequest(JoinChannelRequest.type, { channel });
	const type = (c: TestClient, conversation: string) => c.connection.sendNotification(TypingNotification.type, { conversation });
	beforeEach(async () => {
		ana = await register(fx, 'ana');
		ana2 = await signIn(fx, 'ana');
		bob = await fx.login('bob');
		eve = await fx.login('eve');
		await join(ana, '#general');
		await join(bob, '#general');
	});

	it('tells the other members who is typing, not the typist\'s own connections nor non-members', async () => {
		await type(ana, '#General');
		assert.deepEqual(await bob.waitFor(TypingNotification.type), { conversation: '#general', nick: 'ana' });
		await barrier(bob, ana2, 'ana');
		await barrier(bob, eve, 'eve');
		assertNone(ana2, TypingNotification.type, () => true, 'for its own typing');
		assertNone(ana, TypingNotification.type);
		assertNone(eve, TypingNotification.type, () => true, 'in a channel eve is not in');
	});

	it('passes on one typing notification per 3 s per conversation and connection', async () => {
		for (let i = 0; i < 5; i++) {
			await type(ana, '#general');
		}
		await type(ana, 'bob');
		await type(ana, 'bob');
		fx.clock.advance(2999);
		await type(ana, '#general');
		await barrier(ana, bob, 'bob');
		assert.deepEqual(bob.received(TypingNotification.type), [{ conversation: '#general', nick: 'ana' }, { conversation: 'ana', nick: 'ana' }]);
		fx.clock.advance(1);
		await type(ana, '#general');
		await type(ana2, '#general'); // another connection has its own allowance
		await bob.waitFor(TypingNotification.type, () => bob.received(TypingNotification.type).length === 4);
	});

	it('drops typing in a channel the typist is not in, to oneself, or to a bad nick', async () => {
		await type(eve, '#general');
		await type(eve, 'eve');
		await type(eve, '#nope');
		await type(eve, 'not a nick!');
		await barrier(eve, bob, 'bob');
		assertNone(bob, TypingNotification.type);
	});

	it('sets away for the whole account: told to those who share a channel or DM, and to its other connections', async () => {
		await eve.connection.sendRequest(SetStatusRequest.type, { status: 'online' }); // no change: nothing to tell
		await ana.connection.sendRequest(SetStatusRequest.type, { status: 'away', text: 'lunch' });
		const away = { nick: 'ana', status: 'away', text: 'lunch' };
		assert.deepEqual(await bob.waitFor(PresenceNotification.type, (p) => p.nick === 'ana'), away);
		assert.deepEqual(await ana2.waitFor(PresenceNotification.type, (p) => p.status === 'away'), away);
		await ana.connection.sendRequest(SetStatusRequest.type, { status: 'away', text: 'lunch' });
		await ana.connection.sendRequest(SetStatusRequest.type, { status: 'online' });
		await bob.waitFor(PresenceNotification.type, (p) => p.nick === 'ana' && p.status === 'online');
		await barrier(ana, eve, 'eve');
		assert.equal(bob.received(PresenceNotification.type).filter((p) => p.nick === 'ana').length, 2, 'the repeat told no one');
		assertNone(eve, PresenceNotification.type, (p) => p.nick === 'ana' && p.status === 'online', 'before eve and ana shared anything');
		await ana.sync();
		assertNone(ana, PresenceNotification.type, (p) => p.nick === 'ana', 'the connection that set it has its answer');

		const tooLong = await rpcError(ana.connection.sendRequest(SetStatusRequest.type, { status: 'away', text: 'x'.repeat(101) }));
		assert.deepEqual([tooLong.code, tooLong.data], [ErrorCodes.InvalidParams, { field: 'text' }]);
	});

	it('shows the status to those who sign in later: user/list, member details, DM partners in initialize', async () => {
		const dan = await register(fx, 'dan');
		await dan.connection.sendRequest(SendMessageRequest.type, { to: 'ana', text: 'hi' });
		await ana.connection.sendRequest(SetStatusRequest.type, { status: 'away', text: 'lunch' });
		await bob.waitFor(PresenceNotification.type, (p) => p.nick === 'ana' && p.status === 'away');

		const carl = await fx.login('carl');
		const users = (await carl.connection.sendRequest(UserListRequest.type, {})).users;
		assert.deepEqual(users.find((u) => u.nick === 'ana'), { nick: 'ana', channels: ['#general'], status: 'away', statusText: 'lunch' });
		assert.deepEqual(users.find((u) => u.nick === 'bob'), { nick: 'bob', channels: ['#general'] }, 'online users carry no status');
		const joined = await join(carl, '#general');
		assert.deepEqual(joined.details?.find((d) => d.nick === 'ana'), { nick: 'ana', online: true, role: 'owner', status: 'away', statusText: 'lunch' });
		assert.deepEqual(joined.details?.find((d) => d.nick === 'bob'), { nick: 'bob', online: true, role: 'member' });

		const dmWithAna = async (): Promise<ConversationState | undefined> =>
			(await (await fx.connect()).initialize('dan', { password: PASSWORD })).conversations?.find((c) => c.conversation === 'ana');
		const away = await dmWithAna();
		assert.deepEqual([away?.status, away?.statusText], ['away', 'lunch']);

		// Back online: the status text goes, and the entries are as before.
		await ana.connection.sendRequest(SetStatusRequest.type, { status: 'online' });
		await bob.waitFor(PresenceNotification.type, (p) => p.nick === 'ana' && p.status === 'online');
		const members = await carl.connection.sendRequest(ChannelMembersRequest.type, { channel: '#general' });
		assert.deepEqual(members.details.find((d) => d.nick === 'ana'), { nick: 'ana', online: true, role: 'owner' });
		assert.deepEqual((await dmWithAna())?.status, 'online');
		ana.close();
		ana2.close();
		await bob.waitFor(PresenceNotification.type, (p) => p.nick === 'ana' && p.status === 'offline');
		const offline = await dmWithAna();
		assert.deepEqual([offline?.status, offline?.statusText], ['offline', undefined]);
		assert.deepEqual((await (await fx.connect()).initialize('bob2')).conversations, undefined, 'guests have no conversations');
	});
});

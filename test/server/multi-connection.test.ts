/** Accounts are the identity: several connections of one account at once, presence, kicks. */
import * as assert from 'node:assert/strict';
import { AdminKickRequest } from '../../protocol/admin';
import { JoinChannelRequest, MemberJoinedNotification, MemberLeftNotification } from '../../protocol/channels';
import { ErrorCodes } from '../../protocol/errors';
import { KickedNotification } from '../../protocol/lifecycle';
import { MessageNewNotification, SendMessageRequest } from '../../protocol/messages';
import { PresenceNotification, UserListRequest } from '../../protocol/users';
import { rpcError, type TestClient } from '../helpers/client';
import { useServer } from '../helpers/fixture';
import { assertNone, barrier, PASSWORD, register, signIn } from './accounts-helpers';

describe('accounts: several connections of one account', () => {
	const fx = useServer({ adminToken: 'op-token-123' });
	const guest = (nick: string): Promise<TestClient> => fx.login(nick);
	const join = (c: TestClient, channel: string) => c.connection.sendRequest(JoinChannelRequest.type, { channel });
	const send = (c: TestClient, to: string, text: string) => c.connection.sendRequest(SendMessageRequest.type, { to, text });
	const texts = (c: TestClient) => c.received(MessageNewNotification.type).map((p) => p.message.text).filter((t) => !t.startsWith('barrier'));


	it('signs in a second connection while the first is online; both get what the account gets, and each other\'s sends', async () => {
		const k1 = await register(fx, 'kim');
		const k2 = await signIn(fx, 'KIM');
		assert.equal(k2.nick, 'kim', 'shown as the account is registered');
		const bob = await guest('bob');
		await join(k1, '#general');
		assert.deepEqual(await k2.waitFor(MemberJoinedNotification.type), { channel: '#general', nick: 'kim' }, 'the other connection learns of the join');
		await join(bob, '#general');

		const fromBob = (await send(bob, '#general', 'hello kim')).message;
		assert.deepEqual(await k1.waitFor(MessageNewNotification.type, (p) => p.message.id === fromBob.id), { message: fromBob });
		assert.deepEqual(await k2.waitFor(MessageNewNotification.type, (p) => p.message.id === fromBob.id), { message: fromBob });
		const dm = (await send(bob, 'kim', 'psst')).message;
		await k1.waitFor(MessageNewNotification.type, (p) => p.message.id === dm.id);
		await k2.waitFor(MessageNewNotification.type, (p) => p.message.id === dm.id);

		// What one connection sends, the other receives; the sender has its answer only.
		const mine = (await send(k1, '#general', 'from my laptop')).message;
		assert.deepEqual(await k2.waitFor(MessageNewNotification.type, (p) => p.message.id === mine.id), { message: mine });
		await bob.waitFor(MessageNewNotification.type, (p) => p.message.id === mine.id);
		const reply = (await send(k2, 'bob', 'from my phone')).message;
		assert.deepEqual(await k1.waitFor(MessageNewNotification.type, (p) => p.message.id === reply.id), { message: reply });
		await bob.waitFor(MessageNewNotification.type, (p) => p.message.id === reply.id);
		await barrier(bob, k1, 'kim');
		assert.deepEqual(texts(k1), ['hello kim', 'psst', 'from my phone']);
		assert.deepEqual(texts(k2), ['hello kim', 'psst', 'from my laptop']);
		assert.deepEqual((await k1.connection.sendRequest(UserListRequest.type, {})).users.map((u) => u.nick), ['bob', 'kim'], 'one entry per account');
	});

	it('keeps guest nicks exclusive (1001) and registered ones behind their password', async () => {
		await guest('ana');
		const other = await fx.connect();
		assert.equal((await rpcError(other.initialize('ANA'))).code, ErrorCodes.NickInUse);
		await register(fx, 'kim');
		assert.equal((await rpcError(other.initialize('kim'))).code, ErrorCodes.AuthFailed);
		assert.equal((await rpcError(other.initialize('kim', { password: 'wrong password' }))).code, ErrorCodes.AuthFailed);
		assert.equal((await other.initialize('kim', { password: PASSWORD })).registered, true);
	});

	it('sends user/presence once per account, to channel peers and DM partners; a disconnect is no leave', async () => {
		const k1 = await register(fx, 'kim');
		const bob = await guest('bob');
		const carl = await guest('carl');
		const dora = await guest('dora');
		await join(k1, '#general');
		await join(bob, '#general');
		await send(carl, 'kim', 'we share a DM, not a channel');

		k1.close();
		assert.deepEqual(await bob.waitFor(PresenceNotification.type), { nick: 'kim', status: 'offline' });
		assert.deepEqual(await carl.waitFor(PresenceNotification.type), { nick: 'kim', status: 'offline' });
		const k2 = await signIn(fx, 'kim');
		await bob.waitFor(PresenceNotification.type, (p) => p.status === 'online');
		await carl.waitFor(PresenceNotification.type, (p) => p.status === 'online');
		// More connections, and all but the last ending, change nothing for others.
		const k3 = await signIn(fx, 'kim');
		k3.close();
		await k3.closed;
		await barrier(k2, bob, 'bob');
		await barrier(k2, carl, 'carl');
		await barrier(k2, dora, 'dora');
		assert.deepEqual(bob.received(PresenceNotification.type).map((p) => p.status), ['offline', 'online']);
		assert.deepEqual(carl.received(PresenceNotification.type).map((p) => p.status), ['offline', 'online']);
		assertNone(dora, PresenceNotification.type, undefined, 'though she shares nothing with kim');
		assertNone(bob, MemberLeftNotification.type, undefined, 'an account\'s disconnect is presence');
		assertNone(k2, PresenceNotification.type, undefined, 'of itself');
		k2.close();
		await bob.waitFor(PresenceNotification.type, (p) => bob.received(PresenceNotification.type).length === 3 && p.status === 'offline');
	});

	it('admin/kick of an account closes every connection of it', async () => {
		const k1 = await register(fx, 'kim');
		const k2 = await signIn(fx, 'kim');
		const op = await fx.login('op', { adminToken: 'op-token-123' });
		assert.equal(await op.connection.sendRequest(AdminKickRequest.type, { nick: 'KIM', reason: 'spam' }), null);
		assert.deepEqual(await k1.waitFor(KickedNotification.type), { reason: 'spam' });
		assert.deepEqual(await k2.waitFor(KickedNotification.type), { reason: 'spam' });
		await Promise.all([k1.closed, k2.closed]);
		const gone = await rpcError(op.connection.sendRequest(AdminKickRequest.type, { nick: 'kim' }));
		assert.equal(gone.code, ErrorCodes.NoSuchNick);
		assert.equal(gone.message, "No one called 'kim' is online.");
	});

	it('a resume token closes the account\'s stale connection without the account going offline', async () => {
		const k1 = await register(fx, 'kim');
		const bob = await guest('bob');
		await join(k1, '#general');
		await join(bob, '#general');
		const k2 = await fx.connect();
		const token = (await k2.initialize('kim', { password: PASSWORD })).resumeToken;
		// k2's network drops silently; it comes back as k3.
		const k3 = await fx.login('kim', { password: PASSWORD, resumeToken: token });
		await k2.closed;
		assert.equal(fx.server.hub.holders('kim').length, 2, 'k1 and k3');
		await barrier(k3, bob, 'bob');
		assertNone(bob, PresenceNotification.type, undefined, 'the account never went offline');
		assertNone(bob, MemberLeftNotification.type);
	});
});

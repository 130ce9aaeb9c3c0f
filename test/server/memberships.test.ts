/** Persistent memberships of accounts, offline DMs; guests as before. */
import * as assert from 'node:assert/strict';
import {
	ChannelMembersRequest, JoinChannelRequest, LeaveChannelRequest, MemberJoinedNotification, MemberLeftNotification,
} from '../../protocol/channels';
import { ErrorCodes } from '../../protocol/errors';
import { HistoryRequest, MessageNewNotification, SendMessageRequest } from '../../protocol/messages';
import { PresenceNotification, UserListRequest } from '../../protocol/users';
import { rpcError, type TestClient } from '../helpers/client';
import { useServer } from '../helpers/fixture';
import { assertNone, barrier, PASSWORD, register, signIn } from './accounts-helpers';

describe('accounts: memberships that last, offline DMs', () => {
	const fx = useServer({}, { start: false });
	let dataDir: string;
	const guest = (nick: string): Promise<TestClient> => fx.login(nick);
	const join = (c: TestClient, channel: string) => c.connection.sendRequest(JoinChannelRequest.type, { channel });
	const members = (c: TestClient, channel: string) => c.connection.sendRequest(ChannelMembersRequest.type, { channel });
	const send = (c: TestClient, to: string, text: string) => c.connection.sendRequest(SendMessageRequest.type, { to, text });
	const restart = async (): Promise<void> => {
		await fx.server.stop();
		await fx.start({ dataDir });
	};

	beforeEach(async () => {
		dataDir = fx.tempDir();
		await fx.start({ dataDir });
	});

	it('keeps an account in its channels across a disconnect and a restart; member lists show it offline', async () => {
		const kim = await register(fx, 'kim');
		const joined = await join(kim, '#general');
		assert.equal(joined.role, 'owner', 'the creator owns the channel');
		const bob = await guest('bob');
		await join(bob, '#general');
		kim.close();
		await bob.waitFor(PresenceNotification.type, (p) => p.status === 'offline');
		assert.deepEqual(await members(bob, '#general'), {
			members: ['kim', 'bob'],
			details: [{ nick: 'kim', online: false, role: 'owner' }, { nick: 'bob', online: true, role: 'member' }],
		});

		await restart();
		const carl = await guest('carl');
		const result = await join(carl, '#general');
		assert.deepEqual(result.members, ['kim', 'carl'], 'the account is still a member; the guest bob left with its connection');
		assert.deepEqual(result.details, [{ nick: 'kim', online: false, role: 'owner' }, { nick: 'carl', online: true, role: 'member' }]);

		// Signed in again, kim is in #general without joining.
		const back = await signIn(fx, 'kim');
		await carl.waitFor(PresenceNotification.type, (p) => p.nick === 'kim' && p.status === 'online');
		const { message } = await send(carl, '#general', 'welcome back');
		assert.deepEqual(await back.waitFor(MessageNewNotification.type), { message });
		assert.equal((await send(back, '#general', 'thanks')).message.to, '#general');
		assert.deepEqual((await back.connection.sendRequest(UserListRequest.type, {})).users, [
			{ nick: 'carl', channels: ['#general'] },
			{ nick: 'kim', channels: ['#general'] },
		]);
	});

	it('ends an account\'s membership only by leaving; its other connections are told', async () => {
		const k1 = await register(fx, 'kim');
		const k2 = await signIn(fx, 'kim');
		const bob = await guest('bob');
		await join(bob, '#general');
		await join(k1, '#general');
		assert.equal(await k1.connection.sendRequest(LeaveChannelRequest.type, { channel: '#general' }), null);
		assert.deepEqual(await bob.waitFor(MemberLeftNotification.type), { channel: '#general', nick: 'kim' });
		assert.deepEqual(await k2.waitFor(MemberLeftNotification.type), { channel: '#general', nick: 'kim' });
		await send(bob, '#general', 'kim is gone');
		await barrier(bob, k2, 'kim');
		assert.ok(!k2.received(MessageNewNotification.type).some((p) => p.message.text === 'kim is gone'), 'no longer subscribed');
		assertNone(k1, MemberLeftNotification.type, undefined, 'the leaving connection has its answer');
		await restart();
		const carl = await guest('carl');
		assert.deepEqual((await join(carl, '#general')).members, ['carl']);
	});

	it('stores a DM to an offline account; it finds it at sign-in, counted unread and as a mention', async () => {
		const kim = await register(fx, 'Kim');
		await join(kim, '#general');
		const bob = await guest('bob');
		await join(bob, '#general');
		kim.close();
		await bob.waitFor(PresenceNotification.type, (p) => p.status === 'offline');
		const dm1 = (await send(bob, 'KIM', 'are you there?')).message;
		assert.equal(dm1.to, 'Kim', 'the account as registered');
		const dm2 = (await send(bob, 'kim', 'call me')).message;
		await send(bob, '#general', 'hi @kim');
		await send(bob, '#general', 'kimberly is not kim... wait, yes it is');
		await send(bob, '#general', 'lunch?');
		const last = (await send(bob, '#general', 'said kimberly')).message;

		const nobody = await rpcError(send(bob, 'nobody', 'hello?'));
		assert.equal(nobody.code, ErrorCodes.NoSuchNick);
		assert.equal(nobody.message, "There is no one called 'nobody' here: no one online uses that nick and no account has it. Check the spelling.");

		const back = await fx.connect();
		const init = await back.initialize('kim', { password: PASSWORD });
		assert.equal(init.nick, 'Kim');
		const byName = new Map(init.conversations!.map((c) => [c.conversation, c]));
		assert.deepEqual(byName.get('#general'), { conversation: '#general', lastReadId: 0, unread: 4, mentions: 2, lastMessageId: last.id });
		assert.deepEqual(byName.get('bob'), { conversation: 'bob', lastReadId: 0, unread: 2, mentions: 2, lastMessageId: dm2.id, status: 'online' });
		assert.equal(init.conversations!.length, 2);
		const history = await back.connection.sendRequest(HistoryRequest.type, { conversation: 'bob' });
		assert.deepEqual(history.messages, [dm1, dm2]);
	});

	it('keeps guests as they were: a guest leaves its channels when its connection ends, and has no conversations', async () => {
		const ana = await guest('ana');
		const bob = await guest('bob');
		await join(ana, '#general');
		await join(bob, '#general');
		bob.socket.destroy();
		assert.deepEqual(await ana.waitFor(MemberLeftNotification.type), { channel: '#general', nick: 'bob', reason: 'connection lost' });
		assertNone(ana, PresenceNotification.type);
		const again = await fx.connect();
		const init = await again.initialize('bob');
		assert.equal(init.conversations, undefined);
		assert.deepEqual((await members(ana, '#general')).members, ['ana']);
		await join(again, '#general');
		assert.deepEqual(await ana.waitFor(MemberJoinedNotification.type), { channel: '#general', nick: 'bob' });
	});
});

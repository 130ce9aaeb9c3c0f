/** conversation/markRead: one read marker per account and conversation, shared by its connections. */
import * as assert from 'node:assert/strict';
import { JoinChannelRequest } from '../../protocol/channels';
import { MarkReadRequest, ReadNotification } from '../../protocol/conversations';
import { ErrorCodes } from '../../protocol/errors';
import { SendMessageRequest } from '../../protocol/messages';
import type { ConversationState } from '../../protocol/types';
import { rpcError, type TestClient } from '../helpers/client';
import { useServer } from '../helpers/fixture';
import { assertNone, barrier, PASSWORD, register, signIn } from './accounts-helpers';

describe('accounts: read state', () => {
	const fx = useServer({}, { start: false });
	let dataDir: string;
	const guest = (nick: string): Promise<TestClient> => fx.login(nick);
	const send = (c: TestClient, to: string, text: string) => c.connection.sendRequest(SendMessageRequest.type, { to, text });
	const markRead = (c: TestClient, conversation: string, id: number) => c.connection.sendRequest(MarkReadRequest.type, { conversation, id });
	/** The account's conversations as a fresh connection sees them at sign-in. */
	const conversations = async (nick: string): Promise<Map<string, ConversationState>> => {
		const c = await fx.connect();
		const init = await c.initialize(nick, { password: PASSWORD });
		c.close();
		return new Map(init.conversations!.map((s) => [s.conversation, s]));
	};

	beforeEach(async () => {
		dataDir = fx.tempDir();
		await fx.start({ dataDir });
	});

	it('moves the marker on one connection and tells the account\'s others; it never moves back and survives a restart', async () => {
		const k1 = await register(fx, 'kim');
		const k2 = await signIn(fx, 'kim');
		const bob = await guest('bob');
		await k1.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		await bob.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		const sent = [];
		for (let i = 1; i <= 5; i++) {
			sent.push((await send(bob, '#general', `m${i}`)).message);
		}
		const dm = (await send(bob, 'kim', 'and a DM')).message;

		assert.equal(await markRead(k1, '#GENERAL', sent[2].id), null);
		assert.deepEqual(await k2.waitFor(ReadNotification.type), { conversation: '#general', id: sent[2].id });
		assert.equal(await markRead(k2, 'BOB', dm.id), null);
		assert.deepEqual(await k1.waitFor(ReadNotification.type), { conversation: 'bob', id: dm.id });
		// Backwards (and the same id again) change nothing and tell no one.
		assert.equal(await markRead(k2, '#general', sent[0].id), null);
		assert.equal(await markRead(k2, '#general', sent[2].id), null);
		await barrier(await guest('carl'), k1, 'kim');
		assert.deepEqual(k1.received(ReadNotification.type), [{ conversation: 'bob', id: dm.id }]);
		assert.deepEqual(k2.received(ReadNotification.type), [{ conversation: '#general', id: sent[2].id }]);
		assertNone(bob, ReadNotification.type);

		let states = await conversations('kim');
		assert.deepEqual(states.get('#general'), { conversation: '#general', lastReadId: sent[2].id, unread: 2, mentions: 0, lastMessageId: sent[4].id });
		assert.deepEqual(states.get('bob'), { conversation: 'bob', lastReadId: dm.id, unread: 0, mentions: 0, lastMessageId: dm.id, status: 'online' });

		await fx.server.stop();
		await fx.start({ dataDir });
		states = await conversations('kim');
		assert.equal(states.get('#general')?.lastReadId, sent[2].id, 'kept across a restart');
		assert.equal(states.get('#general')?.unread, 2);
	});

	it('does not move the marker past the newest message, and counts only others\' messages', async () => {
		const kim = await register(fx, 'kim');
		const bob = await guest('bob');
		await kim.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		await bob.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		const last = (await send(bob, '#general', 'one')).message;
		await markRead(kim, '#general', last.id + 1000);
		await send(kim, '#general', 'my own words do not count');
		const next = (await send(bob, '#general', 'two')).message;
		const states = await conversations('kim');
		assert.deepEqual(states.get('#general'), { conversation: '#general', lastReadId: last.id, unread: 1, mentions: 0, lastMessageId: next.id });
	});

	it('counts nothing said before an account joined as unread', async () => {
		const bob = await guest('bob');
		await bob.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		const before = (await send(bob, '#general', 'before kim came')).message;
		const kim = await register(fx, 'kim');
		await kim.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		const after = (await send(bob, '#general', 'after kim came')).message;
		const states = await conversations('kim');
		assert.deepEqual(states.get('#general'), { conversation: '#general', lastReadId: before.id, unread: 1, mentions: 1, lastMessageId: after.id });
	});

	it('checks the conversation like message/history does; a guest keeps no read state', async () => {
		const kim = await register(fx, 'kim');
		const bob = await guest('bob');
		await bob.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		assert.equal((await rpcError(markRead(kim, '#general', 1))).code, ErrorCodes.NotInChannel);
		assert.equal((await rpcError(markRead(kim, '#nowhere', 1))).code, ErrorCodes.NoSuchChannel);
		assert.equal((await rpcError(markRead(kim, 'kim', 1))).code, ErrorCodes.CannotMessageSelf);
		assert.equal((await rpcError(markRead(kim, 'not a nick', 1))).code, ErrorCodes.InvalidParams);
		assert.equal((await rpcError(markRead(kim, 'bob', -1))).code, ErrorCodes.InvalidParams);
		assert.equal(await markRead(bob, '#general', 1), null, 'a guest: succeeds and changes nothing');
	});
});

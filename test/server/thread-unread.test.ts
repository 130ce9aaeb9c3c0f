/**
 * Unread replies over real TCP and SQLite: they count for a thread's participants (root
 * author, repliers, those named in a reply; both parties of a DM), apart from the
 * conversation's unread messages, until read with message/thread or conversation/markRead.
 */
import * as assert from 'node:assert/strict';
import { CreateChannelRequest, JoinChannelRequest } from '../../protocol/channels';
import { MarkReadRequest, ReadNotification, ThreadReadNotification } from '../../protocol/conversations';
import { ErrorCodes } from '../../protocol/errors';
import { SendMessageRequest, type SendMessageParams } from '../../protocol/messages';
import { ThreadRequest } from '../../protocol/threads';
import type { ConversationState, Message } from '../../protocol/types';
import { rpcError, type TestClient } from '../helpers/client';
import { useServer } from '../helpers/fixture';
import { PASSWORD, register, signIn } from './accounts-helpers';

const send = async (c: TestClient, params: SendMessageParams): Promise<Message> => (await c.connection.sendRequest(SendMessageRequest.type, params)).message;

describe('messages: unread replies in threads', () => {
	const fx = useServer();
	let ana: TestClient;
	let bob: TestClient;
	let cid: TestClient;
	let dan: TestClient;
	/** The account's conversations as a new connection of it finds them in `initialize`. */
	const conversations = async (nick: string): Promise<ConversationState[]> =>
		(await (await fx.connect()).initialize(nick, { password: PASSWORD })).conversations!;
	const general = async (nick: string): Promise<ConversationState> => (await conversations(nick)).find((c) => c.conversation === '#general')!;
	beforeEach(async () => {
		ana = await register(fx, 'ana');
		bob = await register(fx, 'bob');
		cid = await register(fx, 'cid');
		dan = await register(fx, 'dan');
		for (const c of [ana, bob, cid, dan]) {
			await c.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		}
	});

	it('counts replies for the root\'s author, repliers and those named, not as channel messages', async () => {
		const root = await send(ana, { to: '#general', text: 'release today?' });
		await ana.connection.sendRequest(MarkReadRequest.type, { conversation: '#general', id: root.id });
		const r1 = await send(bob, { to: '#general', text: 'yes', replyTo: root.id });
		const r2 = await send(bob, { to: '#general', text: '@cid can you check the build?', replyTo: root.id });
		const r3 = await send(cid, { to: '#general', text: 'on it', replyTo: r1.id });

		const forAna = await general('ana');
		assert.equal(forAna.unread, 0, 'replies are not channel messages');
		assert.deepEqual(forAna.threads, [{ id: root.id, lastReadId: root.id, unread: 3, mentions: 0 }]);
		assert.deepEqual((await general('bob')).threads, [{ id: root.id, lastReadId: r2.id, unread: 1, mentions: 0 }], 'a replier has read up to its reply');
		assert.deepEqual((await general('cid')).threads, undefined, 'cid replied last: nothing unread');
		assert.deepEqual((await general('dan')).threads, undefined, 'dan takes no part');
		assert.equal((await general('dan')).unread, 1, 'the root is a channel message');

		await send(ana, { to: '#general', text: 'thanks cid', replyTo: root.id });
		assert.deepEqual((await general('cid')).threads, [{ id: root.id, lastReadId: r3.id, unread: 1, mentions: 1 }]);
		void r2;
	});

	it('a participant named in a later reply keeps every earlier reply unread', async () => {
		const root = await send(ana, { to: '#general', text: 'who reviews the migration?' });
		await send(bob, { to: '#general', text: 'I can, after lunch', replyTo: root.id });
		await send(bob, { to: '#general', text: 'ana, which branch is it on?', replyTo: root.id });
		assert.deepEqual((await general('ana')).threads, [{ id: root.id, lastReadId: root.id, unread: 2, mentions: 1 }]);
	});

	it('a reply also sent to the channel counts in both; reading the thread clears it for every connection', async () => {
		const root = await send(ana, { to: '#general', text: 'lunch?' });
		await ana.connection.sendRequest(MarkReadRequest.type, { conversation: '#general', id: root.id });
		const ana2 = await signIn(fx, 'ana');
		const r1 = await send(bob, { to: '#general', text: 'sure', replyTo: root.id });
		const r2 = await send(bob, { to: '#general', text: 'noon at the usual place', replyTo: root.id, alsoToChannel: true });
		const before = await general('ana');
		assert.deepEqual([before.unread, before.threads], [1, [{ id: root.id, lastReadId: root.id, unread: 2, mentions: 0 }]]);

		const page = await ana.connection.sendRequest(ThreadRequest.type, { id: root.id, limit: 1 });
		assert.deepEqual(page.messages.map((m) => m.id), [r2.id]);
		assert.deepEqual(await ana2.waitFor(ThreadReadNotification.type), { conversation: '#general', thread: root.id, id: r2.id });
		assert.deepEqual((await general('ana')).threads, undefined);
		void r1;

		// Reading it again (or an older page) moves nothing and tells no one.
		await ana.connection.sendRequest(ThreadRequest.type, { id: root.id });
		const r3 = await send(bob, { to: '#general', text: 'or one?', replyTo: root.id });
		await ana2.sync();
		assert.equal(ana2.received(ThreadReadNotification.type).length, 1);
		assert.deepEqual(ana2.received(ReadNotification.type), [], 'the conversation\'s marker did not move');
		assert.deepEqual((await general('ana')).threads, [{ id: root.id, lastReadId: r2.id, unread: 1, mentions: 0 }]);

		// conversation/markRead with the thread clears it too, never past the newest reply.
		await ana2.connection.sendRequest(MarkReadRequest.type, { conversation: '#general', id: r3.id + 100, thread: root.id });
		assert.deepEqual(await ana.waitFor(ThreadReadNotification.type), { conversation: '#general', thread: root.id, id: r3.id });
		const after = await general('ana');
		assert.deepEqual([after.threads, after.lastReadId], [undefined, root.id], 'the channel marker did not move');
	});

	it('both parties of a DM take part in its threads; markRead of a thread checks where it is', async () => {
		const root = await send(ana, { to: 'bob', text: 'question' });
		const reply = await send(ana, { to: 'bob', text: 'about the release', replyTo: root.id });
		const dm = (await conversations('bob')).find((c) => c.conversation === 'ana')!;
		assert.deepEqual(dm.threads, [{ id: root.id, lastReadId: root.id, unread: 1, mentions: 1 }]);
		assert.deepEqual((await conversations('ana')).find((c) => c.conversation === 'bob')!.threads, undefined);

		await ana.connection.sendRequest(CreateChannelRequest.type, { channel: '#secret', private: true });
		const secret = await send(ana, { to: '#secret', text: 'hidden' });
		const elsewhere = await rpcError(bob.connection.sendRequest(MarkReadRequest.type, { conversation: 'ana', id: 1, thread: secret.id }));
		assert.equal(elsewhere.code, ErrorCodes.NoSuchMessage, 'a message of a channel bob cannot read does not exist for bob');
		const notRoot = await rpcError(bob.connection.sendRequest(MarkReadRequest.type, { conversation: 'ana', id: reply.id, thread: reply.id }));
		assert.deepEqual([notRoot.code, notRoot.data], [ErrorCodes.InvalidParams, { field: 'thread' }]);
		await bob.connection.sendRequest(MarkReadRequest.type, { conversation: 'ana', id: reply.id, thread: root.id });
		assert.deepEqual((await conversations('bob')).find((c) => c.conversation === 'ana')!.threads, undefined);
	});

	it('guests take part in nothing and their mark-read of a thread changes nothing', async () => {
		const guest = await fx.login('gus');
		await guest.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		const root = await send(guest, { to: '#general', text: 'hi all' });
		await send(guest, { to: '#general', text: 'anyone?', replyTo: root.id });
		assert.equal(await guest.connection.sendRequest(MarkReadRequest.type, { conversation: '#general', id: root.id, thread: root.id }), null);
		await send(bob, { to: '#general', text: 'hello gus', replyTo: root.id });
		assert.deepEqual((await general('bob')).threads, undefined, 'bob replied last');
		await send(ana, { to: '#general', text: 'welcome', replyTo: root.id });
		assert.deepEqual((await general('bob')).threads, [{ id: root.id, lastReadId: root.id + 2, unread: 1, mentions: 0 }]);
	});
});

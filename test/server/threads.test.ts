/** Threads over real TCP and SQLite: replies, counters on the root, history without replies, and privacy. */
import * as assert from 'node:assert/strict';
import { ErrorCodes } from '../../protocol/errors';
import { HistoryRequest, MessageNewNotification, SendMessageRequest, type SendMessageParams } from '../../protocol/messages';
import { ThreadRequest, ThreadUpdatedNotification } from '../../protocol/threads';
import type { Message } from '../../protocol/types';
import { rpcError, type TestClient } from '../helpers/client';
import { useServer } from '../helpers/fixture';
import { signInCast } from './cast';

const send = async (c: TestClient, params: SendMessageParams): Promise<Message> => (await c.connection.sendRequest(SendMessageRequest.type, params)).message;
const history = async (c: TestClient, conversation: string): Promise<number[]> =>
	(await c.connection.sendRequest(HistoryRequest.type, { conversation })).messages.map((m) => m.id);

describe('messages: threads', () => {
	const fx = useServer({}, { manualClock: true });
	let ana: TestClient;
	let bob: TestClient;
	let eve: TestClient;
	beforeEach(async () => {
		({ ana, bob, eve } = await signInCast(fx));
	});

	it('delivers replies, counts them on the root for everyone, keeps them out of history unless also to the channel', async () => {
		const root = await send(ana, { to: '#general', text: 'release today?' });
		fx.clock.advance(1000);
		const r1 = await send(bob, { to: '#general', text: 'yes', replyTo: root.id });
		assert.equal(r1.replyTo, root.id);
		assert.deepEqual((await ana.waitFor(MessageNewNotification.type, (p) => p.message.id === r1.id)).message, r1);
		const update = { conversation: '#general', id: root.id, replyCount: 1, lastReplyTs: r1.ts };
		assert.deepEqual(await ana.waitFor(ThreadUpdatedNotification.type), update);
		assert.deepEqual(await bob.waitFor(ThreadUpdatedNotification.type), update, 'the replier too');
		fx.clock.advance(1000);
		const r2 = await send(ana, { to: '#general', text: 'shipping', replyTo: r1.id, alsoToChannel: true });
		assert.equal(r2.replyTo, root.id, 'a reply to a reply joins the root\'s thread');
		assert.equal(r2.alsoToChannel, true);
		await bob.waitFor(ThreadUpdatedNotification.type, (p) => p.replyCount === 2 && p.lastReplyTs === r2.ts);
		const later = await send(bob, { to: '#general', text: 'unrelated' });

		assert.deepEqual(await history(bob, '#general'), [root.id, r2.id, later.id], 'replies only when also to the channel');
		const page = await bob.connection.sendRequest(HistoryRequest.type, { conversation: '#general' });
		assert.deepEqual([page.messages[0].replyCount, page.messages[0].lastReplyTs], [2, r2.ts]);
		const thread = await bob.connection.sendRequest(ThreadRequest.type, { id: root.id });
		assert.deepEqual(thread.messages.map((m) => m.id), [r1.id, r2.id]);
		assert.deepEqual([thread.root.id, thread.root.replyCount, thread.hasMore], [root.id, 2, false]);
		const byReply = await bob.connection.sendRequest(ThreadRequest.type, { id: r1.id, limit: 1 });
		assert.deepEqual([byReply.root.id, byReply.messages.map((m) => m.id), byReply.hasMore], [root.id, [r2.id], true]);
	});

	it('announces the counters of a connection\'s back-to-back replies in the order sent: a thread\'s count never goes back', async () => {
		const root = await send(ana, { to: '#general', text: 'root' });
		const r0 = await send(ana, { to: '#general', text: 'first', replyTo: root.id });
		await bob.waitFor(ThreadUpdatedNotification.type, (p) => p.replyCount === 1);
		// The next read of the root is answered late, as a busy database connection may answer,
		// with what it read at once; and the second reply's check is slow enough that the two
		// replies commit apart.
		const store = fx.server.hub.store;
		const getMessage = store.getMessage.bind(store);
		const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
		let slowed = false;
		let r0Reads = 0;
		store.getMessage = async (id) => {
			const found = await getMessage(id);
			if (id === root.id && !slowed) {
				slowed = true;
				await sleep(80);
			} else if (id === r0.id && ++r0Reads === 2) {
				await sleep(30);
			}
			return found;
		};
		try {
			// Both answer r0, so that checking them reads r0, not the root.
			await Promise.all([send(ana, { to: '#general', text: 'second', replyTo: r0.id }), send(ana, { to: '#general', text: 'third', replyTo: r0.id })]);
			await bob.waitFor(ThreadUpdatedNotification.type, (p) => p.replyCount === 2);
			await bob.waitFor(ThreadUpdatedNotification.type, (p) => p.replyCount === 3);
			assert.ok(slowed);
			assert.deepEqual(bob.received(ThreadUpdatedNotification.type).map((p) => p.replyCount), [1, 2, 3]);
		} finally {
			store.getMessage = getMessage;
		}
	});

	it('replies only within the conversation; a message the caller cannot read answers like a missing one', async () => {
		const secret = await send(ana, { to: '#secret', text: 'hidden' });
		const dm = await send(ana, { to: 'bob', text: 'just us' });
		const pub = await send(ana, { to: '#general', text: 'public' });
		const missing = pub.id + 100;
		const strip = (e: { code: number; message: string }, id: number) => [e.code, e.message.replace(String(id), '<id>')];
		for (const call of [
			(id: number) => eve.connection.sendRequest(ThreadRequest.type, { id }),
			(id: number) => send(eve, { to: 'ana', text: 'me too', replyTo: id }),
		]) {
			const expected = strip(await rpcError(call(missing)), missing);
			assert.equal(expected[0], ErrorCodes.NoSuchMessage);
			for (const m of [secret, dm, pub]) {
				assert.deepEqual(strip(await rpcError(call(m.id)), m.id), expected);
			}
		}
		const elsewhere = await rpcError(send(bob, { to: '#general', text: 'x', replyTo: dm.id }));
		assert.deepEqual([elsewhere.code, elsewhere.data], [ErrorCodes.InvalidParams, { field: 'replyTo' }]);
		assert.match(elsewhere.message, /not in #general/);
	});

	it('keeps threads across a restart', async () => {
		const root = await send(ana, { to: 'bob', text: 'dm root' });
		const reply = await send(bob, { to: 'ana', text: 'dm reply', replyTo: root.id });
		assert.deepEqual(await ana.waitFor(ThreadUpdatedNotification.type), { conversation: 'bob', id: root.id, replyCount: 1, lastReplyTs: reply.ts });
		const dataDir = fx.server.dataDir;
		await fx.server.stop();
		await fx.start({ dataDir });
		const bob2 = await fx.login('bob');
		const thread = await bob2.connection.sendRequest(ThreadRequest.type, { id: root.id });
		assert.deepEqual(thread.messages, [reply]);
		assert.equal(thread.root.replyCount, 1);
		assert.deepEqual(await history(bob2, 'ana'), [root.id]);
	});
});

import * as assert from 'node:assert/strict';
import type { ChatClient } from '../../extension/client/chatClient';
import { ConversationStore } from '../../extension/client/conversationStore';
import { parseCache, restoreCache, snapshotCache } from '../../extension/client/offlineCache';
import type { StoreChange } from '../../extension/client/storeChanges';
import { ResyncNotification } from '../../protocol/lifecycle';
import type { Message } from '../../protocol/types';
import { encodeNotification } from '../../server/transport/frames';
import { createHarness, sendAll, texts, until, waitFor } from './harness';

/** So long that a test decides when the client retries (reconnectNow). */
const MANUAL = { backoff: { initialDelayMs: 60_000, maxDelayMs: 60_000 } };

function stored(client: ChatClient, conversation: string, text: string): Message {
	const found = client.store.get(conversation)?.messages().find((m) => m.text === text);
	assert.ok(found, `${client.nick} has "${text}" in ${conversation}`);
	return found;
}

function byId(client: ChatClient, conversation: string, id: number): Message | undefined {
	return client.store.get(conversation)?.messages().find((m) => m.id === id);
}

function updated(client: ChatClient, id: number, match: (m: Message) => boolean, what: string): Promise<StoreChange> {
	return waitFor(client.store.onDidChange, (c) => c.kind === 'messageUpdated' && c.message.id === id && match(c.message), what);
}

function threadChange(client: ChatClient, root: number, match: (c: Extract<StoreChange, { kind: 'thread' }>) => boolean, what: string): Promise<StoreChange> {
	return waitFor(client.store.onDidChange, (c) => c.kind === 'thread' && c.root.id === root && match(c), what);
}

describe('client: message actions (edit, delete, react, threads) against a real server', function () {
	this.timeout(15_000);
	const h = createHarness();
	afterEach(() => h.cleanup());

	/** bob owns #room (he created it), alice and carol are plain members. */
	async function room(): Promise<{ port: number; alice: ChatClient; bob: ChatClient; carol: ChatClient }> {
		const server = await h.server();
		const bob = await h.login(server.port, 'bob');
		await bob.join('#room');
		const alice = await h.login(server.port, 'alice');
		await alice.join('#room');
		const carol = await h.login(server.port, 'carol');
		await carol.join('#room');
		return { port: server.port, alice, bob, carol };
	}

	/** #room with alice's "root question", which bob sees, open as a thread in alice's client. */
	async function threadRoom(): Promise<{ alice: ChatClient; bob: ChatClient; root: number }> {
		const { alice, bob } = await room();
		await sendAll(alice, '#room', ['root question']);
		await until(bob.store.onDidChange, () => texts(bob, '#room').length === 1, 'bob to see it');
		const root = stored(alice, '#room', 'root question').id;
		await alice.messages.openThread(root);
		return { alice, bob, root };
	}

	it('edits a message: the author and everyone else see the new text, marked edited', async () => {
		const { alice, bob } = await room();
		await sendAll(alice, '#room', ['teh typo']);
		await until(bob.store.onDidChange, () => texts(bob, '#room').includes('teh typo'), 'bob to see the message');
		const id = stored(alice, '#room', 'teh typo').id;
		const seen = updated(bob, id, (m) => m.text === 'the typo', 'bob to see the edit');
		await alice.messages.edit('#room', id, 'the typo');
		await seen;
		for (const client of [alice, bob]) {
			const m = byId(client, '#room', id)!;
			assert.equal(m.text, 'the typo');
			assert.ok(m.editedTs !== undefined && m.editedTs >= m.ts, `${client.nick} sees when it was edited`);
		}
		assert.ok(byId(alice, '#room', id)?.clientMsgId, 'the author keeps the clientMsgId of the message');
		await assert.rejects(bob.messages.edit('#room', id, 'not mine'), /Only the author/);
		await assert.rejects(alice.messages.edit('#room', id, '   '), /delete it instead/);
		assert.equal(byId(bob, '#room', id)?.text, 'the typo');
	});

	it('deletes: the author, and the channel owner any message; a plain member not others\' messages', async () => {
		const { alice, bob, carol } = await room();
		await sendAll(alice, '#room', ['first', 'second']);
		await until(carol.store.onDidChange, () => texts(carol, '#room').length === 2, 'carol to see both');
		const [first, second] = ['first', 'second'].map((t) => stored(alice, '#room', t).id);
		await assert.rejects(carol.messages.remove('#room', first), /Forbidden|only|cannot|owner/i);
		const gone = updated(carol, first, (m) => m.deleted === true, 'carol to see the deletion');
		await alice.messages.remove('#room', first);
		await gone;
		assert.deepEqual(byId(carol, '#room', first), { id: first, ts: byId(carol, '#room', first)!.ts, from: 'alice', to: '#room', text: '', deleted: true });
		const byOwner = updated(alice, second, (m) => m.deleted === true, 'alice to see the owner delete hers');
		await bob.messages.remove('#room', second);
		await byOwner;
		assert.equal(byId(alice, '#room', second)?.text, '');
		// A deleted message can no longer be edited: said in words.
		await assert.rejects(alice.messages.edit('#room', second, 'back'), /deleted/);
	});

	it('reacts and takes a reaction back; everyone sees who reacted', async () => {
		const { alice, bob, carol } = await room();
		await sendAll(alice, '#room', ['ship it?']);
		await until(bob.store.onDidChange, () => texts(bob, '#room').length === 1, 'bob to see it');
		const id = stored(alice, '#room', 'ship it?').id;
		const seen = updated(alice, id, (m) => m.reactions?.[0]?.nicks.length === 2, 'alice to see two thumbs up');
		await bob.messages.react(id, '👍', true);
		await carol.messages.react(id, '👍', true);
		await seen;
		assert.deepEqual(byId(alice, '#room', id)?.reactions?.map((r) => r.nicks.length), [2]);
		const cleared = [bob, carol].map((c) => updated(c, id, (m) => m.reactions === undefined, `${c.nick} to see no reactions left`));
		await bob.messages.react(id, '👍', false);
		await carol.messages.react(id, '👍', false);
		await Promise.all(cleared);
		assert.equal(byId(bob, '#room', id)?.reactions, undefined);
		await assert.rejects(bob.messages.react(id, 'lol', true), /not an emoji/);
	});

	it('keeps replies out of the timeline, in the thread, and counts them on the root', async () => {
		const { alice, bob, root } = await threadRoom();
		assert.equal(alice.messages.threads.get(root)?.replies.length, 0);

		const notified: string[] = [];
		alice.onDidReceiveMessage((m) => notified.push(m.message.text));
		const live = threadChange(alice, root, (c) => c.replies.some((m) => m.text === 'an answer'), 'alice to get the reply in the thread');
		const counted = updated(alice, root, (m) => m.replyCount === 1, 'alice to see 1 reply on the root');
		const reply = await bob.messages.reply('#room', root, 'an answer', false);
		assert.equal(reply.replyTo, root);
		await Promise.all([live, counted]);
		assert.deepEqual(texts(alice, '#room'), ['root question'], 'a reply is not in the timeline');
		assert.deepEqual(texts(bob, '#room'), ['root question']);
		assert.ok((byId(alice, '#room', root)?.lastReplyTs ?? 0) >= reply.ts);

		const both = until(alice.store.onDidChange, () => texts(alice, '#room').includes('also here'), 'alice to see the reply in the channel');
		await bob.messages.reply('#room', root, 'also here', true);
		await both;
		const mentioned = waitFor(alice.onDidReceiveMessage, (m) => m.message.text === 'alice: see above', 'a notification for a reply that mentions alice');
		await bob.messages.reply('#room', root, 'alice: see above', false);
		await mentioned;
		// Replies that do not mention her notify nothing; one also in the channel, once.
		assert.deepEqual(notified, ['also here', 'alice: see above']);
		assert.deepEqual(alice.messages.threads.get(root)?.replies.map((m) => m.text), ['an answer', 'also here', 'alice: see above']);

		// Edits, reactions and deletions of replies reach the open thread.
		const edited = threadChange(alice, root, (c) => c.replies[0].text === 'a better answer', 'the edit in the thread');
		await bob.messages.edit('#room', reply.id, 'a better answer');
		await edited;
		const deleted = threadChange(alice, root, (c) => c.replies[0].deleted === true, 'the deletion in the thread');
		await bob.messages.remove('#room', reply.id);
		await deleted;
	});

	it('keeps a thread\'s larger reply count when an older count arrives late (another server of a cluster may send it after a newer one)', async () => {
		const { alice, bob, root } = await threadRoom();
		const first = await bob.messages.reply('#room', root, 'one', false);
		const counted = updated(alice, root, (m) => m.replyCount === 2, 'alice to see 2 replies on the root');
		const second = await bob.messages.reply('#room', root, 'two', false);
		await counted;
		const counts = () => [byId(alice, '#room', root)?.replyCount, alice.messages.threads.get(root)?.root.replyCount];
		assert.deepEqual(counts(), [2, 2]);
		// The announcement of the first reply, late: it changes nothing.
		const push = alice.messages.handlers(() => true);
		push.threadUpdated('#room', root, 1, first.ts);
		assert.deepEqual(counts(), [2, 2]);
		assert.equal(byId(alice, '#room', root)?.lastReplyTs, second.ts);
		// A newer one still counts.
		push.threadUpdated('#room', root, 3, second.ts + 1);
		assert.deepEqual(counts(), [3, 3]);
		assert.equal(alice.messages.threads.get(root)?.root.lastReplyTs, second.ts + 1);
	});

	it('reads again what it shows when the server asks (server/resync): finds a deletion it was never told of', async () => {
		const server = await h.server();
		const alice = await h.login(server.port, 'alice');
		await alice.join('#room');
		const bob = await h.login(server.port, 'bob');
		await bob.join('#room');
		await sendAll(alice, '#room', ['keep', 'secret']);
		await until(bob.store.onDidChange, () => texts(bob, '#room').length === 2, 'bob to see both');
		const secret = stored(alice, '#room', 'secret').id;
		// Deleted behind the clients' backs, as another node's deletion lost with the bus.
		await server.hub.store.remove(secret);
		assert.equal(byId(bob, '#room', secret)?.text, 'secret');
		const gone = updated(bob, secret, (m) => m.deleted === true, 'bob to find it deleted');
		await server.hub.resyncHere('a test');
		await gone;
		assert.equal(byId(bob, '#room', secret)?.text, '');
		assert.equal(byId(bob, '#room', stored(alice, '#room', 'keep').id)?.text, 'keep');
	});

	it('reading again on server/resync does not join again a channel the user was removed from meanwhile', async () => {
		const server = await h.server();
		const alice = await h.login(server.port, 'alice');
		await alice.join('#room');
		const bob = await h.login(server.port, 'bob', { resyncSpreadMs: 0 });
		await bob.join('#room');
		await bob.join('#other');
		// Unheard by bob's server (events of another node, lost): his membership of #room
		// ended, and #other got a topic.
		await server.hub.memberships.remove('#room', 'bob');
		await server.hub.store.setTopic('#other', 'set elsewhere');
		const gone = until(bob.store.onDidChange, () => bob.store.get('#room')?.joined !== true, 'bob\'s client to leave #room');
		const reread = until(bob.store.onDidChange, () => bob.store.get('#other')?.topic === 'set elsewhere', 'bob to read #other again');
		// Only the request to read again (the server's own check of memberships is tested in test/server/resync.test.ts).
		server.hub.broadcastHere(encodeNotification(ResyncNotification.type, { reason: 'a test' }));
		await Promise.all([gone, reread]);
		assert.equal(await server.hub.memberships.get('#room', 'bob'), undefined, 'reading again did not join #room again');
		assert.equal(bob.store.get('#other')?.joined, true, 'still in #other');
	});

	it('pages back through a long thread', async () => {
		const { alice, bob } = await room();
		await sendAll(alice, '#room', ['busy thread']);
		const root = stored(alice, '#room', 'busy thread').id;
		await until(bob.store.onDidChange, () => texts(bob, '#room').length === 1, 'bob to see it');
		for (let i = 0; i < 55; i++) {
			await bob.messages.reply('#room', root, `r${i}`, false);
		}
		await alice.messages.openThread(root);
		const thread = alice.messages.threads.get(root)!;
		assert.equal(thread.replies.length, 50);
		assert.equal(thread.hasMoreBefore, true);
		assert.equal(thread.root.replyCount, 55);
		await alice.messages.loadOlderReplies(root);
		const all = alice.messages.threads.get(root)!;
		assert.deepEqual(all.replies.map((m) => m.text), Array.from({ length: 55 }, (_, i) => `r${i}`));
		assert.equal(all.hasMoreBefore, false);
	});

	it('locates a linked message: a channel message, or a reply in its thread', async () => {
		const { alice, bob } = await room();
		await sendAll(alice, '#room', ['linked']);
		const id = stored(alice, '#room', 'linked').id;
		const reply = await alice.messages.reply('#room', id, 'in the thread', false);
		await until(bob.store.onDidChange, () => texts(bob, '#room').length === 1, 'bob to see it');
		assert.deepEqual(await bob.messages.locate(id), { conversation: '#room', id });
		assert.deepEqual(await bob.messages.locate(reply.id), { conversation: '#room', id: reply.id, threadRoot: id });
		await assert.rejects(bob.messages.locate(999_999), /gone/);
	});

	it('shows edits, deletions and reactions made while it was offline, after the reconnect', async () => {
		const first = await h.server();
		const { port, dataDir } = first;
		const alice = await h.login(port, 'alice', MANUAL);
		await alice.join('#room');
		const bob = await h.login(port, 'bob');
		await bob.join('#room');
		await sendAll(bob, '#room', ['to edit', 'to delete', 'to react to']);
		await until(alice.store.onDidChange, () => texts(alice, '#room').length === 3, 'alice to see 3');
		const [edit, remove, react] = ['to edit', 'to delete', 'to react to'].map((t) => stored(alice, '#room', t).id);
		await alice.messages.openThread(react);
		bob.dispose();

		const reconnecting = until(alice.onDidChangeStatus, () => alice.status.state === 'reconnecting', 'reconnecting');
		await first.stop();
		await reconnecting;
		await assert.rejects(alice.messages.react(react, '👍', true), /offline/);
		await h.server({ port, dataDir });
		const bob2 = await h.login(port, 'bob');
		await bob2.join('#room');
		await bob2.messages.edit('#room', edit, 'edited offline');
		await bob2.messages.remove('#room', remove);
		await bob2.messages.react(react, '🎉', true);
		await bob2.messages.reply('#room', react, 'missed reply', false);

		const synced = waitFor(alice.onDidSynchronize, () => true, 'alice to resync');
		alice.reconnectNow();
		await synced;
		assert.equal(byId(alice, '#room', edit)?.text, 'edited offline');
		assert.ok(byId(alice, '#room', edit)?.editedTs);
		assert.equal(byId(alice, '#room', remove)?.deleted, true);
		assert.deepEqual(byId(alice, '#room', react)?.reactions, [{ emoji: '🎉', nicks: ['bob'] }]);
		assert.equal(byId(alice, '#room', react)?.replyCount, 1);
		assert.deepEqual(alice.messages.threads.get(react)?.replies.map((m) => m.text), ['missed reply']);
		assert.deepEqual(texts(alice, '#room'), ['edited offline', '', 'to react to']);
	});

	it('keeps edits, deletions, reactions and reply counts in the offline cache', async () => {
		const { alice, bob } = await room();
		await sendAll(bob, '#room', ['keep', 'gone']);
		await until(alice.store.onDidChange, () => texts(alice, '#room').length === 2, 'alice to see both');
		const [keep, gone] = ['keep', 'gone'].map((t) => stored(alice, '#room', t).id);
		const changes = [updated(alice, keep, (m) => m.replyCount === 1, 'the reply count'), updated(alice, gone, (m) => m.deleted === true, 'the deletion')];
		await bob.messages.edit('#room', keep, 'kept, edited');
		await bob.messages.react(keep, '👀', true);
		await bob.messages.reply('#room', keep, 'a reply', false);
		await bob.messages.remove('#room', gone);
		await Promise.all(changes);
		const cache = parseCache(JSON.parse(JSON.stringify(snapshotCache(alice.store, 'alice'))));
		assert.ok(cache);
		const restored = new ConversationStore();
		restored.setSelf('alice');
		restoreCache(restored, cache);
		const [m1, m2] = restored.get('#room')!.messages();
		assert.equal(m1.text, 'kept, edited');
		assert.ok(m1.editedTs);
		assert.deepEqual(m1.reactions, [{ emoji: '👀', nicks: ['bob'] }]);
		assert.equal(m1.replyCount, 1);
		assert.equal(m2.deleted, true);
		restored.dispose();
	});
});

import * as assert from 'node:assert/strict';
import type { ChatClient } from '../../extension/client/chatClient';
import { assertStrictlyIncreasing, createHarness, sendAll, texts, until, waitFor } from './harness';

/** So long that a test decides when the client retries (reconnectNow). */
const MANUAL = { backoff: { initialDelayMs: 60_000, maxDelayMs: 60_000 } };
/** Fast automatic retries. */
const FAST = { backoff: { initialDelayMs: 20, maxDelayMs: 100 } };

function waitState(client: ChatClient, state: string, what = state) {
	return until(client.onDidChangeStatus, () => client.status.state === state, `${what}`);
}

describe('client: reconnect, catch-up and outbox against a real server', function () {
	this.timeout(15_000);
	const h = createHarness();
	afterEach(() => h.cleanup());

	it('after a server restart, rejoins and fetches the missed messages exactly once', async () => {
		const first = await h.server();
		const { port, dataDir } = first;
		const alice = await h.login(port, 'alice', { ...MANUAL, historyPageSize: 50 });
		const bob = await h.login(port, 'bob', MANUAL);
		await alice.join('#room');
		await bob.join('#room');
		await sendAll(bob, '#room', ['before 1', 'before 2', 'before 3']);
		await until(alice.store.onDidChange, () => texts(alice, '#room').length === 3, 'alice to see 3 live messages');
		bob.dispose();
		const unreadBefore = alice.store.get('#room')!.unread;

		const shutdown = waitFor(alice.onDidReceiveServerEvent, (e) => e.kind === 'shutdown', 'server/shutdown');
		const reconnecting = waitState(alice, 'reconnecting');
		await first.stop('maintenance');
		assert.equal((await shutdown).text, 'maintenance');
		await reconnecting;
		assert.match(alice.status.detail ?? '', /shut down \(maintenance\)/);

		await h.server({ port, dataDir });
		const carol = await h.login(port, 'carol');
		await carol.join('#room');
		const missed = Array.from({ length: 120 }, (_, i) => `missed ${i}`);
		await sendAll(carol, '#room', missed);

		const synced = waitFor(alice.onDidSynchronize, () => true, 'alice to resync');
		alice.reconnectNow();
		await synced;
		assert.equal(alice.status.state, 'connected');
		const room = alice.store.get('#room')!;
		assert.deepEqual(texts(alice, '#room'), ['before 1', 'before 2', 'before 3', ...missed]);
		assertStrictlyIncreasing(room.messageIds());
		assert.equal(room.unread - unreadBefore, 120, 'each missed message counted once as unread');
		assert.ok(room.members?.some((m) => m.nick === 'alice'), 'rejoined');

		const live = waitFor(alice.onDidReceiveMessage, (m) => m.message.text === 'after', 'a live message after resync');
		carol.send('#room', 'after');
		await live;
		assert.deepEqual(texts(alice, '#room').slice(-2), ['missed 119', 'after']);
	});

	it('reconnects by itself with backoff while others keep talking: no gaps, no doubles', async () => {
		const first = await h.server();
		const { port, dataDir } = first;
		const alice = await h.login(port, 'alice', { ...FAST, historyPageSize: 7 });
		await alice.join('#busy');
		const reconnecting = waitState(alice, 'reconnecting');
		await first.stop();
		await reconnecting;
		await h.server({ port, dataDir });
		const carol = await h.login(port, 'carol');
		await carol.join('#busy');
		const sent = Array.from({ length: 40 }, (_, i) => `n${i}`);
		await sendAll(carol, '#busy', sent);
		await until(alice.store.onDidChange, () => texts(alice, '#busy').length >= 40, 'alice to have all 40', 10_000);
		assert.equal(alice.status.state, 'connected');
		assert.deepEqual(texts(alice, '#busy'), sent);
		assertStrictlyIncreasing(alice.store.get('#busy')!.messageIds());
	});

	it('sends messages typed while offline once after reconnect, and a retry with the same clientMsgId is not doubled', async () => {
		const first = await h.server();
		const { port, dataDir } = first;
		const alice = await h.login(port, 'alice', MANUAL);
		const bob = await h.login(port, 'bob', MANUAL);
		await alice.join('#room');
		await bob.join('#room');
		const received: string[] = [];
		bob.onDidReceiveMessage((m) => received.push(m.message.text));

		const down = Promise.all([waitState(alice, 'reconnecting'), waitState(bob, 'reconnecting')]);
		await first.stop();
		await down;
		const entry = alice.send('#room', 'typed offline');
		alice.send('#room', 'typed offline 2');
		assert.equal(alice.outbox.size, 2);
		const pending = alice.store.get('#room')!.timeline().filter((i) => i.kind === 'message' && i.pending);
		assert.equal(pending.length, 2, 'shown as pending while offline');

		await h.server({ port, dataDir });
		const bobBack = waitFor(bob.onDidSynchronize, () => true, 'bob to resync');
		bob.reconnectNow();
		await bobBack;
		const delivered = until(bob.onDidReceiveMessage, () => received.length === 2, 'bob to receive both');
		alice.reconnectNow();
		await delivered;
		await until(alice.store.onDidChange, () => alice.outbox.size === 0, 'outbox to drain');
		assert.deepEqual(texts(alice, '#room'), ['typed offline', 'typed offline 2']);
		assert.equal(alice.store.get('#room')!.timeline().some((i) => i.kind === 'message' && i.pending), false);

		const stored = alice.store.get('#room')!.timeline().find((i) => i.kind === 'message' && i.message.clientMsgId === entry.clientMsgId);
		const again = await alice.resend(entry);
		assert.ok(stored?.kind === 'message');
		assert.equal(again.id, stored.message.id, 'the retry returns the stored message');
		// Messages on one connection arrive in order: once the marker is in, a double would be too.
		const marker = waitFor(bob.onDidReceiveMessage, (m) => m.message.text === 'marker', 'marker');
		alice.send('#room', 'marker');
		await marker;
		assert.deepEqual(received, ['typed offline', 'typed offline 2', 'marker']);

		const dave = await h.login(port, 'dave');
		await dave.join('#room');
		assert.deepEqual(texts(dave, '#room'), ['typed offline', 'typed offline 2', 'marker'], 'stored once on the server');
	});

	it('does not double a message whose first send reached the server before the answer was lost', async () => {
		const first = await h.server();
		const { port, dataDir } = first;
		const alice = await h.login(port, 'alice', MANUAL);
		const bob = await h.login(port, 'bob', FAST);
		await alice.join('#room');
		await bob.join('#room');
		const reconnecting = waitState(alice, 'reconnecting');
		await first.stop();
		await reconnecting;
		const entry = alice.send('#room', 'only once');

		await h.server({ port, dataDir });
		await waitFor(bob.onDidSynchronize, () => true, 'bob to come back');
		const received: string[] = [];
		bob.onDidReceiveMessage((m) => received.push(m.message.text));
		// The first attempt: the same sender and clientMsgId reach the server, the answer never reaches alice.
		const ghost = await h.login(port, 'alice');
		await ghost.join('#room');
		await ghost.resend(entry);
		await ghost.disconnect();

		const synced = waitFor(alice.onDidSynchronize, () => true, 'alice to resync');
		alice.reconnectNow();
		await synced;
		await until(alice.store.onDidChange, () => alice.outbox.size === 0, 'outbox to drain');
		assert.deepEqual(texts(alice, '#room'), ['only once']);
		const marker = waitFor(bob.onDidReceiveMessage, (m) => m.message.text === 'marker', 'marker');
		alice.send('#room', 'marker');
		await marker;
		assert.deepEqual(received, ['only once', 'marker']);
	});

	it('stays offline after a kick and says why', async () => {
		const server = await h.server();
		const alice = await h.login(server.port, 'alice', FAST);
		const kicked = waitFor(alice.onDidReceiveServerEvent, (e) => e.kind === 'kicked', 'session/kicked');
		const offline = waitState(alice, 'offline');
		assert.ok(server.hub.kick('alice', 'flooding'));
		assert.equal((await kicked).text, 'flooding');
		await offline;
		assert.match(alice.status.detail ?? '', /Kicked by the server: flooding/);
	});

	it('disconnects on request without reconnecting, and reconnects on the next connect', async () => {
		const server = await h.server();
		const alice = await h.login(server.port, 'alice', FAST);
		await alice.join('#room');
		await alice.disconnect('bye');
		assert.equal(alice.status.state, 'offline');
		const bob = await h.login(server.port, 'bob');
		await bob.join('#room');
		await sendAll(bob, '#room', ['while away']);
		await alice.connect('alice');
		assert.deepEqual(texts(alice, '#room'), ['while away'], 'rejoined and caught up');
	});
});

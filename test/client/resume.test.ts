import * as assert from 'node:assert/strict';
import { ResponseError } from 'vscode-jsonrpc/node';
import { ErrorCodes } from '../../protocol/errors';
import type { ChatClient } from '../../extension/client/chatClient';
import { createHarness, texts, until, waitFor } from './harness';
import { TcpProxy, type Frame } from './proxy';

/** So long that a test decides when the client retries (reconnectNow). */
const MANUAL = { backoff: { initialDelayMs: 60_000, maxDelayMs: 60_000 } };

function sends(frames: Frame[]): Frame[] {
	return frames.filter((f) => f.method === 'message/send');
}

/**
 * A connection that dies without the server noticing, as on a laptop that sleeps or
 * changes networks: a proxy cuts only the client's side, so the server still holds the
 * old session and its nick.
 */
describe('client: resume after a silent drop, and outbox retries', function () {
	this.timeout(15_000);
	const h = createHarness();
	let proxy: TcpProxy | undefined;
	afterEach(async () => {
		await proxy?.close();
		proxy = undefined;
		await h.cleanup();
	});

	async function throughProxy(port: number, nick: string): Promise<ChatClient> {
		proxy = await TcpProxy.start(port);
		return h.login(proxy.port, nick, MANUAL);
	}

	it('takes the nick back at once with the resume token, and settles a message whose answer was lost from history', async () => {
		const server = await h.server();
		const alice = await throughProxy(server.port, 'alice');
		const bob = await h.login(server.port, 'bob');
		await alice.join('#room');
		await bob.join('#room');
		const first = proxy!.last;

		// The server stores and delivers the message, but its answer never reaches alice.
		first.dropDown = true;
		const atBob = waitFor(bob.onDidReceiveMessage, (m) => m.message.text === 'answer lost', 'bob to receive');
		const entry = alice.send('#room', 'answer lost');
		await atBob;
		const reconnecting = until(alice.onDidChangeStatus, () => alice.status.state === 'reconnecting', 'reconnecting');
		first.dropClientSide();
		await reconnecting;

		// The server still holds alice: without the token the nick is taken.
		const error = await h.client(server.port).connect('alice').then(() => undefined, (e: unknown) => e);
		assert.ok(error instanceof ResponseError && error.code === ErrorCodes.NickInUse, String(error));

		const synced = waitFor(alice.onDidSynchronize, () => true, 'alice to resync');
		alice.reconnectNow();
		await synced;
		assert.equal(alice.status.state, 'connected');
		const token = first.framesDown().find((f) => f.id === first.framesUp().find((u) => u.method === 'initialize')?.id)?.result?.resumeToken;
		const resumed = proxy!.last.framesUp().find((f) => f.method === 'initialize');
		assert.equal(typeof token, 'string');
		assert.equal(resumed?.params?.resumeToken, token, 'the reconnect offered the first session\'s token');

		assert.equal(alice.outbox.size, 0, 'settled by the rejoin history, before any resend');
		assert.equal(sends(proxy!.framesUp()).length, 1, 'never sent again');
		const stored = alice.store.get('#room')!.timeline().filter((i) => i.kind === 'message' && i.message.clientMsgId === entry.clientMsgId);
		assert.equal(stored.length, 1);
		assert.ok(stored[0].kind === 'message' && !stored[0].pending && stored[0].message.id > 0);
		assert.deepEqual(texts(alice, '#room'), ['answer lost']);
		assert.deepEqual(texts(bob, '#room'), ['answer lost']);
		assert.ok(alice.store.get('#room')!.timeline().every((i) => i.kind !== 'message' || !i.pending), 'no pending copy left');
	});

	it('retries a message in flight during a server restart with the same clientMsgId, and it is stored once', async () => {
		const first = await h.server();
		const { port, dataDir } = first;
		const alice = await throughProxy(port, 'alice');
		await alice.join('#room');

		// The request leaves alice but never reaches the server.
		proxy!.last.holdUp = true;
		const entry = alice.send('#room', 'in flight');
		await until(proxy!.onDidTraffic, () => sends(proxy!.framesUp()).length === 1, 'the message/send to leave alice');
		const reconnecting = until(alice.onDidChangeStatus, () => alice.status.state === 'reconnecting', 'reconnecting');
		await first.stop('restart');
		await reconnecting;
		assert.equal(alice.outbox.size, 1, 'kept for the retry');

		await h.server({ port, dataDir });
		const acked = until(alice.store.onDidChange, () => alice.outbox.size === 0, 'the retry to be acknowledged');
		alice.reconnectNow();
		await acked;
		const attempts = sends(proxy!.framesUp());
		assert.equal(attempts.length, 2);
		assert.deepEqual(attempts.map((f) => f.params?.clientMsgId), [entry.clientMsgId, entry.clientMsgId]);
		assert.equal(entry.attempts, 2);

		const dave = await h.login(port, 'dave');
		await dave.join('#room');
		assert.deepEqual(texts(dave, '#room'), ['in flight'], 'stored once');
		assert.deepEqual(texts(alice, '#room'), ['in flight']);
	});

	it('settles a message whose answer was lost across a server restart from history; a late retry gets the stored message', async () => {
		const first = await h.server();
		const { port, dataDir } = first;
		const alice = await throughProxy(port, 'alice');
		const bob = await h.login(port, 'bob', MANUAL);
		await alice.join('#room');
		await bob.join('#room');
		proxy!.last.dropDown = true;
		const atBob = waitFor(bob.onDidReceiveMessage, (m) => m.message.text === 'stored, answer lost', 'bob to receive');
		const entry = alice.send('#room', 'stored, answer lost');
		await atBob;
		const down = Promise.all([alice, bob].map((c) => until(c.onDidChangeStatus, () => c.status.state === 'reconnecting', 'reconnecting')));
		await first.stop('restart');
		await down;

		await h.server({ port, dataDir });
		const synced = waitFor(alice.onDidSynchronize, () => true, 'alice to resync');
		alice.reconnectNow();
		await synced;
		assert.equal(alice.outbox.size, 0);
		assert.deepEqual(sends(proxy!.framesUp()).map((f) => f.params?.clientMsgId), [entry.clientMsgId]);
		assert.deepEqual(texts(alice, '#room'), ['stored, answer lost']);
		// A late retry (the outbox's, or a user's) still gets the stored message back.
		const again = await alice.resend(entry);
		assert.equal(again.id, alice.store.get('#room')!.messageIds()[0]);
		const dave = await h.login(port, 'dave');
		await dave.join('#room');
		assert.deepEqual(texts(dave, '#room'), ['stored, answer lost']);
	});

	it('stays offline when the nick was taken by someone else while away, despite the token', async () => {
		const first = await h.server();
		const { port, dataDir } = first;
		const alice = await h.login(port, 'alice', MANUAL);
		const reconnecting = until(alice.onDidChangeStatus, () => alice.status.state === 'reconnecting', 'reconnecting');
		await first.stop();
		await reconnecting;
		await h.server({ port, dataDir });
		await h.login(port, 'alice');
		const offline = until(alice.onDidChangeStatus, () => alice.status.state === 'offline', 'offline');
		alice.reconnectNow();
		await offline;
		assert.match(alice.status.detail ?? '', /Could not sign in again as alice: Nickname 'alice' is taken/);
	});
});

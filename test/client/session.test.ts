import * as assert from 'node:assert/strict';
import { ResponseError } from 'vscode-jsonrpc/node';
import { ErrorCodes } from '../../protocol/errors';
import { ConnectError, describeConnectError } from '../../extension/client/transport';
import { assertStrictlyIncreasing, createHarness, sendAll, texts, until, waitFor } from './harness';

describe('client: session against a real server', function () {
	this.timeout(10_000);
	const h = createHarness();
	afterEach(() => h.cleanup());

	it('connects and initializes', async () => {
		const server = await h.server();
		const client = h.client(server.port);
		const states: string[] = [];
		client.onDidChangeStatus((s) => states.push(s.state));
		const result = await client.connect('alice');
		assert.equal(result.nick, 'alice');
		assert.equal(client.status.state, 'connected');
		assert.equal(client.status.nick, 'alice');
		assert.equal(client.status.server, `127.0.0.1:${server.port}`);
		assert.deepEqual(states, ['connecting', 'connected']);
		assert.ok(client.limits && client.limits.maxMessageLength > 0);
	});

	it('reports an unreachable server with its address and how to start one', async () => {
		const server = await h.server();
		const port = server.port;
		await server.stop();
		const client = h.client(port);
		const error = await client.connect('alice').then(() => undefined, (e: unknown) => e);
		assert.ok(error instanceof ConnectError, String(error));
		assert.equal(error.code, 'ECONNREFUSED');
		const text = describeConnectError(error);
		assert.match(text, new RegExp(`127\\.0\\.0\\.1:${port}`));
		assert.match(text, /node server/);
		assert.equal(client.status.state, 'offline');
	});

	it('reports NickInUse, then signs in with another nick over the same connection', async () => {
		const server = await h.server();
		await h.login(server.port, 'alice');
		const client = h.client(server.port);
		const error = await client.connect('Alice').then(() => undefined, (e: unknown) => e);
		assert.ok(error instanceof ResponseError, String(error));
		assert.equal(error.code, ErrorCodes.NickInUse);
		assert.equal(client.status.state, 'offline');
		const result = await client.connect('alice2');
		assert.equal(result.nick, 'alice2');
		assert.equal(client.socketCount, 1, 'the second initialize reuses the socket');
		assert.equal(client.status.state, 'connected');
	});

	it('rejects an invalid nick before sending anything', async () => {
		const server = await h.server();
		const client = h.client(server.port);
		await assert.rejects(client.connect('9lives'), /must start with a letter/);
		assert.equal(client.socketCount, 0);
	});

	it('joins a channel and tracks members joining', async () => {
		const server = await h.server();
		const alice = await h.login(server.port, 'alice');
		const id = await alice.join('#Room');
		assert.equal(id, '#room');
		const room = alice.store.get('#room');
		assert.ok(room?.joined);
		assert.deepEqual(room.members?.map((m) => m.nick), ['alice']);
		assert.equal(alice.store.active, '#room');
		const bob = await h.login(server.port, 'bob');
		const seen = waitFor(alice.store.onDidChange, (c) => c.kind === 'members' && c.members.some((m) => m.nick === 'bob'), 'bob in members');
		await bob.join('#room');
		await seen;
		assert.deepEqual((alice.store.get('#room')?.members ?? []).map((m) => m.nick).sort(), ['alice', 'bob']);
		assert.ok(alice.store.get('#room')?.timeline().some((i) => i.kind === 'event' && i.text === 'bob joined #room'));
	});

	it('sends to a channel: pending, acknowledged, delivered once', async () => {
		const server = await h.server();
		const alice = await h.login(server.port, 'alice');
		const bob = await h.login(server.port, 'bob');
		await alice.join('#room');
		await bob.join('#room');
		const changes: string[] = [];
		alice.store.onDidChange((c) => changes.push(c.kind));
		const received = waitFor(bob.onDidReceiveMessage, () => true, 'bob to receive');
		const entry = alice.send('#room', 'hello @bob');
		const last = alice.store.get('#room')?.timeline().at(-1);
		assert.ok(last?.kind === 'message' && last.pending && last.message.clientMsgId === entry.clientMsgId, 'shown as pending at once');
		const incoming = await received;
		assert.equal(incoming.message.text, 'hello @bob');
		assert.equal(incoming.message.from, 'alice');
		assert.equal(incoming.conversation, '#room');
		assert.equal(incoming.mention, true);
		await until(alice.store.onDidChange, () => alice.outbox.size === 0, 'ack');
		assert.ok(changes.includes('acknowledged'));
		assert.deepEqual(texts(alice, '#room'), ['hello @bob']);
		assert.deepEqual(texts(bob, '#room'), ['hello @bob']);
		assert.equal(alice.store.get('#room')?.timeline().some((i) => i.kind === 'message' && i.message.clientMsgId === entry.clientMsgId && !i.pending), true);
		assert.deepEqual(bob.store.get('#room') && { unread: bob.store.get('#room')!.unread, mentions: bob.store.get('#room')!.mentions }, { unread: 1, mentions: 1 });
	});

	it('refuses a message to a channel it has not joined, without a round trip', async () => {
		const server = await h.server();
		const alice = await h.login(server.port, 'alice');
		await alice.join('#room');
		await alice.leave('#room');
		assert.throws(() => alice.send('#room', 'x'), /No conversation/);
	});

	it('exchanges direct messages', async () => {
		const server = await h.server();
		const alice = await h.login(server.port, 'alice');
		const bob = await h.login(server.port, 'bob');
		const id = await alice.openDirect('bob');
		assert.equal(id, 'bob');
		const toBob = waitFor(bob.onDidReceiveMessage, () => true, 'DM to bob');
		alice.send('bob', 'psst');
		const incoming = await toBob;
		assert.equal(incoming.direct, true);
		assert.equal(incoming.conversation, 'alice');
		const dm = bob.store.get('alice');
		assert.equal(dm?.kind, 'dm');
		assert.equal(dm?.name, 'alice');
		assert.equal(dm?.unread, 1);
		assert.equal(dm?.mentions, 1, 'every unread DM counts as a mention');
		const toAlice = waitFor(alice.onDidReceiveMessage, () => true, 'DM to alice');
		bob.send('alice', 'what?');
		await toAlice;
		await until(alice.store.onDidChange, () => alice.outbox.size === 0, 'ack');
		assert.deepEqual(texts(alice, 'bob'), ['psst', 'what?']);
		await assert.rejects(alice.openDirect('ALICE'), /That is you/);
	});

	it('pages back through 120 messages with before, each once and in order', async () => {
		const server = await h.server();
		const bob = await h.login(server.port, 'bob');
		await bob.join('#hist');
		const sent = Array.from({ length: 120 }, (_, i) => `m${i}`);
		await sendAll(bob, '#hist', sent);
		const alice = await h.login(server.port, 'alice');
		await alice.join('#hist');
		const hist = alice.store.get('#hist')!;
		assert.deepEqual(texts(alice, '#hist'), sent.slice(70));
		assert.equal(hist.hasMoreBefore, true);
		const prepends: number[] = [];
		alice.store.onDidChange((c) => c.kind === 'prepended' && prepends.push(c.entries.length));
		await alice.loadOlder('#hist');
		assert.deepEqual(texts(alice, '#hist'), sent.slice(20));
		assert.equal(hist.hasMoreBefore, true);
		await alice.loadOlder('#hist');
		assert.deepEqual(texts(alice, '#hist'), sent);
		assert.equal(hist.hasMoreBefore, false);
		assert.deepEqual(prepends, [50, 20]);
		assertStrictlyIncreasing(hist.messageIds());
		assert.equal(hist.unread, 0, 'history shown on join is not unread');
	});

	it('changes nick with user/setNick and tells the other members', async () => {
		const server = await h.server();
		const alice = await h.login(server.port, 'alice');
		const bob = await h.login(server.port, 'bob');
		await alice.join('#room');
		await bob.join('#room');
		const seen = waitFor(bob.store.onDidChange, (c) => c.kind === 'members' && c.members.some((m) => m.nick === 'alicia'), 'rename seen by bob');
		assert.equal(await alice.setNick('alicia'), 'alicia');
		assert.equal(alice.status.nick, 'alicia');
		await seen;
		const error = await alice.setNick('bob').then(() => undefined, (e: unknown) => e);
		assert.ok(error instanceof ResponseError && error.code === ErrorCodes.NickInUse);
	});
});

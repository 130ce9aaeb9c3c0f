import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { JoinChannelRequest, MemberLeftNotification } from '../../protocol/channels';
import { MessageNewNotification, SendMessageRequest } from '../../protocol/messages';
import { NoticeNotification } from '../../protocol/lifecycle';
import { eventually, TestClient } from '../helpers/client';
import { initializeFrame, RawPeer } from '../helpers/raw';
import { testServer, type TestServer } from '../helpers/server';

describe('resource limits', function () {
	this.timeout(30_000);
	let server: TestServer;
	const clients: TestClient[] = [];
	const peers: RawPeer[] = [];
	afterEach(async () => {
		clients.splice(0).forEach((c) => c.close());
		peers.splice(0).forEach((p) => p.destroy());
		await server.stop();
	});

	it('disconnects a client that does not read ("send queue exceeded"); the others get every message', async () => {
		server = await testServer({ maxSendQueueBytes: 1024 * 1024, memory: true });
		// A raw socket that joins and then never reads: the kernel buffers fill, then the queue.
		const sloth = await RawPeer.connect(server.port);
		peers.push(sloth);
		sloth.send(initializeFrame(1, 'sloth'));
		sloth.send({ jsonrpc: '2.0', id: 2, method: 'channel/join', params: { channel: '#busy' } });
		await sloth.response(2);
		sloth.socket.pause();
		const ana = await TestClient.login(server.port, 'ana');
		const bob = await TestClient.login(server.port, 'bob');
		clients.push(ana, bob);
		await ana.connection.sendRequest(JoinChannelRequest.type, { channel: '#busy' });
		await bob.connection.sendRequest(JoinChannelRequest.type, { channel: '#busy' });
		const text = 'x'.repeat(3900);
		// About 12 MB to each member: far past the kernel's socket buffers plus the 1 MiB cap
		// for the client that never reads; a reading client never holds 1 MiB unread.
		const total = 3000;
		const sends = [];
		for (let i = 0; i < total; i++) {
			sends.push(ana.connection.sendRequest(SendMessageRequest.type, { to: '#busy', text: `${i} ${text}` }));
		}
		await Promise.all(sends);
		const left = await ana.waitFor(MemberLeftNotification.type, (p) => p.nick === 'sloth', 20_000);
		assert.equal(left.reason, 'send queue exceeded');
		await eventually(() => bob.received(MessageNewNotification.type).length === total, `bob receives all ${total} messages`, 20_000);
		const got = bob.received(MessageNewNotification.type).map((p) => Number(p.message.text.split(' ')[0]));
		assert.deepEqual(got, Array.from({ length: total }, (_, i) => i), 'in order, none lost');
		assert.ok(server.logs.some((l) => /closing sloth .*send queue exceeded/.test(l)));
	});

	it('caps connections per address (--max-per-ip)', async () => {
		server = await testServer({ maxPerIp: 2, memory: true });
		clients.push(await TestClient.login(server.port, 'one'), await TestClient.login(server.port, 'two'));
		const third = await TestClient.connect(server.port);
		clients.push(third);
		const notice = await third.waitFor(NoticeNotification.type);
		assert.match(notice.text, /Too many connections from 127\.0\.0\.1 \(limit 2\)/);
		await third.closed;
		// Closing one frees a slot.
		clients[0].close();
		await eventually(() => server.hub.sessions.size === 1, 'the server notices the closed connection');
		clients.push(await TestClient.login(server.port, 'four'));
	});

	it('closes a connection that does not initialize in time', async () => {
		server = await testServer({ initTimeoutMs: 300, memory: true });
		const idle = await RawPeer.connect(server.port);
		peers.push(idle);
		const started = Date.now();
		const notice = await idle.next(5000);
		assert.equal(notice.method, 'server/notice');
		assert.match((notice.params as { text: string }).text, /No successful 'initialize' within 0.3 s/);
		await idle.expectClosed();
		assert.ok(Date.now() - started >= 250, 'not before the timeout');
	});

	it('pings a quiet client; one that answers stays, a dead one is dropped and its nick freed', async () => {
		server = await testServer({ idleTimeoutMs: 1000, memory: true });
		const alive = await TestClient.login(server.port, 'alive');
		clients.push(alive);
		await alive.connection.sendRequest(JoinChannelRequest.type, { channel: '#room' });
		// A peer that initializes and joins, then never sends a byte again (like a vanished laptop).
		const dead = await RawPeer.connect(server.port);
		peers.push(dead);
		dead.send(initializeFrame(1, 'ghost'));
		await dead.response(1);
		dead.send({ jsonrpc: '2.0', id: 2, method: 'channel/join', params: { channel: '#room' } });
		await dead.response(2);
		const ping = await dead.next(5000);
		assert.equal(ping.method, 'session/ping', 'the server pings a quiet client');
		const left = await alive.waitFor(MemberLeftNotification.type, (p) => p.nick === 'ghost', 15_000);
		assert.match(left.reason ?? '', /connection lost \(no answer to ping\)/);
		await dead.expectClosed();
		clients.push(await TestClient.login(server.port, 'ghost'));
		assert.equal(alive.socket.destroyed, false, 'the answering client is still connected');
	});

	it('refuses frames over --max-frame-bytes and logs the size', async () => {
		server = await testServer({ maxFrameBytes: 4096, memory: true });
		const socket = net.connect(server.port, '127.0.0.1');
		const closed = new Promise((r) => socket.once('close', r));
		socket.on('error', () => undefined);
		socket.resume();
		socket.write(`Content-Length: 5000\r\n\r\n${'x'.repeat(5000)}`);
		await closed;
		assert.ok(server.logs.some((l) => /frame of 5000 bytes exceeds the limit of 4096/.test(l)));
	});
});

import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { JoinChannelRequest, MemberLeftNotification } from '../../protocol/channels';
import { MessageNewNotification, SendMessageRequest } from '../../protocol/messages';
import { NoticeNotification, PingRequest } from '../../protocol/lifecycle';
import { eventually } from '../helpers/client';
import { useServer } from '../helpers/fixture';

describe('resource limits', function () {
	this.timeout(30_000);
	const fx = useServer({ memory: true }, { start: false, manualClock: true });

	it('disconnects a client that does not read ("send queue exceeded"); the others get every message', async () => {
		await fx.start({ maxSendQueueBytes: 1024 * 1024 });
		// A raw socket that joins and then never reads: the kernel buffers fill, then the queue.
		const sloth = await fx.raw('sloth');
		sloth.send({ jsonrpc: '2.0', id: 2, method: 'channel/join', params: { channel: '#busy' } });
		await sloth.response(2);
		sloth.socket.pause();
		const ana = await fx.login('ana');
		const bob = await fx.login('bob');
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
		await fx.server.waitForLog(/closing sloth .*send queue exceeded/, 20_000);
		// The server ends the connection; a peer that reads nothing never takes the FIN,
		// so the socket is destroyed after the 2 s grace.
		fx.clock.advance(2000);
		const left = await ana.waitFor(MemberLeftNotification.type, (p) => p.nick === 'sloth');
		assert.equal(left.reason, 'send queue exceeded');
		await bob.waitFor(MessageNewNotification.type, (p) => p.message.text.startsWith(`${total - 1} `), 20_000);
		const got = bob.received(MessageNewNotification.type).map((p) => Number(p.message.text.split(' ')[0]));
		assert.deepEqual(got, Array.from({ length: total }, (_, i) => i), 'in order, none lost');
	});

	it('caps connections per address (--max-per-ip)', async () => {
		const server = await fx.start({ maxPerIp: 2 });
		const one = await fx.login('one');
		await fx.login('two');
		const third = await fx.connect();
		const notice = await third.waitFor(NoticeNotification.type);
		assert.match(notice.text, /Too many connections from 127\.0\.0\.1 \(limit 2\)/);
		await third.closed;
		// Closing one frees a slot.
		one.close();
		await server.waitForLog(/disconnect one \(/);
		await fx.login('four');
	});

	it('closes a connection that does not initialize in time, not before', async () => {
		// Sweeps every 75 ms of the test clock; the connection is as old as the clock's start.
		await fx.start({ initTimeoutMs: 300 });
		const idle = await fx.raw();
		const ping = (id: number): void => idle.send({ jsonrpc: '2.0', id, method: PingRequest.method, params: { token: `t${id}` } });
		// Answered: the server has the connection (pings are allowed before initialize).
		ping(1);
		assert.deepEqual(await idle.next(), { jsonrpc: '2.0', id: 1, result: { token: 't1' } });
		fx.clock.advance(300);
		// At 300 ms it is not late yet: the next frame is the answer to this ping, not a notice.
		ping(2);
		assert.deepEqual(await idle.next(), { jsonrpc: '2.0', id: 2, result: { token: 't2' } });
		fx.clock.advance(75);
		const notice = await idle.next();
		assert.equal(notice.method, 'server/notice');
		assert.match((notice.params as { text: string }).text, /No successful 'initialize' within 0.3 s/);
		await idle.expectClosed();
		await fx.server.waitForLog(/disconnect 127\.0\.0\.1:\d+: initialize timeout/);
	});

	it('pings a quiet client; one that answers stays, a dead one is dropped and its nick freed', async () => {
		// Sweeps every 250 ms of the test clock; everyone below spoke last at its start.
		await fx.start({ idleTimeoutMs: 1000 });
		const alive = await fx.login('alive');
		await alive.connection.sendRequest(JoinChannelRequest.type, { channel: '#room' });
		// A peer that initializes and joins, then never sends a byte again (like a vanished laptop).
		const dead = await fx.raw('ghost');
		dead.send({ jsonrpc: '2.0', id: 2, method: 'channel/join', params: { channel: '#room' } });
		await dead.response(2);
		const aliveSession = [...fx.server.hub.sessions].find((s) => s.nick === 'alive')!;

		fx.clock.advance(1250);
		const ping = await dead.next();
		assert.equal(ping.method, 'session/ping', 'the server pings a quiet client');
		await alive.waitForRequest(PingRequest.type);
		// The answer is on its way back; nothing else tells when the server has it.
		await eventually(() => !aliveSession.pingOutstanding, 'the server to receive alive\'s answer');

		// 2250 ms without a byte from ghost; alive last answered 1000 ms ago.
		fx.clock.advance(1000);
		const left = await alive.waitFor(MemberLeftNotification.type, (p) => p.nick === 'ghost');
		assert.match(left.reason ?? '', /connection lost \(no answer to ping\)/);
		await dead.expectClosed();
		await fx.login('ghost');
		await alive.sync();
		assert.equal(alive.socket.destroyed, false, 'the answering client is still connected');
	});

	it('refuses frames over --max-frame-bytes and logs the size', async () => {
		const server = await fx.start({ maxFrameBytes: 4096 });
		const socket = net.connect(server.port, '127.0.0.1');
		const closed = new Promise((r) => socket.once('close', r));
		socket.on('error', () => undefined);
		socket.resume();
		socket.write(`Content-Length: 5000\r\n\r\n${'x'.repeat(5000)}`);
		await closed;
		assert.ok(server.logs.some((l) => /frame of 5000 bytes exceeds the limit of 4096/.test(l)));
	});
});

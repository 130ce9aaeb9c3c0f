/**
 * The output queues over real loopback sockets: frames of every urgency leave in the
 * order queued, answers are not held back by slower classes, sockets sharing frames get
 * exactly their own bytes, and a fan-out pass over many sockets reaches all of them.
 */
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { OutboundQueue, Urgency } from '../../server/transport/outbound';

interface Pair {
	server: net.Socket;
	client: net.Socket;
	received(): string;
	/** Resolves once `bytes` bytes have arrived; with the text received. */
	arrived(bytes: number, timeoutMs?: number): Promise<string>;
}

async function socketPairs(n: number): Promise<{ pairs: Pair[]; close(): void }> {
	const accepted: net.Socket[] = [];
	let allAccepted: () => void = () => undefined;
	const everyoneIn = new Promise<void>((resolve) => { allAccepted = resolve; });
	const listener = net.createServer((s) => {
		if (accepted.push(s) === n) {
			allAccepted();
		}
	});
	await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
	const port = (listener.address() as net.AddressInfo).port;
	const clients = await Promise.all(Array.from({ length: n }, () => new Promise<net.Socket>((resolve) => {
		const c = net.connect(port, '127.0.0.1', () => resolve(c));
	})));
	await everyoneIn;
	// Pair by the client's local port, which is the accepted socket's remote port.
	const pairs = clients.map((client) => {
		const server = accepted.find((s) => s.remotePort === client.localPort)!;
		const chunks: Buffer[] = [];
		let length = 0;
		const received = (): string => Buffer.concat(chunks).toString();
		const arrived = (bytes: number, timeoutMs = 5000): Promise<string> => new Promise((resolve, reject) => {
			const check = (): void => {
				if (length >= bytes) {
					client.off('data', check);
					clearTimeout(timer);
					resolve(received());
				}
			};
			const timer = setTimeout(() => {
				client.off('data', check);
				reject(new Error(`${length} of ${bytes} bytes arrived within ${timeoutMs} ms: ${received().slice(0, 200)}`));
			}, timeoutMs);
			client.on('data', check);
			check();
		});
		client.on('data', (d: Buffer) => {
			chunks.push(d);
			length += d.length;
		});
		return { server, client, received, arrived };
	});
	return {
		pairs,
		close: () => {
			for (const p of pairs) {
				p.client.destroy();
				p.server.destroy();
			}
			listener.close();
		},
	};
}

const frame = (text: string): Buffer => Buffer.from(text);
const queueOn = (socket: net.Socket): OutboundQueue => new OutboundQueue(socket, 1 << 20, () => assert.fail('no overflow expected'));

describe('outbound queues', () => {
	let close = (): void => undefined;
	afterEach(() => close());

	it('writes an answer in the next turn, taking earlier frames along, and keeps the queued order across urgencies', async () => {
		const net1 = await socketPairs(1);
		close = net1.close;
		const [p] = net1.pairs;
		const writes: string[] = [];
		const write = p.server.write.bind(p.server);
		p.server.write = ((data: Buffer) => {
			writes.push(data.toString());
			return write(data);
		});
		const q = queueOn(p.server);
		const nextTurn = (): Promise<unknown> => new Promise((resolve) => setImmediate(resolve));

		// Membership events may wait 50 ms; an answer queued among them does not wait with
		// them: an immediate queued after the answer's flush sees the one write it made.
		q.enqueue(frame('[joined]'), Urgency.Presence);
		q.enqueue(frame('[answer]'), Urgency.Answer);
		q.enqueue(frame('[left]'), Urgency.Presence);
		assert.deepEqual(writes, [], 'nothing is written while the turn lasts');
		await nextTurn();
		assert.deepEqual(writes, ['[joined][answer][left]']);

		// Whichever flush comes first writes everything queued, in the order queued.
		q.enqueue(frame('[message]'), Urgency.Fanout);
		q.enqueue(frame('[joined2]'), Urgency.Presence);
		q.enqueue(frame('[answer2]'), Urgency.Answer);
		q.enqueue(frame('[left2]'), Urgency.Presence);
		await nextTurn();
		assert.deepEqual(writes, ['[joined][answer][left]', '[message][joined2][answer2][left2]']);
		const all = writes.join('');
		assert.equal(await p.arrived(all.length), all);
	});

	it('gives sockets that share frames the same bytes, and others their own', async () => {
		const net3 = await socketPairs(3);
		close = net3.close;
		const [a, b, c] = net3.pairs;
		const [qa, qb, qc] = [a, b, c].map((p) => queueOn(p.server));
		const shared1 = frame('<one>');
		const shared2 = frame('<two>');
		for (const q of [qa, qb]) {
			q.enqueue(shared1, Urgency.Fanout);
			q.enqueue(shared2, Urgency.Fanout);
		}
		qc.enqueue(shared1, Urgency.Fanout);
		qc.enqueue(frame('<own>'), Urgency.Fanout);
		qb.enqueue(frame('<more>'), Urgency.Fanout);
		assert.equal(await a.arrived(10), '<one><two>');
		assert.equal(await b.arrived(16), '<one><two><more>');
		assert.equal(await c.arrived(10), '<one><own>');
	});

	it('never drops a client that reads for what waits here for the flush, however much', async () => {
		const net1 = await socketPairs(1);
		close = net1.close;
		const [p] = net1.pairs;
		let overflowed = false;
		const q = new OutboundQueue(p.server, 64 * 1024, () => { overflowed = true; });
		// 800 KB of fan-out in one turn, 12 times the cap: all of it waits here, none unread.
		const chunk = 'x'.repeat(4000);
		for (let i = 0; i < 200; i++) {
			q.enqueue(frame(chunk), Urgency.Fanout);
		}
		assert.equal(overflowed, false, 'a client that takes what it is sent is not dropped');
		assert.equal((await p.arrived(200 * 4000)).length, 200 * 4000);
		assert.equal(overflowed, false);
	});

	it('drops a client that does not take what it was sent, once the cap is unread', async () => {
		const net1 = await socketPairs(1);
		close = net1.close;
		const [p] = net1.pairs;
		p.client.pause();
		let overflows = 0;
		const q = new OutboundQueue(p.server, 64 * 1024, () => { overflows++; });
		const chunk = frame('y'.repeat(4000));
		// Far past the kernel's buffers plus the cap, a turn at a time so that flushes write it.
		for (let i = 0; i < 5000 && overflows === 0; i++) {
			q.enqueue(chunk, Urgency.Answer);
			await new Promise((resolve) => setImmediate(resolve));
		}
		assert.equal(overflows, 1, 'dropped once');
		assert.equal(q.pendingBytes, 0, 'nothing more is kept for it');
	});

	it('reaches every socket of a large fan-out, each frame once and in order', async function () {
		this.timeout(20_000);
		const many = await socketPairs(400);
		close = many.close;
		const queues = many.pairs.map((p) => queueOn(p.server));
		const rounds = 30;
		for (let r = 0; r < rounds; r++) {
			const f = frame(`(${r})`);
			queues.forEach((q) => q.enqueue(f, Urgency.Fanout));
			// Let passes run between rounds, so later frames meet passes under way.
			await new Promise((resolve) => setImmediate(resolve));
		}
		const expected = Array.from({ length: rounds }, (_, r) => `(${r})`).join('');
		for (const p of many.pairs) {
			assert.equal(await p.arrived(expected.length, 15_000), expected);
		}
	});

	it('under steady fan-out writes each socket about once per 64 ms cycle, whatever the frame rate', async function () {
		this.timeout(20_000);
		const many = await socketPairs(400);
		close = many.close;
		const writes = new Map<net.Socket, number>();
		for (const p of many.pairs) {
			const socket = p.server;
			const write = socket.write.bind(socket);
			writes.set(socket, 0);
			socket.write = (data: Buffer): boolean => {
				writes.set(socket, writes.get(socket)! + 1);
				return write(data);
			};
		}
		const queues = many.pairs.map((p) => queueOn(p.server));
		// A frame for everyone every 2 ms for 640 ms: 320 frames, ten cycles.
		const start = performance.now();
		let r = 0;
		for (; performance.now() - start < 640; r++) {
			const f = frame(`(${r})`);
			queues.forEach((q) => q.enqueue(f, Urgency.Fanout));
			await new Promise((resolve) => setTimeout(resolve, 2));
		}
		const expected = Array.from({ length: r }, (_, i) => `(${i})`).join('');
		for (const p of many.pairs) {
			assert.equal(await p.arrived(expected.length, 15_000), expected);
		}
		const counts = [...writes.values()];
		// The first frames leave at once; after that one write a cycle (640 / 64 = 10), or
		// fewer when a pass takes longer than the cycle. 16 ms after each pass ended made it 30.
		assert.ok(Math.max(...counts) <= 14, `at most 14 writes per socket for ${r} frames; got up to ${Math.max(...counts)}`);
		assert.ok(Math.min(...counts) >= 5, `output kept leaving during the run; got as few as ${Math.min(...counts)} writes`);
	});
});

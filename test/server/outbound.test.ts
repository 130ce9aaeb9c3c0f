/**
 * The output queues over real loopback sockets: frames of every urgency leave in the
 * order queued, answers are not held back by slower classes, sockets sharing frames get
 * exactly their own bytes, and a fan-out pass over many sockets reaches all of them.
 */
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { OutboundQueue, Urgency } from '../../server/transport/outbound';
import { eventually } from '../helpers/client';

interface Pair {
	server: net.Socket;
	client: net.Socket;
	received(): string;
}

async function socketPairs(n: number): Promise<{ pairs: Pair[]; close(): void }> {
	const accepted: net.Socket[] = [];
	const listener = net.createServer((s) => accepted.push(s));
	await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
	const port = (listener.address() as net.AddressInfo).port;
	const clients = await Promise.all(Array.from({ length: n }, () => new Promise<net.Socket>((resolve) => {
		const c = net.connect(port, '127.0.0.1', () => resolve(c));
	})));
	while (accepted.length < n) {
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
	// Pair by the client's local port, which is the accepted socket's remote port.
	const pairs = clients.map((client) => {
		const server = accepted.find((s) => s.remotePort === client.localPort)!;
		const chunks: Buffer[] = [];
		client.on('data', (d: Buffer) => chunks.push(d));
		return { server, client, received: () => Buffer.concat(chunks).toString() };
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

	it('keeps the queued order across urgencies, and an answer takes earlier frames along at once', async () => {
		const net1 = await socketPairs(1);
		close = net1.close;
		const [p] = net1.pairs;
		const q = queueOn(p.server);
		q.enqueue(frame('[joined]'), Urgency.Presence);
		q.enqueue(frame('[message]'), Urgency.Fanout);
		q.enqueue(frame('[answer]'), Urgency.Answer);
		q.enqueue(frame('[left]'), Urgency.Presence);
		const start = Date.now();
		await eventually(() => p.received().includes('[answer]'), 'the answer arrived', 3000);
		const waited = Date.now() - start;
		assert.ok(waited < 40, `the answer did not wait for the presence delay (${waited} ms)`);
		assert.equal(p.received().startsWith('[joined][message][answer]'), true, p.received());
		await eventually(() => p.received().includes('[left]'), 'the last presence event arrived', 3000);
		assert.equal(p.received(), '[joined][message][answer][left]');
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
		await eventually(() => a.received().length === 10 && b.received().length === 16 && c.received().length === 10, 'all arrived', 3000);
		assert.equal(a.received(), '<one><two>');
		assert.equal(b.received(), '<one><two><more>');
		assert.equal(c.received(), '<one><own>');
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
		await eventually(() => many.pairs.every((p) => p.received().length >= expected.length), 'every socket has every frame', 15_000);
		for (const p of many.pairs) {
			assert.equal(p.received(), expected);
		}
	});
});

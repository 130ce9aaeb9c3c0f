/**
 * Fuzzing over loopback for a fixed time: several connections send random and mutated
 * frames (and random requests to every method) while two normal clients chat. The
 * server must stay up with bounded memory, and the normal clients must lose nothing.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { JoinChannelRequest } from '../../protocol/channels';
import { MessageNewNotification, SendMessageRequest } from '../../protocol/messages';
import * as protocol from '../../protocol';
import { TestClient } from '../helpers/client';
import { useServer } from '../helpers/fixture';

const FUZZ_MS = 6000;
const FUZZERS = 6;
const RSS_LIMIT_MB = 200;

/** Small seeded generator, so a failing run can be replayed. */
function rng(seed: number): () => number {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const methods = (Object.values(protocol) as unknown[])
	.filter((v): v is { method: string } => typeof v === 'object' && v !== null && typeof (v as { method?: unknown }).method === 'string')
	.map((d) => d.method);

function rssMb(pid: number): number {
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
}

describe('fuzz', function () {
	this.timeout(FUZZ_MS + 30_000);
	const fx = useServer({}, { start: false });

	it(`survives ${FUZZ_MS / 1000} s of random and mutated frames from ${FUZZERS} connections while two clients chat`, async () => {
		const seed = Number(process.env.PARLEY_FUZZ_SEED ?? Date.now() % 100000);
		const random = rng(seed);
		const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
		const randomValue = (depth = 0): unknown => {
			const kinds = ['string', 'number', 'bool', 'null', 'array', 'object', 'nick', 'channel', 'big'];
			switch (pick(depth > 2 ? kinds.slice(0, 4) : kinds)) {
				case 'string': return Array.from({ length: Math.floor(random() * 20) }, () => String.fromCharCode(Math.floor(random() * 0x2fff))).join('');
				case 'number': return pick([0, -1, 1.5, 1e308, Number.MAX_SAFE_INTEGER + 2, 42]);
				case 'bool': return random() < 0.5;
				case 'null': return null;
				case 'array': return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(depth + 1));
				case 'object': return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [pick(['to', 'text', 'channel', 'nick', 'limit', 'before', '__proto__', 'constructor']), randomValue(depth + 1)]));
				case 'nick': return pick(['ana', 'bob', 'fuzz', 'x'.repeat(40), '']);
				case 'channel': return pick(['#chat', '#fuzz', '#', '#' + 'y'.repeat(40), 'chat']);
				default: return 'z'.repeat(Math.floor(random() * 50_000));
			}
		};
		const frame = (body: Buffer | string): Buffer => {
			const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
			return Buffer.concat([Buffer.from(`Content-Length: ${bytes.length}\r\n\r\n`), bytes]);
		};
		const validish = (): string => JSON.stringify({
			jsonrpc: random() < 0.9 ? '2.0' : randomValue(),
			id: random() < 0.8 ? Math.floor(random() * 1000) : randomValue(),
			method: random() < 0.9 ? pick(methods) : randomValue(),
			params: random() < 0.9 ? randomValue() : { protocolVersion: 1, nick: `f${Math.floor(random() * 1e6)}` },
		});
		const mutate = (text: string): Buffer => {
			const bytes = Buffer.from(text);
			for (let i = 0; i < 1 + random() * 5 && bytes.length > 0; i++) {
				bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
			}
			return bytes;
		};
		const junk = (): Buffer => {
			switch (Math.floor(random() * 7)) {
				case 0: return Buffer.from(Array.from({ length: Math.floor(random() * 200) }, () => Math.floor(random() * 256)));
				case 1: return frame(mutate(validish()));
				case 2: return Buffer.from(`Content-Length: ${pick(['-1', '99999999999', 'abc', '', '1e3'])}\r\n\r\n{}`);
				case 3: {
					const body = validish();
					return Buffer.from(`Content-Length: ${Math.max(0, Buffer.byteLength(body) + Math.floor(random() * 10) - 5)}\r\n\r\n${body}`);
				}
				default: return frame(validish());
			}
		};

		const proc = fx.spawn(['--port', '0', '--memory', '--max-per-ip', '0', '--flood-rate', '0', '--log-level', 'warn']);
		const port = await proc.port();
		const ana = fx.closeLater(await TestClient.login(port, 'ana'), (c) => c.close());
		const bob = fx.closeLater(await TestClient.login(port, 'bob'), (c) => c.close());
		for (const c of [ana, bob]) {
			await c.connection.sendRequest(JoinChannelRequest.type, { channel: '#chat' });
		}
		const rssBefore = rssMb(proc.child.pid!);
		const deadline = Date.now() + FUZZ_MS;
		let framesSent = 0;
		let reconnects = 0;
		const fuzzer = async (): Promise<void> => {
			while (Date.now() < deadline) {
				const socket = net.connect(port, '127.0.0.1');
				socket.on('error', () => undefined);
				socket.on('data', () => undefined);
				await new Promise<void>((resolve) => {
					socket.once('connect', resolve);
					socket.once('close', () => resolve());
				});
				reconnects++;
				while (!socket.destroyed && Date.now() < deadline) {
					const ok = socket.write(junk());
					framesSent++;
					if (!ok) {
						// The server reads no faster than it can: wait until it took this in (or closed).
						await new Promise<void>((resolve) => {
							const done = (): void => {
								socket.off('drain', done);
								socket.off('close', done);
								resolve();
							};
							socket.on('drain', done);
							socket.on('close', done);
						});
					}
					// Pace the fuzzers so the chatting clients in this same process get their turn.
					if (framesSent % 10 === 0) {
						await new Promise((r) => setTimeout(r, 1));
					}
				}
				socket.destroy();
			}
		};
		const chat = async (from: TestClient, to: string, count: number): Promise<void> => {
			for (let i = 0; i < count && Date.now() < deadline; i++) {
				await from.connection.sendRequest(SendMessageRequest.type, { to, text: `${from.nick} ${i}` });
				await new Promise((r) => setTimeout(r, 10));
			}
		};
		let maxRss = rssBefore;
		const watch = setInterval(() => { maxRss = Math.max(maxRss, rssMb(proc.child.pid!)); }, 100);
		try {
			await Promise.all([
				...Array.from({ length: FUZZERS }, fuzzer),
				chat(ana, '#chat', 200),
				chat(bob, 'ana', 200),
			]);
		} finally {
			clearInterval(watch);
		}

		assert.equal(proc.child.exitCode, null, `the server is still running (seed ${seed})`);
		const anaSent = await ana.connection.sendRequest(SendMessageRequest.type, { to: '#chat', text: 'ana done' });
		const bobSent = await bob.connection.sendRequest(SendMessageRequest.type, { to: 'ana', text: 'bob done' });
		await bob.waitFor(MessageNewNotification.type, (p) => p.message.id === anaSent.message.id, 10_000);
		await ana.waitFor(MessageNewNotification.type, (p) => p.message.id === bobSent.message.id, 10_000);
		const bobGot = bob.received(MessageNewNotification.type).map((p) => p.message.text).filter((t) => /^ana \d+$/.test(t));
		const anaGot = ana.received(MessageNewNotification.type).map((p) => p.message.text).filter((t) => /^bob \d+$/.test(t));
		assert.deepEqual(bobGot, Array.from({ length: bobGot.length }, (_, i) => `ana ${i}`), 'bob got every channel message in order');
		assert.deepEqual(anaGot, Array.from({ length: anaGot.length }, (_, i) => `bob ${i}`), 'ana got every DM in order');
		assert.ok(bobGot.length >= 10 && anaGot.length >= 10, `the clients chatted during the fuzzing (${bobGot.length}, ${anaGot.length}; seed ${seed})`);
		assert.ok(maxRss < RSS_LIMIT_MB, `server RSS peaked at ${maxRss.toFixed(0)} MB (limit ${RSS_LIMIT_MB}; seed ${seed})`);
		assert.ok(framesSent > 1000, `fuzzers sent ${framesSent} frames over ${reconnects} connections`);
	});
});

'use strict';
/**
 * Fan-out through a cluster: N `node server` nodes sharing one PostgreSQL and one Redis,
 * members of one channel spread over the nodes (client i on node i % N), senders
 * spread too. Reports deliveries (each member must get each message once) and the
 * end-to-end latency (send to delivery) seen by a sample of members.
 *
 * Usage: node bench/cluster-fanout.js --database URL --redis URL [--nodes 3]
 *        [--clients 1000] [--senders 10] [--rate 80] [--seconds 10] [--samples 30]
 * (`npm run build` first: it runs dist/server.js through `node server`.)
 *
 * Most members only count the marker "~B~" in the bytes they read; the senders and the
 * samples parse frames and measure. Everything is on 127.0.0.1; the run stops by itself.
 */
const { spawn } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const ROOT = path.resolve(__dirname, '..');
const now = () => performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function options(argv) {
	const o = { nodes: 3, clients: 1000, senders: 10, rate: 80, seconds: 10, samples: 30, database: undefined, redis: undefined };
	for (let i = 0; i < argv.length; i++) {
		const name = argv[i].replace(/^--/, '');
		if (!(name in o)) {
			throw new Error(`unknown option ${argv[i]} (see the usage at the top of bench/cluster-fanout.js)`);
		}
		const value = argv[++i];
		o[name] = typeof o[name] === 'number' ? Number(value) : value;
	}
	if (!o.database || !o.redis) {
		throw new Error('--database postgres://... and --redis redis://... are required');
	}
	return o;
}

const MARK = Buffer.from('~B~');

class Client {
	constructor(nick, parse) {
		this.nick = nick;
		this.parse = parse;
		this.buffer = Buffer.alloc(0);
		this.nextId = 1;
		this.pending = new Map();
		this.marks = 0;
		this.latencies = [];
	}

	connect(port) {
		return new Promise((resolve, reject) => {
			this.socket = net.connect({ port, host: '127.0.0.1', noDelay: true }, resolve);
			this.socket.once('error', reject);
			this.socket.on('data', (data) => this.onData(data));
		});
	}

	onData(data) {
		if (!this.parse) {
			// Count markers; a marker split across reads is rare and only undercounts.
			let at = data.indexOf(MARK);
			while (at >= 0) {
				this.marks++;
				at = data.indexOf(MARK, at + 3);
			}
			return;
		}
		this.buffer = this.buffer.length === 0 ? data : Buffer.concat([this.buffer, data]);
		for (;;) {
			const head = this.buffer.indexOf('\r\n\r\n');
			if (head < 0) {
				return;
			}
			const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, head).toString())[1]);
			if (this.buffer.length < head + 4 + length) {
				return;
			}
			const message = JSON.parse(this.buffer.subarray(head + 4, head + 4 + length).toString());
			this.buffer = this.buffer.subarray(head + 4 + length);
			this.onMessage(message);
		}
	}

	onMessage(message) {
		if (message.id !== undefined && this.pending.has(message.id)) {
			const { resolve, reject } = this.pending.get(message.id);
			this.pending.delete(message.id);
			message.error ? reject(new Error(message.error.message)) : resolve(message.result);
		} else if (message.method === 'message/new') {
			const text = message.params.message.text;
			if (text.startsWith('~B~')) {
				this.marks++;
				this.latencies.push(Date.now() - Number(text.split('~')[3]));
			}
		} else if (message.method === 'session/ping' && message.id !== undefined) {
			this.write({ jsonrpc: '2.0', id: message.id, result: {} });
		}
	}

	write(message) {
		const json = JSON.stringify(message);
		this.socket.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
	}

	request(method, params) {
		const id = this.nextId++;
		return new Promise((resolve, reject) => {
			this.pending.set(id, { resolve, reject });
			this.write({ jsonrpc: '2.0', id, method, params });
		});
	}
}

function startNode(o, i) {
	const child = spawn(process.execPath, ['server', '--port', '0', '--database', o.database, '--redis', o.redis, '--node-id', `bench${i}`,
		'--channels', 'bench', '--flood-rate', '0', '--max-per-ip', '0', '--max-clients', '0', '--log-level', 'warn'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
	let out = '';
	child.stderr.on('data', (d) => { out += d; });
	return new Promise((resolve, reject) => {
		child.stdout.on('data', (d) => {
			out += d;
			const m = /listening on [^\s]+:(\d+)/.exec(out);
			if (m) {
				resolve({ child, port: Number(m[1]) });
			}
		});
		child.once('exit', (code) => reject(new Error(`node ${i} exited (${code}): ${out}`)));
	});
}

function cpuSeconds(pid) {
	try {
		const fields = require('node:fs').readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		return (Number(fields[11]) + Number(fields[12])) / 100;
	} catch {
		return NaN;
	}
}

function pct(sorted, p) {
	return sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main() {
	const o = options(process.argv.slice(2));
	const nodes = [];
	try {
		for (let i = 0; i < o.nodes; i++) {
			nodes.push(await startNode(o, i));
		}
		const stride = Math.max(1, Math.floor((o.clients - o.senders) / o.samples));
		const clients = [];
		for (let i = 0; i < o.clients; i += 50) {
			await Promise.all(Array.from({ length: Math.min(50, o.clients - i) }, async (_, k) => {
				const n = i + k;
				const client = new Client(`b${n}`, n < o.senders || (n - o.senders) % stride === 0);
				await client.connect(nodes[n % o.nodes].port);
				const parse = client.parse;
				client.parse = true;
				await client.request('initialize', { protocolVersion: 1, nick: client.nick });
				await client.request('channel/join', { channel: '#bench' });
				client.parse = parse;
				clients[n] = client;
			}));
		}
		process.stderr.write(`${o.clients} members on ${o.nodes} node(s); ${o.senders} senders x ${o.rate} msg/s for ${o.seconds} s\n`);
		await sleep(1000);
		const cpu0 = nodes.map((n) => cpuSeconds(n.child.pid));
		const senders = clients.slice(0, o.senders);
		let sent = 0;
		const acks = [];
		const t0 = now();
		await Promise.all(senders.map(async (sender, s) => {
			for (let k = 0; now() - t0 < o.seconds * 1000; k++) {
				const due = t0 + (k * 1000) / o.rate + (s * 1000) / o.rate / o.senders;
				if (due > now()) {
					await sleep(due - now());
				}
				const at = now();
				sent++;
				sender.request('message/send', { to: '#bench', text: `~B~${s}~${Date.now()}~ the build is green again` }).then(() => acks.push(now() - at), () => undefined);
			}
		}));
		const expected = sent * (o.clients - 1);
		const deadline = now() + 15_000;
		const count = () => clients.reduce((sum, c) => sum + c.marks, 0);
		while (count() < expected && now() < deadline) {
			await sleep(100);
		}
		const cpu = nodes.map((n, i) => Math.round((cpuSeconds(n.child.pid) - cpu0[i]) * 100) / 100);
		const latencies = clients.filter((c, i) => i >= o.senders && c.parse).flatMap((c) => c.latencies).sort((a, b) => a - b);
		acks.sort((a, b) => a - b);
		const result = {
			nodes: o.nodes, members: o.clients, senders: o.senders, ratePerSender: o.rate, seconds: o.seconds,
			sent, deliveries: count(), expected,
			latencyMs: { p50: pct(latencies, 50), p99: pct(latencies, 99), max: latencies.at(-1) ?? null, samples: latencies.length },
			ackMs: { p50: pct(acks, 50), p99: pct(acks, 99) },
			nodeCpuSeconds: cpu,
		};
		process.stdout.write(JSON.stringify(result, null, 2) + '\n');
		for (const c of clients) {
			c.socket.destroy();
		}
	} finally {
		for (const { child } of nodes) {
			child.kill('SIGTERM');
		}
		await Promise.all(nodes.map(({ child }) => new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)))));
	}
}

main().catch((error) => {
	process.stderr.write(`cluster-fanout: ${error.message}\n`);
	process.exit(1);
});

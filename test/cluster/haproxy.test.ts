/**
 * HAProxy in TCP mode in front of three nodes, with the configuration docs/cluster.md
 * shows (docs/examples/haproxy.cfg, ports replaced), checking each node's /healthz:
 * clients connect to one address; when the node a client is on dies (kill -9), the client
 * connects again to the same address, lands on a live node and retries what was not
 * acknowledged. A node that loses Redis says 503 and HAProxy sends it no new clients
 * until it is healthy again. (The test adds a stats socket to read HAProxy's view.)
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { RegisterRequest } from '../../protocol/account';
import { JoinChannelRequest } from '../../protocol/channels';
import { HistoryRequest, MessageNewNotification, SendMessageRequest } from '../../protocol/messages';
import { eventually, TestClient } from '../helpers/client';
import { PostgresServer } from '../helpers/postgres';
import { REPO_ROOT } from '../helpers/process';
import { freePort } from '../helpers/ports';
import { RedisServer } from '../helpers/redis';
import { TcpProxy } from '../helpers/tcp-proxy';
import { ClusterHarness } from './harness';

const HAPROXY = process.env.PARLEY_HAPROXY ?? '/usr/sbin/haproxy';

/** docs/examples/haproxy.cfg with the test's ports, and a stats socket. */
function haproxyConfig(front: number, nodes: number[], metrics: number[], socket: string): string {
	const text = fs.readFileSync(path.join(REPO_ROOT, 'docs/examples/haproxy.cfg'), 'utf8');
	assert.match(text, /option httpchk GET \/healthz/);
	return text.replace('127.0.0.1:7420', `127.0.0.1:${front}`)
		.replace(/127\.0\.0\.1:742([1-3])/g, (_, n: string) => `127.0.0.1:${nodes[Number(n) - 1]}`)
		.replace(/check port 942([1-3])/g, (_, n: string) => `check port ${metrics[Number(n) - 1]}`)
		.replace(/^global$/m, `global\n\tstats socket ${socket} level admin`);
}

/** `promise`, or a failure naming `what` after `ms` (a client that never gets an answer fails the test, not its timeout). */
async function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	try {
		return await Promise.race([promise, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: ${what}`)), ms); })]);
	} finally {
		clearTimeout(timer);
	}
}

/** HAProxy's status of each server of the backend (UP, DOWN, ...), by name; none while its stats socket is not there yet. */
async function serverStates(socket: string): Promise<Map<string, string>> {
	const csv = await new Promise<string>((resolve) => {
		let text = '';
		const conn = net.connect(socket, () => conn.write('show stat\n'));
		conn.setEncoding('utf8');
		conn.on('data', (d: string) => { text += d; });
		conn.on('end', () => resolve(text));
		conn.on('error', () => resolve(''));
	});
	if (csv === '') {
		return new Map();
	}
	const [header, ...rows] = csv.trim().split('\n');
	const columns = header.replace(/^# /, '').split(',');
	const states = new Map<string, string>();
	for (const row of rows.map((r) => r.split(','))) {
		if (row[columns.indexOf('pxname')] === 'parley_nodes' && /^n\d$/.test(row[columns.indexOf('svname')])) {
			states.set(row[columns.indexOf('svname')], row[columns.indexOf('status')]);
		}
	}
	return states;
}

async function accepting(port: number): Promise<void> {
	await eventually(() => new Promise<boolean>((resolve) => {
		const socket = net.connect({ port, host: '127.0.0.1' }, () => { socket.destroy(); resolve(true); });
		socket.once('error', () => resolve(false));
	}), `haproxy listening on ${port}`, 10_000);
}

describe('three nodes behind haproxy (docs/examples/haproxy.cfg)', function () {
	this.timeout(120_000);
	let pg: PostgresServer;
	let redis: RedisServer;
	let cluster: ClusterHarness;
	let haproxy: ChildProcess | undefined;
	let dir: string;
	let front: number;
	let stats: string;
	/** Node n1 reaches Redis through this relay, which the test cuts. */
	let n1Redis: TcpProxy;

	before(async () => {
		pg = await PostgresServer.start();
		redis = await RedisServer.start();
		n1Redis = await TcpProxy.start(redis.port);
		cluster = new ClusterHarness(await pg.createDatabase(), redis);
		cluster.redisUrls.set('n1', `redis://127.0.0.1:${n1Redis.port}`);
		const ports = [await freePort(), await freePort(), await freePort()];
		const metrics = [await freePort(), await freePort(), await freePort()];
		ports.forEach((port, i) => cluster.ports.set(`n${i}`, port));
		metrics.forEach((port, i) => cluster.metricsPorts.set(`n${i}`, port));
		await cluster.start(3);
		front = await freePort();
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-haproxy-'));
		stats = path.join(dir, 'haproxy.sock');
		fs.writeFileSync(path.join(dir, 'haproxy.cfg'), haproxyConfig(front, ports, metrics, stats));
		haproxy = spawn(HAPROXY, ['-db', '-f', path.join(dir, 'haproxy.cfg')], { stdio: 'ignore' });
		await accepting(front);
		let states = '';
		await eventually(async () => (states = [...(await serverStates(stats)).entries()].map(([n, s]) => `${n} ${s}`).join(', ')) === 'n0 UP, n1 UP, n2 UP', 'haproxy sees three healthy nodes', 20_000)
			.catch((error: unknown) => { throw new Error(`${String(error)}; haproxy says: ${states}`); });
	});

	after(async () => {
		if (haproxy && haproxy.exitCode === null) {
			const exited = new Promise((resolve) => haproxy!.once('exit', resolve));
			haproxy.kill('SIGKILL');
			await exited;
		}
		await cluster?.stop();
		await n1Redis?.stop();
		await redis?.stop();
		await pg?.stop();
		fs.rmSync(dir, { recursive: true, force: true });
	});

	it('a node that loses Redis says 503 and gets no new clients until it is healthy again', async () => {
		n1Redis.cut();
		try {
			await eventually(async () => (await cluster.healthz(1)).status === 503, 'n1 says 503 without Redis', 5000);
			assert.match((await cluster.healthz(1)).body, /^redis: (disconnected|not answering|lease not held) /);
			await eventually(async () => (await serverStates(stats)).get('n1') === 'DOWN', 'haproxy marks n1 down', 10_000);
			const newcomers: TestClient[] = [];
			try {
				for (let i = 0; i < 6; i++) {
					newcomers.push(await within(10_000, TestClient.login(front, `newcomer${i}`), `newcomer${i} signing in through haproxy`));
				}
				const nodes = await Promise.all(newcomers.map((c) => nodeOf(cluster, c)));
				assert.ok(!nodes.includes(1), `no new client on n1: ${nodes.join(',')}`);
			} finally {
				newcomers.forEach((c) => c.close());
			}
		} finally {
			n1Redis.restore();
		}
		await eventually(async () => (await cluster.healthz(1)).status === 200, 'n1 healthy again once Redis is reachable', 15_000);
		await eventually(async () => (await serverStates(stats)).get('n1') === 'UP', 'haproxy marks n1 up again', 10_000);
		// leastconn: the node with no connection gets the next client.
		await eventually(async () => {
			const client = await within(10_000, TestClient.login(front, `back${Date.now() % 100000}`), 'a client signing in through haproxy');
			try {
				return (await nodeOf(cluster, client)) === 1;
			} finally {
				client.close();
			}
		}, 'a new client lands on n1 again', 10_000);
	});

	it('a client whose node dies reconnects through the same address and loses nothing', async () => {
		const watcher = await TestClient.login(front, 'watcher');
		let sender = await TestClient.login(front, 'writer');
		try {
			await sender.connection.sendRequest(RegisterRequest.type, { password: 'a good password' });
			for (const client of [watcher, sender]) {
				await client.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
			}
			const total = 30;
			for (let i = 0; i < total; i++) {
				const params = { to: '#general', text: `via haproxy ${i}`, clientMsgId: `h-${i}` };
				if (i === 10) {
					// Whichever node the sender landed on dies (the watcher may be there too).
					const nodeIndex = await nodeOf(cluster, sender);
					await cluster.kill(nodeIndex);
				}
				for (let attempt = 0; ; attempt++) {
					try {
						await sender.connection.sendRequest(SendMessageRequest.type, params);
						break;
					} catch (error) {
						assert.ok(attempt < 20, `send ${i} failed 20 times: ${String(error)}`);
						sender.close();
						await new Promise((resolve) => setTimeout(resolve, 200));
						sender = await TestClient.login(front, 'writer', { password: 'a good password' }).catch(() => sender);
					}
				}
			}
			const reader = watcher.socket.destroyed ? await TestClient.login(front, 'reader') : watcher;
			const { messages } = await reader.connection.sendRequest(HistoryRequest.type, { conversation: '#general', limit: 100 });
			assert.deepEqual(messages.map((m) => m.text), Array.from({ length: total }, (_, i) => `via haproxy ${i}`));
			if (!watcher.socket.destroyed) {
				await eventually(() => watcher.received(MessageNewNotification.type).length >= total, 'the watcher got every message', 10_000);
			}
			if (reader !== watcher) {
				reader.close();
			}
		} finally {
			watcher.close();
			sender.close();
		}
	});
});

/** The index of the node a client is connected to through haproxy (its user/list address is haproxy's, so ask each node's log). */
async function nodeOf(cluster: ClusterHarness, client: TestClient): Promise<number> {
	const nick = client.nick!;
	let found = -1;
	await eventually(() => {
		found = cluster.nodes.findIndex((node) => node.proc.stderr.includes(`nick ${nick} set by`));
		return found >= 0;
	}, `a node logged ${nick}`, 5000);
	return found;
}

/**
 * HAProxy in TCP mode in front of three nodes, with the configuration docs/cluster.md
 * shows (docs/examples/haproxy.cfg, ports replaced), checking each node's /healthz:
 * clients connect to one address; when the node a client is on dies (kill -9), the client
 * connects again to the same address, lands on a live node and retries what was not
 * acknowledged. A node that loses Redis says 503 and HAProxy sends it no new clients
 * until it is healthy again. (The test adds a stats socket, in a second configuration
 * file, to read HAProxy's view.)
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { eventually, TestClient } from '../helpers/client';
import { TcpProxy } from '../helpers/tcp-proxy';
import { BalancedCluster, failoverThrough, nodeOf } from './failover';

const HAPROXY = process.env.PARLEY_HAPROXY ?? '/usr/sbin/haproxy';

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
	const states = new Map<string, string>();
	if (csv === '') {
		return states;
	}
	const [header, ...rows] = csv.trim().split('\n');
	const columns = header.replace(/^# /, '').split(',');
	for (const row of rows.map((r) => r.split(','))) {
		if (row[columns.indexOf('pxname')] === 'parley_nodes' && /^n\d$/.test(row[columns.indexOf('svname')])) {
			states.set(row[columns.indexOf('svname')], row[columns.indexOf('status')]);
		}
	}
	return states;
}

/** The node a client signed in on, once its log says so. */
async function landedOn(setup: BalancedCluster, client: TestClient): Promise<number> {
	let found = -1;
	await eventually(() => {
		try {
			found = nodeOf(setup.cluster, client);
			return true;
		} catch {
			return false;
		}
	}, `a node logged ${client.nick ?? ''}`, 5000);
	return found;
}

describe('three nodes behind haproxy (docs/examples/haproxy.cfg)', function () {
	this.timeout(120_000);
	let stats = '';
	/** Node n1 reaches Redis through this relay, which a test cuts. */
	let n1Redis: TcpProxy | undefined;
	const setup = new BalancedCluster({
		configFile: 'haproxy.cfg',
		beforeNodes: async (cluster, redis) => {
			n1Redis = await TcpProxy.start(redis.port);
			cluster.redisUrls.set('n1', `redis://127.0.0.1:${n1Redis.port}`);
		},
		command: (config, dir) => {
			stats = path.join(dir, 'haproxy.sock');
			const extra = path.join(dir, 'stats.cfg');
			fs.writeFileSync(extra, `global\n\tstats socket ${stats} level admin\n`);
			return [HAPROXY, ['-db', '-f', config, '-f', extra]];
		},
	});
	before(async () => {
		await setup.start();
		let states = '';
		await eventually(async () => (states = [...(await serverStates(stats)).entries()].map(([n, s]) => `${n} ${s}`).join(', ')) === 'n0 UP, n1 UP, n2 UP', 'haproxy sees three healthy nodes', 20_000)
			.catch((error: unknown) => { throw new Error(`${String(error)}; haproxy says: ${states}`); });
	});
	after(async () => {
		await setup.stop();
		await n1Redis?.stop();
	});

	it('a node that loses Redis says 503 and gets no new clients until it is healthy again', async () => {
		const { cluster, front } = setup;
		assert.ok(fs.readFileSync(path.join(__dirname, '../../../docs/examples/haproxy.cfg'), 'utf8').includes('option httpchk GET /healthz'));
		n1Redis!.cut();
		try {
			await eventually(async () => (await cluster.healthz(1)).status === 503, 'n1 says 503 without Redis', 5000);
			assert.match((await cluster.healthz(1)).body, /^redis: (disconnected|not answering|lease not held) /);
			await eventually(async () => (await serverStates(stats)).get('n1') === 'DOWN', 'haproxy marks n1 down', 10_000);
			const newcomers: TestClient[] = [];
			try {
				for (let i = 0; i < 6; i++) {
					newcomers.push(await within(10_000, TestClient.login(front, `newcomer${i}`), `newcomer${i} signing in through haproxy`));
				}
				const nodes = await Promise.all(newcomers.map((c) => landedOn(setup, c)));
				assert.ok(!nodes.includes(1), `no new client on n1: ${nodes.join(',')}`);
			} finally {
				newcomers.forEach((c) => c.close());
			}
		} finally {
			n1Redis!.restore();
		}
		await eventually(async () => (await cluster.healthz(1)).status === 200, 'n1 healthy again once Redis is reachable', 15_000);
		await eventually(async () => (await serverStates(stats)).get('n1') === 'UP', 'haproxy marks n1 up again', 10_000);
		// leastconn: the node with no connection gets the next client.
		await eventually(async () => {
			const client = await within(10_000, TestClient.login(front, `back${Date.now() % 100000}`), 'a client signing in through haproxy');
			try {
				return (await landedOn(setup, client)) === 1;
			} finally {
				client.close();
			}
		}, 'a new client lands on n1 again', 10_000);
	});

	it('a client whose node dies reconnects through the same address and loses nothing', async () => {
		await failoverThrough(setup.front, setup.cluster);
	});
});

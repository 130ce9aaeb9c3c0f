/**
 * HAProxy in TCP mode in front of three nodes, with the configuration docs/cluster.md
 * shows (docs/examples/haproxy.cfg, ports replaced): clients connect to one address; when
 * the node a client is on dies (kill -9), the client connects again to the same address,
 * lands on a live node and retries what was not acknowledged.
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
import { ClusterHarness } from './harness';

const HAPROXY = process.env.PARLEY_HAPROXY ?? '/usr/sbin/haproxy';

/** docs/examples/haproxy.cfg with the test's ports. */
function haproxyConfig(front: number, nodes: number[]): string {
	const text = fs.readFileSync(path.join(REPO_ROOT, 'docs/examples/haproxy.cfg'), 'utf8');
	return text.replace('127.0.0.1:7420', `127.0.0.1:${front}`)
		.replace(/127\.0\.0\.1:742([1-3])/g, (_, n: string) => `127.0.0.1:${nodes[Number(n) - 1]}`);
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

	before(async () => {
		pg = await PostgresServer.start();
		redis = await RedisServer.start();
		cluster = new ClusterHarness(await pg.createDatabase(), redis);
		const ports = [await freePort(), await freePort(), await freePort()];
		ports.forEach((port, i) => cluster.ports.set(`n${i}`, port));
		await cluster.start(3);
		front = await freePort();
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-haproxy-'));
		fs.writeFileSync(path.join(dir, 'haproxy.cfg'), haproxyConfig(front, ports));
		haproxy = spawn(HAPROXY, ['-db', '-f', path.join(dir, 'haproxy.cfg')], { stdio: 'ignore' });
		await accepting(front);
	});

	after(async () => {
		if (haproxy && haproxy.exitCode === null) {
			const exited = new Promise((resolve) => haproxy!.once('exit', resolve));
			haproxy.kill('SIGKILL');
			await exited;
		}
		await cluster?.stop();
		await redis?.stop();
		await pg?.stop();
		fs.rmSync(dir, { recursive: true, force: true });
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

/** The index of the node a client is connected to through haproxy (its user/list address is haproxy's, so ask each node). */
async function nodeOf(cluster: ClusterHarness, client: TestClient): Promise<number> {
	const nick = client.nick!;
	for (let i = 0; i < cluster.nodes.length; i++) {
		if (cluster.node(i).proc.stderr.includes(`nick ${nick} set by`)) {
			return i;
		}
	}
	throw new Error(`no node logged ${nick}`);
}

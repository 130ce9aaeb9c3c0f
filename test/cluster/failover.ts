/**
 * What a load balancer in front of the cluster must give a client, shared by the tests
 * of each balancer's example configuration (haproxy.test.ts, nginx.test.ts): when the node
 * a client is on dies (kill -9), the client connects again to the same address, lands on a
 * live node, retries what was not acknowledged, and nothing is lost or stored twice.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { RegisterRequest } from '../../protocol/account';
import { JoinChannelRequest } from '../../protocol/channels';
import { HistoryRequest, MessageNewNotification } from '../../protocol/messages';
import { eventually, TestClient } from '../helpers/client';
import { PostgresServer } from '../helpers/postgres';
import { freePort } from '../helpers/ports';
import { REPO_ROOT } from '../helpers/process';
import { RedisServer } from '../helpers/redis';
import { sendSurely } from './common';
import { ClusterHarness } from './harness';

/** A load balancer in front of three nodes, as a test starts it. */
export interface Balancer {
	/** Its example configuration in docs/examples. */
	readonly configFile: string;
	/** The command that runs it in the foreground with the configuration at `config` (`dir`: a temp dir of its own). */
	command(config: string, dir: string): [string, string[]];
	/** Lines to put before the example's text (e.g. where to write its pid and logs). */
	preamble?(dir: string): string;
	/** Called with the harness before the nodes start (e.g. to give a node another way to Redis). */
	beforeNodes?(cluster: ClusterHarness, redis: RedisServer): Promise<void>;
}

/** Three nodes on a real PostgreSQL and Redis behind `balancer`, started before the suite's tests, stopped after. */
export class BalancedCluster {
	pg!: PostgresServer;
	redis!: RedisServer;
	cluster!: ClusterHarness;
	/** The balancer's port: the one address clients use. */
	front = 0;
	private proc: ChildProcess | undefined;
	private dir = '';
	private output = '';

	constructor(private readonly balancer: Balancer) {}

	async start(): Promise<void> {
		this.pg = await PostgresServer.start();
		this.redis = await RedisServer.start();
		this.cluster = new ClusterHarness(await this.pg.createDatabase(), this.redis);
		const ports = [await freePort(), await freePort(), await freePort()];
		const metrics = [await freePort(), await freePort(), await freePort()];
		ports.forEach((port, i) => this.cluster.ports.set(`n${i}`, port));
		metrics.forEach((port, i) => this.cluster.metricsPorts.set(`n${i}`, port));
		await this.balancer.beforeNodes?.(this.cluster, this.redis);
		await this.cluster.start(3);
		this.front = await freePort();
		this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-balancer-'));
		const config = path.join(this.dir, path.basename(this.balancer.configFile));
		fs.writeFileSync(config, (this.balancer.preamble?.(this.dir) ?? '') + exampleConfig(this.balancer.configFile, this.front, ports, metrics));
		const [command, args] = this.balancer.command(config, this.dir);
		this.proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
		this.proc.stdout?.on('data', (chunk: Buffer) => { this.output += chunk.toString(); });
		this.proc.stderr?.on('data', (chunk: Buffer) => { this.output += chunk.toString(); });
		try {
			await accepting(this.front, command);
		} catch (error) {
			throw new Error(`${String(error)}\n${command} said: ${this.output}`, { cause: error });
		}
	}

	async stop(): Promise<void> {
		const proc = this.proc;
		if (proc && proc.exitCode === null && proc.signalCode === null) {
			// SIGTERM: nginx's master stops its workers too (SIGKILL would leave them behind).
			const exited = new Promise((resolve) => proc.once('exit', resolve));
			proc.kill('SIGTERM');
			const killer = setTimeout(() => proc.kill('SIGKILL'), 5000);
			await exited;
			clearTimeout(killer);
		}
		await this.cluster?.stop();
		await this.redis?.stop();
		await this.pg?.stop();
		if (this.dir) {
			fs.rmSync(this.dir, { recursive: true, force: true });
		}
	}
}

/** An example configuration of docs/examples with the test's ports: 7420 for clients, 7421-7423 for the nodes, 9421-9423 their metrics ports (health checks). */
export function exampleConfig(file: string, front: number, nodes: number[], metrics: number[]): string {
	const text = fs.readFileSync(path.join(REPO_ROOT, 'docs/examples', file), 'utf8');
	return text.replace('127.0.0.1:7420', `127.0.0.1:${front}`)
		.replace(/127\.0\.0\.1:742([1-3])/g, (_, n: string) => `127.0.0.1:${nodes[Number(n) - 1]}`)
		.replace(/check port 942([1-3])/g, (_, n: string) => `check port ${metrics[Number(n) - 1]}`);
}

/** Resolves once something accepts connections on `port`. */
export async function accepting(port: number, what: string): Promise<void> {
	await eventually(() => new Promise<boolean>((resolve) => {
		const socket = net.connect({ port, host: '127.0.0.1' }, () => { socket.destroy(); resolve(true); });
		socket.once('error', () => resolve(false));
	}), `${what} listening on ${port}`, 10_000);
}

/**
 * A watcher and a signed-in writer connect through `front`; after 10 of 30 messages the
 * writer's node is killed; the writer reconnects through `front` and retries by clientMsgId.
 * History holds the 30 once each, in order, and the watcher (if its node lived) got each.
 */
export async function failoverThrough(front: number, cluster: ClusterHarness): Promise<void> {
	const watcher = await TestClient.login(front, 'watcher');
	let sender = await TestClient.login(front, 'writer');
	try {
		await sender.connection.sendRequest(RegisterRequest.type, { password: 'a good password' });
		for (const client of [watcher, sender]) {
			await client.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		}
		const total = 30;
		for (let i = 0; i < total; i++) {
			const params = { to: '#general', text: `via the balancer ${i}`, clientMsgId: `f-${i}` };
			if (i === 10) {
				// Whichever node the sender landed on dies (the watcher may be there too).
				await cluster.kill(nodeOf(cluster, sender));
			}
			await sendSurely(() => sender, async () => {
				sender.close();
				await new Promise((resolve) => setTimeout(resolve, 200));
				sender = await TestClient.login(front, 'writer', { password: 'a good password' }).catch(() => sender);
			}, params, 20);
		}
		const reader = watcher.socket.destroyed ? await TestClient.login(front, 'reader') : watcher;
		try {
			const { messages } = await reader.connection.sendRequest(HistoryRequest.type, { conversation: '#general', limit: 100 });
			assert.deepEqual(messages.map((m) => m.text), Array.from({ length: total }, (_, i) => `via the balancer ${i}`));
			if (!watcher.socket.destroyed) {
				await eventually(() => watcher.received(MessageNewNotification.type).length >= total, 'the watcher got every message', 10_000);
			}
		} finally {
			if (reader !== watcher) {
				reader.close();
			}
		}
	} finally {
		watcher.close();
		sender.close();
	}
}

/** The index of the node a client is connected to through a balancer (its user/list address is the balancer's, so ask each node's log). */
export function nodeOf(cluster: ClusterHarness, client: TestClient): number {
	const nick = client.nick!;
	for (let i = 0; i < cluster.nodes.length; i++) {
		if (cluster.node(i).proc.stderr.includes(`nick ${nick} set by`)) {
			return i;
		}
	}
	throw new Error(`no node logged ${nick}`);
}

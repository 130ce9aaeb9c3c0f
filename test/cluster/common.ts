/**
 * What the cluster suites share: the run's PostgreSQL (test/helpers/postgres.ts
 * `sharedPostgres`, stopped by the root hooks of test/helpers/postgres-hooks.ts, which
 * test/cluster/.mocharc.json requires), three nodes and a Redis of their own for each test,
 * and how a test reads what clients got.
 */
import * as assert from 'node:assert/strict';
import { HistoryRequest, MessageNewNotification, SendMessageRequest } from '../../protocol/messages';
import type { Message } from '../../protocol/types';
import type { TestClient } from '../helpers/client';
import { sharedPostgres } from '../helpers/postgres';
import { RedisServer } from '../helpers/redis';
import { ClusterHarness } from './harness';

/** The password of the accounts the cluster tests register. */
export const PASSWORD = 'correct horse battery';

/** The messages of a conversation, oldest first, as `viewer` reads them. */
export async function history(viewer: TestClient, conversation: string): Promise<Message[]> {
	const { messages } = await viewer.connection.sendRequest(HistoryRequest.type, { conversation, limit: 500 });
	return messages;
}

/** The messages `client` got live (of `conversation`, when given), in arrival order. */
export function received(client: TestClient, conversation?: string): Message[] {
	return client.received(MessageNewNotification.type).map((p) => p.message).filter((m) => conversation === undefined || m.to === conversation);
}

/**
 * Before each test of the suite: a fresh database, a redis-server and three nodes n0-n2
 * (`env` per node id, `extra` arguments for every node); after it, everything stopped, and
 * the nodes' last output printed when the test failed.
 */
export function useCluster(options: { env?: Record<string, NodeJS.ProcessEnv>; extra?: string[] } = {}): { cluster: () => ClusterHarness; redis: () => RedisServer } {
	let redis: RedisServer;
	let cluster: ClusterHarness;
	beforeEach(async () => {
		redis = await RedisServer.start();
		cluster = new ClusterHarness(await (await sharedPostgres()).createDatabase(), redis, options.extra);
		for (const [id, env] of Object.entries(options.env ?? {})) {
			cluster.env.set(id, env);
		}
		await cluster.start(3);
	});
	afterEach(async function () {
		if (this.currentTest?.state === 'failed') {
			for (const node of cluster.nodes) {
				process.stderr.write(`---- ${node.id} output (last lines)\n${`${node.proc.stdout}\n${node.proc.stderr}`.split('\n').slice(-40).join('\n')}\n`);
			}
		}
		await cluster.stop();
		await redis.stop();
	});
	return { cluster: () => cluster, redis: () => redis };
}

/**
 * Sends `params` through `get()` until acknowledged, calling `reconnect` after a failure or
 * a lost connection (a connection that dies leaves its request unanswered: its close ends
 * the wait); at most `attempts` failures.
 */
export async function sendSurely(get: () => TestClient, reconnect: () => Promise<void>, params: { to: string; text: string; clientMsgId: string }, attempts = 10): Promise<Message> {
	for (let attempt = 0; ; attempt++) {
		try {
			const client = get();
			const answer = await Promise.race([client.connection.sendRequest(SendMessageRequest.type, params), client.closed.then(() => undefined)]);
			if (answer === undefined) {
				throw new Error('connection lost');
			}
			return answer.message;
		} catch (error) {
			assert.ok(attempt < attempts, `${params.clientMsgId} failed ${attempts} times: ${String(error)}`);
			await reconnect();
		}
	}
}

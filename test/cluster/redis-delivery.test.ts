/**
 * What a node's Redis delivery remembers of the cluster's channel subscriptions, with two
 * deliveries in this process on a real redis-server (the "nodes" a and b share an
 * in-memory store): it must not grow with every guest that ever joined a channel.
 */
import * as assert from 'node:assert/strict';
import Redis from 'ioredis';
import { createLogger } from '../../server/log';
import type { Sink } from '../../server/state/delivery';
import { MemoryStore } from '../../server/state/memory-store';
import { RedisDelivery } from '../../server/state/redis-delivery';
import { eventually } from '../helpers/client';
import { RedisServer } from '../helpers/redis';

/** The keys a delivery keeps for unsubscriptions waiting for their turn. */
const remembered = (d: RedisDelivery): number => (d as unknown as { unsubscribing: Map<string, unknown> }).unsubscribing.size;

describe('Redis delivery: what a node remembers of subscriptions', function () {
	this.timeout(30_000);
	let redis: RedisServer;
	const connections: Redis[] = [];
	const deliveries: RedisDelivery[] = [];

	beforeEach(async () => {
		redis = await RedisServer.start();
	});
	afterEach(async () => {
		for (const d of deliveries.splice(0)) {
			d.close();
		}
		for (const c of connections.splice(0)) {
			c.disconnect();
		}
		await redis.stop();
	});

	async function node(id: string, store: MemoryStore): Promise<RedisDelivery> {
		const [pub, sub] = [new Redis(redis.url), new Redis(redis.url)];
		connections.push(pub, sub);
		const d = new RedisDelivery(pub, sub, store, id, createLogger('silent'));
		await d.start();
		deliveries.push(d);
		return d;
	}

	it('keeps nothing for subscriptions that end without an unsubscription (guests), and still unsubscribes in order', async () => {
		const store = new MemoryStore();
		const [a, b] = [await node('a', store), await node('b', store)];
		const bob: Sink = { id: 1, deliver: () => undefined };
		b.attachNick('bob', bob);
		// 300 guests join #c on a and go away: their connections end, nobody unsubscribes them.
		for (let i = 0; i < 300; i++) {
			a.subscribeNick('#c', `guest${i}`);
		}
		// bob (on b) joins, leaves and joins again through a: b follows, in that order.
		a.subscribeNick('#c', 'bob');
		await eventually(() => b.isSubscribed('#c', bob), 'bob subscribed on b');
		assert.deepEqual([remembered(a), remembered(b)], [0, 0], 'the guests\' subscriptions (before bob\'s on the bus) left nothing behind');
		a.unsubscribeNick('#c', 'bob');
		a.subscribeNick('#c', 'bob');
		a.unsubscribeNick('#c', 'bob');
		// carl's subscription is published after all of bob's: once b has it, b has handled them.
		const carl: Sink = { id: 2, deliver: () => undefined };
		b.attachNick('carl', carl);
		a.subscribeNick('#c', 'carl');
		await eventually(() => b.isSubscribed('#c', carl), 'carl subscribed on b');
		assert.deepEqual(b.subscriptionsOf(bob), [], 'bob unsubscribed on b after the last leave');
		await a.drained();
		assert.deepEqual([remembered(a), remembered(b)], [0, 0], 'nothing remembered once every unsubscription had its turn');
	});
});

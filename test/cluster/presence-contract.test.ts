/**
 * The Presence contract, run by the embedded implementation and the Redis one (a real
 * redis-server), then what only the cluster's has: nodes racing for a nick, a dead node's
 * connections freed, a claim through a node whose lease ran out.
 */
import * as assert from 'node:assert/strict';
import Redis from 'ioredis';
import { leaseKey } from '../../server/cluster/keys';
import { LocalPresence, type Presence } from '../../server/state/presence';
import { LeaseLostError, RedisPresence, type LeaseHolder } from '../../server/state/redis-presence';
import { RedisServer } from '../helpers/redis';

class TestLease implements LeaseHolder {
	lostCalls = 0;
	constructor(readonly nodeId: string, readonly token = `${nodeId}-token`) {}
	lost(): void {
		this.lostCalls++;
	}
	async take(redis: Redis): Promise<void> {
		await redis.set(leaseKey(this.nodeId), this.token);
	}
}

const user = (nick: string, since = 1): { nick: string; address: string; since: number } => ({ nick, address: '127.0.0.1:5000', since });

let redisServer: RedisServer;
let redis: Redis;

before(async function () {
	this.timeout(30_000);
	redisServer = await RedisServer.start();
	redis = new Redis(redisServer.url);
});

after(async () => {
	redis?.disconnect();
	await redisServer?.stop();
});

interface Impl {
	name: string;
	make(): Promise<Presence>;
}

const impls: Impl[] = [
	{ name: 'LocalPresence', make: async () => new LocalPresence() },
	{
		name: 'RedisPresence',
		make: async () => {
			await redis.flushall();
			const lease = new TestLease('n1');
			await lease.take(redis);
			return new RedisPresence(redis, lease);
		},
	},
];

for (const impl of impls) {
	describe(`presence contract (${impl.name})`, () => {
		let p: Presence;
		beforeEach(async () => {
			p = await impl.make();
		});

		it('a guest nick is held by one connection, ignoring case', async () => {
			assert.equal(await p.claim(user('Ana'), false), 'first');
			assert.equal(await p.claim(user('ana'), false), 'taken');
			assert.equal(await p.claim(user('ANA'), true), 'taken');
			assert.deepEqual(await p.get('aNa'), { nick: 'Ana', address: '127.0.0.1:5000', since: 1, connections: 1, account: false, status: 'online' });
			assert.equal(await p.release('ana'), true);
			assert.equal(await p.get('ana'), undefined);
			assert.equal(await p.release('ana'), false);
		});

		it('an account is held by several connections and goes offline with the last', async () => {
			assert.equal(await p.claim(user('bob'), true), 'first');
			assert.equal(await p.claim(user('Bob', 2), true), 'another');
			assert.equal(await p.claim(user('bob'), false), 'taken');
			assert.equal((await p.get('bob'))?.connections, 2);
			assert.equal(await p.connections(), 2);
			assert.equal(await p.count(), 1);
			assert.equal(await p.release('bob'), false);
			assert.equal(await p.release('bob'), true);
			assert.equal(await p.count(), 0);
			assert.equal(await p.connections(), 0);
		});

		it('promote makes a guest an account that may connect again', async () => {
			await p.claim(user('cy'), false);
			await p.promote('CY');
			assert.equal(await p.claim(user('cy'), true), 'another');
			await p.promote('nobody');
			assert.equal(await p.get('nobody'), undefined);
		});

		it('rename moves a single connection, not onto a held nick', async () => {
			await p.claim(user('dan'), false);
			await p.claim(user('eve'), false);
			assert.equal(await p.rename('dan', 'EVE'), false);
			assert.equal(await p.rename('dan', 'Dana'), true);
			assert.equal(await p.get('dan'), undefined);
			assert.equal((await p.get('dana'))?.nick, 'Dana');
			assert.equal(await p.rename('Dana', 'DANA'), true);
			assert.equal((await p.get('dana'))?.nick, 'DANA');
			await p.claim(user('acct'), true);
			await p.claim(user('acct'), true);
			assert.equal(await p.rename('acct', 'other'), false);
		});

		it('status is set on online nicks only, and reports changes', async () => {
			assert.equal(await p.setStatus('fay', 'away', undefined), false);
			await p.claim(user('fay'), false);
			assert.equal(await p.setStatus('fay', 'away', 'lunch'), true);
			assert.equal(await p.setStatus('fay', 'away', 'lunch'), false);
			assert.deepEqual({ ...(await p.get('fay')) }, { nick: 'fay', address: '127.0.0.1:5000', since: 1, connections: 1, account: false, status: 'away', statusText: 'lunch' });
			assert.equal(await p.setStatus('fay', 'away', undefined), true);
			assert.equal((await p.get('fay'))?.statusText, undefined);
			assert.equal(await p.setStatus('fay', 'online', undefined), true);
		});

		it('lists who is online', async () => {
			await p.claim(user('gus'), false);
			await p.claim(user('Hal'), true);
			assert.deepEqual(await p.areOnline(['GUS', 'hal', 'ivy']), [true, true, false]);
			assert.deepEqual(await p.areOnline([]), []);
			assert.deepEqual((await p.list()).map((e) => e.nick).sort(), ['Hal', 'gus']);
		});
	});
}

describe('presence across nodes (RedisPresence)', () => {
	let leases: TestLease[];
	let nodes: RedisPresence[];
	beforeEach(async () => {
		await redis.flushall();
		leases = [new TestLease('n1'), new TestLease('n2'), new TestLease('n3')];
		for (const lease of leases) {
			await lease.take(redis);
		}
		// Each node with its own connection, as in a cluster.
		nodes = leases.map((lease) => new RedisPresence(new Redis(redisServer.url), lease));
	});
	afterEach(() => {
		for (const node of nodes) {
			(node as unknown as { redis: Redis }).redis.disconnect();
		}
	});

	it('a guest nick raced through three nodes is won by exactly one, every time', async () => {
		for (let i = 0; i < 50; i++) {
			const claims = await Promise.all(nodes.map((node, n) => node.claim(user(n === 0 ? `race${i}` : `RACE${i}`), false)));
			assert.equal(claims.filter((c) => c === 'first').length, 1, `round ${i}: ${claims.join(',')}`);
			assert.equal(claims.filter((c) => c === 'taken').length, 2);
		}
		assert.equal(await nodes[1].count(), 50);
	});

	it('an account on two nodes stays online when one of them dies; a dead node frees its guests', async () => {
		await nodes[0].claim(user('acct'), true);
		await nodes[1].claim(user('acct'), true);
		await nodes[1].claim(user('acct'), true);
		await nodes[1].claim(user('guest'), false);
		await nodes[0].claim(user('other'), false);
		assert.equal(await nodes[2].connections(), 5);
		const offline = await nodes[2].reap('n2');
		assert.deepEqual(offline, [{ nick: 'guest', account: false }]);
		assert.equal((await nodes[2].get('acct'))?.connections, 1);
		assert.equal(await nodes[2].connections(), 2);
		assert.equal(await nodes[0].claim(user('guest'), false), 'first');
		// The dead node's late release changes nothing.
		assert.equal(await nodes[1].release('acct'), false);
		assert.equal((await nodes[2].get('acct'))?.connections, 1);
		const rest = (await nodes[2].reap('n1')).sort((x, y) => x.nick.localeCompare(y.nick));
		assert.deepEqual(rest, [{ nick: 'acct', account: true }, { nick: 'guest', account: false }, { nick: 'other', account: false }]);
		assert.equal(await nodes[2].count(), 0);
		assert.equal(await nodes[2].connections(), 0);
	});

	it('a node whose lease ran out claims nothing and is told', async () => {
		await redis.del(leaseKey('n1'));
		await assert.rejects(nodes[0].claim(user('late'), false), LeaseLostError);
		assert.equal(leases[0].lostCalls, 1);
		assert.equal(await nodes[1].get('late'), undefined);
		await assert.rejects(nodes[0].rename('x', 'y'), LeaseLostError);
	});

	it('a guest resumes through another node only with its connection\'s token; the old node\'s late release changes nothing', async () => {
		await nodes[1].claim(user('roamer'), false, 'token-1');
		await nodes[1].claim(user('acct'), true);
		assert.equal(await nodes[0].resume('roamer', 'wrong'), undefined);
		assert.equal(await nodes[0].resume('acct', 'token-1'), undefined, 'never an account');
		assert.equal(await nodes[0].resume('nobody', 'token-1'), undefined);
		assert.equal(await nodes[0].resume('ROAMER', 'token-1'), 'n2');
		assert.equal(await nodes[0].get('roamer'), undefined);
		assert.equal(await nodes[0].connections(), 1);
		assert.equal(await nodes[0].claim(user('roamer'), false, 'token-2'), 'first');
		assert.equal(await nodes[1].release('roamer'), false);
		assert.equal((await nodes[2].get('roamer'))?.connections, 1);
		// The old node is reaped: the nick stays its new holder's.
		assert.deepEqual(await nodes[2].reap('n2'), [{ nick: 'acct', account: true }]);
		assert.equal((await nodes[2].get('roamer'))?.connections, 1);
		assert.equal(await nodes[2].resume('roamer', 'token-1'), undefined, 'an old token is spent');
	});

	it('after Redis restarts empty, reclaims bring back the statuses set through each node, the newest of them', async () => {
		await nodes[0].claim(user('dee'), true);
		await nodes[1].claim(user('dee'), true);
		await nodes[2].claim(user('gus'), false);
		await nodes[1].setStatus('dee', 'away', 'lunch');
		await nodes[0].setStatus('dee', 'away', 'in a meeting');
		await nodes[2].setStatus('gus', 'away', undefined);
		await redis.flushall();
		for (const lease of leases) {
			await lease.take(redis);
		}
		// The older status, reclaimed after the newer one, does not replace it.
		await nodes[0].reclaim(user('dee'), true);
		await nodes[1].reclaim(user('dee'), true);
		await nodes[2].reclaim(user('gus'), false);
		assert.deepEqual(await nodes[2].statuses(['dee', 'gus']), [{ status: 'away', text: 'in a meeting' }, { status: 'away' }]);
		assert.equal((await nodes[2].get('dee'))?.connections, 2);
		// A nick that went offline and was claimed anew starts online.
		assert.equal(await nodes[2].release('gus'), true);
		assert.equal(await nodes[2].claim(user('gus'), false), 'first');
		await redis.flushall();
		for (const lease of leases) {
			await lease.take(redis);
		}
		await nodes[2].reclaim(user('gus'), false);
		assert.deepEqual(await nodes[2].statuses(['gus']), [{ status: 'online' }]);
	});
});

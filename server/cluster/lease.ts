/**
 * A node's lease in Redis and the watch on the others'. The node renews its lease every
 * `renewMs`; Redis expires it `ttlMs` after the last renewal, by Redis's own clock (node
 * clocks never decide). Every node checks the registered nodes every `watchMs`: the first
 * to see a lease gone takes the node's reaping lock and frees what it held.
 *
 * A node that finds its own lease gone (it was paused, or cut off from Redis, for longer
 * than the TTL) stops serving as if it held its users' nicks: `onLost` drops its
 * connections (the clients reconnect), then it registers again with a new token.
 */
import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import type { Logger } from '../log';
import type { LeaseHolder } from '../state/redis-presence';
import { NODES, leaseKey, reapingKey } from './keys';

export interface LeaseTimings {
	/** Lease time to live (ms). */
	ttlMs: number;
	/** How often the lease is renewed (ms). */
	renewMs: number;
	/** How often the other nodes' leases are checked (ms). */
	watchMs: number;
}

export const DEFAULT_LEASE: LeaseTimings = { ttlMs: 6000, renewMs: 2000, watchMs: 1000 };

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end return 0`;

/**
 * How many other registered nodes hold a lease, and those (but ARGV[1], this one) whose
 * lease is gone, read in one script: the set and the leases from the same Redis. Read in two commands, they could come from two
 * Redis runs (a restart in between: the set from the old one, the leases from the new,
 * empty one), and every live node would look dead.
 */
const EXPIRED = `local expired = {}
local alive = 0
for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
	if node ~= ARGV[1] then
		if redis.call('EXISTS', ARGV[2] .. node) == 0 then table.insert(expired, node) else alive = alive + 1 end
	end
end
return {alive, expired}`;

export interface LeaseEvents {
	/** The lease was lost: drop every local connection. Resolves once done. */
	onLost(): Promise<void>;
	/**
	 * Redis restarted empty (a new run id) while this node kept its connections: claim
	 * their nicks again. Resolves once done.
	 */
	rebuild(): Promise<void>;
	/** `node` is dead (or is this node, registering again): free what it held. */
	reap(node: string): Promise<void>;
}

export class NodeLease implements LeaseHolder {
	token = '';
	/** Local clock time of the last confirmed renewal. */
	private renewedAt = 0;
	private renewTimer: NodeJS.Timeout | undefined;
	private watchTimer: NodeJS.Timeout | undefined;
	private recovering: Promise<void> | undefined;
	private closed = false;
	private renewing = false;
	private events: LeaseEvents | undefined;
	/** The Redis process the lease was taken in (`INFO server` run_id). */
	private runId = '';
	/** Nodes holding a lease at the last watch, this one included (for /metrics). */
	nodesAlive = 1;

	constructor(
		private readonly redis: Redis,
		readonly nodeId: string,
		private readonly log: Logger,
		private readonly timings: LeaseTimings = DEFAULT_LEASE,
	) {}

	/** Takes the lease (freeing what an earlier run under this node id left), then renews and watches. */
	async start(events: LeaseEvents): Promise<void> {
		this.events = events;
		await this.register(true);
		this.renewTimer = setInterval(() => this.renew(), this.timings.renewMs);
		let watching = false;
		this.watchTimer = setInterval(() => {
			if (watching) {
				return;
			}
			watching = true;
			this.watch().catch((error: unknown) => this.log.warn(`cluster: watching the other nodes failed: ${String(error)}`)).finally(() => {
				watching = false;
			});
		}, this.timings.watchMs);
	}

	/** Takes a new lease; `reapFirst` frees what this node id held before (nothing of it is connected any more). */
	private async register(reapFirst: boolean): Promise<void> {
		if (reapFirst) {
			await this.events!.reap(this.nodeId);
		}
		this.token = randomBytes(12).toString('hex');
		const sentAt = performance.now();
		await this.redis.multi().set(leaseKey(this.nodeId), this.token, 'PX', this.timings.ttlMs).sadd(NODES, this.nodeId).exec();
		this.renewedAt = sentAt;
		this.runId = await this.currentRunId();
		this.log.info(`cluster: node ${this.nodeId} holds its lease (${this.timings.ttlMs} ms, renewed every ${this.timings.renewMs} ms)`);
	}

	/** Undefined while this node serves under its lease; else why it does not (for /healthz). */
	get problem(): string | undefined {
		if (this.closed) {
			return 'the node is leaving the cluster';
		}
		if (this.recovering) {
			return `node ${this.nodeId} lost its lease and is joining again`;
		}
		if (this.expired) {
			return `no renewal confirmed for ${((performance.now() - this.renewedAt) / 1000).toFixed(1)} s (lease ${this.timings.ttlMs / 1000} s)`;
		}
		return undefined;
	}

	/** The lease may have run out: no renewal confirmed within the TTL (e.g. the process was stopped). */
	get expired(): boolean {
		return performance.now() - this.renewedAt >= this.timings.ttlMs;
	}

	private async currentRunId(): Promise<string> {
		return /run_id:(\w+)/.exec(await this.redis.info('server'))?.[1] ?? '';
	}

	private renew(): void {
		if (this.closed || this.recovering) {
			return;
		}
		if (this.expired) {
			// Checked before anything else runs after a pause, and while Redis does not answer:
			// the others may have freed this node's nicks, so nothing is served as the old lease.
			this.drop(`no renewal for ${Math.round(performance.now() - this.renewedAt)} ms`);
			return;
		}
		if (this.renewing) {
			return;
		}
		const token = this.token;
		const sentAt = performance.now();
		this.renewing = true;
		this.redis.eval(RENEW, 1, leaseKey(this.nodeId), token, String(this.timings.ttlMs)).then((ok) => {
			if (this.closed || token !== this.token || this.recovering) {
				return;
			}
			if (ok === 1) {
				this.renewedAt = sentAt;
			} else {
				this.lost();
			}
		}).catch((error: unknown) => this.log.warn(`cluster: renewing the lease failed: ${String(error)}`)).finally(() => {
			this.renewing = false;
		});
	}

	/** Redis restarted empty within the lease: take the lease again and claim what this node holds. */
	private rejoin(): void {
		this.log.warn(`cluster: Redis restarted empty; node ${this.nodeId} takes its lease and its users' nicks again`);
		this.recovering = (async () => {
			try {
				// Its connections are still here: what they hold in the database stays.
				await this.register(false);
				await this.events!.rebuild();
			} catch (error) {
				this.log.error(`cluster: joining again failed: ${String(error)}`);
			} finally {
				this.recovering = undefined;
			}
		})();
	}

	/**
	 * The lease is not in Redis (a renewal or a presence script found it gone). If Redis
	 * restarted empty (a new run id) within the lease, this node joins again keeping its
	 * connections; otherwise the lease was lost, and so are the connections.
	 */
	lost(): void {
		if (this.closed || this.recovering) {
			return;
		}
		const gone = (): void => this.drop('Redis no longer holds it');
		this.currentRunId().then((runId) => {
			if (this.closed || this.recovering) {
				return;
			}
			if (!this.expired && runId !== this.runId) {
				this.rejoin();
			} else {
				gone();
			}
		}, gone);
	}

	/** Drops every connection, then takes a new lease. */
	private drop(why: string): void {
		if (this.closed || this.recovering) {
			return;
		}
		this.log.warn(`cluster: node ${this.nodeId} lost its lease (${why}): dropping its connections, then joining again`);
		this.recovering = (async () => {
			try {
				await this.events!.onLost();
				await this.register(true);
			} catch (error) {
				this.log.error(`cluster: joining again failed: ${String(error)}`);
			} finally {
				this.recovering = undefined;
			}
		})();
	}

	private async watch(): Promise<void> {
		if (this.closed) {
			return;
		}
		const [othersAlive, expired] = (await this.redis.eval(EXPIRED, 1, NODES, this.nodeId, leaseKey(''))) as [number, string[]];
		this.nodesAlive = 1 + othersAlive;
		for (const node of expired) {
			if (this.closed) {
				return;
			}
			// One node reaps; the lock outlives the reaping so that no second one starts.
			if ((await this.redis.set(reapingKey(node), this.nodeId, 'PX', 30_000, 'NX')) !== 'OK') {
				continue;
			}
			this.log.warn(`cluster: node ${node} lost its lease: freeing its nicks`);
			await this.events!.reap(node);
			// Reaping again is harmless (nothing is left): a node restarted under this id may die again.
			await this.redis.del(reapingKey(node));
		}
	}

	/** Stops renewing; `release` also gives the lease back (a clean shutdown). */
	async stop(release: boolean): Promise<void> {
		this.closed = true;
		clearInterval(this.renewTimer);
		clearInterval(this.watchTimer);
		await this.recovering;
		if (release) {
			await this.redis.multi().del(leaseKey(this.nodeId)).srem(NODES, this.nodeId).exec();
		}
	}
}

/**
 * What `/metrics` says about this server, read when scraped: the hub's counters and
 * connections, delivery counts, the health checks' round trips, and in a cluster the
 * counts read from Redis on the health timer (never on the scrape, which must not wait).
 * docs/cluster.md lists the names and what to watch.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ClusterNode } from '../cluster/cluster';
import type { Hub } from '../hub';
import { IrcSession } from '../irc/session';
import { SERVER_VERSION } from '../version';
import { LocalDelivery } from '../state/delivery';
import type { Check, Health } from './health';
import { Exposition } from './registry';

export interface MetricsSources {
	hub: Hub;
	health: Health;
	cluster?: ClusterNode;
	/** This node's id ('' for a single server). */
	nodeId: string;
	store: 'sqlite' | 'postgres' | 'memory';
}

const LOOP_WINDOW_MS = 10_000;

export class NodeMetrics {
	/** Nicks online in the whole cluster, as last read from Redis (cluster only). */
	private clusterUsers: number | undefined;
	private reading = false;
	private readonly startTime = Math.round(performance.timeOrigin / 1000);
	/** Event-loop delay, sampled by Node every 10 ms; reported per window of LOOP_WINDOW_MS. */
	private readonly loopDelay = monitorEventLoopDelay({ resolution: 10 });
	private loopWindowStart = performance.now();
	private loop = { p50: NaN, p99: NaN, max: NaN };

	constructor(private readonly sources: MetricsSources) {
		this.loopDelay.enable();
	}

	close(): void {
		this.loopDelay.disable();
	}

	/** Reads the cluster-wide counts and closes event-loop windows (called on the health timer). */
	gather(): void {
		if (performance.now() - this.loopWindowStart >= LOOP_WINDOW_MS) {
			const d = this.loopDelay;
			this.loop = { p50: d.percentile(50) / 1e9, p99: d.percentile(99) / 1e9, max: d.max / 1e9 };
			d.reset();
			this.loopWindowStart = performance.now();
		}
		const cluster = this.sources.cluster;
		if (!cluster || this.reading) {
			return;
		}
		this.reading = true;
		cluster.health.usersOnline().then((n) => {
			this.clusterUsers = n;
		}, () => undefined).finally(() => {
			this.reading = false;
		});
	}

	text(): string {
		const { hub, health, cluster, nodeId, store } = this.sources;
		let jsonrpc = 0;
		let irc = 0;
		let queued = 0;
		for (const session of hub.sessions) {
			if (session instanceof IrcSession) {
				irc++;
			} else {
				jsonrpc++;
			}
			queued += session.sendQueueBytes;
		}
		const delivery = hub.state.delivery instanceof LocalDelivery ? hub.state.delivery : undefined;
		const checks = health.checks();
		const up = (name: Check['name']): number => (checks.find((c) => c.name === name)?.ok ? 1 : 0);
		const out = new Exposition()
			.gauge('parley_node_info', 'This server: its node id (empty for a single server), version and store.', [[{ node_id: nodeId, version: SERVER_VERSION, store }, 1]])
			.gauge('parley_healthy', '1 while /healthz answers 200 (database and Redis reachable, clients accepted), else 0.', checks.every((c) => c.ok) ? 1 : 0)
			.gauge('parley_connections', 'Open client connections on this node, by transport.', [[{ transport: 'jsonrpc' }, jsonrpc], [{ transport: 'irc' }, irc]])
			.counter('parley_connections_accepted_total', 'Client connections accepted on this node since it started.', hub.counters.connectionsAccepted)
			.gauge('parley_users_online', 'Distinct nicks signed in on this node.', hub.nicksOnline)
			.counter('parley_messages_stored_total', 'Messages committed through this node (message/send, JSON-RPC and IRC). Per second: rate().', hub.counters.messagesStored)
			.counter('parley_deliveries_total', 'Frames fanned out to connections of this node (chat: messages, edits, reactions, topics, typing; presence: joins, leaves, online/offline). Per second: rate().', [
				[{ traffic: 'chat' }, delivery?.chatDeliveries ?? 0], [{ traffic: 'presence' }, delivery?.presenceDeliveries ?? 0],
			])
			.gauge('parley_send_queue_bytes', 'Bytes of output waiting for clients on this node (queued and in socket buffers), summed.', queued);
		if (health.database) {
			out.gauge('parley_database_up', '1 while the last database round trip succeeded within the timeout, else 0.', up('database'))
				.gauge('parley_database_last_round_trip_seconds', 'The last database round trip (SELECT 1), in seconds.', health.database.last)
				.histogram('parley_database_round_trip_seconds', 'Database round trips (SELECT 1, once a second), in seconds.', health.database.histogram);
		}
		if (cluster && health.redis) {
			const fills = cluster.delivery;
			out.gauge('parley_redis_up', '1 while Redis is connected, answers and this node holds its lease, else 0.', up('redis'))
				.gauge('parley_redis_last_round_trip_seconds', 'The last Redis round trip (PING), in seconds.', health.redis.last)
				.histogram('parley_redis_round_trip_seconds', 'Redis round trips (PING, once a second), in seconds.', health.redis.histogram)
				.counter('parley_gap_fills_total', 'Times this node read from the database what the Redis bus did not bring it.', fills.fills)
				.counter('parley_gap_filled_messages_total', 'Message deliveries made by gap fills (messages the bus did not bring).', fills.filled)
				.gauge('parley_cluster_nodes_alive', 'Nodes holding a lease in Redis at the last check, this one included.', cluster.health.nodesAlive())
				.gauge('parley_cluster_users_online', 'Distinct nicks online in the whole cluster (read from Redis once a second).', this.clusterUsers ?? Number.NaN);
		}
		const cpu = process.cpuUsage();
		return out
			.counter('process_cpu_user_seconds_total', 'User CPU time of this process, in seconds.', cpu.user / 1e6)
			.counter('process_cpu_system_seconds_total', 'System CPU time of this process, in seconds.', cpu.system / 1e6)
			.counter('process_cpu_seconds_total', 'User and system CPU time of this process, in seconds.', (cpu.user + cpu.system) / 1e6)
			.gauge('process_resident_memory_bytes', 'Resident memory of this process, in bytes.', process.memoryUsage.rss())
			.gauge('process_start_time_seconds', 'When this process started, in seconds since the Unix epoch.', this.startTime)
			.gauge('nodejs_heap_used_bytes', 'V8 heap in use, in bytes.', process.memoryUsage().heapUsed)
			.gauge('nodejs_eventloop_lag_p50_seconds', 'Median event-loop lag over the last 10 s window.', this.loop.p50)
			.gauge('nodejs_eventloop_lag_p99_seconds', '99th percentile event-loop lag over the last 10 s window: a busy or stuck loop delays every client.', this.loop.p99)
			.gauge('nodejs_eventloop_lag_max_seconds', 'Longest event-loop lag over the last 10 s window.', this.loop.max)
			.text();
	}
}

/**
 * `--metrics-port`: the health checks and the /healthz and /metrics listener of one
 * server (single or cluster node), wired to its hub, stored state and cluster.
 */
import * as path from 'node:path';
import type { ClusterNode } from '../cluster/cluster';
import type { Hub } from '../hub';
import type { Logger } from '../log';
import type { ServerOptions } from '../options';
import type { StoredState } from '../state/open';
import { describeDatabase } from '../state/pg-schema';
import { NodeMetrics } from './collect';
import { Health, DEFAULT_HEALTH, type HealthTimings } from './health';
import { startMetricsListener, type MetricsListener } from './http';

export interface ServedMetrics extends MetricsListener {
	readonly health: Health;
}

export interface MetricsTargets {
	hub: Hub;
	stored: StoredState;
	cluster?: ClusterNode;
	nodeId?: string;
	/** Why clients are not accepted now; undefined while they are. */
	notAccepting(): string | undefined;
}

/** How the health check names the database: `postgres host:port/db`, `sqlite FILE`. */
function databaseName(options: ServerOptions): string {
	return options.database !== undefined ? `postgres ${describeDatabase(options.database)}` : `sqlite ${path.join(options.dataDir, 'parley.db')}`;
}

/** Starts the checks and the listener; rejects (checks stopped) when the port cannot be had. */
export async function serveMetrics(options: ServerOptions, targets: MetricsTargets, log: Logger, timings: HealthTimings = DEFAULT_HEALTH): Promise<ServedMetrics> {
	const { hub, stored, cluster } = targets;
	const redis = cluster?.health;
	let gather = (): void => undefined;
	const health = new Health({
		notAccepting: () => targets.notAccepting(),
		database: options.memory || stored.ping === undefined ? undefined : {
			what: databaseName(options),
			ping: () => stored.ping!(),
			abandon: () => stored.abandonPing?.(),
		},
		redis: redis && {
			what: redis.redis,
			ping: () => redis.ping(),
			disconnected: () => redis.disconnected(),
			leaseProblem: () => redis.leaseProblem(),
		},
		gather: () => gather(),
	}, timings);
	const nodeMetrics = new NodeMetrics({
		hub, health, cluster,
		nodeId: targets.nodeId ?? '',
		store: options.memory ? 'memory' : options.database !== undefined ? 'postgres' : 'sqlite',
	});
	gather = () => nodeMetrics.gather();
	await health.start();
	let listener: MetricsListener;
	try {
		listener = await startMetricsListener(options.metricsHost ?? '127.0.0.1', options.metricsPort ?? 0, { health, metrics: () => nodeMetrics.text() }, log);
	} catch (error) {
		health.stop();
		nodeMetrics.close();
		throw error;
	}
	return {
		health,
		host: listener.host,
		port: listener.port,
		async close() {
			health.stop();
			nodeMetrics.close();
			await listener.close();
		},
	};
}

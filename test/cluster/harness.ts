/**
 * Several `node server` processes as one cluster: one shared database, one real Redis,
 * each node on its own port and metrics port (port 0, read from its "listening" line). Nodes can be killed
 * (SIGKILL), paused (SIGSTOP) and resumed, stopped and started again; clients connect to
 * the node a test names. Everything is stopped after the test.
 */
import { TestClient } from '../helpers/client';
import { httpRequest, scrape, type Family, type HttpAnswer } from '../helpers/metrics';
import { ServerProcess } from '../helpers/process';
import type { RedisServer } from '../helpers/redis';

export const ADMIN_TOKEN = 'cluster-admin-token';

export interface NodeHandle {
	readonly id: string;
	proc: ServerProcess;
	port: number;
	/** Its IRC port (every node speaks IRC too). */
	ircPort: number;
	/** Its /healthz and /metrics port. */
	metricsPort: number;
}

export class ClusterHarness {
	readonly nodes: NodeHandle[] = [];
	private readonly clients: TestClient[] = [];

	constructor(
		readonly database: string,
		readonly redis: RedisServer,
		/** Arguments every node gets (besides port, database, redis and node id). */
		private readonly extra: string[] = [],
	) {}

	/** Fixed ports per node id (default: port 0, read from the node's output). */
	readonly ports = new Map<string, number>();
	/** Fixed metrics ports per node id (default: port 0). */
	readonly metricsPorts = new Map<string, number>();
	/** Redis URLs per node id (default: the Redis's own; e.g. a relay in front of it). */
	readonly redisUrls = new Map<string, string>();

	/** Extra environment per node id (e.g. a skewed clock, resilience.test.ts). */
	readonly env = new Map<string, NodeJS.ProcessEnv>();

	args(id: string): string[] {
		return ['--port', String(this.ports.get(id) ?? 0), '--metrics-port', String(this.metricsPorts.get(id) ?? 0),
			'--database', this.database, '--redis', this.redisUrls.get(id) ?? this.redis.url, '--node-id', id,
			'--channels', 'general', '--irc-port', '0', '--flood-rate', '0', '--max-per-ip', '0', '--log-level', 'info', '--admin-token', ADMIN_TOKEN, ...this.extra];
	}

	/** Starts `count` nodes (n0, n1, ...), in parallel. */
	async start(count: number): Promise<void> {
		await Promise.all(Array.from({ length: count }, (_, i) => this.startNode(`n${this.nodes.length + i}`)));
		this.nodes.sort((a, b) => a.id.localeCompare(b.id));
	}

	async startNode(id: string): Promise<NodeHandle> {
		const proc = ServerProcess.start(this.args(id), this.env.get(id));
		const port = await proc.port();
		const ircPort = Number((await proc.waitForOutput(/IRC on (\d+)/))[1]);
		const metricsPort = Number((await proc.waitForOutput(/metrics on [^\s]+:(\d+)/))[1]);
		const existing = this.nodes.find((n) => n.id === id);
		if (existing) {
			Object.assign(existing, { proc, port, ircPort, metricsPort });
			return existing;
		}
		const node = { id, proc, port, ircPort, metricsPort };
		this.nodes.push(node);
		return node;
	}

	node(i: number): NodeHandle {
		return this.nodes[i];
	}

	/** A client connected to node `i`, closed after the test. */
	async connect(i: number): Promise<TestClient> {
		const client = await TestClient.connect(this.node(i).port);
		this.clients.push(client);
		return client;
	}

	async login(i: number, nick: string, extra: Record<string, unknown> = {}): Promise<TestClient> {
		const client = await this.connect(i);
		await client.initialize(nick, extra);
		return client;
	}

	/** GET /healthz of node `i`. */
	healthz(i: number): Promise<HttpAnswer> {
		return httpRequest(this.node(i).metricsPort, '/healthz');
	}

	/** GET /metrics of node `i`, parsed (strictly). */
	metrics(i: number): Promise<Map<string, Family>> {
		return scrape(this.node(i).metricsPort);
	}

	/** kill -9 of node `i`; resolves once it is gone. */
	async kill(i: number): Promise<void> {
		const proc = this.node(i).proc;
		proc.kill('SIGKILL');
		await proc.exited;
	}

	pause(i: number): void {
		this.node(i).proc.kill('SIGSTOP');
	}

	resume(i: number): void {
		this.node(i).proc.kill('SIGCONT');
	}

	/** Stops every client and node. */
	async stop(): Promise<void> {
		for (const client of this.clients.splice(0)) {
			client.close();
		}
		await Promise.all(this.nodes.splice(0).map(async ({ proc }) => {
			if (proc.child.exitCode === null && proc.child.signalCode === null) {
				proc.kill('SIGCONT');
				proc.kill('SIGTERM');
				const timer = setTimeout(() => proc.kill('SIGKILL'), 8000);
				await proc.exited;
				clearTimeout(timer);
			}
		}));
	}
}

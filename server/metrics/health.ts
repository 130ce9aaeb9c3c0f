/**
 * Whether this server is fit to take clients (`/healthz`): it accepts connections, its
 * database answers and, in a cluster, its Redis is connected and its lease held.
 *
 * The checks run on a timer (one round trip each, at most one in flight), never on
 * request: `/healthz` answers at once from what they last found, so a hung database makes
 * it say 503 (a round trip unanswered for longer than the timeout) instead of hanging it.
 */
import { Histogram, ROUND_TRIP_BUCKETS } from './registry';

export interface HealthTimings {
	/** How often each check runs (ms). */
	intervalMs: number;
	/** A round trip unanswered for longer than this fails its check (ms). */
	timeoutMs: number;
}

export const DEFAULT_HEALTH: HealthTimings = { intervalMs: 1000, timeoutMs: 2000 };

/** After this long without an answer a check gives up on its round trip and starts another. */
const ABANDON_MS = 30_000;

/** "12 s", "0.4 s": how long, for an operator. */
function seconds(ms: number): string {
	return ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** One periodic round trip (a database or Redis ping) and what it last found. */
export class RoundTrip {
	/** Seconds of the last answered round trip (NaN before the first). */
	last = NaN;
	readonly histogram = new Histogram(ROUND_TRIP_BUCKETS);
	/** The last round trip's error, and since when they fail (performance.now() ms). */
	private error: string | undefined;
	private failingSince = 0;
	/** When the round trip in flight was sent. */
	private sentAt: number | undefined;
	private generation = 0;

	constructor(
		private readonly run: () => Promise<void>,
		private readonly timeoutMs: number,
		/** Called when a round trip is given up (its connection may be dead without knowing it). */
		private readonly abandon?: () => void,
	) {}

	/** Sends a round trip unless one is in flight; resolves when it is answered (or failed). */
	tick(): Promise<void> {
		const now = performance.now();
		if (this.sentAt !== undefined) {
			if (now - this.sentAt > ABANDON_MS) {
				this.generation++;
				this.sentAt = undefined;
				this.abandon?.();
			}
			return Promise.resolve();
		}
		const generation = this.generation;
		this.sentAt = now;
		let sent: Promise<void>;
		try {
			sent = this.run();
		} catch (error) {
			sent = Promise.reject(error instanceof Error ? error : new Error(String(error)));
		}
		return sent.then(() => {
			if (generation === this.generation) {
				// Microseconds are as fine as a timer on a busy machine can tell.
				this.last = Math.max(1, Math.round((performance.now() - now) * 1000)) / 1e6;
				this.histogram.observe(this.last);
				this.error = undefined;
				this.sentAt = undefined;
			}
		}, (error: unknown) => {
			if (generation === this.generation) {
				if (this.error === undefined) {
					this.failingSince = now;
				}
				this.error = error instanceof Error ? error.message : String(error);
				this.sentAt = undefined;
			}
		});
	}

	/** Undefined while fine; else what is wrong, with how long it has been. */
	problem(now = performance.now()): { state: string; detail: string } | undefined {
		if (this.sentAt !== undefined && now - this.sentAt > this.timeoutMs) {
			return { state: 'not answering', detail: `for ${seconds(now - this.sentAt)}` };
		}
		if (this.error !== undefined) {
			return { state: 'unreachable', detail: `since ${seconds(now - this.failingSince)}: ${this.error}` };
		}
		return undefined;
	}
}

/** What the checks look at. */
export interface HealthSources {
	/** Why clients are not accepted now (shutting down, listener closed); undefined when they are. */
	notAccepting(): string | undefined;
	/** The database (none when the state is in memory). */
	database?: { what: string; ping(): Promise<void>; abandon?(): void };
	/** Redis, for a cluster node. */
	redis?: {
		what: string;
		ping(): Promise<void>;
		/** Undefined while both connections (commands and bus) are up; else which is not. */
		disconnected(): string | undefined;
		/** Undefined while the node holds its lease; else why not. */
		leaseProblem(): string | undefined;
	};
	/** Called with each round of checks, for gauges read on a timer (cluster-wide counts). */
	gather?(): void;
}

export interface Check {
	name: 'clients' | 'database' | 'redis';
	ok: boolean;
	/** The verdict as an operator reads it, e.g. `database: unreachable (postgres 127.0.0.1:5432/parley) since 12 s: ...`. */
	line: string;
}

export interface HealthReport {
	healthy: boolean;
	/** One line per check, failing ones first: what an operator reads. */
	text: string;
}

export class Health {
	readonly database: RoundTrip | undefined;
	readonly redis: RoundTrip | undefined;
	private timer: NodeJS.Timeout | undefined;
	private disconnectedSince: number | undefined;

	constructor(private readonly sources: HealthSources, private readonly timings: HealthTimings = DEFAULT_HEALTH) {
		const db = sources.database;
		this.database = db && new RoundTrip(() => db.ping(), timings.timeoutMs, db.abandon && (() => db.abandon!()));
		const redis = sources.redis;
		this.redis = redis && new RoundTrip(() => redis.ping(), timings.timeoutMs);
	}

	/** Starts the checks; resolves once the first round trips are answered (or timed out). */
	async start(): Promise<void> {
		const first = this.check();
		this.timer = setInterval(() => void this.check(), this.timings.intervalMs);
		this.timer.unref();
		let timeout: NodeJS.Timeout | undefined;
		await Promise.race([first, new Promise<void>((resolve) => { timeout = setTimeout(resolve, this.timings.timeoutMs); })]);
		clearTimeout(timeout);
	}

	stop(): void {
		clearInterval(this.timer);
	}

	private async check(): Promise<void> {
		const answered = Promise.all([this.database?.tick(), this.redis?.tick()]);
		const redis = this.sources.redis;
		if (redis?.disconnected() !== undefined) {
			this.disconnectedSince ??= performance.now();
		} else {
			this.disconnectedSince = undefined;
		}
		try {
			this.sources.gather?.();
		} catch {
			// Gauges only: a failure to read them leaves the last values.
		}
		await answered;
	}

	/** Each check's verdict, in words: clients, database, and in a cluster Redis. */
	checks(): Check[] {
		const now = performance.now();
		const checks: Check[] = [];
		const notAccepting = this.sources.notAccepting();
		checks.push({ name: 'clients', ok: notAccepting === undefined, line: notAccepting === undefined ? 'clients: accepting' : `clients: not accepting (${notAccepting})` });
		const db = this.sources.database;
		if (db === undefined) {
			checks.push({ name: 'database', ok: true, line: 'database: in memory' });
		} else {
			const problem = this.database!.problem(now);
			checks.push({
				name: 'database',
				ok: problem === undefined,
				line: problem === undefined ? `database: ok (${db.what}, round trip ${formatMs(this.database!.last)})` : `database: ${problem.state} (${db.what}) ${problem.detail}`,
			});
		}
		const redis = this.sources.redis;
		if (redis !== undefined) {
			const disconnected = redis.disconnected();
			const problem = this.redis!.problem(now);
			const lease = redis.leaseProblem();
			let line = `redis: ok (${redis.what}, round trip ${formatMs(this.redis!.last)}, lease held)`;
			if (disconnected !== undefined) {
				line = `redis: disconnected (${redis.what}) since ${seconds(now - (this.disconnectedSince ?? now))}: ${disconnected}`;
			} else if (problem !== undefined) {
				line = `redis: ${problem.state} (${redis.what}) ${problem.detail}`;
			} else if (lease !== undefined) {
				line = `redis: lease not held (${redis.what}): ${lease}`;
			}
			checks.push({ name: 'redis', ok: disconnected === undefined && problem === undefined && lease === undefined, line });
		}
		return checks;
	}

	/** What /healthz answers: healthy when every check is; the failing ones first. */
	report(): HealthReport {
		const checks = this.checks();
		const ordered = [...checks.filter((c) => !c.ok), ...checks.filter((c) => c.ok)];
		return { healthy: checks.every((c) => c.ok), text: ordered.map((c) => c.line).join('\n') + '\n' };
	}
}

function formatMs(secondsValue: number): string {
	return Number.isNaN(secondsValue) ? 'not measured yet' : `${(secondsValue * 1000).toFixed(1)} ms`;
}

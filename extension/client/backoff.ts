/**
 * Exponential backoff with "equal jitter": attempt n waits between
 * (1 - jitter) * d and d, where d = min(max, initial * factor^n). The jitter keeps a
 * crowd of clients that lost the same server from reconnecting in lock step.
 */
export interface BackoffOptions {
	initialDelayMs: number;
	maxDelayMs: number;
	/** Growth per attempt; default 2. */
	factor?: number;
	/** Share of the delay that is random, 0..1; default 0.5. */
	jitter?: number;
	/** Injected for tests; default Math.random. */
	random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialDelayMs: 500, maxDelayMs: 30_000 };

export class Backoff {
	private attempt = 0;
	private readonly factor: number;
	private readonly jitter: number;
	private readonly random: () => number;

	constructor(private readonly options: BackoffOptions = DEFAULT_BACKOFF) {
		this.factor = options.factor ?? 2;
		this.jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5));
		this.random = options.random ?? Math.random;
	}

	/** Attempts made since the last reset. */
	get attempts(): number {
		return this.attempt;
	}

	/** The delay before the next attempt, in milliseconds. */
	next(): number {
		const ceiling = Math.min(this.options.maxDelayMs, this.options.initialDelayMs * this.factor ** this.attempt);
		this.attempt++;
		const spread = ceiling * this.jitter;
		return Math.round(ceiling - spread + this.random() * spread);
	}

	reset(): void {
		this.attempt = 0;
	}
}

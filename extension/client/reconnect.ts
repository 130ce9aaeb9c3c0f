import { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';

/**
 * The reconnect timer: one pending attempt at most, spaced by exponential backoff
 * with jitter, reset after a successful connect.
 */
export class ReconnectTimer {
	private readonly backoff: Backoff;
	private timer: NodeJS.Timeout | undefined;

	constructor(options: BackoffOptions = DEFAULT_BACKOFF) {
		this.backoff = new Backoff(options);
	}

	get attempts(): number {
		return this.backoff.attempts;
	}

	get isScheduled(): boolean {
		return this.timer !== undefined;
	}

	/** Runs `attempt` after the next backoff delay; returns the delay in milliseconds. */
	schedule(attempt: () => void): number {
		this.cancel();
		const delay = this.backoff.next();
		this.timer = setTimeout(() => {
			this.timer = undefined;
			attempt();
		}, delay);
		return delay;
	}

	cancel(): void {
		if (this.timer) {
			clearTimeout(this.timer);
			this.timer = undefined;
		}
	}

	/** After a successful connect: the next drop starts again from the shortest delay. */
	reset(): void {
		this.cancel();
		this.backoff.reset();
	}
}

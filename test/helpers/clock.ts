/**
 * A clock for tests (see server/clock.ts): time stands still until the test calls
 * `advance`, which runs the timers that fall due on the way, in order, each with
 * `now()` at its due time.
 */
import type { Clock, Timer } from '../../server/clock';

interface Scheduled {
	due: number;
	/** Order of scheduling, for timers due at the same time. */
	seq: number;
	/** Repeat period for intervals. */
	every: number | undefined;
	callback: () => void;
}

export class ManualClock implements Clock {
	private time: number;
	private seq = 0;
	private readonly timers = new Set<Scheduled>();

	/** Starts at 2025-01-01T00:00:00Z unless told otherwise. */
	constructor(start = Date.UTC(2025, 0, 1)) {
		this.time = start;
	}

	now(): number {
		return this.time;
	}

	setTimeout(callback: () => void, ms: number): Timer {
		return this.schedule(callback, ms, undefined);
	}

	setInterval(callback: () => void, ms: number): Timer {
		return this.schedule(callback, ms, Math.max(1, ms));
	}

	/** Timers waiting to run. */
	get pending(): number {
		return this.timers.size;
	}

	/** Moves time forward by `ms`, running every timer due by then (also ones those schedule). */
	advance(ms: number): void {
		const end = this.time + ms;
		for (;;) {
			let next: Scheduled | undefined;
			for (const timer of this.timers) {
				if (timer.due <= end && (next === undefined || timer.due < next.due || (timer.due === next.due && timer.seq < next.seq))) {
					next = timer;
				}
			}
			if (next === undefined) {
				break;
			}
			this.time = next.due;
			if (next.every === undefined) {
				this.timers.delete(next);
			} else {
				next.due += next.every;
				next.seq = this.seq++;
			}
			next.callback();
		}
		this.time = end;
	}

	private schedule(callback: () => void, ms: number, every: number | undefined): Timer {
		// Like Node, a delay below 1 ms is 1 ms.
		const timer: Scheduled = { due: this.time + Math.max(1, ms), seq: this.seq++, every, callback };
		this.timers.add(timer);
		return { cancel: () => this.timers.delete(timer) };
	}
}

/**
 * The server's time: what its timeouts read and schedule on (the initialize timeout,
 * the keepalive's idle ping and drop after silence, the flood token bucket, the
 * failed-login throttle, the quiet time after which a session gives its link back,
 * the grace periods of closing), and the time stamped on messages and connections.
 * The server uses `systemClock`; tests pass one they advance by hand
 * (StartOptions.clock), so no test waits a timeout out in real time.
 *
 * Output scheduling (answers in the next turn, fan-out passes, the presence delay) is
 * not on this clock: it paces writes, it does not time anyone out.
 */

/** A scheduled callback. */
export interface Timer {
	cancel(): void;
}

export interface Clock {
	/** Milliseconds since the epoch. */
	now(): number;
	/** Calls `callback` once, `ms` from now. */
	setTimeout(callback: () => void, ms: number): Timer;
	/** Calls `callback` every `ms`. */
	setInterval(callback: () => void, ms: number): Timer;
}

/** Date.now() and Node's timers. Its timers never keep the process alive on their own. */
export const systemClock: Clock = {
	now: () => Date.now(),
	setTimeout(callback, ms) {
		const handle = setTimeout(callback, ms).unref();
		return { cancel: () => clearTimeout(handle) };
	},
	setInterval(callback, ms) {
		const handle = setInterval(callback, ms).unref();
		return { cancel: () => clearInterval(handle) };
	},
};

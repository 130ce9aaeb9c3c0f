/**
 * Time as the client core reads it for what it shows for a while (typing indicators) or
 * throttles (typing notifications): Date.now() and Node's timers, or a test's ManualClock.
 */

export interface ClientTimer {
	cancel(): void;
}

export interface ClientClock {
	now(): number;
	setTimeout(callback: () => void, ms: number): ClientTimer;
}

/** Date.now() and Node's timers; a timer never keeps the process alive on its own. */
export const systemClientClock: ClientClock = {
	now: () => Date.now(),
	setTimeout(callback, ms) {
		const handle = setTimeout(callback, ms);
		handle.unref();
		return { cancel: () => clearTimeout(handle) };
	},
};

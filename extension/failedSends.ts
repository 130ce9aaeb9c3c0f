import type { HostMessage } from '../protocol/webview';

/** A message the server refused after it was queued. */
export type FailedSend = Omit<Extract<HostMessage, { type: 'failed' }>, 'type'>;

/** At most this many are kept (the oldest go first): enough for any real session. */
const MAX_FAILED = 100;

/**
 * Messages the server refused, kept until the user discards, retries or edits them in the
 * panel, so that a refusal never loses what was typed (also across a panel reload).
 */
export class FailedSends {
	private readonly items = new Map<string, FailedSend>();

	add(failed: FailedSend): void {
		this.items.set(failed.id, failed);
		for (const id of this.items.keys()) {
			if (this.items.size <= MAX_FAILED) {
				break;
			}
			this.items.delete(id);
		}
	}

	remove(id: string): void {
		this.items.delete(id);
	}

	all(): FailedSend[] {
		return [...this.items.values()];
	}
}

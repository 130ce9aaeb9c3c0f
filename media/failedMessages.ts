/**
 * Messages the server refused after they were queued (the host's `failed`): shown in their
 * conversation, with the reason, until the user retries, edits or discards them.
 */
import type { HostMessage, WebviewMessage } from '../protocol/webview';
import type { FailedAction } from './rows';
import type { Store } from './state';
import { post } from './vscodeApi';

export interface FailedMessagesHost {
	readonly store: Store;
	/** Posts a message that the host answers with a `result`; returns its seq. */
	postWithSeq(message: Extract<WebviewMessage, { seq?: number }>): number;
	/** Opens `conversation` and puts `text` in the message box. */
	edit(conversation: string, text: string): void;
	focusComposer(): void;
	/** Items were added at the end of, or removed from, a conversation's timeline. */
	appended(conversation: string, count: number): void;
	removed(conversation: string, index: number): void;
}

export class FailedMessages {
	/** Retries waiting for the host's answer: seq -> failed message id. */
	private readonly retries = new Map<number, string>();

	constructor(private readonly host: FailedMessagesHost) {}

	add(failed: Extract<HostMessage, { type: 'failed' }>): void {
		const { conversation, id, ts, text, reason } = failed;
		const added = this.host.store.append(conversation, [{ kind: 'failed', id, ts, conversation, text, reason }]);
		if (added > 0) {
			this.host.appended(conversation, added);
		}
	}

	/** The host's answer to a `seq`; true when it was a retry's (a taken retry removes the message). */
	answered(seq: number, ok: boolean): boolean {
		const id = this.retries.get(seq);
		if (id === undefined) {
			return false;
		}
		this.retries.delete(seq);
		if (ok) {
			this.discard(id);
		}
		return true;
	}

	action(id: string, action: FailedAction): void {
		const found = this.host.store.findFailed(id);
		if (!found) {
			return;
		}
		const { conversation, text } = found.item;
		switch (action) {
			case 'retry':
				this.retries.set(this.host.postWithSeq({ type: 'send', conversation, text }), id);
				break;
			case 'edit':
				this.host.edit(conversation, text);
				this.discard(id);
				break;
			case 'discard':
				this.discard(id);
				this.host.focusComposer();
				break;
		}
	}

	private discard(id: string): void {
		const found = this.host.store.removeFailed(id);
		post({ type: 'discardFailed', id });
		if (found) {
			this.host.removed(found.conversation, found.index);
		}
	}
}

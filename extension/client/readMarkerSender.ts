/**
 * Tells the server where an account has read to (conversation/markRead), so that its other
 * windows and devices show the same counts. Markers move often while the user scrolls: each
 * conversation's newest is sent once a short while after the last move. Offline, they wait
 * for the next session (and are applied again over the state that session starts with).
 */
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { MarkReadRequest } from '../../protocol/conversations';
import { request } from './checkedRpc';
import type { ConversationStore, ReadMarkerMoved } from './conversationStore';
import { Disposable, toDisposable } from './disposable';
import { errorMessage, type ClientLog } from './log';

export class ReadMarkerSender extends Disposable {
	private readonly waiting = new Map<string, ReadMarkerMoved>();
	private timer: NodeJS.Timeout | undefined;

	constructor(
		private readonly store: ConversationStore,
		/** Where to send them: undefined while offline, or for a guest (who keeps no read state on the server). */
		private readonly connection: () => MessageConnection | undefined,
		private readonly log: ClientLog,
		private readonly delayMs = 300,
	) {
		super();
		this._register(store.onDidRead((moved) => this.queue(moved)));
		this._register(toDisposable(() => clearTimeout(this.timer)));
	}

	/** A new session began with the server's markers: what was read meanwhile goes over them, then to the server. */
	resume(): void {
		for (const moved of this.waiting.values()) {
			this.store.applyRead(moved.conversation, moved.id);
		}
		this.schedule();
	}

	private queue(moved: ReadMarkerMoved): void {
		const known = this.waiting.get(moved.conversation);
		if (!known || known.id < moved.id) {
			this.waiting.set(moved.conversation, moved);
		}
		this.schedule();
	}

	private schedule(): void {
		if (this.timer === undefined && this.waiting.size > 0 && !this.isDisposed) {
			this.timer = setTimeout(() => {
				this.timer = undefined;
				this.flush();
			}, this.delayMs);
		}
	}

	private flush(): void {
		const connection = this.connection();
		if (!connection) {
			return;
		}
		for (const moved of [...this.waiting.values()]) {
			this.waiting.delete(moved.conversation);
			void request(connection, MarkReadRequest, { conversation: moved.target, id: moved.id }).catch((error: unknown) => {
				this.log.debug(`[read] markRead ${moved.target} ${moved.id}: ${errorMessage(error)}`);
			});
		}
	}
}

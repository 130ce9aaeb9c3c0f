/**
 * The message actions and the thread panel, wired to the rest of the panel: applies the
 * host's `messageUpdated`, `thread`, `threadUnread`, `jumpTo` and `serverRole`, and redraws what they touch.
 * app.ts creates one and forwards to it.
 */
import type { HostMessage, ThreadUnreadView, WebviewMessage } from '../protocol/webview';
import { MessageActions } from './messageActions';
import { findMessage, replaceMessage } from './messageUpdates';
import type { RowContext } from './rows';
import type { Store } from './state';
import { ThreadView } from './threadView';
import { post } from './vscodeApi';
import type { TimelineView } from './timeline';

export type MessageHostMessage = Extract<HostMessage, { type: 'messageUpdated' | 'thread' | 'threadUnread' | 'jumpTo' | 'serverRole' }>;

export function isMessageHostMessage(msg: HostMessage): msg is MessageHostMessage {
	return msg.type === 'messageUpdated' || msg.type === 'thread' || msg.type === 'threadUnread' || msg.type === 'jumpTo' || msg.type === 'serverRole';
}

export interface MessageFeaturesHost {
	store: Store;
	root: HTMLElement;
	timeline: TimelineView;
	rowContext: Pick<RowContext, 'isSelf' | 'mentionsSelf' | 'failedAction'>;
	postWithSeq(message: Extract<WebviewMessage, { seq?: number }>): number;
	/** The conversation the timeline shows. */
	shown(): string | undefined;
	/** Whether the timeline shows `conversation` with its history. */
	showsLoaded(conversation: string): boolean;
	open(conversation: string): void;
	notice(text: string, level: 'info' | 'error'): void;
	focusComposer(): void;
	/** Which conversations have unread thread replies changed (the sidebar's dots). */
	threadUnreadChanged(): void;
}

export class MessageFeatures {
	readonly actions: MessageActions;
	readonly thread: ThreadView;
	/** The user is a server operator (may delete any message). */
	private operator = false;

	constructor(private readonly host: MessageFeaturesHost) {
		this.actions = new MessageActions({
			store: host.store,
			postWithSeq: (message) => host.postWithSeq(message),
			rerender: (conversation, id) => this.rerender(conversation, id),
			openThread: (conversation, id) => this.thread.open(conversation, id, { focus: true }),
			operator: () => this.operator,
		});
		this.thread = new ThreadView({
			store: host.store,
			rowContext: { ...host.rowContext, editorFor: (id) => this.actions.editorFor(id) },
			postWithSeq: (message) => host.postWithSeq(message),
			toggled: (open) => host.root.classList.toggle('thread-open', open),
			closed: () => host.focusComposer(),
		});
		this.actions.attach({ element: host.timeline.element, conversation: () => host.shown(), message: (id) => findMessage(host.store, host.shown(), id) });
		this.actions.attach(this.thread.surface);
	}

	/** What goes into the panel's root: the thread panel and the overlays. */
	get elements(): HTMLElement[] {
		return [this.thread.element, this.actions.picker.element, this.actions.confirm.element, this.actions.toast];
	}

	editorFor(id: number): HTMLElement | undefined {
		return this.actions.editorFor(id);
	}

	/** Up in the empty message box. */
	editLast(): boolean {
		return this.actions.editLast();
	}

	/** The host's answer to a seq; true when it was a message action's or a reply's. */
	answered(seq: number, error: string | undefined): boolean {
		return this.actions.answered(seq, error) || this.thread.answered(seq, error);
	}

	/** Another conversation was opened: a thread of the previous one closes. */
	conversationOpened(id: string | undefined): void {
		if (this.thread.conversation() !== id) {
			this.thread.close(false);
		}
	}

	handle(msg: MessageHostMessage): void {
		switch (msg.type) {
			case 'messageUpdated': {
				const index = replaceMessage(this.host.store, msg.conversation, msg.message);
				if (index >= 0 && this.host.showsLoaded(msg.conversation)) {
					this.keepFocus(msg.message.id, () => this.host.timeline.changed(index));
				}
				this.thread.messageUpdated(msg.message);
				break;
			}
			case 'thread':
				this.thread.update(msg);
				break;
			case 'threadUnread': {
				// Only the roots whose count changed are drawn again.
				const before = this.host.store.threadUnread.get(msg.conversation) ?? new Map<number, ThreadUnreadView>();
				const after = new Map(msg.threads.map((t) => [t.id, t]));
				this.host.store.threadUnread.set(msg.conversation, after);
				if ((before.size > 0) !== (after.size > 0)) {
					this.host.threadUnreadChanged();
				}
				// Replies that come while their thread is in sight are read at once.
				const open = this.thread.openRoot;
				if (open !== undefined && after.has(open) && this.thread.conversation() === msg.conversation && document.visibilityState === 'visible') {
					post({ type: 'readThread', conversation: msg.conversation, root: open });
				}
				for (const id of new Set([...before.keys(), ...after.keys()])) {
					const a = before.get(id);
					const b = after.get(id);
					if (a?.unread !== b?.unread || a?.mentions !== b?.mentions) {
						this.rerender(msg.conversation, id);
					}
				}
				break;
			}
			case 'jumpTo':
				this.host.open(msg.conversation);
				if (msg.threadRoot !== undefined) {
					this.host.timeline.revealMessage(msg.threadRoot);
					this.thread.open(msg.conversation, msg.threadRoot, { focus: false, highlight: msg.id });
				} else if (!this.host.timeline.revealMessage(msg.id)) {
					this.host.notice('That message is too far back to show here; scroll up to find it.', 'info');
				}
				break;
			case 'serverRole':
				this.operator = msg.operator;
				break;
		}
	}

	/** Draws message `id` of `conversation` again where it shows (its editor came or went). */
	private rerender(conversation: string, id: number): void {
		const index = this.host.store.timelines.get(conversation)?.items.findIndex((i) => i.kind === 'message' && !i.pending && i.message.id === id) ?? -1;
		if (index >= 0 && this.host.showsLoaded(conversation)) {
			this.keepFocus(id, () => this.host.timeline.changed(index));
		}
		if (this.thread.conversation() === conversation) {
			this.thread.rerender(id);
		}
	}

	/** Runs a redraw of message `id`'s row; if the row had focus, its new row gets it. */
	private keepFocus(id: number, redraw: () => void): void {
		const log = this.host.timeline.element;
		const focused = document.activeElement;
		const had = focused instanceof HTMLElement && log.contains(focused) && focused.closest<HTMLElement>('.msg[data-id]')?.dataset.id === String(id);
		redraw();
		if (had && !log.contains(document.activeElement)) {
			log.querySelector<HTMLElement>(`.msg[data-id="${id}"]`)?.focus({ preventScroll: true });
		}
	}
}

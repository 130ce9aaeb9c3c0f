/**
 * The thread panel beside the timeline (over it in a narrow panel): a root message, its
 * replies (older ones load from the button at the top), and a composer of its own with an
 * "Also send to #channel" box. Opened by "Reply in thread" or a root's "N replies" line;
 * Escape closes it. The reply box keeps its text until the host says the server took it.
 */
import type { Message } from '../protocol/types';
import type { HostMessage, WebviewMessage } from '../protocol/webview';
import { el, icon, iconButton } from './dom';
import { dayKey } from './format';
import type { MessageSurface } from './messageActions';
import { renderRow, type RowContext } from './rows';
import type { Store, ViewItem } from './state';
import { post } from './vscodeApi';

type ThreadData = Extract<HostMessage, { type: 'thread' }>;

export interface ThreadViewHost {
	store: Store;
	rowContext: Omit<RowContext, 'isFirstUnread' | 'inThread'>;
	postWithSeq(message: Extract<WebviewMessage, { seq?: number }>): number;
	/** The panel opened or closed (the layout makes room for it). */
	toggled(open: boolean): void;
	/** Closed from the keyboard: focus goes back to the message box. */
	closed(): void;
}

export class ThreadView {
	readonly element: HTMLElement;
	/** The rows, for message actions. */
	readonly surface: MessageSurface;
	private readonly title: HTMLElement;
	private readonly list: HTMLElement;
	private readonly input: HTMLTextAreaElement;
	private readonly also: HTMLInputElement;
	private readonly alsoLabel: HTMLElement;
	private readonly error: HTMLElement;
	/** Loaded threads, by root id (the host sends each whole). */
	private readonly threads = new Map<number, ThreadData>();
	private current: { conversation: string; root: number } | undefined;
	private waiting: { seq: number; text: string } | undefined;
	/** A reply to show and highlight once its thread arrives (a message link). */
	private highlight: number | undefined;
	private loadingOlder = false;
	private readonly parts: HTMLElement[];

	constructor(private readonly host: ThreadViewHost) {
		this.title = el('div', 'thread-subtitle');
		const close = iconButton('close', 'Close the thread (Escape)', 'thread-close');
		close.addEventListener('click', () => this.close(true));
		this.list = el('div', 'thread-list', { role: 'log', 'aria-label': 'Thread', tabindex: 0 });
		this.surface = { element: this.list, conversation: () => this.conversation(), message: (id) => this.message(id) };
		this.input = el('textarea', 'thread-input', { rows: 1, 'aria-label': 'Reply in thread', placeholder: 'Reply…', 'aria-describedby': 'thread-error' });
		this.also = el('input', 'thread-also', { type: 'checkbox', id: 'thread-also' });
		this.alsoLabel = el('span');
		this.error = el('div', 'composer-error', { id: 'thread-error', role: 'alert' });
		const send = iconButton('send', 'Send reply (Enter)', 'send-button');
		send.addEventListener('click', () => this.send());
		this.element = el('aside', 'thread-panel', { 'aria-label': 'Thread', hidden: true });
		// Put in the page on first open: until then the panel has nothing in it.
		this.parts = [
			el('div', 'thread-header', undefined, el('div', 'thread-heading', undefined, el('span', 'thread-title', undefined, icon('comment-discussion'), 'Thread'), this.title), close),
			this.list,
			el('div', 'thread-composer', undefined, this.error, el('div', 'composer-box', undefined, this.input, send), el('label', 'thread-also-label', { for: 'thread-also' }, this.also, this.alsoLabel)),
		];
		this.input.addEventListener('keydown', (e) => {
			if (e.isComposing) {
				return;
			}
			if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
				e.preventDefault();
				this.send();
			}
		});
		this.input.addEventListener('input', () => {
			this.input.style.height = 'auto';
			this.input.style.height = `${Math.min(this.input.scrollHeight, 160)}px`;
		});
		this.element.addEventListener('keydown', (e) => {
			if (e.key === 'Escape' && !e.defaultPrevented) {
				e.preventDefault();
				e.stopPropagation();
				this.close(true);
			}
		});
		this.list.addEventListener('click', (e) => {
			if (e.target instanceof Element && e.target.closest('.thread-older')) {
				this.loadOlder();
			}
		});
	}

	get isOpen(): boolean {
		return this.current !== undefined;
	}

	get openRoot(): number | undefined {
		return this.current?.root;
	}

	conversation(): string | undefined {
		return this.current?.conversation;
	}

	message(id: number): Message | undefined {
		const data = this.current ? this.threads.get(this.current.root) : undefined;
		return data?.root.id === id ? data.root : data?.replies.find((m) => m.id === id);
	}

	/** Opens the thread of `root` and asks the host for its replies; `highlight` a reply in it. */
	open(conversation: string, root: number, options: { focus: boolean; highlight?: number }): void {
		const same = this.current?.root === root && this.current.conversation === conversation;
		this.current = { conversation, root };
		this.highlight = options.highlight;
		if (!same) {
			this.input.value = '';
			this.error.textContent = '';
			this.also.checked = false;
			this.waiting = undefined;
		}
		const c = this.host.store.conversation(conversation);
		this.title.textContent = c?.name ?? conversation;
		this.alsoLabel.textContent = c?.kind === 'dm' ? ` Also send to the conversation with ${c.name}` : ` Also send to ${c?.name ?? conversation}`;
		this.input.placeholder = 'Reply…';
		if (this.element.childElementCount === 0) {
			this.element.append(...this.parts);
		}
		this.element.hidden = false;
		this.host.toggled(true);
		this.render(true);
		post({ type: 'openThread', conversation, id: root });
		if (options.focus) {
			this.input.focus();
		}
	}

	close(returnFocus: boolean): void {
		if (!this.current) {
			return;
		}
		this.current = undefined;
		this.element.hidden = true;
		this.host.toggled(false);
		if (returnFocus) {
			this.host.closed();
		}
	}

	/** A thread from the host: shown if it is the open one. */
	update(data: ThreadData): void {
		this.threads.set(data.root.id, data);
		if (this.current?.root === data.root.id) {
			this.loadingOlder = false;
			this.render(false);
		}
	}

	/** A message changed: an open thread's root or reply shows it (the host's next `thread` confirms it). */
	messageUpdated(message: Message): void {
		const data = this.current ? this.threads.get(this.current.root) : undefined;
		if (!data) {
			return;
		}
		if (data.root.id === message.id) {
			data.root = message;
		} else {
			const at = data.replies.findIndex((m) => m.id === message.id);
			if (at < 0) {
				return;
			}
			data.replies[at] = message;
		}
		this.render(false);
	}

	/** Draws message `id` again (its editor came or went). */
	rerender(id: number): void {
		if (this.message(id)) {
			this.render(false);
		}
	}

	/** The host's answer to a seq; true when it was a reply's. */
	answered(seq: number, error: string | undefined): boolean {
		if (this.waiting?.seq !== seq) {
			return false;
		}
		const waiting = this.waiting;
		this.waiting = undefined;
		if (error !== undefined) {
			this.error.textContent = `Not sent: ${error}`;
		} else if (this.input.value === waiting.text) {
			this.input.value = '';
			this.input.dispatchEvent(new Event('input'));
		}
		return true;
	}

	private send(): void {
		const current = this.current;
		const text = this.input.value;
		if (!current || text.trim() === '' || this.waiting?.text === text) {
			return;
		}
		this.error.textContent = '';
		const seq = this.host.postWithSeq({ type: 'reply', conversation: current.conversation, root: current.root, text, alsoToChannel: this.also.checked });
		this.waiting = { seq, text };
	}

	private loadOlder(): void {
		const current = this.current;
		if (!current || this.loadingOlder) {
			return;
		}
		this.loadingOlder = true;
		post({ type: 'loadOlderReplies', conversation: current.conversation, root: current.root });
	}

	private render(opening: boolean): void {
		const current = this.current;
		if (!current) {
			return;
		}
		const data = this.threads.get(current.root);
		const fromBottom = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight;
		const focusedId = document.activeElement instanceof HTMLElement && this.list.contains(document.activeElement) ? document.activeElement.closest<HTMLElement>('.msg[data-id]')?.dataset.id : undefined;
		if (!data) {
			this.list.replaceChildren(el('div', 'intro-loading', undefined, icon('loading', 'codicon-modifier-spin'), 'Loading the thread…'));
			return;
		}
		const ctx: RowContext = { ...this.host.rowContext, isFirstUnread: () => false, inThread: true };
		const rootItems: ViewItem[] = [{ kind: 'message', message: data.root }];
		const replies: ViewItem[] = data.replies.map((message) => ({ kind: 'message', message }));
		const count = data.root.replyCount ?? data.replies.length;
		const rows: HTMLElement[] = [renderRow(rootItems, 0, ctx)];
		rows.push(el('div', 'thread-divider', { role: 'separator' }, el('span', undefined, undefined, count === 0 ? 'No replies yet' : `${count} ${count === 1 ? 'reply' : 'replies'}`)));
		if (data.hasMoreBefore) {
			rows.push(el('button', 'thread-older', { type: 'button' }, this.loadingOlder ? 'Loading…' : 'Show older replies'));
		}
		for (let i = 0; i < replies.length; i++) {
			const reply = renderRow(replies, i, ctx);
			// The root's day line already says which day the first reply is on, when it is the same.
			if (i === 0 && dayKey(data.root.ts) === dayKey(data.replies[0].ts)) {
				reply.querySelector('.day-separator')?.remove();
			}
			rows.push(reply);
		}
		this.list.replaceChildren(...rows);
		if (this.highlight !== undefined) {
			const target = this.list.querySelector<HTMLElement>(`.msg[data-id="${this.highlight}"]`);
			if (target) {
				this.highlight = undefined;
				target.classList.add('highlight');
				target.scrollIntoView({ block: 'center' });
				target.focus();
				return;
			}
		}
		this.list.scrollTop = opening || fromBottom < 32 ? this.list.scrollHeight : this.list.scrollHeight - this.list.clientHeight - fromBottom;
		if (focusedId !== undefined) {
			this.list.querySelector<HTMLElement>(`.msg[data-id="${focusedId}"]`)?.focus({ preventScroll: true });
		}
	}
}

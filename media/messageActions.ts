/**
 * What the user does to a message, in the timeline and in a thread: a toolbar on hover or
 * focus, and keys on the focused message (the arrow keys move between messages):
 * T reply in thread, R react, E edit (own), Delete delete (with a confirmation), C copy the
 * text, L copy a link, Shift+F10 to the toolbar. Reaction chips toggle the user's own;
 * "N replies" opens the thread. Edits happen in place: Enter saves, Escape cancels, and the
 * text stays in the editor until the host says the server took it.
 */
import { messageLink } from '../protocol/messageLinks';
import type { Message } from '../protocol/types';
import type { WebviewMessage } from '../protocol/webview';
import { ConfirmDialog } from './confirmDialog';
import { el, icon } from './dom';
import { EmojiPicker } from './emojiPicker';
import { MessageEditor } from './messageEditor';
import type { Store } from './state';

/** Where messages are shown with actions: the timeline or the open thread. */
export interface MessageSurface {
	/** The element holding the rows (`.msg[data-id]`). */
	element: HTMLElement;
	conversation(): string | undefined;
	message(id: number): Message | undefined;
}

export interface MessageActionsHost {
	store: Store;
	/** Posts a message the host answers with a `result`; returns its seq. */
	postWithSeq(message: Extract<WebviewMessage, { seq?: number }>): number;
	/** Draws message `id` again wherever it shows (its editor came or went). */
	rerender(conversation: string, id: number): void;
	openThread(conversation: string, id: number): void;
	/** Whether the user is a server operator. */
	operator(): boolean;
}

type Action = 'react' | 'thread' | 'edit' | 'copy' | 'link' | 'delete' | 'toggle-reaction';

const TOAST_MS = 2500;

export class MessageActions {
	readonly picker = new EmojiPicker();
	readonly confirm = new ConfirmDialog();
	readonly toast: HTMLElement;
	private readonly toolbar: HTMLElement;
	private readonly editor: MessageEditor;
	/** Answers awaited: seq -> what to do with it. */
	private readonly waiting = new Map<number, (error: string | undefined) => void>();
	private toastTimer: ReturnType<typeof setTimeout> | undefined;

	constructor(private readonly host: MessageActionsHost) {
		this.editor = new MessageEditor({
			postWithSeq: (message) => host.postWithSeq(message),
			rerender: (conversation, id) => host.rerender(conversation, id),
			awaitAnswer: (seq, then) => this.waiting.set(seq, then),
		});
		this.toolbar = el('div', 'msg-toolbar', { role: 'toolbar', 'aria-label': 'Message actions' });
		this.toolbar.addEventListener('keydown', (e) => this.onToolbarKey(e));
		this.toast = el('div', 'toast', { role: 'status', 'aria-live': 'polite', hidden: true });
	}

	/** Message actions for the rows of `surface`. */
	attach(surface: MessageSurface): void {
		const root = surface.element;
		const rowOf = (target: EventTarget | null) => (target instanceof Element ? target.closest<HTMLElement>('.msg[data-id]') : null);
		root.addEventListener('mouseover', (e) => {
			const row = rowOf(e.target);
			if (row && !this.toolbar.contains(document.activeElement)) {
				this.showToolbar(surface, row);
			}
		});
		root.addEventListener('focusin', (e) => {
			const row = rowOf(e.target);
			if (row && e.target === row) {
				this.showToolbar(surface, row);
			}
		});
		root.addEventListener('mouseleave', () => {
			if (!this.toolbar.contains(document.activeElement)) {
				this.toolbar.remove();
			}
		});
		root.addEventListener('click', (e) => {
			const target = e.target instanceof Element ? e.target.closest<HTMLElement>('[data-action]') : null;
			const row = rowOf(target);
			if (!target || !row) {
				return;
			}
			e.preventDefault();
			this.run(surface, Number(row.dataset.id), target.dataset.action as Action, target, target.dataset.emoji);
		});
		root.addEventListener('keydown', (e) => this.onKey(surface, e));
	}

	/** The editor of message `id`, while the user edits it (rows.ts puts it in place of the text). */
	editorFor(id: number): HTMLElement | undefined {
		return this.editor.editorFor(id);
	}

	/** The host's answer to a seq; true when it was one of these actions'. */
	answered(seq: number, error: string | undefined): boolean {
		const then = this.waiting.get(seq);
		if (!then) {
			return false;
		}
		this.waiting.delete(seq);
		then(error);
		return true;
	}

	/** Up in the empty composer: edits the user's newest message in the open conversation. */
	editLast(): boolean {
		const conversation = this.host.store.active;
		const items = conversation === undefined ? [] : this.host.store.timelines.get(conversation)?.items ?? [];
		for (let i = items.length - 1; i >= 0; i--) {
			const item = items[i];
			if (item.kind === 'message' && !item.pending && !item.message.deleted && this.host.store.isSelf(item.message.from)) {
				this.startEdit(conversation!, item.message);
				return true;
			}
		}
		return false;
	}

	/** Copies text and says so. */
	copy(text: string, what: string): void {
		// Missing where the page is not a secure context.
		const clipboard = navigator.clipboard as Clipboard | undefined;
		if (clipboard === undefined) {
			this.say('The clipboard is not available here.');
			return;
		}
		clipboard.writeText(text).then(() => this.say(`Copied the ${what}.`), () => this.say(`Could not copy the ${what}: the clipboard refused it.`));
	}

	private say(text: string): void {
		this.toast.textContent = text;
		this.toast.hidden = false;
		clearTimeout(this.toastTimer);
		this.toastTimer = setTimeout(() => {
			this.toast.hidden = true;
		}, TOAST_MS);
	}

	private canEdit(message: Message): boolean {
		return !message.deleted && this.host.store.isSelf(message.from);
	}

	private canDelete(conversation: string, message: Message): boolean {
		if (message.deleted) {
			return false;
		}
		const role = this.host.store.conversation(conversation)?.role;
		return this.host.store.isSelf(message.from) || this.host.operator() || role === 'owner' || role === 'op';
	}

	private showToolbar(surface: MessageSurface, row: HTMLElement): void {
		const conversation = surface.conversation();
		const message = conversation === undefined ? undefined : surface.message(Number(row.dataset.id));
		if (!message || message.deleted || this.editor.editorFor(message.id) !== undefined) {
			this.toolbar.remove();
			return;
		}
		if (this.toolbar.parentElement === row) {
			return;
		}
		const button = (action: Action, iconName: string, label: string, key: string, danger = false) =>
			el('button', `toolbar-button${danger ? ' danger' : ''}`, { type: 'button', tabindex: -1, 'data-action': action, 'aria-label': label, title: `${label} (${key})`, 'aria-keyshortcuts': key }, icon(iconName));
		const inThread = surface.element.closest('.thread-panel') !== null;
		this.toolbar.replaceChildren(...[
			button('react', 'reactions', 'Add a reaction', 'R'),
			inThread ? undefined : button('thread', 'comment-discussion', 'Reply in thread', 'T'),
			this.canEdit(message) ? button('edit', 'edit', 'Edit', 'E') : undefined,
			button('copy', 'copy', 'Copy text', 'C'),
			button('link', 'link', 'Copy link to message', 'L'),
			this.canDelete(conversation!, message) ? button('delete', 'trash', 'Delete', 'Delete', true) : undefined,
		].filter((b): b is HTMLButtonElement => b !== undefined));
		row.appendChild(this.toolbar);
	}

	private run(surface: MessageSurface, id: number, action: Action, anchor: HTMLElement, emoji?: string): void {
		const conversation = surface.conversation();
		const message = conversation === undefined ? undefined : surface.message(id);
		if (!message || conversation === undefined) {
			return;
		}
		switch (action) {
			case 'react':
				this.picker.open(anchor, (picked) => this.toggleReaction(conversation, message.id, surface, picked));
				break;
			case 'toggle-reaction':
				if (emoji !== undefined) {
					this.toggleReaction(conversation, message.id, surface, emoji);
				}
				break;
			case 'thread':
				this.host.openThread(conversation, message.replyTo ?? message.id);
				break;
			case 'edit':
				if (this.canEdit(message)) {
					this.startEdit(conversation, message);
				}
				break;
			case 'copy':
				if (!message.deleted) {
					this.copy(message.text, 'message text');
				}
				break;
			case 'link':
				this.copy(messageLink(this.host.store.conversation(conversation)?.name ?? conversation, message.id), 'link to the message');
				break;
			case 'delete':
				if (this.canDelete(conversation, message)) {
					void this.confirmDelete(conversation, message);
				}
				break;
		}
	}

	private toggleReaction(conversation: string, id: number, surface: MessageSurface, emoji: string): void {
		// Read again: the message may have changed while the picker was open.
		const message = surface.message(id);
		if (!message || message.deleted) {
			return;
		}
		const mine = message.reactions?.some((r) => r.emoji === emoji && r.nicks.some((n) => this.host.store.isSelf(n))) ?? false;
		const seq = this.host.postWithSeq({ type: 'react', conversation, id, emoji, add: !mine });
		// A refusal is shown by the host as a notice; nothing here to keep.
		this.waiting.set(seq, () => undefined);
	}

	private async confirmDelete(conversation: string, message: Message): Promise<void> {
		const mine = this.host.store.isSelf(message.from);
		const preview = el('div', 'confirm-quote', undefined, el('span', 'confirm-from', undefined, `${message.from}: `), message.text.length > 200 ? `${message.text.slice(0, 200)}…` : message.text);
		const ok = await this.confirm.ask({
			title: 'Delete message',
			text: mine ? 'Delete this message for everyone? This cannot be undone.' : `Delete this message by ${message.from} for everyone? This cannot be undone.`,
			confirm: 'Delete',
			preview,
		});
		if (ok) {
			this.waiting.set(this.host.postWithSeq({ type: 'delete', conversation, id: message.id }), () => undefined);
		}
	}

	private startEdit(conversation: string, message: Message): void {
		this.toolbar.remove();
		this.editor.start(conversation, message);
	}

	// ---- keys -------------------------------------------------------------------------

	private onKey(surface: MessageSurface, e: KeyboardEvent): void {
		if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) {
			return;
		}
		const rows = () => [...surface.element.querySelectorAll<HTMLElement>('.msg[data-id]')];
		// The log itself has focus: the arrow keys go into its messages, at the newest one in view.
		if (e.target === surface.element && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
			const visible = rows().filter((r) => isInView(r, surface.element));
			const target = e.key === 'ArrowUp' ? visible[visible.length - 1] : visible[0];
			if (target) {
				e.preventDefault();
				focusRow(target);
			}
			return;
		}
		const row = e.target instanceof HTMLElement && e.target.matches('.msg[data-id]') ? e.target : null;
		if (!row) {
			return;
		}
		const id = Number(row.dataset.id);
		const list = rows();
		const at = list.indexOf(row);
		let action: Action | undefined;
		switch (e.key) {
			case 'ArrowUp':
				focusRow(list[Math.max(0, at - 1)]);
				break;
			case 'ArrowDown':
				focusRow(list[Math.min(list.length - 1, at + 1)]);
				break;
			case 'Home':
				focusRow(list[0]);
				break;
			case 'End':
				focusRow(list[list.length - 1]);
				break;
			case 'F10':
				if (!e.shiftKey) {
					return;
				}
				this.focusToolbar(surface, row);
				break;
			case 'ContextMenu':
				this.focusToolbar(surface, row);
				break;
			case 't':
			case 'T':
				action = 'thread';
				break;
			case 'r':
			case 'R':
				action = 'react';
				break;
			case 'e':
			case 'E':
				action = 'edit';
				break;
			case 'c':
			case 'C':
				action = 'copy';
				break;
			case 'l':
			case 'L':
				action = 'link';
				break;
			case 'Delete':
			case 'Backspace':
				action = 'delete';
				break;
			default:
				return;
		}
		e.preventDefault();
		if (action) {
			const anchor = this.toolbar.parentElement === row ? this.toolbar.querySelector<HTMLElement>(`[data-action=${action}]`) ?? row : row;
			this.run(surface, id, action, anchor);
		}
	}

	private focusToolbar(surface: MessageSurface, row: HTMLElement): void {
		this.showToolbar(surface, row);
		this.toolbar.querySelector<HTMLElement>('button')?.focus();
	}

	private onToolbarKey(e: KeyboardEvent): void {
		const buttons = [...this.toolbar.querySelectorAll<HTMLElement>('button')];
		const at = buttons.indexOf(document.activeElement as HTMLElement);
		if (at < 0) {
			return;
		}
		if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
			buttons[(at + (e.key === 'ArrowRight' ? 1 : buttons.length - 1)) % buttons.length].focus();
		} else if (e.key === 'Escape') {
			this.toolbar.parentElement?.focus();
		} else if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
			// Not moving between messages from inside the toolbar.
		} else {
			return;
		}
		e.preventDefault();
		e.stopPropagation();
	}
}

function focusRow(row: HTMLElement | undefined): void {
	if (row) {
		row.focus();
		row.scrollIntoView({ block: 'nearest' });
	}
}

function isInView(row: HTMLElement, container: HTMLElement): boolean {
	const r = row.getBoundingClientRect();
	const c = container.getBoundingClientRect();
	return r.bottom > c.top && r.top < c.bottom;
}

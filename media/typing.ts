/**
 * Typing indicators in the panel: "bob is typing…" under the composer for the open
 * conversation (the host says who, and keeps each name for 5 s after their last
 * notification), and telling the host while the user types a message.
 */
import { el } from './dom';
import type { WebviewMessage } from '../protocol/webview';

/**
 * Keystrokes are passed to the host at most this often per conversation; the host sends
 * `conversation/typing` at most every 3 s (the protocol's limit) whatever this says.
 */
export const TYPING_POST_INTERVAL_MS = 1000;

/** How the line reads for these typists (empty when none). */
export function typingText(nicks: readonly string[]): string {
	switch (nicks.length) {
		case 0:
			return '';
		case 1:
			return `${nicks[0]} is typing…`;
		case 2:
			return `${nicks[0]} and ${nicks[1]} are typing…`;
		default:
			return 'Several people are typing…';
	}
}

export class TypingIndicator {
	readonly element: HTMLElement;
	private readonly text: HTMLElement;
	private readonly typists = new Map<string, string[]>();
	private shown: string | undefined;

	constructor() {
		this.text = el('span', 'typing-text');
		this.element = el('span', 'typing-indicator', { 'aria-live': 'polite', hidden: true }, el('span', 'typing-dots', { 'aria-hidden': 'true' }, el('i'), el('i'), el('i')), this.text);
	}

	/** Puts the line in the composer's hint row, where it replaces the key hints while shown. */
	attachTo(composer: HTMLElement): void {
		const hint = composer.querySelector('.composer-hint');
		(hint ?? composer).prepend(this.element);
	}

	/** The host's news: who types in `conversation` now. */
	set(conversation: string, nicks: string[]): void {
		if (nicks.length === 0) {
			this.typists.delete(conversation);
		} else {
			this.typists.set(conversation, nicks);
		}
		if (conversation === this.shown) {
			this.render();
		}
	}

	/** The open conversation changed. */
	show(conversation: string | undefined): void {
		this.shown = conversation;
		this.render();
	}

	private render(): void {
		const text = typingText(this.shown === undefined ? [] : this.typists.get(this.shown) ?? []);
		this.text.textContent = text;
		this.element.hidden = text === '';
	}
}

/** Tells the host the user is typing, from the composer's input events. */
export class TypingSender {
	private readonly lastPosted = new Map<string, number>();

	constructor(private readonly post: (message: WebviewMessage) => void, private readonly now: () => number = () => Date.now()) {}

	/** The composer's text changed in `conversation`. Commands and emptied boxes are not typing. */
	typed(conversation: string | undefined, text: string): void {
		if (conversation === undefined || text.trim() === '' || text.startsWith('/')) {
			return;
		}
		const now = this.now();
		const last = this.lastPosted.get(conversation);
		if (last !== undefined && now - last < TYPING_POST_INTERVAL_MS) {
			return;
		}
		this.lastPosted.set(conversation, now);
		this.post({ type: 'typing', conversation });
	}

	/** The line was sent: the next keystroke is news again. */
	sent(conversation: string): void {
		this.lastPosted.delete(conversation);
	}
}

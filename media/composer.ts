/**
 * The message input: Enter sends, Shift+Enter adds a line, PageUp/PageDown scroll the log.
 * It offers completions (/commands, @nicks, #channels, :emoji:), counts characters as the
 * server's limit nears, and never loses text: a line the host has not taken stays in the
 * box, and clearing it goes through the editing commands so Ctrl+Z brings it back.
 */
import { completionAt, type CompletionContext, type CompletionSource } from './completions';
import { el, icon } from './dom';
import type { ConversationView } from '../protocol/webview';

/** What became of a submitted line. */
export type SubmitOutcome =
	/** Handled in the webview (e.g. /help): clear the box. */
	| { kind: 'done' }
	/** Refused with a reason shown to the user: keep the text to fix. */
	| { kind: 'kept' }
	/** Posted to the host with this sequence number: cleared when the host answers that it took it. */
	| { kind: 'posted'; seq: number };

export interface ComposerHost extends CompletionSource {
	submit(text: string): SubmitOutcome;
	/** How many characters the line would send as a message, or undefined when it sends none. */
	measure(text: string): number | undefined;
	draftChanged(text: string): void;
	page(direction: -1 | 1): void;
	/** Up in the empty box: edit the user's last message; false when there is none. */
	editLast?(): boolean;
}

const MAX_HEIGHT_PX = 200;
/** The counter shows from this share of the limit. */
const COUNTER_FROM = 0.9;
/** A host that has not answered by then is not waited for (the text stays). */
const ANSWER_TIMEOUT_MS = 15_000;

const LISTBOX_NAMES = { command: 'Commands', nick: 'People', channel: 'Channels', emoji: 'Emoji' } as const;

const formatCount = (n: number) => n.toLocaleString('en-US');

export class Composer {
	readonly element: HTMLElement;
	readonly textarea: HTMLTextAreaElement;
	private readonly box: HTMLElement;
	private readonly suggestions: HTMLElement;
	private readonly counter: HTMLElement;
	private readonly error: HTMLElement;
	private completion: CompletionContext | undefined;
	private selected = 0;
	private dismissed = false;
	private maxLength: number | undefined;
	private waiting: { seq: number; text: string; timer: ReturnType<typeof setTimeout> } | undefined;

	constructor(private readonly host: ComposerHost) {
		this.textarea = el('textarea', 'composer-input', {
			rows: 1,
			spellcheck: 'true',
			'aria-label': 'Message',
			'aria-autocomplete': 'list',
			'aria-controls': 'composer-suggestions',
			'aria-expanded': 'false',
			'aria-describedby': 'composer-hint composer-error',
		});
		this.suggestions = el('div', 'command-suggestions', { id: 'composer-suggestions', role: 'listbox', 'aria-label': 'Commands', hidden: true });
		const send = el('button', 'icon-button send-button', { type: 'button', 'aria-label': 'Send (Enter)', title: 'Send (Enter)' }, icon('send'));
		send.addEventListener('click', () => {
			this.textarea.focus();
			this.submit();
		});
		this.counter = el('span', 'composer-counter', { hidden: true });
		this.error = el('div', 'composer-error', { id: 'composer-error', role: 'alert' });
		const hint = el(
			'div',
			'composer-hint',
			{ id: 'composer-hint' },
			el('span', undefined, undefined, el('kbd', undefined, undefined, 'Enter'), ' to send, ', el('kbd', undefined, undefined, 'Shift+Enter'), ' for a new line, ', el('kbd', undefined, undefined, '/'), ' for commands'),
			this.counter,
		);
		this.box = el('div', 'composer-box', undefined, this.textarea, send);
		this.element = el('div', 'composer', undefined, this.suggestions, this.error, this.box, hint);
		this.textarea.addEventListener('keydown', (e) => this.onKeyDown(e));
		this.textarea.addEventListener('input', () => {
			this.dismissed = false;
			this.changed();
			this.host.draftChanged(this.textarea.value);
		});
		this.textarea.addEventListener('click', () => this.updateSuggestions());
		this.textarea.addEventListener('keyup', (e) => {
			if (['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) {
				this.updateSuggestions();
			}
		});
		this.textarea.addEventListener('blur', () => this.hideSuggestions());
		this.suggestions.addEventListener('mousedown', (e) => e.preventDefault());
		this.suggestions.addEventListener('click', (e) => {
			const option = e.target instanceof Element ? e.target.closest<HTMLElement>('[data-index]') : null;
			if (option) {
				this.accept(Number(option.dataset.index));
			}
		});
	}

	/** Switches to a conversation, restoring its draft. */
	setConversation(conversation: ConversationView | undefined, draft: string): void {
		const label = conversation ? `Message ${conversation.name}` : 'Type /join #channel to join a channel';
		this.textarea.placeholder = label;
		this.textarea.setAttribute('aria-label', conversation ? `Message ${conversation.name}` : 'Message input');
		this.textarea.value = draft;
		this.dismissed = true;
		this.forget();
		this.changed();
	}

	/** The server's longest message (from the host), or undefined when not known yet. */
	setMaxLength(maxLength: number | undefined): void {
		this.maxLength = maxLength;
		this.updateCounter();
	}

	focus(): void {
		this.textarea.focus();
	}

	/** The host answered a line posted with `seq`: clear the box if it took it and the text is unchanged. */
	answered(seq: number, ok: boolean): void {
		const waiting = this.waiting;
		if (waiting?.seq !== seq) {
			return;
		}
		this.forget();
		if (ok && this.textarea.value === waiting.text) {
			this.replace(0, this.textarea.value.length, '');
		}
	}

	/** Puts text back in the box (a failed message to edit), after what is there. */
	restore(text: string): void {
		const current = this.textarea.value;
		this.textarea.focus();
		const insert = current.trim() === '' ? text : `${current.endsWith('\n') ? '' : '\n'}${text}`;
		this.replace(current.trim() === '' ? 0 : current.length, current.length, insert);
	}

	private forget(): void {
		if (this.waiting) {
			clearTimeout(this.waiting.timer);
			this.waiting = undefined;
		}
	}

	private submit(): void {
		const text = this.textarea.value;
		if (this.waiting?.text === text) {
			// Enter again while the host decides: not a second send.
			return;
		}
		const length = this.host.measure(text);
		if (this.maxLength !== undefined && length !== undefined && length > this.maxLength) {
			this.error.textContent = `Not sent: ${formatCount(length)} characters, and the server accepts at most ${formatCount(this.maxLength)}. Remove ${formatCount(length - this.maxLength)} or split the message.`;
			return;
		}
		this.error.textContent = '';
		const outcome = this.host.submit(text);
		if (outcome.kind === 'done') {
			this.replace(0, text.length, '');
		} else if (outcome.kind === 'posted') {
			this.forget();
			const timer = setTimeout(() => this.forget(), ANSWER_TIMEOUT_MS);
			this.waiting = { seq: outcome.seq, text, timer };
		}
	}

	/**
	 * Replaces text[start, end) with the editing commands when the box has focus, so the
	 * change is on the undo stack (Ctrl+Z brings a sent line back); directly otherwise.
	 */
	private replace(start: number, end: number, text: string): void {
		const ta = this.textarea;
		let done = false;
		if (document.activeElement === ta) {
			ta.setSelectionRange(start, end);
			// execCommand is the only way to edit a textarea that the browser's undo stack records.
			done = text === '' ? start === end || document.execCommand('delete') : document.execCommand('insertText', false, text);
		}
		if (!done) {
			ta.setRangeText(text, start, end, 'end');
			ta.dispatchEvent(new Event('input'));
		}
	}

	private onKeyDown(e: KeyboardEvent): void {
		if (e.isComposing || e.keyCode === 229) {
			return;
		}
		const completion = this.completion;
		if (completion && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
			e.preventDefault();
			const n = completion.options.length;
			this.selected = (this.selected + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
			this.renderSuggestions();
			return;
		}
		if (completion && e.key === 'Tab' && !e.shiftKey) {
			e.preventDefault();
			this.accept(this.selected);
			return;
		}
		if (completion && e.key === 'Escape') {
			e.preventDefault();
			e.stopPropagation();
			this.dismissed = true;
			this.hideSuggestions();
			return;
		}
		if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
			e.preventDefault();
			// A word already typed out in full (`/help`, `#random`) is sent, not completed again.
			const typed = completion ? this.textarea.value.slice(completion.start, this.textarea.selectionStart) : '';
			if (completion && completion.options[this.selected].insert.trim() !== typed) {
				this.accept(this.selected);
			} else {
				this.submit();
			}
			return;
		}
		if (e.key === 'ArrowUp' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey && this.textarea.value === '' && this.host.editLast?.()) {
			e.preventDefault();
			return;
		}
		if ((e.key === 'PageUp' || e.key === 'PageDown') && !e.shiftKey) {
			e.preventDefault();
			this.host.page(e.key === 'PageUp' ? -1 : 1);
		}
	}

	private accept(index: number): void {
		const completion = this.completion;
		const option = completion?.options[index];
		if (!completion || !option) {
			return;
		}
		this.textarea.focus();
		const caret = this.textarea.selectionStart;
		this.dismissed = true;
		this.replace(completion.start, caret, option.insert);
		this.hideSuggestions();
	}

	private changed(): void {
		this.resize();
		this.updateSuggestions();
		this.updateCounter();
	}

	private resize(): void {
		this.textarea.style.height = 'auto';
		this.textarea.style.height = `${Math.min(this.textarea.scrollHeight, MAX_HEIGHT_PX)}px`;
	}

	private updateCounter(): void {
		const max = this.maxLength;
		const length = max === undefined ? undefined : this.host.measure(this.textarea.value);
		const show = max !== undefined && length !== undefined && length >= max * COUNTER_FROM;
		const over = show && length > max;
		this.counter.hidden = !show;
		this.counter.textContent = show ? `${formatCount(length)} / ${formatCount(max)}` : '';
		this.counter.title = over ? `${formatCount(length - max)} characters over the server's limit` : show ? `${formatCount(max - length)} characters left` : '';
		this.counter.classList.toggle('over', over);
		this.box.classList.toggle('over-limit', over);
		this.textarea.setAttribute('aria-invalid', String(over));
		if (!over) {
			this.error.textContent = '';
		}
	}

	private hideSuggestions(): void {
		this.completion = undefined;
		this.suggestions.hidden = true;
		this.textarea.setAttribute('aria-expanded', 'false');
		this.textarea.removeAttribute('aria-activedescendant');
	}

	private updateSuggestions(): void {
		const ta = this.textarea;
		const completion = this.dismissed || document.activeElement !== ta || ta.selectionStart !== ta.selectionEnd ? undefined : completionAt(ta.value, ta.selectionStart, this.host);
		if (!completion) {
			this.hideSuggestions();
			return;
		}
		const previous = this.completion;
		if (previous?.kind !== completion.kind || previous.options.map((o) => o.label).join('\n') !== completion.options.map((o) => o.label).join('\n')) {
			this.selected = 0;
		}
		this.completion = completion;
		this.suggestions.hidden = false;
		this.suggestions.setAttribute('aria-label', LISTBOX_NAMES[completion.kind]);
		ta.setAttribute('aria-expanded', 'true');
		this.renderSuggestions();
	}

	private renderSuggestions(): void {
		const completion = this.completion;
		if (!completion) {
			return;
		}
		this.suggestions.replaceChildren(
			...completion.options.map((option, i) =>
				el(
					'div',
					`suggestion${i === this.selected ? ' selected' : ''}`,
					{ role: 'option', id: `suggestion-${i}`, 'aria-selected': String(i === this.selected), 'data-index': i },
					el('span', `suggestion-usage suggestion-${completion.kind}`, undefined, option.label),
					option.detail ? el('span', 'suggestion-description', undefined, option.detail) : undefined,
				),
			),
		);
		this.textarea.setAttribute('aria-activedescendant', `suggestion-${this.selected}`);
		this.suggestions.querySelector('.selected')?.scrollIntoView({ block: 'nearest' });
	}
}

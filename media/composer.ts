/**
 * The message input: Enter sends, Shift+Enter adds a line, "/" offers command completion,
 * PageUp/PageDown scroll the log. Drafts are kept per conversation by the app.
 */
import { complete, type CommandSpec } from './slashCommands';
import { el, icon } from './dom';
import type { ConversationView } from '../protocol/webview';

export interface ComposerHost {
	/** Handles a line; returns true when it was consumed and the input should be cleared. */
	submit(text: string): boolean;
	draftChanged(text: string): void;
	page(direction: -1 | 1): void;
}

const MAX_HEIGHT_PX = 200;

export class Composer {
	readonly element: HTMLElement;
	readonly textarea: HTMLTextAreaElement;
	private readonly suggestions: HTMLElement;
	private options: CommandSpec[] = [];
	private selected = 0;
	private dismissed = false;

	constructor(private readonly host: ComposerHost) {
		this.textarea = el('textarea', 'composer-input', {
			rows: 1,
			spellcheck: 'true',
			'aria-label': 'Message',
			'aria-autocomplete': 'list',
			'aria-controls': 'command-suggestions',
			'aria-expanded': 'false',
		});
		this.suggestions = el('div', 'command-suggestions', { id: 'command-suggestions', role: 'listbox', 'aria-label': 'Commands', hidden: true });
		const send = el('button', 'icon-button send-button', { type: 'button', 'aria-label': 'Send (Enter)', title: 'Send (Enter)' }, icon('send'));
		send.addEventListener('click', () => {
			this.submit();
			this.textarea.focus();
		});
		const hint = el('div', 'composer-hint', { id: 'composer-hint' }, el('kbd', undefined, undefined, 'Enter'), ' to send, ', el('kbd', undefined, undefined, 'Shift+Enter'), ' for a new line, ', el('kbd', undefined, undefined, '/'), ' for commands');
		this.textarea.setAttribute('aria-describedby', 'composer-hint');
		this.element = el('div', 'composer', undefined, this.suggestions, el('div', 'composer-box', undefined, this.textarea, send), hint);
		this.textarea.addEventListener('keydown', (e) => this.onKeyDown(e));
		this.textarea.addEventListener('input', () => {
			this.dismissed = false;
			this.resize();
			this.updateSuggestions();
			this.host.draftChanged(this.textarea.value);
		});
		this.suggestions.addEventListener('mousedown', (e) => e.preventDefault());
		this.suggestions.addEventListener('click', (e) => {
			const option = e.target instanceof Element ? e.target.closest<HTMLElement>('[data-command]') : null;
			if (option) {
				this.accept(option.dataset.command!);
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
		this.updateSuggestions();
		this.resize();
	}

	focus(): void {
		this.textarea.focus();
	}

	/** Replaces the text (a line the server refused, given back). */
	setText(text: string): void {
		this.textarea.value = text;
		this.dismissed = true;
		this.updateSuggestions();
		this.resize();
	}

	private submit(): void {
		if (this.host.submit(this.textarea.value)) {
			this.textarea.value = '';
			this.resize();
			this.updateSuggestions();
			this.host.draftChanged('');
		}
	}

	private onKeyDown(e: KeyboardEvent): void {
		const open = !this.suggestions.hidden;
		if (e.isComposing || e.keyCode === 229) {
			return;
		}
		if (open && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
			e.preventDefault();
			const n = this.options.length;
			this.selected = (this.selected + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
			this.renderSuggestions();
			return;
		}
		if (open && e.key === 'Tab' && !e.shiftKey) {
			e.preventDefault();
			this.accept(this.options[this.selected].name);
			return;
		}
		if (open && e.key === 'Escape') {
			e.preventDefault();
			e.stopPropagation();
			this.dismissed = true;
			this.updateSuggestions();
			return;
		}
		if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
			e.preventDefault();
			const typed = this.textarea.value.slice(1).toLowerCase();
			if (open && this.options[this.selected].name !== typed) {
				this.accept(this.options[this.selected].name);
			} else {
				this.submit();
			}
			return;
		}
		if ((e.key === 'PageUp' || e.key === 'PageDown') && !e.shiftKey) {
			e.preventDefault();
			this.host.page(e.key === 'PageUp' ? -1 : 1);
		}
	}

	private accept(name: string): void {
		this.textarea.value = `/${name} `;
		this.dismissed = true;
		this.updateSuggestions();
		this.host.draftChanged(this.textarea.value);
		this.textarea.focus();
	}

	private resize(): void {
		this.textarea.style.height = 'auto';
		this.textarea.style.height = `${Math.min(this.textarea.scrollHeight, MAX_HEIGHT_PX)}px`;
	}

	private updateSuggestions(): void {
		const m = /^\/(\w*)$/.exec(this.textarea.value);
		const options = m && !this.dismissed ? complete(m[1]) : [];
		if (options.length === 0) {
			this.options = [];
			this.suggestions.hidden = true;
			this.textarea.setAttribute('aria-expanded', 'false');
			this.textarea.removeAttribute('aria-activedescendant');
			return;
		}
		if (options.map((o) => o.name).join() !== this.options.map((o) => o.name).join()) {
			this.selected = 0;
		}
		this.options = options;
		this.suggestions.hidden = false;
		this.textarea.setAttribute('aria-expanded', 'true');
		this.renderSuggestions();
	}

	private renderSuggestions(): void {
		this.suggestions.replaceChildren(
			...this.options.map((spec, i) =>
				el(
					'div',
					`suggestion${i === this.selected ? ' selected' : ''}`,
					{ role: 'option', id: `command-${spec.name}`, 'aria-selected': String(i === this.selected), 'data-command': spec.name },
					el('span', 'suggestion-usage', undefined, spec.usage),
					el('span', 'suggestion-description', undefined, spec.description),
				),
			),
		);
		this.textarea.setAttribute('aria-activedescendant', `command-${this.options[this.selected].name}`);
		this.suggestions.querySelector('.suggestion.selected')?.scrollIntoView({ block: 'nearest' });
	}
}

/**
 * Quick switcher (Ctrl+K / Cmd+K, a VS Code keybinding that asks the panel to open it):
 * type to filter conversations, arrows to choose, Enter to open, Escape to close. A modal
 * dialog holding a combobox.
 */
import { el, icon } from './dom';
import type { ConversationView } from '../protocol/webview';

export interface SwitcherHost {
	conversations(): ConversationView[];
	select(id: string): void;
	/** Where focus goes when the switcher closes without a choice. */
	cancelled(): void;
}

export class Switcher {
	readonly element: HTMLElement;
	private readonly input: HTMLInputElement;
	private readonly listbox: HTMLElement;
	private matches: ConversationView[] = [];
	private selected = 0;

	constructor(private readonly host: SwitcherHost) {
		this.input = el('input', 'switcher-input', {
			type: 'text',
			role: 'combobox',
			'aria-expanded': 'true',
			'aria-controls': 'switcher-list',
			'aria-autocomplete': 'list',
			'aria-label': 'Switch to conversation',
			placeholder: 'Switch to a channel or person…',
			spellcheck: 'false',
		});
		this.listbox = el('div', 'switcher-list', { id: 'switcher-list', role: 'listbox', 'aria-label': 'Conversations' });
		const dialog = el('div', 'switcher', { role: 'dialog', 'aria-modal': 'true', 'aria-label': 'Switch conversation' }, this.input, this.listbox);
		this.element = el('div', 'switcher-backdrop', { hidden: true }, dialog);
		this.element.addEventListener('mousedown', (e) => {
			if (e.target === this.element) {
				this.close();
				host.cancelled();
			}
		});
		this.input.addEventListener('input', () => this.filter());
		this.input.addEventListener('blur', () => {
			// Clicking an option keeps focus (mousedown is prevented); anything else closes.
			if (this.isOpen) {
				this.close();
			}
		});
		this.listbox.addEventListener('mousedown', (e) => e.preventDefault());
		this.listbox.addEventListener('click', (e) => {
			const option = e.target instanceof Element ? e.target.closest<HTMLElement>('[data-id]') : null;
			if (option?.dataset.id) {
				this.choose(option.dataset.id);
			}
		});
		this.input.addEventListener('keydown', (e) => this.onKeyDown(e));
	}

	get isOpen(): boolean {
		return !this.element.hidden;
	}

	open(): void {
		if (this.isOpen) {
			this.input.focus();
			return;
		}
		this.element.hidden = false;
		this.input.value = '';
		this.filter();
		this.input.focus();
	}

	close(): void {
		this.element.hidden = true;
	}

	private choose(id: string): void {
		this.close();
		this.host.select(id);
	}

	private onKeyDown(e: KeyboardEvent): void {
		const n = this.matches.length;
		if (e.key === 'Escape') {
			e.preventDefault();
			e.stopPropagation();
			this.close();
			this.host.cancelled();
		} else if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && n > 0) {
			e.preventDefault();
			this.selected = (this.selected + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
			this.render();
		} else if (e.key === 'Enter' && n > 0) {
			e.preventDefault();
			this.choose(this.matches[this.selected].id);
		}
	}

	private filter(): void {
		const query = this.input.value.trim().toLowerCase().replace(/^[#@]/, '');
		const all = this.host.conversations();
		const starts = all.filter((c) => c.name.toLowerCase().replace(/^#/, '').startsWith(query));
		const contains = all.filter((c) => !starts.includes(c) && c.name.toLowerCase().includes(query));
		this.matches = [...starts, ...contains];
		this.selected = 0;
		this.render();
	}

	private render(): void {
		const options = this.matches.map((c, i) => {
			const unread = c.mentions > 0 ? el('span', 'badge mention-badge', undefined, String(c.mentions)) : c.unread > 0 ? el('span', 'badge unread-badge', undefined, String(c.unread)) : undefined;
			return el(
				'div',
				`switcher-option${i === this.selected ? ' selected' : ''}`,
				{ role: 'option', id: `switch-${i}`, 'aria-selected': String(i === this.selected), 'data-id': c.id },
				icon(c.kind === 'channel' ? 'symbol-numeric' : 'account'),
				el('span', 'switcher-name', undefined, c.kind === 'channel' ? c.name.replace(/^#/, '') : c.name),
				c.topic ? el('span', 'switcher-topic', undefined, c.topic) : undefined,
				unread,
			);
		});
		if (options.length === 0) {
			options.push(el('div', 'switcher-empty', { role: 'presentation' }, 'No matching conversations'));
		}
		this.listbox.replaceChildren(...options);
		if (this.matches.length > 0) {
			this.input.setAttribute('aria-activedescendant', `switch-${this.selected}`);
			this.listbox.querySelector('.selected')?.scrollIntoView({ block: 'nearest' });
		} else {
			this.input.removeAttribute('aria-activedescendant');
		}
	}
}

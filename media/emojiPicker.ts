/**
 * The reaction picker: a search box over the emoji of protocol/emoji.ts (by shortcode, or
 * an emoji typed or pasted), frequent ones first. Arrow keys move through the grid while
 * the caret stays in the search box, Enter or a click picks, Escape closes and gives focus
 * back to where it was.
 */
import { EMOJI, isReactionEmoji } from '../protocol/emoji';
import { el } from './dom';

/** Offered first, before any search. */
const FREQUENT = ['👍', '❤️', '😂', '🎉', '👀', '🙏', '✅', '🚀', '🔥', '😄', '🤔', '👏'];
const COLUMNS = 8;

interface Choice {
	emoji: string;
	name: string;
}

/** Each character once, under its first shortcode. */
const ALL: Choice[] = (() => {
	const seen = new Set<string>();
	const list: Choice[] = [];
	for (const [name, emoji] of EMOJI) {
		if (!seen.has(emoji)) {
			seen.add(emoji);
			list.push({ emoji, name });
		}
	}
	const frequent = FREQUENT.map((emoji) => list.find((c) => c.emoji === emoji)).filter((c): c is Choice => c !== undefined);
	return [...frequent, ...list.filter((c) => !FREQUENT.includes(c.emoji))];
})();

export class EmojiPicker {
	readonly element: HTMLElement;
	private readonly input: HTMLInputElement;
	private readonly grid: HTMLElement;
	private readonly empty: HTMLElement;
	private choices: Choice[] = [];
	private selected = 0;
	private pick: ((emoji: string) => void) | undefined;
	private returnFocus: HTMLElement | undefined;

	constructor() {
		this.input = el('input', 'emoji-search', {
			type: 'text', placeholder: 'Search emoji', 'aria-label': 'Search emoji', role: 'combobox',
			'aria-controls': 'emoji-grid', 'aria-expanded': 'true', 'aria-autocomplete': 'list', spellcheck: 'false',
		});
		this.grid = el('div', 'emoji-grid', { id: 'emoji-grid', role: 'listbox', 'aria-label': 'Emoji' });
		this.empty = el('div', 'emoji-empty', { hidden: true }, 'No emoji found');
		this.element = el('div', 'emoji-picker', { role: 'dialog', 'aria-label': 'Add a reaction', hidden: true }, this.input, this.grid, this.empty);
		this.input.addEventListener('input', () => this.filter());
		this.input.addEventListener('keydown', (e) => this.onKeyDown(e));
		this.grid.addEventListener('mousedown', (e) => e.preventDefault());
		this.grid.addEventListener('click', (e) => {
			const option = e.target instanceof Element ? e.target.closest<HTMLElement>('[data-index]') : null;
			if (option) {
				this.choose(Number(option.dataset.index));
			}
		});
		this.element.addEventListener('focusout', (e) => {
			if (!(e.relatedTarget instanceof Node && this.element.contains(e.relatedTarget))) {
				this.close(false);
			}
		});
		document.addEventListener('mousedown', (e) => {
			if (this.isOpen && e.target instanceof Node && !this.element.contains(e.target)) {
				this.close(false);
			}
		});
	}

	get isOpen(): boolean {
		return !this.element.hidden;
	}

	/** Opens beside `anchor`; `pick` gets the chosen emoji. */
	open(anchor: HTMLElement, pick: (emoji: string) => void): void {
		this.returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
		this.pick = pick;
		this.input.value = '';
		this.element.hidden = false;
		this.filter();
		const rect = anchor.getBoundingClientRect();
		const width = this.element.offsetWidth;
		const height = this.element.offsetHeight;
		const below = rect.bottom + 4 + height <= window.innerHeight;
		this.element.style.top = `${Math.round(Math.max(4, below ? rect.bottom + 4 : rect.top - height - 4))}px`;
		this.element.style.left = `${Math.round(Math.max(4, Math.min(rect.right - width, window.innerWidth - width - 4)))}px`;
		this.input.focus();
	}

	close(returnFocus: boolean): void {
		if (!this.isOpen) {
			return;
		}
		this.element.hidden = true;
		this.pick = undefined;
		if (returnFocus && this.returnFocus?.isConnected) {
			this.returnFocus.focus();
		}
	}

	private filter(): void {
		const query = this.input.value.trim().toLowerCase().replace(/^:|:$/g, '');
		if (query === '') {
			this.choices = ALL;
		} else if (isReactionEmoji(this.input.value.trim())) {
			const typed = this.input.value.trim();
			this.choices = [ALL.find((c) => c.emoji === typed) ?? { emoji: typed, name: 'typed' }];
		} else {
			const starts = ALL.filter((c) => c.name.startsWith(query));
			const contains = ALL.filter((c) => !c.name.startsWith(query) && c.name.includes(query));
			// Every shortcode of a character is searched, not only the first.
			const aliases = EMOJI.filter(([name]) => name.includes(query)).map(([, emoji]) => emoji);
			const more = ALL.filter((c) => aliases.includes(c.emoji) && !starts.includes(c) && !contains.includes(c));
			this.choices = [...starts, ...contains, ...more];
		}
		this.selected = 0;
		this.render();
	}

	private render(): void {
		this.empty.hidden = this.choices.length > 0;
		this.grid.replaceChildren(...this.choices.map((c, i) => el(
			'div',
			`emoji-option${i === this.selected ? ' selected' : ''}`,
			{ role: 'option', id: `emoji-${i}`, 'aria-selected': String(i === this.selected), 'aria-label': `:${c.name}:`, title: `:${c.name}:`, 'data-index': i },
			c.emoji,
		)));
		if (this.choices.length > 0) {
			this.input.setAttribute('aria-activedescendant', `emoji-${this.selected}`);
			this.grid.querySelector('.selected')?.scrollIntoView({ block: 'nearest' });
		} else {
			this.input.removeAttribute('aria-activedescendant');
		}
	}

	private move(delta: number): void {
		const n = this.choices.length;
		if (n > 0) {
			this.selected = Math.max(0, Math.min(n - 1, this.selected + delta));
			this.render();
		}
	}

	private choose(index: number): void {
		const choice = this.choices[index];
		const pick = this.pick;
		if (!choice || !pick) {
			return;
		}
		this.close(true);
		pick(choice.emoji);
	}

	private onKeyDown(e: KeyboardEvent): void {
		switch (e.key) {
			case 'ArrowRight':
				this.move(1);
				break;
			case 'ArrowLeft':
				this.move(-1);
				break;
			case 'ArrowDown':
				this.move(COLUMNS);
				break;
			case 'ArrowUp':
				this.move(-COLUMNS);
				break;
			case 'Enter':
				this.choose(this.selected);
				break;
			case 'Escape':
				this.close(true);
				break;
			case 'Tab':
				this.close(true);
				break;
			default:
				return;
		}
		e.preventDefault();
		e.stopPropagation();
	}
}

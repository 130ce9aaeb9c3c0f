/**
 * Message search in the panel (Ctrl+F, or the header's search button): a dialog with the
 * query (which may hold `in:#channel`, `in:nick` and `from:nick`), pickers for the same
 * two filters, and the results newest first, each with its conversation, sender, time and
 * text with the matched words marked. "More results" pages back. Choosing a result opens
 * its conversation at that message. Results follow the typing (after a short pause).
 */
import { el, icon } from './dom';
import { formatDay, formatTime, nickColour } from './format';
import type { ConversationView, HostMessage, SearchHitView, WebviewMessage } from '../protocol/webview';

/** Typing pauses this long before the search is sent. */
const DEBOUNCE_MS = 250;

export interface SearchHost {
	post(message: WebviewMessage): void;
	conversations(): ConversationView[];
	nicks(): string[];
	/** Closed without a choice: where focus goes. */
	cancelled(): void;
}

type Results = Extract<HostMessage, { type: 'searchResults' }>;

/** A word as the server's search compares it: lower case, accents dropped. */
function fold(word: string): string {
	return word.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
}

/**
 * `text` as nodes, each word that starts with one of `words` (folded, as the server matched
 * them) inside a <mark>. Text only: nothing from the message becomes markup.
 */
export function highlightWords(text: string, words: readonly string[]): Node[] {
	const nodes: Node[] = [];
	if (words.length === 0) {
		return [document.createTextNode(text)];
	}
	let last = 0;
	for (const match of text.matchAll(/[\p{L}\p{N}\p{M}]+/gu)) {
		const folded = fold(match[0]);
		if (!words.some((w) => folded.startsWith(w))) {
			continue;
		}
		if (match.index > last) {
			nodes.push(document.createTextNode(text.slice(last, match.index)));
		}
		nodes.push(el('mark', 'search-match', undefined, match[0]));
		last = match.index + match[0].length;
	}
	if (last < text.length) {
		nodes.push(document.createTextNode(text.slice(last)));
	}
	return nodes;
}

export class SearchBox {
	readonly element: HTMLElement;
	private readonly input: HTMLInputElement;
	private readonly inSelect: HTMLSelectElement;
	private readonly fromInput: HTMLInputElement;
	private readonly nickList: HTMLDataListElement;
	private readonly status: HTMLElement;
	private readonly listbox: HTMLElement;
	private readonly moreButton: HTMLButtonElement;
	private hits: SearchHitView[] = [];
	private words: string[] = [];
	private hasMore = false;
	private selected = 0;
	/** The latest request sent; older answers are dropped. */
	private request = 0;
	private loadingMore = false;
	private timer: ReturnType<typeof setTimeout> | undefined;

	constructor(private readonly host: SearchHost) {
		this.input = el('input', 'search-input', {
			type: 'text',
			role: 'combobox',
			'aria-expanded': 'true',
			'aria-controls': 'search-results',
			'aria-autocomplete': 'list',
			'aria-label': 'Search messages',
			placeholder: 'Search messages (in:#channel, from:nick)',
			spellcheck: 'false',
		});
		const close = el('button', 'icon-button search-close', { type: 'button', 'aria-label': 'Close search (Escape)', title: 'Close (Escape)' }, icon('close'));
		close.addEventListener('click', () => this.cancel());
		this.inSelect = el('select', 'search-in', { 'aria-label': 'In conversation' });
		this.fromInput = el('input', 'search-from', { type: 'text', 'aria-label': 'From', placeholder: 'anyone', list: 'search-nicks', spellcheck: 'false' });
		this.nickList = el('datalist', undefined, { id: 'search-nicks' });
		const filters = el(
			'div',
			'search-filters',
			undefined,
			el('label', 'search-filter', undefined, el('span', undefined, undefined, 'In'), this.inSelect),
			el('label', 'search-filter', undefined, el('span', undefined, undefined, 'From'), this.fromInput, this.nickList),
		);
		this.status = el('div', 'search-status', { role: 'status' });
		this.listbox = el('div', 'search-results', { id: 'search-results', role: 'listbox', 'aria-label': 'Results' });
		this.moreButton = el('button', 'search-more', { type: 'button', hidden: true }, icon('ellipsis'), 'More results');
		this.moreButton.addEventListener('mousedown', (e) => e.preventDefault());
		this.moreButton.addEventListener('click', () => this.more());
		const dialog = el(
			'div',
			'search',
			{ role: 'dialog', 'aria-modal': 'true', 'aria-label': 'Search messages' },
			el('div', 'search-row', undefined, icon('search'), this.input, close),
			filters,
			this.status,
			this.listbox,
			this.moreButton,
		);
		this.element = el('div', 'search-backdrop', { hidden: true }, dialog);
		this.element.addEventListener('mousedown', (e) => {
			if (e.target === this.element) {
				this.cancel();
			}
		});
		this.input.addEventListener('input', () => this.changed());
		this.inSelect.addEventListener('change', () => this.changed(0));
		this.fromInput.addEventListener('input', () => this.changed());
		this.listbox.addEventListener('mousedown', (e) => e.preventDefault());
		this.listbox.addEventListener('click', (e) => {
			const option = e.target instanceof Element ? e.target.closest<HTMLElement>('[data-index]') : null;
			if (option) {
				this.choose(Number(option.dataset.index));
			}
		});
		dialog.addEventListener('keydown', (e) => this.onKeyDown(e));
		this.renderStatus();
	}

	get isOpen(): boolean {
		return !this.element.hidden;
	}

	/** Opens (or focuses) the box; `query` replaces what it had. */
	open(query?: string): void {
		const wasOpen = this.isOpen;
		this.element.hidden = false;
		this.fillPickers();
		if (query !== undefined) {
			this.input.value = query;
			this.changed(0);
		}
		this.input.focus();
		if (!wasOpen) {
			this.input.select();
		}
	}

	close(): void {
		this.element.hidden = true;
		clearTimeout(this.timer);
	}

	/** The host's answer to a search. */
	received(message: Results): void {
		if (message.request !== this.request) {
			return;
		}
		const paging = this.loadingMore;
		this.loadingMore = false;
		if (message.error !== undefined) {
			this.hits = paging ? this.hits : [];
			this.hasMore = false;
			this.render();
			this.renderStatus(message.error, true);
			return;
		}
		this.words = message.words;
		this.hits = paging ? [...this.hits, ...message.hits] : message.hits;
		this.hasMore = message.hasMore;
		if (!paging) {
			this.selected = 0;
		}
		this.render();
		this.renderStatus();
	}

	private cancel(): void {
		this.close();
		this.host.cancelled();
	}

	/** The query or a filter changed: search after a pause (`delay` 0: now). */
	private changed(delay = DEBOUNCE_MS): void {
		clearTimeout(this.timer);
		this.request++;
		this.loadingMore = false;
		if (this.input.value.trim() === '') {
			this.hits = [];
			this.hasMore = false;
			this.render();
			this.renderStatus();
			return;
		}
		this.renderStatus('Searching…');
		this.timer = setTimeout(() => this.send(), delay);
	}

	private send(before?: number): void {
		const conversation = this.inSelect.value;
		const from = this.fromInput.value.trim().replace(/^@/, '');
		this.host.post({
			type: 'search',
			request: this.request,
			query: this.input.value,
			...(conversation ? { conversation } : {}),
			...(from ? { from } : {}),
			...(before !== undefined ? { before } : {}),
		});
	}

	private more(): void {
		const last = this.hits[this.hits.length - 1];
		if (!last || !this.hasMore || this.loadingMore) {
			return;
		}
		this.request++;
		this.loadingMore = true;
		this.moreButton.disabled = true;
		this.send(last.message.id);
		this.input.focus();
	}

	private choose(index: number): void {
		const hit = this.hits[index];
		if (!hit) {
			return;
		}
		this.close();
		this.host.post({ type: 'openResult', conversation: hit.conversation, id: hit.message.id });
	}

	private onKeyDown(e: KeyboardEvent): void {
		const n = this.hits.length;
		if (e.key === 'Escape') {
			e.preventDefault();
			e.stopPropagation();
			this.cancel();
		} else if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && n > 0 && e.target === this.input) {
			e.preventDefault();
			this.selected = (this.selected + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
			this.renderSelection();
		} else if (e.key === 'Enter' && e.target === this.input && n > 0) {
			e.preventDefault();
			this.choose(this.selected);
		} else if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'f') {
			// Ctrl+F again while searching: back to the query.
			e.preventDefault();
			this.input.focus();
			this.input.select();
		}
	}

	/** The In picker lists the conversations; the From field suggests known nicks. */
	private fillPickers(): void {
		const current = this.inSelect.value;
		const options = [el('option', undefined, { value: '' }, 'Anywhere')];
		for (const c of this.host.conversations()) {
			if (c.kind === 'dm' || c.joined !== false) {
				options.push(el('option', undefined, { value: c.name }, c.name));
			}
		}
		this.inSelect.replaceChildren(...options);
		this.inSelect.value = options.some((o) => o.value === current) ? current : '';
		this.nickList.replaceChildren(...this.host.nicks().map((nick) => el('option', undefined, { value: nick })));
	}

	private renderStatus(text?: string, error = false): void {
		let line = text;
		if (line === undefined) {
			if (this.input.value.trim() === '') {
				line = 'Type words to find. in:#channel or from:nick narrow the search.';
			} else if (this.hits.length === 0) {
				line = 'No messages match.';
			} else {
				line = `${this.hits.length}${this.hasMore ? '+' : ''} result${this.hits.length === 1 && !this.hasMore ? '' : 's'}`;
			}
		}
		this.status.textContent = line;
		this.status.classList.toggle('error', error);
	}

	private render(): void {
		const options = this.hits.map((hit, i) => {
			const { message } = hit;
			return el(
				'div',
				`search-result${i === this.selected ? ' selected' : ''}`,
				{ role: 'option', id: `search-hit-${i}`, 'aria-selected': String(i === this.selected), 'data-index': i },
				el(
					'div',
					'search-result-meta',
					undefined,
					icon(hit.conversation.startsWith('#') ? 'symbol-numeric' : 'account'),
					el('span', 'search-result-where', undefined, hit.name.replace(/^#/, '')),
					el('span', `search-result-from ${nickColour(message.from)}`, undefined, message.from),
					el('time', 'search-result-time', { datetime: new Date(message.ts).toISOString() }, `${formatDay(message.ts)} ${formatTime(message.ts)}`),
				),
				el('div', 'search-result-text', undefined, ...highlightWords(message.text, this.words)),
			);
		});
		this.listbox.replaceChildren(...options);
		this.listbox.hidden = options.length === 0;
		this.moreButton.hidden = !this.hasMore;
		this.moreButton.disabled = false;
		this.renderSelection();
	}

	private renderSelection(): void {
		for (const option of this.listbox.querySelectorAll<HTMLElement>('[data-index]')) {
			const on = Number(option.dataset.index) === this.selected;
			option.classList.toggle('selected', on);
			option.setAttribute('aria-selected', String(on));
		}
		if (this.hits.length > 0) {
			this.input.setAttribute('aria-activedescendant', `search-hit-${this.selected}`);
			this.listbox.querySelector('.selected')?.scrollIntoView({ block: 'nearest' });
		} else {
			this.input.removeAttribute('aria-activedescendant');
		}
	}
}

/**
 * Ctrl/Cmd+F anywhere in the page opens the search. VS Code also gets the key: the
 * extension binds it to the same search while the chat has focus (package.json), so
 * VS Code's own find never opens over the chat; opening twice is harmless.
 */
export function installSearchKey(open: () => void): void {
	document.addEventListener('keydown', (e) => {
		if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'f' && !e.defaultPrevented) {
			e.preventDefault();
			open();
		}
	});
}

/**
 * The message log, virtualized: only a window of at most MAX_ROWS consecutive items is in
 * the DOM. Scrolling near either edge slides the window by CHUNK items, and the row the
 * reader is looking at is pinned in place across every change, so the view never jumps.
 */
import { el, icon } from './dom';
import type { ConversationView } from '../protocol/webview';
import { renderRow, type RowContext } from './rows';
import { itemKey, type Timeline, type ViewItem } from './state';
import type { ScrollAnchor } from './vscodeApi';

const MAX_ROWS = 300;
const CHUNK = 80;
const INITIAL = 120;
/** Distance from an edge (px) at which more rows are rendered or older history requested. */
const EDGE_PX = 800;
/** Within this distance of the bottom the view follows new messages. */
const STICK_PX = 32;
/** Older history is requested once the reader is this close (in items) to the first loaded one. */
const PREFETCH_ITEMS = 40;

/** Where the "New messages" line goes when the conversation opens at it. */
const UNREAD_OFFSET_PX = 12;

/** Where to show a conversation: a saved anchor, the newest message, or its first unread one. */
export type ShowAnchor = ScrollAnchor | 'unread';

export interface TimelineHost extends Omit<RowContext, 'isFirstUnread'> {
	/** The first loaded item is in view and the server has older ones. */
	loadOlder(): void;
	/** The reading position changed (for saving it). */
	scrolled(): void;
	/** What the log shows when no conversation is open. */
	welcome(): HTMLElement;
	/** Whether history can be fetched now (offline, the intro says it loads on connect). */
	connected(): boolean;
	/**
	 * Messages up to `id` have been on screen; `following`: the newest messages are in view
	 * and new ones will be too. Called often; the host reports only progress.
	 */
	seen(id: number, following: boolean): void;
}

interface Pin {
	row: HTMLElement;
	delta: number;
}

export class TimelineView {
	/** The scroll container; role log. */
	readonly element: HTMLElement;
	readonly jumpButton: HTMLButtonElement;
	private readonly intro: HTMLElement;
	private readonly list: HTMLElement;
	private timeline: Timeline | undefined;
	private conversation: ConversationView | undefined;
	private start = 0;
	private end = 0;
	private rows: HTMLElement[] = [];
	private stuck = true;
	private unseen = 0;
	private adjusting = false;
	/** Messages after this id were unread when the conversation opened. */
	private unreadAfter: number | undefined;
	/** The item the "New messages" line goes above. */
	private unreadKey: string | undefined;
	private readonly rowContext: RowContext;
	/** The item opened from a search: highlighted while its conversation is shown. */
	private revealedKey: string | undefined;

	constructor(private readonly host: TimelineHost) {
		this.rowContext = {
			isSelf: (nick) => host.isSelf(nick),
			mentionsSelf: (text) => host.mentionsSelf(text),
			isFirstUnread: (item) => this.unreadKey !== undefined && itemKey(item) === this.unreadKey,
			failedAction: (id, action) => host.failedAction(id, action),
			editorFor: (id) => host.editorFor?.(id),
			threadUnread: (id) => host.threadUnread?.(id),
		};
		this.intro = el('div', 'timeline-intro');
		this.list = el('div', 'timeline-rows');
		this.element = el('div', 'timeline', { role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', tabindex: 0 }, this.intro, this.list);
		this.jumpButton = el('button', 'jump-latest', { type: 'button', hidden: true });
		this.jumpButton.addEventListener('click', () => this.scrollToBottom());
		this.element.addEventListener('scroll', () => this.onScroll(), { passive: true });
		new ResizeObserver(() => {
			if (this.stuck) {
				this.pinBottom();
			}
		}).observe(this.list);
		new ResizeObserver(() => {
			if (this.stuck) {
				this.pinBottom();
			}
		}).observe(this.element);
	}

	private get items(): readonly ViewItem[] {
		return this.timeline?.items ?? [];
	}

	shows(timeline: Timeline | undefined): boolean {
		return this.timeline === timeline;
	}

	/**
	 * Shows a conversation, scrolled to `anchor`: an item and offset, the newest message, or
	 * the first one after `unreadAfter` (with a "New messages" line above it).
	 */
	show(conversation: ConversationView | undefined, timeline: Timeline | undefined, showAnchor: ShowAnchor, unreadAfter?: number): void {
		if (conversation?.id !== this.conversation?.id) {
			this.revealedKey = undefined;
		}
		this.conversation = conversation;
		this.timeline = timeline;
		this.unreadAfter = unreadAfter;
		this.unreadKey = this.findFirstUnread();
		const anchor: ScrollAnchor = showAnchor !== 'unread' ? showAnchor : this.unreadKey !== undefined ? { key: this.unreadKey, offset: UNREAD_OFFSET_PX } : 'bottom';
		this.element.setAttribute('aria-label', conversation ? `Messages in ${conversation.name}` : 'Messages');
		this.busy();
		this.rows = [];
		this.list.replaceChildren();
		this.unseen = 0;
		const len = this.items.length;
		const index = anchor === 'bottom' ? -1 : this.items.findIndex((item) => itemKey(item) === anchor.key);
		if (index < 0) {
			this.end = len;
			this.start = Math.max(0, len - INITIAL);
		} else {
			this.start = Math.max(0, Math.min(index - INITIAL / 2, len - INITIAL));
			this.end = Math.min(len, this.start + INITIAL);
		}
		this.list.appendChild(this.build(this.start, this.end));
		this.updateIntro();
		if (index < 0 || anchor === 'bottom') {
			this.stuck = true;
			this.pinBottom();
		} else {
			this.stuck = false;
			this.element.scrollTop = this.rows[index - this.start].offsetTop - anchor.offset;
			this.stuck = this.atBottom();
		}
		this.settle();
		this.reportSeen();
	}

	/** The item after `unreadAfter` sent by someone else: where the "New messages" line goes. */
	private findFirstUnread(): string | undefined {
		const after = this.unreadAfter;
		if (after === undefined) {
			return undefined;
		}
		const first = this.items.find((item) => item.kind === 'message' && !item.pending && item.message.id > after && !this.host.isSelf(item.message.from));
		return first ? itemKey(first) : undefined;
	}

	/**
	 * Tells the host the newest message that is on screen (at least partly), and whether the
	 * view follows new ones. Nothing while the page is hidden.
	 */
	reportSeen(): void {
		if (this.rows.length === 0 || document.visibilityState !== 'visible') {
			return;
		}
		const bottom = this.element.scrollTop + this.element.clientHeight;
		let lo = 0;
		let hi = this.rows.length - 1;
		while (lo < hi) {
			const mid = (lo + hi + 1) >> 1;
			if (this.rows[mid].offsetTop < bottom) {
				lo = mid;
			} else {
				hi = mid - 1;
			}
		}
		for (let i = this.start + lo; i >= this.start; i--) {
			const item = this.items[i];
			if (item.kind === 'message' && !item.pending && item.message.id > 0) {
				this.host.seen(item.message.id, this.stuck && this.end === this.items.length);
				return;
			}
		}
	}

	/** `count` items were added at the end. `reveal` scrolls to them (the user's own message). */
	appended(count: number, reveal: boolean): void {
		const len = this.items.length;
		const oldLen = len - count;
		if (count <= 0) {
			return;
		}
		if (this.end !== oldLen) {
			if (reveal) {
				this.scrollToBottom();
			} else {
				this.unseen += count;
				this.updateJump();
			}
			return;
		}
		if (this.stuck || reveal) {
			this.list.appendChild(this.build(oldLen, len));
			this.end = len;
			this.trimTop();
			this.stuck = true;
			this.pinBottom();
			this.updateIntro();
		} else {
			const room = Math.max(0, MAX_ROWS - (this.end - this.start));
			const upTo = Math.min(len, oldLen + room);
			if (upTo > oldLen) {
				this.list.appendChild(this.build(oldLen, upTo));
				this.end = upTo;
			}
			this.unseen += count;
		}
		this.updateJump();
		this.reportSeen();
	}

	/** `count` older items were added at the start (answer to loadOlder). */
	prepended(count: number): void {
		if (this.rows.length === 0) {
			this.show(this.conversation, this.timeline, 'bottom', this.unreadAfter);
			return;
		}
		const pin = this.pin();
		this.start += count;
		this.end += count;
		// The old first item now has a predecessor: its day separator or header may change.
		this.replaceRow(this.start);
		this.updateIntro();
		this.restore(pin);
		this.settle();
	}

	/** Shows message `id` (a message link) as `reveal` does, and gives it keyboard focus. */
	revealMessage(id: number): boolean {
		if (!this.reveal(`m:${id}`)) {
			return false;
		}
		const row = this.list.querySelector<HTMLElement>(`.msg[data-id="${id}"]`);
		row?.focus({ preventScroll: true });
		return row !== null;
	}

	/** Item `index` was replaced (a pending message acknowledged). */
	changed(index: number): void {
		const pin = this.pin();
		this.replaceRow(index);
		this.replaceRow(index + 1);
		this.restore(pin);
	}

	/** Item `index` was removed from the timeline. */
	removed(index: number): void {
		if (index < this.start) {
			this.start--;
			this.end--;
			return;
		}
		if (index >= this.end) {
			return;
		}
		const pin = this.pin();
		this.rows[index - this.start].remove();
		this.rows.splice(index - this.start, 1);
		this.end--;
		this.replaceRow(index);
		this.restore(pin);
	}

	/** Re-renders the visible rows (after the user's nick changed, which changes mentions). */
	refresh(): void {
		const pin = this.pin();
		for (let i = this.start; i < this.end; i++) {
			this.replaceRow(i);
		}
		this.restore(pin);
	}

	/** Where the reader is, for saving. */
	anchor(): ScrollAnchor {
		if ((this.stuck && this.end === this.items.length) || this.rows.length === 0) {
			return 'bottom';
		}
		const pin = this.pin();
		if (!pin) {
			return 'bottom';
		}
		const index = this.start + this.rows.indexOf(pin.row);
		return { key: itemKey(this.items[index]), offset: pin.delta };
	}

	scrollToBottom(): void {
		if (this.end !== this.items.length) {
			this.show(this.conversation, this.timeline, 'bottom', this.unreadAfter);
		}
		this.stuck = true;
		this.unseen = 0;
		this.pinBottom();
		this.updateJump();
		this.reportSeen();
	}

	/**
	 * Shows item `key` a third of the way down the view, highlighted (a search result opened
	 * here). False when the timeline does not hold it.
	 */
	reveal(key: string): boolean {
		if (!this.items.some((item) => itemKey(item) === key)) {
			return false;
		}
		this.revealedKey = key;
		this.show(this.conversation, this.timeline, { key, offset: Math.round(this.element.clientHeight / 3) }, this.unreadAfter);
		this.updateJump();
		return true;
	}

	/** Scrolls by pages (PageUp/PageDown typed in the composer). */
	page(direction: -1 | 1): void {
		this.element.scrollBy({ top: direction * Math.max(40, this.element.clientHeight * 0.85) });
	}

	/** Older history is being requested; show it at the top. */
	loadingOlder(): void {
		this.updateIntro();
	}

	/** Connected or not: what the top says, and older history may now be asked for. */
	connectionChanged(): void {
		const pin = this.pin();
		this.updateIntro();
		this.restore(pin);
		this.settle();
	}

	// ---- rendering ------------------------------------------------------------------

	/** Renders items [from, to) into a fragment, and the rows in the same order. */
	private renderRange(from: number, to: number): { fragment: DocumentFragment; built: HTMLElement[] } {
		const fragment = document.createDocumentFragment();
		const built: HTMLElement[] = [];
		for (let i = from; i < to; i++) {
			const row = this.renderItem(i);
			built.push(row);
			fragment.appendChild(row);
		}
		return { fragment, built };
	}

	/** Renders items [from, to) as rows appended to `rows`; the caller inserts the fragment at the end. */
	private build(from: number, to: number): DocumentFragment {
		const { fragment, built } = this.renderRange(from, to);
		this.rows.push(...built);
		return fragment;
	}

	private replaceRow(index: number): void {
		if (index < this.start || index >= this.end) {
			return;
		}
		const fresh = this.renderItem(index);
		this.rows[index - this.start].replaceWith(fresh);
		this.rows[index - this.start] = fresh;
	}

	private renderItem(index: number): HTMLElement {
		const row = renderRow(this.items, index, this.rowContext);
		if (this.revealedKey !== undefined && itemKey(this.items[index]) === this.revealedKey) {
			row.classList.add('revealed');
		}
		return row;
	}

	private updateIntro(): void {
		const timeline = this.timeline;
		this.intro.replaceChildren();
		this.intro.hidden = this.start > 0;
		if (this.start > 0) {
			return;
		}
		if (!this.conversation) {
			this.intro.appendChild(this.host.welcome());
			return;
		}
		const connected = this.host.connected();
		if (!timeline) {
			this.intro.appendChild(connected
				? el('div', 'intro-loading', undefined, icon('loading', 'codicon-modifier-spin'), 'Loading messages…')
				: el('div', 'intro-loading intro-offline', undefined, icon('debug-disconnect'), 'You are offline: the messages load when Parley connects.'));
			return;
		}
		if (timeline.hasMoreBefore) {
			this.intro.appendChild(connected
				? el('div', 'intro-loading', undefined, icon('loading', 'codicon-modifier-spin'), 'Loading older messages…')
				: el('div', 'intro-loading intro-offline', undefined, icon('debug-disconnect'), 'Older messages load when Parley connects.'));
			return;
		}
		const c = this.conversation;
		if (c) {
			const isDm = c.kind === 'dm';
			this.intro.appendChild(
				el(
					'div',
					'intro-start',
					undefined,
					el('div', 'intro-icon', { 'aria-hidden': 'true' }, icon(isDm ? 'account' : 'symbol-numeric')),
					el('div', 'intro-title', undefined, c.name),
					el(
						'div',
						'intro-text',
						undefined,
						isDm ? `This is the beginning of your direct messages with ${c.name}.` : `This is the very beginning of ${c.name}.`,
						c.topic ? ` Topic: ${c.topic}` : '',
					),
				),
			);
		}
	}

	private updateJump(): void {
		const following = this.stuck && this.end === this.items.length;
		if (following) {
			this.unseen = 0;
		}
		this.jumpButton.hidden = following || this.rows.length === 0;
		const label = this.unseen > 0 ? `${this.unseen} new message${this.unseen === 1 ? '' : 's'}` : 'Jump to latest';
		this.jumpButton.replaceChildren(icon('arrow-down'), label);
	}

	// ---- scrolling ------------------------------------------------------------------

	private atBottom(): boolean {
		const e = this.element;
		return this.end === this.items.length && e.scrollHeight - e.scrollTop - e.clientHeight <= STICK_PX;
	}

	private pinBottom(): void {
		this.element.scrollTop = this.element.scrollHeight;
	}

	private onScroll(): void {
		if (this.adjusting) {
			return;
		}
		this.stuck = this.atBottom();
		this.settle();
		this.updateJump();
		this.host.scrolled();
		this.reportSeen();
	}

	/** Slides the window until the viewport is not near an unrendered edge; may ask for older history. */
	private settle(): void {
		if (this.adjusting || !this.timeline) {
			return;
		}
		const wantsOlder = this.start <= PREFETCH_ITEMS && this.element.scrollTop < EDGE_PX;
		this.adjusting = true;
		try {
			for (let guard = 0; guard < 20; guard++) {
				const e = this.element;
				const nearTop = e.scrollTop < EDGE_PX;
				const nearBottom = e.scrollHeight - e.scrollTop - e.clientHeight < EDGE_PX;
				if (nearTop && this.start > 0) {
					this.extendUp();
				} else if (nearBottom && this.end < this.items.length) {
					this.extendDown();
				} else {
					break;
				}
			}
		} finally {
			this.adjusting = false;
		}
		const timeline = this.timeline;
		if (wantsOlder && timeline.hasMoreBefore && !timeline.loadingOlder && this.host.connected()) {
			this.host.loadOlder();
		}
		this.updateJump();
	}

	private extendUp(): void {
		const count = Math.min(CHUNK, this.start);
		const pin = this.pin();
		this.busy();
		const from = this.start - count;
		const fragment = this.buildBefore(from, this.start);
		this.list.insertBefore(fragment, this.list.firstChild);
		this.start = from;
		while (this.end - this.start > MAX_ROWS) {
			this.rows.pop()!.remove();
			this.end--;
		}
		this.updateIntro();
		this.restore(pin);
	}

	/** Renders items [from, to) as rows prepended to `rows`; the caller inserts the fragment at the start. */
	private buildBefore(from: number, to: number): DocumentFragment {
		const { fragment, built } = this.renderRange(from, to);
		this.rows.unshift(...built);
		return fragment;
	}

	private extendDown(): void {
		const count = Math.min(CHUNK, this.items.length - this.end);
		const pin = this.pin();
		this.busy();
		this.list.appendChild(this.build(this.end, this.end + count));
		this.end += count;
		this.trimTop(pin);
		this.updateIntro();
		this.restore(pin);
	}

	private trimTop(pin?: Pin): void {
		while (this.end - this.start > MAX_ROWS && this.rows[0] !== pin?.row) {
			this.rows.shift()!.remove();
			this.start++;
		}
	}

	/** The first row at least partly in view, and its distance from the viewport top. */
	private pin(): Pin | undefined {
		const top = this.element.scrollTop;
		let lo = 0;
		let hi = this.rows.length - 1;
		if (hi < 0) {
			return undefined;
		}
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			const row = this.rows[mid];
			if (row.offsetTop + row.offsetHeight <= top) {
				lo = mid + 1;
			} else {
				hi = mid;
			}
		}
		const row = this.rows[lo];
		return { row, delta: row.offsetTop - top };
	}

	private restore(pin: Pin | undefined): void {
		if (!pin || !pin.row.isConnected) {
			return;
		}
		const wanted = pin.row.offsetTop - pin.delta;
		if (Math.abs(this.element.scrollTop - wanted) >= 1) {
			this.element.scrollTop = wanted;
		}
	}

	/** Marks the log busy while a batch of rows is swapped, so screen readers do not read them all. */
	private busy(): void {
		if (this.element.getAttribute('aria-busy') === 'true') {
			return;
		}
		this.element.setAttribute('aria-busy', 'true');
		requestAnimationFrame(() => this.element.removeAttribute('aria-busy'));
	}
}

/**
 * The list of joined channels and direct messages, with unread and mention badges.
 * A listbox: one Tab stop, arrow keys move, Enter/Space/click opens.
 */
import { el, icon, iconButton } from './dom';
import type { ConnectionState, ConversationView } from '../protocol/webview';
import { installRoving, resetTabStop } from './roving';
import type { Connection } from './state';

export interface SidebarHost {
	select(id: string): void;
	joinChannel(): void;
	createChannel(): void;
	newDirectMessage(): void;
	connect(): void;
}

const STATE_LABEL: Record<ConnectionState, string> = {
	connected: 'Connected',
	connecting: 'Connecting…',
	reconnecting: 'Reconnecting…',
	offline: 'Offline',
};

function badgeLabel(c: ConversationView): string {
	const parts: string[] = [];
	if (c.unread > 0) {
		parts.push(`${c.unread} unread`);
	}
	if (c.mentions > 0) {
		parts.push(`${c.mentions} mention${c.mentions === 1 ? '' : 's'}`);
	}
	return parts.join(', ');
}

function displayCount(n: number): string {
	return n > 99 ? '99+' : String(n);
}

export class Sidebar {
	readonly element: HTMLElement;
	private readonly listbox: HTMLElement;
	private readonly footer: HTMLElement;
	private threadReplies: (id: string) => boolean = () => false;

	constructor(private readonly host: SidebarHost) {
		const join = iconButton('search', 'Join a channel');
		join.addEventListener('click', () => host.joinChannel());
		const create = iconButton('add', 'Create a channel');
		create.addEventListener('click', () => host.createChannel());
		const dm = iconButton('comment', 'New direct message');
		dm.addEventListener('click', () => host.newDirectMessage());
		this.listbox = el('div', 'conversation-list', { role: 'listbox', 'aria-label': 'Conversations' });
		this.footer = el('div', 'sidebar-footer');
		this.element = el(
			'nav',
			'sidebar',
			{ 'aria-label': 'Conversations' },
			el('div', 'sidebar-header', undefined, el('h2', 'sidebar-title', undefined, 'Parley'), el('div', 'toolbar', undefined, join, create, dm)),
			this.listbox,
			this.footer,
		);
		installRoving(this.listbox, '[role=option]');
		this.listbox.addEventListener('click', (e) => {
			const option = e.target instanceof Element ? e.target.closest<HTMLElement>('[role=option]') : null;
			if (option?.dataset.id) {
				host.select(option.dataset.id);
			}
		});
		this.listbox.addEventListener('keydown', (e) => {
			const option = e.target instanceof HTMLElement && e.target.matches('[role=option]') ? e.target : null;
			if (option?.dataset.id && (e.key === 'Enter' || e.key === ' ')) {
				e.preventDefault();
				host.select(option.dataset.id);
			}
		});
	}

	/** Focuses the open conversation's entry (the list's Tab stop). */
	focus(): void {
		this.listbox.querySelector<HTMLElement>('[tabindex="0"]')?.focus();
	}

	/** `threadReplies`: whether a conversation has unread replies in threads the user takes part in (a dot). */
	render(ordered: ConversationView[], active: string | undefined, threadReplies: (id: string) => boolean = () => false): void {
		this.threadReplies = threadReplies;
		const focusedId = this.listbox.contains(document.activeElement) ? (document.activeElement as HTMLElement).dataset.id : undefined;
		const channels = ordered.filter((c) => c.kind === 'channel');
		const dms = ordered.filter((c) => c.kind === 'dm');
		this.listbox.replaceChildren(this.group('channels', 'Channels', channels, active), this.group('dms', 'Direct messages', dms, active));
		const options = [...this.listbox.querySelectorAll<HTMLElement>('[role=option]')];
		const focusTarget = options.find((o) => o.dataset.id === focusedId);
		resetTabStop(options, focusTarget ?? options.find((o) => o.dataset.id === active));
		focusTarget?.focus();
	}

	renderConnection(connection: Connection): void {
		const who = connection.nick ? `${connection.nick}` : 'Not signed in';
		const where = connection.server || 'no server';
		const parts: (Node | string)[] = [
			el('span', `status-dot status-${connection.state}`, { 'aria-hidden': 'true' }),
			el('span', 'footer-text', { title: `${STATE_LABEL[connection.state]} to ${where}` }, el('span', 'footer-nick', undefined, who), el('span', 'footer-server', undefined, `${STATE_LABEL[connection.state]} · ${where}`)),
		];
		if (connection.state === 'offline') {
			const connect = iconButton('plug', 'Connect');
			connect.addEventListener('click', () => this.host.connect());
			parts.push(connect);
		}
		this.footer.replaceChildren(...parts);
		this.footer.setAttribute('aria-label', `${who}, ${STATE_LABEL[connection.state]}`);
	}

	private group(id: string, title: string, list: ConversationView[], active: string | undefined): HTMLElement {
		const heading = el('div', 'group-title', { id: `group-${id}`, role: 'presentation' }, title);
		const group = el('div', 'conversation-group', { role: 'group', 'aria-labelledby': `group-${id}` }, heading);
		if (list.length === 0) {
			group.appendChild(el('div', 'group-empty', { role: 'presentation' }, id === 'channels' ? 'No channels yet' : 'No direct messages'));
		}
		for (const c of list) {
			group.appendChild(this.option(c, c.id === active));
		}
		return group;
	}

	private option(c: ConversationView, selected: boolean): HTMLElement {
		const classes = ['conversation'];
		if (selected) {
			classes.push('selected');
		}
		if (c.unread > 0) {
			classes.push('unread');
		}
		if (c.mentions > 0) {
			classes.push('has-mentions');
		}
		const removed = c.kind === 'channel' && c.joined === false;
		if (removed) {
			classes.push('removed');
		}
		if (c.kind === 'dm' && c.online === false) {
			classes.push('offline');
		}
		const presence = c.online === undefined ? undefined : !c.online ? 'offline' : c.away ? 'away' : 'online';
		const state = c.kind === 'channel' ? (c.private ? 'private channel' : '') : presence ?? '';
		const threads = this.threadReplies(c.id);
		const label = [c.name, state, removed ? 'you are no longer in it' : '', badgeLabel(c), threads ? 'new thread replies' : ''].filter((s) => s).join(', ');
		const option = el(
			'div',
			classes.join(' '),
			{ role: 'option', 'aria-selected': String(selected), 'aria-label': label, tabindex: -1, 'data-id': c.id, title: c.topic ? `${c.name} — ${c.topic}` : c.name },
			c.kind === 'channel'
				? icon(c.private ? 'lock' : 'symbol-numeric')
				: el('span', 'dm-icon', { 'aria-hidden': 'true' }, icon('account'), presence === undefined ? undefined : el('span', `presence presence-${presence}`)),
			el('span', 'conversation-name', undefined, c.kind === 'channel' ? c.name.replace(/^#/, '') : c.name),
		);
		if (threads) {
			option.appendChild(el('span', 'thread-dot', { 'aria-hidden': 'true', title: 'New replies in your threads' }));
		}
		if (c.mentions > 0) {
			option.appendChild(el('span', 'badge mention-badge', { 'aria-hidden': 'true' }, displayCount(c.mentions)));
		} else if (c.unread > 0) {
			option.appendChild(el('span', 'badge unread-badge', { 'aria-hidden': 'true' }, displayCount(c.unread)));
		}
		return option;
	}
}

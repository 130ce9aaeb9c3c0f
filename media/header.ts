/** The open conversation's name, topic and member count, with the members toggle. */
import { el, icon, iconButton } from './dom';
import type { ConversationView } from '../protocol/webview';

export interface HeaderHost {
	toggleMembers(): void;
	toggleSidebar(): void;
	leave(): void;
	/** The channel's actions button (invite, topic, bans, ...) was pressed. */
	channelActions(anchor: HTMLElement): void;
	/** The search button (Ctrl+F) was pressed. */
	search(): void;
}

export class Header {
	readonly element: HTMLElement;
	private readonly title: HTMLElement;
	private readonly topic: HTMLElement;
	private readonly membersButton: HTMLButtonElement;
	private readonly membersCount: HTMLElement;
	private readonly leaveButton: HTMLButtonElement;
	private readonly actionsButton: HTMLButtonElement;

	constructor(host: HeaderHost) {
		const sidebarToggle = iconButton('menu', 'Show conversations', 'sidebar-toggle');
		sidebarToggle.setAttribute('aria-controls', 'sidebar');
		sidebarToggle.addEventListener('click', () => host.toggleSidebar());
		this.title = el('h1', 'conversation-title');
		this.topic = el('div', 'conversation-topic');
		this.membersCount = el('span', 'members-count');
		this.membersButton = el(
			'button',
			'header-button members-toggle',
			{ type: 'button', 'aria-controls': 'members', 'aria-pressed': 'false' },
			icon('organization'),
			this.membersCount,
		);
		this.membersButton.addEventListener('click', () => host.toggleMembers());
		this.leaveButton = iconButton('sign-out', 'Leave conversation');
		this.leaveButton.addEventListener('click', () => host.leave());
		this.actionsButton = iconButton('ellipsis', 'Channel actions', 'channel-actions');
		this.actionsButton.setAttribute('aria-haspopup', 'menu');
		this.actionsButton.setAttribute('aria-expanded', 'false');
		this.actionsButton.addEventListener('click', () => host.channelActions(this.actionsButton));
		const searchButton = iconButton('search', 'Search messages (Ctrl+F)', 'search-button');
		searchButton.addEventListener('click', () => host.search());
		this.element = el(
			'header',
			'conversation-header',
			undefined,
			sidebarToggle,
			el('div', 'header-text', undefined, this.title, this.topic),
			el('div', 'toolbar', undefined, searchButton, this.membersButton, this.actionsButton, this.leaveButton),
		);
	}

	render(c: ConversationView | undefined, memberCount: number | undefined, membersShown: boolean): void {
		this.element.hidden = false;
		if (!c) {
			this.title.replaceChildren(icon('comment-discussion'), el('span', 'title-text', undefined, 'Parley'));
			this.topic.textContent = 'Join a channel to start chatting';
			this.topic.title = '';
			this.membersButton.hidden = true;
			this.leaveButton.hidden = true;
			this.actionsButton.hidden = true;
			return;
		}
		const isDm = c.kind === 'dm';
		this.title.replaceChildren(icon(isDm ? 'account' : c.private ? 'lock' : 'symbol-numeric'), el('span', 'title-text', undefined, isDm ? c.name : c.name.replace(/^#/, '')));
		if (c.private) {
			this.title.appendChild(el('span', 'sr-only', undefined, ' (private channel)'));
		}
		this.actionsButton.hidden = isDm;
		this.actionsButton.setAttribute('aria-label', `Actions for ${c.name}`);
		this.actionsButton.title = `Actions for ${c.name}`;
		const removed = !isDm && c.joined === false;
		const presence = isDm && c.online !== undefined ? ` · ${!c.online ? 'offline' : c.away ? 'away' : 'online'}${c.online && c.statusText ? `: ${c.statusText}` : ''}` : '';
		const topic = isDm ? `Direct message${presence}` : removed ? 'You are no longer in this channel' : c.topic || 'No topic set';
		this.topic.textContent = topic;
		this.topic.title = topic;
		this.topic.classList.toggle('empty', !isDm && !c.topic);
		this.membersButton.hidden = isDm;
		this.leaveButton.hidden = false;
		this.leaveButton.setAttribute('aria-label', isDm ? `Close conversation with ${c.name}` : `Leave ${c.name}`);
		this.leaveButton.title = this.leaveButton.getAttribute('aria-label')!;
		const count = memberCount ?? 0;
		this.membersCount.textContent = memberCount === undefined ? '' : String(count);
		const label = `${membersShown ? 'Hide' : 'Show'} members${memberCount === undefined ? '' : ` (${count} member${count === 1 ? '' : 's'})`}`;
		this.membersButton.setAttribute('aria-label', label);
		this.membersButton.title = label;
		this.membersButton.setAttribute('aria-pressed', String(membersShown));
	}
}

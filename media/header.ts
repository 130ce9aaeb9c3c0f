/** The open conversation's name, topic and member count, with the members toggle. */
import { el, icon, iconButton } from './dom';
import type { ConversationView } from '../protocol/webview';

export interface HeaderHost {
	toggleMembers(): void;
	toggleSidebar(): void;
	leave(): void;
}

export class Header {
	readonly element: HTMLElement;
	private readonly title: HTMLElement;
	private readonly topic: HTMLElement;
	private readonly membersButton: HTMLButtonElement;
	private readonly membersCount: HTMLElement;
	private readonly leaveButton: HTMLButtonElement;

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
		this.element = el(
			'header',
			'conversation-header',
			undefined,
			sidebarToggle,
			el('div', 'header-text', undefined, this.title, this.topic),
			el('div', 'toolbar', undefined, this.membersButton, this.leaveButton),
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
			return;
		}
		const isDm = c.kind === 'dm';
		this.title.replaceChildren(icon(isDm ? 'account' : 'symbol-numeric'), el('span', 'title-text', undefined, isDm ? c.name : c.name.replace(/^#/, '')));
		const topic = isDm ? 'Direct message' : c.topic || 'No topic set';
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

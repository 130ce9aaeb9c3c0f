/**
 * The member list of the open channel: everyone in it, online first, with their role; the
 * offline ones dimmed. Clicking a member opens a direct message; for the channel's owner and
 * ops, each member also has an actions button (op, kick, ban), also opened from the keyboard
 * with the context menu key or Shift+F10 on the member.
 */
import { el, iconButton } from './dom';
import { initial, nickColour } from './format';
import type { MemberView } from '../protocol/webview';
import { installRoving, resetTabStop } from './roving';

export interface MembersHost {
	openDirectMessage(nick: string): void;
	isSelf(nick: string): boolean;
	/** The actions button of `nick` was pressed (only shown to moderators). */
	memberActions(nick: string, anchor: HTMLElement): void;
}

const ROLE_RANK: Record<MemberView['role'], number> = { owner: 0, op: 1, member: 2 };

export class MemberList {
	readonly element: HTMLElement;
	private readonly heading: HTMLElement;
	private readonly list: HTMLElement;

	constructor(private readonly host: MembersHost) {
		this.heading = el('h2', 'members-title', { id: 'members-title' });
		this.list = el('ul', 'member-list', { 'aria-labelledby': 'members-title' });
		this.element = el('aside', 'members', { id: 'members', 'aria-labelledby': 'members-title' }, this.heading, this.list);
		installRoving(this.list, 'button.member');
		this.list.addEventListener('click', (e) => {
			const target = e.target instanceof Element ? e.target : null;
			const actions = target?.closest<HTMLButtonElement>('button[data-actions]');
			if (actions?.dataset.actions) {
				host.memberActions(actions.dataset.actions, actions);
				return;
			}
			const button = target?.closest<HTMLButtonElement>('button[data-nick]');
			if (button?.dataset.nick && !host.isSelf(button.dataset.nick)) {
				host.openDirectMessage(button.dataset.nick);
			}
		});
		this.list.addEventListener('keydown', (e) => {
			const member = e.target instanceof HTMLElement ? e.target.closest<HTMLButtonElement>('button[data-nick]') : null;
			const actions = member?.parentElement?.querySelector<HTMLButtonElement>('button[data-actions]');
			if (actions?.dataset.actions && (e.key === 'ContextMenu' || (e.shiftKey && e.key === 'F10'))) {
				e.preventDefault();
				host.memberActions(actions.dataset.actions, actions);
			}
		});
	}

	/** `canModerate`: the user is the channel's owner or an op. */
	render(members: MemberView[] | undefined, canModerate: boolean): void {
		const list = [...(members ?? [])].sort((a, b) =>
			Number(b.online) - Number(a.online)
			|| Number(this.host.isSelf(b.nick)) - Number(this.host.isSelf(a.nick))
			|| ROLE_RANK[a.role] - ROLE_RANK[b.role]
			|| a.nick.localeCompare(b.nick, undefined, { sensitivity: 'base' }));
		this.heading.textContent = members ? `Members — ${list.length}` : 'Members';
		const rows = list.map((member) => {
			const { nick } = member;
			const self = this.host.isSelf(nick);
			const status = !member.online ? 'offline' : member.away ? 'away' : 'online';
			const said = member.online && member.statusText ? `: ${member.statusText}` : '';
			const role = member.role === 'member' ? '' : `, ${member.role}`;
			const button = el(
				'button',
				`member ${status}`,
				{
					type: 'button',
					'data-nick': nick,
					'aria-label': self ? `${nick} (you${role})` : `${nick}, ${status}${said}${role}, send a direct message`,
					title: self ? `You (${status}${said})` : `Message ${nick} (${status}${said})`,
					'aria-disabled': self ? 'true' : undefined,
				},
				el('span', `avatar small ${nickColour(nick)}`, { 'aria-hidden': 'true' }, initial(nick), el('span', `presence presence-${status}`)),
				el('span', 'member-nick', undefined, nick),
				member.role !== 'member' ? el('span', `member-role role-${member.role}`, { 'aria-hidden': 'true' }, member.role) : undefined,
				self ? el('span', 'member-you', undefined, 'you') : undefined,
			);
			const row = el('li', 'member-row', undefined, button);
			if (canModerate && !self && member.role !== 'owner') {
				const actions = iconButton('ellipsis', `Actions for ${nick}`, 'member-actions');
				actions.dataset.actions = nick;
				actions.setAttribute('aria-haspopup', 'menu');
				actions.setAttribute('aria-expanded', 'false');
				actions.tabIndex = -1;
				row.appendChild(actions);
			} else if (canModerate) {
				// Keeps the role badges in one column.
				row.appendChild(el('span', 'member-actions-spacer', { 'aria-hidden': 'true' }));
			}
			return row;
		});
		// Online first, then offline, each under a small heading.
		const online = list.filter((m) => m.online).length;
		const items: HTMLElement[] = [];
		if (online > 0) {
			items.push(el('li', 'member-group', { role: 'presentation' }, `Online — ${online}`), ...rows.slice(0, online));
		}
		if (online < list.length) {
			items.push(el('li', 'member-group', { role: 'presentation' }, `Offline — ${list.length - online}`), ...rows.slice(online));
		}
		this.list.replaceChildren(...items);
		if (!members) {
			this.list.appendChild(el('li', 'members-loading', undefined, 'Loading members…'));
		}
		resetTabStop([...this.list.querySelectorAll<HTMLElement>('button.member')], undefined);
	}
}

/** The member list of the open channel. Clicking a member opens a direct message. */
import { el } from './dom';
import { initial, nickColour } from './format';
import { installRoving, resetTabStop } from './roving';

export interface MembersHost {
	openDirectMessage(nick: string): void;
	isSelf(nick: string): boolean;
}

export class MemberList {
	readonly element: HTMLElement;
	private readonly heading: HTMLElement;
	private readonly list: HTMLElement;

	constructor(private readonly host: MembersHost) {
		this.heading = el('h2', 'members-title', { id: 'members-title' });
		this.list = el('ul', 'member-list', { 'aria-labelledby': 'members-title' });
		this.element = el('aside', 'members', { id: 'members', 'aria-labelledby': 'members-title' }, this.heading, this.list);
		installRoving(this.list, 'button');
		this.list.addEventListener('click', (e) => {
			const button = e.target instanceof Element ? e.target.closest<HTMLButtonElement>('button[data-nick]') : null;
			if (button?.dataset.nick && !host.isSelf(button.dataset.nick)) {
				host.openDirectMessage(button.dataset.nick);
			}
		});
	}

	render(members: string[] | undefined): void {
		const list = [...(members ?? [])].sort((a, b) => {
			const self = Number(this.host.isSelf(b)) - Number(this.host.isSelf(a));
			return self || a.localeCompare(b, undefined, { sensitivity: 'base' });
		});
		this.heading.textContent = members ? `Members — ${list.length}` : 'Members';
		const items = list.map((nick) => {
			const self = this.host.isSelf(nick);
			const button = el(
				'button',
				'member',
				{
					type: 'button',
					'data-nick': nick,
					'aria-label': self ? `${nick} (you)` : `${nick}, send a direct message`,
					title: self ? 'You' : `Message ${nick}`,
					'aria-disabled': self ? 'true' : undefined,
				},
				el('span', `avatar small ${nickColour(nick)}`, { 'aria-hidden': 'true' }, initial(nick)),
				el('span', 'member-nick', undefined, nick),
				self ? el('span', 'member-you', undefined, 'you') : undefined,
			);
			return el('li', undefined, undefined, button);
		});
		this.list.replaceChildren(...items);
		if (!members) {
			this.list.appendChild(el('li', 'members-loading', undefined, 'Loading members…'));
		}
		resetTabStop([...this.list.querySelectorAll<HTMLElement>('button')], undefined);
	}
}

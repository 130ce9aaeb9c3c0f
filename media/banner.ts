/** The connection banner: shown while offline, connecting or reconnecting. */
import { el, icon } from './dom';
import type { Connection } from './state';

export class Banner {
	readonly element: HTMLElement;

	constructor(private readonly connect: () => void) {
		this.element = el('div', 'banner', { role: 'status', 'aria-live': 'polite', hidden: true });
	}

	render(connection: Connection): void {
		const { state, server, detail } = connection;
		this.element.hidden = state === 'connected';
		this.element.className = `banner banner-${state}`;
		if (state === 'connected') {
			this.element.replaceChildren();
			return;
		}
		const where = server ? ` to ${server}` : '';
		const text =
			state === 'offline'
				? 'You are offline. Messages you send are kept and delivered when you reconnect.'
				: state === 'reconnecting'
					? `Connection lost. Reconnecting${where}…`
					: `Connecting${where}…`;
		const parts: (Node | string)[] = [
			state === 'offline' ? icon('debug-disconnect') : icon('loading', 'codicon-modifier-spin'),
			el('span', 'banner-text', undefined, text, detail ? el('span', 'banner-detail', undefined, ` ${detail}`) : undefined),
		];
		if (state === 'offline') {
			const button = el('button', 'banner-button', { type: 'button' }, 'Connect');
			button.addEventListener('click', () => this.connect());
			parts.push(button);
		}
		this.element.replaceChildren(...parts);
	}
}

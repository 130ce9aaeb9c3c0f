/**
 * A popup menu under a button (the channel header's actions, a member's actions): role
 * menu, arrow keys move, Enter or click runs an item, Escape or a click elsewhere closes it
 * and gives focus back to the button.
 */
import { el, icon } from './dom';
import { focusItem } from './roving';

export interface MenuItem {
	label: string;
	icon: string;
	run(): void;
	/** A removal or other action that is hard to undo. */
	danger?: boolean;
}

export class PopupMenu {
	readonly element: HTMLElement;
	private anchor: HTMLElement | undefined;
	private actions: MenuItem[] = [];

	constructor() {
		this.element = el('div', 'popup-menu', { role: 'menu', hidden: true });
		this.element.addEventListener('keydown', (e) => this.onKeyDown(e));
		this.element.addEventListener('click', (e) => {
			const item = e.target instanceof Element ? e.target.closest<HTMLElement>('[role=menuitem]') : null;
			if (item?.dataset.index !== undefined) {
				this.choose(Number(item.dataset.index));
			}
		});
		this.element.addEventListener('focusout', (e) => {
			if (!(e.relatedTarget instanceof Node && this.element.contains(e.relatedTarget))) {
				this.close(false);
			}
		});
		document.addEventListener('mousedown', (e) => {
			if (this.isOpen && e.target instanceof Node && !this.element.contains(e.target) && e.target !== this.anchor && !this.anchor?.contains(e.target)) {
				this.close(false);
			}
		});
	}

	get isOpen(): boolean {
		return !this.element.hidden;
	}

	/** Opens under `anchor` (a button with aria-haspopup), or closes if it is already open there. */
	toggle(anchor: HTMLElement, label: string, items: MenuItem[]): void {
		if (this.isOpen && this.anchor === anchor) {
			this.close(true);
			return;
		}
		this.close(false);
		this.anchor = anchor;
		this.actions = items;
		this.element.setAttribute('aria-label', label);
		this.element.replaceChildren(...items.map((item, i) => el(
			'div',
			`menu-item${item.danger ? ' danger' : ''}`,
			{ role: 'menuitem', tabindex: -1, 'data-index': i },
			icon(item.icon),
			el('span', 'menu-label', undefined, item.label),
		)));
		this.element.hidden = false;
		anchor.setAttribute('aria-expanded', 'true');
		const rect = anchor.getBoundingClientRect();
		const width = this.element.offsetWidth;
		this.element.style.top = `${Math.round(rect.bottom + 2)}px`;
		this.element.style.left = `${Math.round(Math.max(4, Math.min(rect.right - width, window.innerWidth - width - 4)))}px`;
		focusItem(this.items(), 0);
	}

	close(returnFocus: boolean): void {
		if (!this.isOpen) {
			return;
		}
		this.element.hidden = true;
		this.anchor?.setAttribute('aria-expanded', 'false');
		if (returnFocus) {
			this.anchor?.focus();
		}
		this.anchor = undefined;
	}

	private items(): HTMLElement[] {
		return [...this.element.querySelectorAll<HTMLElement>('[role=menuitem]')];
	}

	private choose(index: number): void {
		const action = this.actions[index];
		this.close(true);
		action?.run();
	}

	private onKeyDown(e: KeyboardEvent): void {
		const items = this.items();
		const current = items.indexOf(document.activeElement as HTMLElement);
		switch (e.key) {
			case 'ArrowDown':
				focusItem(items, (current + 1) % items.length);
				break;
			case 'ArrowUp':
				focusItem(items, (current - 1 + items.length) % items.length);
				break;
			case 'Home':
				focusItem(items, 0);
				break;
			case 'End':
				focusItem(items, items.length - 1);
				break;
			case 'Enter':
			case ' ':
				if (current >= 0) {
					this.choose(current);
				}
				break;
			case 'Escape':
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

/**
 * A modal question inside the panel (browsers' confirm() is not available in webviews):
 * focus starts on Cancel and stays in the dialog; Escape or a click outside cancels.
 */
import { el } from './dom';

export interface ConfirmOptions {
	title: string;
	text: string;
	/** The label of the confirming button, e.g. "Delete". */
	confirm: string;
	/** Shown under the text, e.g. the message being deleted. */
	preview?: HTMLElement;
}

export class ConfirmDialog {
	readonly element: HTMLElement;
	private readonly box: HTMLElement;
	private done: ((ok: boolean) => void) | undefined;
	private returnFocus: HTMLElement | undefined;

	constructor() {
		this.box = el('div', 'confirm-box', { role: 'alertdialog', 'aria-modal': 'true', 'aria-labelledby': 'confirm-title', 'aria-describedby': 'confirm-text' });
		this.element = el('div', 'confirm-scrim', { hidden: true }, this.box);
		this.element.addEventListener('mousedown', (e) => {
			if (e.target === this.element) {
				this.finish(false);
			}
		});
		this.box.addEventListener('keydown', (e) => {
			if (e.key === 'Escape') {
				e.preventDefault();
				e.stopPropagation();
				this.finish(false);
			} else if (e.key === 'Tab') {
				const buttons = [...this.box.querySelectorAll('button')];
				const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
				e.preventDefault();
				buttons[(at + (e.shiftKey ? buttons.length - 1 : 1)) % buttons.length]?.focus();
			}
		});
	}

	get isOpen(): boolean {
		return !this.element.hidden;
	}

	/** Resolves true when the user confirms. */
	ask(options: ConfirmOptions): Promise<boolean> {
		this.finish(false);
		this.returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
		const cancel = el('button', 'confirm-cancel secondary', { type: 'button' }, 'Cancel');
		const ok = el('button', 'confirm-ok danger', { type: 'button' }, options.confirm);
		cancel.addEventListener('click', () => this.finish(false));
		ok.addEventListener('click', () => this.finish(true));
		this.box.replaceChildren(
			el('div', 'confirm-title', { id: 'confirm-title' }, options.title),
			el('div', 'confirm-text', { id: 'confirm-text' }, options.text),
			...(options.preview ? [el('div', 'confirm-preview', undefined, options.preview)] : []),
			el('div', 'confirm-buttons', undefined, cancel, ok),
		);
		this.element.hidden = false;
		cancel.focus();
		return new Promise((resolve) => {
			this.done = resolve;
		});
	}

	private finish(ok: boolean): void {
		const done = this.done;
		this.done = undefined;
		if (!done) {
			return;
		}
		this.element.hidden = true;
		if (this.returnFocus?.isConnected) {
			this.returnFocus.focus();
		}
		done(ok);
	}
}

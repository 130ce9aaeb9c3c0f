/**
 * Panel-wide shortcuts: Ctrl/Cmd+K quick switcher, Alt+Up/Down previous/next conversation
 * (with Shift: unread only), Escape back to the input, and typing anywhere goes to the input.
 */
import type { Switcher } from './switcher';

export interface KeyboardHost {
	root: HTMLElement;
	switcher: Switcher;
	composer: HTMLTextAreaElement;
	move(delta: -1 | 1, unreadOnly: boolean): void;
	focusComposer(): void;
}

function isTextInput(target: EventTarget | null): boolean {
	return target instanceof HTMLTextAreaElement || (target instanceof HTMLInputElement && target.type === 'text');
}

export function installKeyboard(host: KeyboardHost): void {
	document.addEventListener('keydown', (e) => {
		if (e.defaultPrevented) {
			return;
		}
		const mod = e.ctrlKey || e.metaKey;
		if (mod && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
			e.preventDefault();
			host.switcher.open();
			return;
		}
		if (host.switcher.isOpen) {
			return;
		}
		if (e.altKey && !mod && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
			e.preventDefault();
			host.move(e.key === 'ArrowUp' ? -1 : 1, e.shiftKey);
			return;
		}
		if (e.key === 'Escape') {
			e.preventDefault();
			host.focusComposer();
			return;
		}
		// A printable key typed while reading the log (not in a field, not on a control) starts a message.
		const target = e.target;
		const onControl = target instanceof HTMLElement && target.closest('button, a, [role=option], input, textarea, select') !== null;
		if (!mod && !e.altKey && e.key.length === 1 && e.key !== ' ' && !isTextInput(target) && !onControl && host.root.contains(host.composer)) {
			host.composer.focus();
		}
	});
}

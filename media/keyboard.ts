/**
 * Panel-wide shortcuts: Alt+Up/Down previous/next conversation (with Shift: unread only),
 * Escape back to the input, and typing anywhere goes to the input.
 *
 * VS Code sees every key pressed in a webview too, and runs its own keybindings for them:
 * a key bound here must be one no default VS Code keybinding uses outside a text editor.
 * Ctrl/Cmd+K (the quick switcher) starts VS Code's chords, so it is not handled here: the
 * extension contributes it as a keybinding while the panel has focus, and the host posts
 * `openSwitcher` (see package.json and docs/extension.md).
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

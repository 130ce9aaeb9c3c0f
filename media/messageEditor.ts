/**
 * Editing a sent message in place: the message's text becomes a box (rows.ts shows it via
 * `editorFor`); Enter saves, Shift+Enter adds a line, Escape cancels. The text stays in the
 * box until the host says the server took the edit; a refusal is shown under it.
 */
import type { Message } from '../protocol/types';
import type { WebviewMessage } from '../protocol/webview';
import { el } from './dom';

export interface MessageEditorHost {
	/** Posts a message the host answers with a `result`; returns its seq. */
	postWithSeq(message: Extract<WebviewMessage, { seq?: number }>): number;
	/** Draws message `id` again (the editor came or went). */
	rerender(conversation: string, id: number): void;
	/** Calls `then` with the host's answer to `seq` (an error, or undefined when taken). */
	awaitAnswer(seq: number, then: (error: string | undefined) => void): void;
}

interface Editing {
	conversation: string;
	id: number;
	original: string;
	editor: HTMLElement;
	textarea: HTMLTextAreaElement;
	error: HTMLElement;
	seq?: number;
}

const MAX_HEIGHT_PX = 240;

export class MessageEditor {
	private editing: Editing | undefined;

	constructor(private readonly host: MessageEditorHost) {}

	/** The editor of message `id`, while the user edits it. */
	editorFor(id: number): HTMLElement | undefined {
		return this.editing?.id === id ? this.editing.editor : undefined;
	}

	start(conversation: string, message: Message): void {
		if (this.editing) {
			this.stop(false);
		}
		const textarea = el('textarea', 'edit-input', { 'aria-label': 'Edit message', rows: 1, spellcheck: 'true', 'aria-describedby': 'edit-hint edit-error' });
		textarea.value = message.text;
		const error = el('div', 'edit-error', { id: 'edit-error', role: 'alert' });
		const save = el('button', 'edit-save', { type: 'button' }, 'Save');
		const cancel = el('button', 'edit-cancel secondary', { type: 'button' }, 'Cancel');
		const hint = el('div', 'edit-hint', { id: 'edit-hint' }, el('kbd', undefined, undefined, 'Enter'), ' to save, ', el('kbd', undefined, undefined, 'Escape'), ' to cancel, ', el('kbd', undefined, undefined, 'Shift+Enter'), ' for a new line');
		const editor = el('div', 'editor', undefined, textarea, error, el('div', 'edit-footer', undefined, hint, el('span', 'edit-buttons', undefined, cancel, save)));
		this.editing = { conversation, id: message.id, original: message.text, editor, textarea, error };
		save.addEventListener('click', () => this.save());
		cancel.addEventListener('click', () => this.stop(true));
		textarea.addEventListener('input', () => resize(textarea));
		textarea.addEventListener('keydown', (e) => {
			if (e.isComposing) {
				return;
			}
			if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
				e.preventDefault();
				this.save();
			} else if (e.key === 'Escape') {
				e.preventDefault();
				this.stop(true);
			}
			// Arrow keys move the caret, not the focus between messages; Escape closes only this.
			e.stopPropagation();
		});
		this.host.rerender(conversation, message.id);
		editor.scrollIntoView({ block: 'nearest' });
		textarea.focus();
		textarea.setSelectionRange(textarea.value.length, textarea.value.length);
		resize(textarea);
	}

	private save(): void {
		const editing = this.editing;
		if (!editing || editing.seq !== undefined) {
			return;
		}
		const text = editing.textarea.value;
		if (text === editing.original) {
			this.stop(true);
			return;
		}
		if (text.trim() === '') {
			editing.error.textContent = 'A message cannot be empty. To remove it, delete it instead (Escape, then Delete).';
			return;
		}
		editing.error.textContent = '';
		editing.editor.classList.add('saving');
		const seq = this.host.postWithSeq({ type: 'edit', conversation: editing.conversation, id: editing.id, text });
		editing.seq = seq;
		this.host.awaitAnswer(seq, (error) => {
			if (this.editing !== editing) {
				return;
			}
			editing.seq = undefined;
			editing.editor.classList.remove('saving');
			if (error === undefined) {
				this.stop(true);
			} else {
				// The text stays, to fix or to copy.
				editing.error.textContent = `Not saved: ${error}`;
			}
		});
	}

	private stop(focusRow: boolean): void {
		const editing = this.editing;
		if (!editing) {
			return;
		}
		this.editing = undefined;
		const hadFocus = editing.editor.contains(document.activeElement);
		this.host.rerender(editing.conversation, editing.id);
		if (focusRow && hadFocus) {
			document.querySelector<HTMLElement>(`.msg[data-id="${editing.id}"]`)?.focus();
		}
	}
}

function resize(textarea: HTMLTextAreaElement): void {
	textarea.style.height = 'auto';
	textarea.style.height = `${Math.min(textarea.scrollHeight, MAX_HEIGHT_PX)}px`;
}

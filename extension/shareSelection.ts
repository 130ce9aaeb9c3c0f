import * as vscode from 'vscode';
import type { ChatClient } from './client/chatClient';
import { pickConversation } from './pickers';
import { formatSnippet } from './snippet';

/**
 * "Parley Chat: Share Selection": sends the selected lines (or the current line) to the active
 * conversation as a fenced code block headed by `file:line`. Returns the conversation.
 */
export async function shareSelection(client: ChatClient): Promise<string | undefined> {
	const editor = vscode.window.activeTextEditor;
	if (!editor) {
		void vscode.window.showInformationMessage('Parley: open a file and select some code to share.');
		return undefined;
	}
	const { document, selection } = editor;
	// A selection ending at the start of a line does not include that line.
	const endLine = !selection.isEmpty && selection.end.character === 0 && selection.end.line > selection.start.line ? selection.end.line - 1 : selection.end.line;
	const range = selection.isEmpty ? document.lineAt(selection.start.line).range : new vscode.Range(selection.start, selection.end);
	const code = document.getText(range);
	if (code.trim() === '') {
		void vscode.window.showInformationMessage('Parley: the selection is empty.');
		return undefined;
	}
	const active = client.store.active;
	const target = active && client.store.get(active) ? active : await pickConversation(client.store, 'Parley: Share Selection', 'Send the selection to…');
	if (!target) {
		return undefined;
	}
	const text = formatSnippet({
		path: vscode.workspace.asRelativePath(document.uri, false),
		startLine: selection.start.line + 1,
		endLine: endLine + 1,
		languageId: document.languageId,
		code,
	});
	client.send(target, text);
	return target;
}

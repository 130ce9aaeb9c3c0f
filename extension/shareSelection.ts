import * as vscode from 'vscode';
import type { ChatClient } from './client/chatClient';
import { gitContext } from './gitInfo';
import { formatSnippet, lineRange, type Snippet } from './snippet';

interface TargetItem extends vscode.QuickPickItem {
	id: string;
}

/** The selected lines (or the current line) of the active editor, as a snippet; undefined with a message when there is none. */
async function selectedSnippet(): Promise<Snippet | undefined> {
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
	const startLine = selection.start.line + 1;
	const folder = vscode.workspace.getWorkspaceFolder(document.uri);
	const snippet: Snippet = { path: document.uri.path.split('/').pop() || 'snippet', startLine, endLine: endLine + 1, languageId: document.languageId, code };
	if (folder) {
		// Relative to its workspace folder: what a teammate's workspace has too.
		snippet.path = vscode.workspace.asRelativePath(document.uri, false);
		const git = await gitContext(document.uri);
		snippet.ref = { path: snippet.path, startLine, endLine: endLine + 1, ...(git.remote ? { remote: git.remote } : {}), ...(git.commit ? { commit: git.commit } : {}) };
	}
	return snippet;
}

/** Where to send: the open conversation first (Enter takes it), then the others. */
async function pickTarget(client: ChatClient, title: string): Promise<string | undefined> {
	const active = client.store.active;
	const conversations = client.store.list();
	if (conversations.length === 0) {
		void vscode.window.showInformationMessage('Parley: you are in no channel or conversation yet. Use "Parley Chat: Join Channel".');
		return undefined;
	}
	if (conversations.length === 1) {
		return conversations[0].id;
	}
	const items: TargetItem[] = conversations
		.map((c) => ({
			label: c.kind === 'channel' ? `$(comment-discussion) ${c.name}` : `$(account) ${c.name}`,
			description: c.id === active ? 'open in the chat panel' : c.topic,
			id: c.id,
		}))
		.sort((a, b) => Number(b.id === active) - Number(a.id === active));
	const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Send the code to… (Enter: the first one)' });
	return picked?.id;
}

/**
 * "Parley Chat: Share Selection": previews what will be sent, lets the user pick the conversation
 * (the open one by default) and add a comment, then sends the selection as a code block
 * under a `path:lines` link. Returns the conversation it was sent to.
 */
export async function shareSelection(client: ChatClient): Promise<string | undefined> {
	const snippet = await selectedSnippet();
	if (!snippet) {
		return undefined;
	}
	const label = `${snippet.path}:${lineRange(snippet.startLine, snippet.endLine)}`;
	const lineCount = snippet.endLine - snippet.startLine + 1;
	const target = await pickTarget(client, `Share ${label} (${lineCount} ${lineCount === 1 ? 'line' : 'lines'})`);
	const conversation = target === undefined ? undefined : client.store.get(target);
	if (!conversation) {
		return undefined;
	}
	const firstLine = snippet.code.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
	const max = client.limits?.maxMessageLength;
	const comment = await vscode.window.showInputBox({
		title: `Share ${label} with ${conversation.name}`,
		prompt: `${lineCount} ${lineCount === 1 ? 'line' : 'lines'}, starting "${firstLine.length > 60 ? `${firstLine.slice(0, 60)}…` : firstLine}". Enter sends, Escape cancels.`,
		placeHolder: 'Add a comment (optional)',
		ignoreFocusOut: true,
		validateInput: (value) => {
			const length = formatSnippet(snippet, value).length;
			return max !== undefined && length > max ? `Too long to send: ${length} characters with the code, and the server accepts at most ${max}. Select fewer lines.` : undefined;
		},
	});
	if (comment === undefined) {
		return undefined;
	}
	client.send(conversation.id, formatSnippet(snippet, comment));
	return conversation.id;
}

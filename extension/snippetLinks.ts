/**
 * Opening a shared snippet's header: the same relative path in one of this workspace's
 * folders (the one whose git remote matches first), at the shared lines. When no folder
 * has the file, the user is told so.
 */
import * as vscode from 'vscode';
import type { Logger } from './logger';
import { gitContext } from './gitInfo';
import { lineRange, parseSnippetUrl, type SnippetRef } from './snippet';

async function exists(uri: vscode.Uri): Promise<boolean> {
	try {
		const stat = await vscode.workspace.fs.stat(uri);
		return (stat.type & vscode.FileType.File) !== 0;
	} catch {
		return false;
	}
}

interface Candidate {
	uri: vscode.Uri;
	remoteMatches: boolean;
	commit?: string;
}

/** The file in each workspace folder that has it, those whose repository matches the reference first. */
async function candidates(ref: SnippetRef): Promise<Candidate[]> {
	const found: Candidate[] = [];
	for (const folder of vscode.workspace.workspaceFolders ?? []) {
		const uri = vscode.Uri.joinPath(folder.uri, ...ref.path.split('/'));
		if (!(await exists(uri))) {
			continue;
		}
		const git = ref.remote || ref.commit ? await gitContext(uri) : { remotes: [] };
		found.push({ uri, remoteMatches: ref.remote !== undefined && git.remotes.includes(ref.remote), ...(git.commit ? { commit: git.commit } : {}) });
	}
	return found.sort((a, b) => Number(b.remoteMatches) - Number(a.remoteMatches));
}

/** Opens the file a `parley-snippet:` link names, selecting its lines. */
export async function openSnippet(url: string, log: Logger): Promise<void> {
	const ref = parseSnippetUrl(url);
	if (!ref) {
		log.warn(`refused a snippet link that is not valid: ${url.slice(0, 200)}`);
		void vscode.window.showWarningMessage('Parley: that code link is not valid (it must name a file inside the workspace and its lines).');
		return;
	}
	const label = `${ref.path}:${lineRange(ref.startLine, ref.endLine)}`;
	const [best] = await candidates(ref);
	if (!best) {
		const where = (vscode.workspace.workspaceFolders ?? []).length === 0 ? 'no folder is open' : 'no folder of this workspace has it';
		void vscode.window.showInformationMessage(`Parley: cannot open ${label}: ${where}${ref.remote ? ` (it is from ${ref.remote})` : ''}.`);
		return;
	}
	const document = await vscode.workspace.openTextDocument(best.uri);
	const last = Math.min(ref.endLine, document.lineCount) - 1;
	const first = Math.min(ref.startLine - 1, last);
	const selection = new vscode.Range(first, 0, last, document.lineAt(last).text.length);
	// Beside the chat panel when no editor is showing, so the conversation stays in view.
	const column = vscode.window.visibleTextEditors[0]?.viewColumn ?? vscode.ViewColumn.Beside;
	await vscode.window.showTextDocument(document, { selection, viewColumn: column, preview: true });
	if (ref.commit && best.commit && !best.commit.startsWith(ref.commit) && !ref.commit.startsWith(best.commit)) {
		void vscode.window.showInformationMessage(`Parley: ${label} was shared at commit ${ref.commit.slice(0, 8)}; you have ${best.commit.slice(0, 8)} checked out, so the lines may differ.`);
	}
}

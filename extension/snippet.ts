/** Formats an editor selection as a chat message: `path:lines` and a fenced code block. */
export interface Snippet {
	/** Workspace-relative path. */
	path: string;
	/** 1-based, inclusive. */
	startLine: number;
	endLine: number;
	languageId: string;
	code: string;
}

export function formatSnippet(snippet: Snippet): string {
	const lines = snippet.startLine === snippet.endLine ? `${snippet.startLine}` : `${snippet.startLine}-${snippet.endLine}`;
	// A fence longer than any run of backticks in the code, so the code cannot close it.
	const longestRun = Math.max(0, ...(snippet.code.match(/`+/g) ?? []).map((run) => run.length));
	const fence = '`'.repeat(Math.max(3, longestRun + 1));
	const language = /^[A-Za-z0-9_+-]+$/.test(snippet.languageId) && snippet.languageId !== 'plaintext' ? snippet.languageId : '';
	const code = snippet.code.replace(/\r\n/g, '\n').replace(/\n$/, '');
	return `\`${snippet.path}:${lines}\`\n${fence}${language}\n${code}\n${fence}`;
}

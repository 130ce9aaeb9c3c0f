/**
 * Shared code as a chat message: an optional comment, a header `path:lines` and a fenced
 * code block. In a workspace the header is a Markdown link to a `parley-snippet:` reference
 * (path relative to the workspace folder, lines, and the git remote and commit when known),
 * so other clients show readable text and Parley opens the file at those lines.
 */
import { SNIPPET_SCHEME } from '../protocol/webview';

export interface SnippetRef {
	/** Relative to the workspace folder, with `/` separators. */
	path: string;
	/** 1-based, inclusive. */
	startLine: number;
	endLine: number;
	/** The repository, as `host/owner/repo` (see normalizeRemote). */
	remote?: string;
	/** The commit checked out when it was shared. */
	commit?: string;
}

export interface Snippet {
	/** Workspace-relative path, or just a file name when the file is not in the workspace. */
	path: string;
	/** 1-based, inclusive. */
	startLine: number;
	endLine: number;
	languageId: string;
	code: string;
	/** Set when the file is in a workspace folder: the header becomes a link. */
	ref?: SnippetRef;
}

const MAX_LINE = 10_000_000;

export function lineRange(startLine: number, endLine: number): string {
	return startLine === endLine ? `${startLine}` : `${startLine}-${endLine}`;
}

/** Characters that would end or format a Markdown link's text, escaped. */
function escapeLabel(text: string): string {
	return text.replace(/[\\[\]*_~`<>]/g, (ch) => `\\${ch}`);
}

/** Path segments percent-encoded, parentheses too (they would end the link's URL). */
function encodePath(path: string): string {
	return path.split('/').map((segment) => encodeURIComponent(segment).replace(/\(/g, '%28').replace(/\)/g, '%29')).join('/');
}

export function snippetUrl(ref: SnippetRef): string {
	const query = [`lines=${lineRange(ref.startLine, ref.endLine)}`];
	if (ref.remote) {
		query.push(`remote=${encodeURIComponent(ref.remote)}`);
	}
	if (ref.commit) {
		query.push(`commit=${encodeURIComponent(ref.commit)}`);
	}
	return `${SNIPPET_SCHEME}${encodePath(ref.path)}?${query.join('&')}`;
}

/** A relative path that stays inside the folder it is joined to: no `..`, no root, no drive. */
function isSafeRelativePath(path: string): boolean {
	if (path === '' || path.length > 1024 || /[\\\0]/.test(path) || path.startsWith('/') || /^[A-Za-z]:/.test(path)) {
		return false;
	}
	return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/** Reads a `parley-snippet:` URL (it comes from a stranger's message), or undefined when it is not a valid one. */
export function parseSnippetUrl(url: string): SnippetRef | undefined {
	if (!url.startsWith(SNIPPET_SCHEME) || url.length > 4096) {
		return undefined;
	}
	const rest = url.slice(SNIPPET_SCHEME.length);
	const q = rest.indexOf('?');
	let path: string;
	try {
		path = decodeURIComponent(q < 0 ? rest : rest.slice(0, q));
	} catch {
		return undefined;
	}
	const params = new URLSearchParams(q < 0 ? '' : rest.slice(q + 1));
	const lines = /^(\d{1,8})(?:-(\d{1,8}))?$/.exec(params.get('lines') ?? '');
	if (!isSafeRelativePath(path) || !lines) {
		return undefined;
	}
	const startLine = Number(lines[1]);
	const endLine = lines[2] === undefined ? startLine : Number(lines[2]);
	if (startLine < 1 || endLine < startLine || endLine > MAX_LINE) {
		return undefined;
	}
	const ref: SnippetRef = { path, startLine, endLine };
	const remote = params.get('remote');
	if (remote && remote.length <= 300 && /^[\w.@:/~+-]+$/.test(remote)) {
		ref.remote = remote;
	}
	const commit = params.get('commit');
	if (commit && /^[0-9a-f]{7,64}$/i.test(commit)) {
		ref.commit = commit.toLowerCase();
	}
	return ref;
}

/**
 * A git remote URL as `host/owner/repo` (lower-case host, no user or password, no `.git`),
 * so that `git@github.com:o/r.git` and `https://token@github.com/o/r` compare equal and no
 * credential in a remote URL is ever shared.
 */
export function normalizeRemote(url: string): string | undefined {
	const trimmed = url.trim();
	let host: string;
	let path: string;
	const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(trimmed);
	if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
		[, host, path] = scp;
	} else {
		try {
			const parsed = new URL(trimmed);
			if (!parsed.hostname) {
				return undefined;
			}
			host = parsed.port ? `${parsed.hostname}:${parsed.port}` : parsed.hostname;
			path = parsed.pathname;
		} catch {
			return undefined;
		}
	}
	const clean = path.replace(/^\/+|\/+$/g, '').replace(/\.git$/, '');
	return clean ? `${host.toLowerCase()}/${clean}` : undefined;
}

export function formatSnippet(snippet: Snippet, comment = ''): string {
	const lines = lineRange(snippet.startLine, snippet.endLine);
	// A fence longer than any run of backticks in the code, so the code cannot close it.
	const longestRun = Math.max(0, ...(snippet.code.match(/`+/g) ?? []).map((run) => run.length));
	const fence = '`'.repeat(Math.max(3, longestRun + 1));
	const language = /^[A-Za-z0-9_+-]+$/.test(snippet.languageId) && snippet.languageId !== 'plaintext' ? snippet.languageId : '';
	const code = snippet.code.replace(/\r\n/g, '\n').replace(/\n$/, '');
	const label = `${snippet.path}:${lines}`;
	const header = snippet.ref ? `[${escapeLabel(label)}](${snippetUrl(snippet.ref)})` : `\`${label}\``;
	const intro = comment.trim() ? `${comment.trim()}\n\n` : '';
	return `${intro}${header}\n${fence}${language}\n${code}\n${fence}`;
}

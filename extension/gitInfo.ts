/**
 * The git remote and commit of a file, from VS Code's built-in git extension when it is
 * there and enabled; everything here is optional and fails quietly (no git, no repository).
 */
import * as vscode from 'vscode';
import { normalizeRemote } from './snippet';

/** The parts of the git extension's API (vscode.git, getAPI(1)) used here. */
interface GitRepository {
	readonly rootUri: vscode.Uri;
	readonly state: {
		readonly HEAD?: { readonly commit?: string };
		readonly remotes: readonly { readonly name: string; readonly fetchUrl?: string; readonly pushUrl?: string }[];
	};
}

interface GitApi {
	getRepository(uri: vscode.Uri): GitRepository | null;
}

interface GitExtension {
	readonly enabled?: boolean;
	getAPI(version: 1): GitApi;
}

export interface GitContext {
	/** `host/owner/repo` of the `origin` remote (else the first one). */
	remote?: string;
	/** The commit checked out (HEAD). */
	commit?: string;
	/** Every remote of the repository, normalized, for matching a shared reference. */
	remotes: string[];
}

async function gitApi(): Promise<GitApi | undefined> {
	try {
		const extension = vscode.extensions.getExtension<GitExtension>('vscode.git');
		if (!extension) {
			return undefined;
		}
		const exports = extension.isActive ? extension.exports : await extension.activate();
		return exports?.enabled === false ? undefined : exports?.getAPI(1);
	} catch {
		return undefined;
	}
}

/** What git knows about the repository holding `uri`; empty when nothing. */
export async function gitContext(uri: vscode.Uri): Promise<GitContext> {
	const repository = (await gitApi())?.getRepository(uri);
	if (!repository) {
		return { remotes: [] };
	}
	const remotes = repository.state.remotes;
	const preferred = remotes.find((r) => r.name === 'origin') ?? remotes[0];
	const remote = normalizeRemote(preferred?.fetchUrl ?? preferred?.pushUrl ?? '');
	const all = remotes.flatMap((r) => [r.fetchUrl, r.pushUrl]).filter((u): u is string => !!u).map(normalizeRemote).filter((u): u is string => !!u);
	const commit = repository.state.HEAD?.commit;
	return { ...(remote ? { remote } : {}), ...(commit ? { commit } : {}), remotes: [...new Set(all)] };
}

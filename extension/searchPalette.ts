/**
 * "Parley Chat: Search Messages": a quick pick whose results follow what is typed (words,
 * with `in:#channel` and `from:nick` filters), newest first, with "More results" at the
 * end while older matches exist. Choosing a result opens its conversation at that message.
 * Ctrl+F in the chat (package.json passes 'panel' or 'view') opens the chat's own search box instead.
 */
import * as vscode from 'vscode';
import type { ChatClient } from './client/chatClient';
import { parseSearchQuery, type SearchHit, type SearchQuery } from './client/search';
import { errorMessage } from './client/log';
import type { ChatController } from './chatController';
import { searchErrorText } from './chatFeatures';
import { Commands } from './constants';
import type { Logger } from './logger';

/** Typing pauses this long before a search is sent. */
const DEBOUNCE_MS = 250;
/** Characters of a message shown in its result. */
const PREVIEW_CHARS = 120;

interface ResultItem extends vscode.QuickPickItem {
	hit?: SearchHit;
	/** The "More results" item. */
	more?: boolean;
}

/** One line of a message for a result: its first non-empty line, shortened. */
export function previewText(text: string): string {
	const line = text.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? '';
	return line.length > PREVIEW_CHARS ? `${line.slice(0, PREVIEW_CHARS - 1)}…` : line;
}

function resultItem(hit: SearchHit): ResultItem {
	const when = new Date(hit.message.ts).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
	return {
		label: previewText(hit.message.text),
		description: `${hit.name} · ${hit.message.from}`,
		detail: when,
		// The typed filters (in:, from:) are not in the text: VS Code must not filter these out.
		alwaysShow: true,
		hit,
	};
}

export function registerSearchPalette(client: ChatClient, controller: ChatController, log: Logger): vscode.Disposable {
	return vscode.commands.registerCommand(Commands.searchMessages, (where?: unknown) => {
		if (where === 'panel' || where === 'view') {
			controller.openSearch(where);
			return;
		}
		showSearchPick(client, controller, log);
	});
}

function showSearchPick(client: ChatClient, controller: ChatController, log: Logger): void {
	const pick = vscode.window.createQuickPick<ResultItem>();
	pick.title = 'Parley: Search Messages';
	pick.placeholder = 'Words to find; in:#channel, in:nick or from:nick narrow it';
	pick.matchOnDescription = false;
	pick.matchOnDetail = false;
	let hits: SearchHit[] = [];
	let hasMore = false;
	let query: SearchQuery | undefined;
	/** Numbers searches, so that only the answer to the latest one is shown. */
	let generation = 0;
	let timer: NodeJS.Timeout | undefined;

	const render = () => {
		pick.items = [
			...hits.map(resultItem),
			...(hasMore ? [{ label: '$(ellipsis) More results', alwaysShow: true, more: true }] : []),
		];
	};
	const run = async (before?: number) => {
		const mine = ++generation;
		pick.busy = true;
		try {
			const page = await client.search.search(query!, before);
			if (mine !== generation) {
				return;
			}
			hits = before === undefined ? page.hits : [...hits, ...page.hits];
			hasMore = page.hasMore;
			render();
			if (hits.length === 0) {
				pick.items = [{ label: 'No messages match', alwaysShow: true }];
			}
		} catch (error) {
			if (mine === generation) {
				hits = [];
				hasMore = false;
				pick.items = [{ label: `$(error) ${searchErrorText(error)}`, alwaysShow: true }];
			}
		} finally {
			if (mine === generation) {
				pick.busy = false;
			}
		}
	};
	pick.onDidChangeValue((value) => {
		clearTimeout(timer);
		if (value.trim() === '') {
			generation++;
			hits = [];
			hasMore = false;
			pick.items = [];
			pick.busy = false;
			return;
		}
		timer = setTimeout(() => {
			query = parseSearchQuery(value);
			void run();
		}, DEBOUNCE_MS);
	});
	pick.onDidAccept(() => {
		const chosen = pick.selectedItems[0];
		if (chosen?.more && query && hits.length > 0) {
			void run(hits[hits.length - 1].message.id);
			return;
		}
		if (chosen?.hit) {
			const { conversation, message } = chosen.hit;
			pick.hide();
			void controller.openAt(conversation, message.id).catch((error: unknown) => log.warn(`opening a search result: ${errorMessage(error)}`));
		}
	});
	pick.onDidHide(() => {
		clearTimeout(timer);
		generation++;
		pick.dispose();
	});
	pick.show();
}

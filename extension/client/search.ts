/**
 * Message search (message/search) as the panel and the palette use it: a query line with
 * optional `in:#channel`, `in:nick` and `from:nick` filters, checked here so that a mistake
 * gets an answer in plain words, and each result tagged with the conversation it is in.
 */
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { ErrorCodes } from '../../protocol/errors';
import { channelProblem, isChannelTarget, nickKey, nickProblem, normalizeChannel } from '../../protocol/names';
import { MAX_SEARCH_QUERY_LENGTH, SearchRequest } from '../../protocol/search';
import type { Message } from '../../protocol/types';
import { request } from './checkedRpc';
import type { ConversationStore } from './conversationStore';
import { isServerError } from './rpcErrors';

/** Results per page. */
export const SEARCH_PAGE_SIZE = 20;

export interface SearchQuery {
	/** The words to find (what is left of the line without its filters). */
	text: string;
	/** `#channel` or a nick (a DM). */
	conversation?: string;
	from?: string;
}

export interface SearchHit {
	message: Message;
	/** The store's conversation id: `#channel` or the other party's nick key. */
	conversation: string;
	/** How the conversation is shown: `#channel` or the nick. */
	name: string;
}

export interface SearchPage {
	hits: SearchHit[];
	/** Older matches exist: ask again with `before` = the last hit's id. */
	hasMore: boolean;
	/** The words searched for, lower case without accents (what the results matched). */
	words: string[];
}

/** Words as the server's search sees them: runs of letters and digits, lower case, accents dropped. */
export function searchWords(text: string): string[] {
	return text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * Splits a line into words and filters: `in:#general`, `in:bob` (or `in:@bob`) and
 * `from:bob` (or `from:@bob`), anywhere in the line. A filter typed in the line wins over
 * one given in `chosen` (what the search box's pickers say).
 */
export function parseSearchQuery(line: string, chosen: { conversation?: string; from?: string } = {}): SearchQuery {
	let conversation = chosen.conversation;
	let from = chosen.from;
	const rest: string[] = [];
	for (const token of line.split(/\s+/).filter((t) => t.length > 0)) {
		const match = /^(in|from):@?(.+)$/i.exec(token);
		if (!match) {
			rest.push(token);
		} else if (match[1].toLowerCase() === 'in') {
			conversation = match[2];
		} else {
			from = match[2];
		}
	}
	return { text: rest.join(' '), ...(conversation ? { conversation } : {}), ...(from ? { from } : {}) };
}

/** What is wrong with a query, in words, or undefined. */
export function searchQueryProblem(query: SearchQuery): string | undefined {
	if (query.conversation !== undefined) {
		const problem = isChannelTarget(query.conversation) ? channelProblem(query.conversation) : nickProblem(query.conversation);
		if (problem) {
			return `in:${query.conversation} — ${problem}`;
		}
	}
	if (query.from !== undefined && nickProblem(query.from)) {
		return `from:${query.from} — ${nickProblem(query.from)}`;
	}
	if (searchWords(query.text).length === 0) {
		return query.text.trim() === '' ? 'Type a word to search for.' : 'Type letters or digits to search for: punctuation alone finds nothing.';
	}
	if (query.text.length > MAX_SEARCH_QUERY_LENGTH) {
		return `That is ${query.text.length} characters; search for at most ${MAX_SEARCH_QUERY_LENGTH}.`;
	}
	return undefined;
}

export class MessageSearch {
	constructor(
		/** The live connection; throws "Not connected" without one. */
		private readonly connection: () => MessageConnection,
		private readonly store: ConversationStore,
	) {}

	/** One page of results, newest first; `before` pages back. Rejects with a plain-words Error. */
	async search(query: SearchQuery, before?: number, limit = SEARCH_PAGE_SIZE): Promise<SearchPage> {
		const problem = searchQueryProblem(query);
		if (problem) {
			throw new Error(problem);
		}
		const connection = this.connection();
		const conversation = query.conversation && isChannelTarget(query.conversation) ? normalizeChannel(query.conversation) : query.conversation;
		try {
			const result = await request(connection, SearchRequest, {
				query: query.text,
				...(conversation ? { conversation } : {}),
				...(query.from ? { from: query.from } : {}),
				...(before !== undefined ? { before } : {}),
				limit,
			});
			return { hits: result.messages.map((message) => this.hit(message)), hasMore: result.hasMore, words: [...new Set(searchWords(query.text))] };
		} catch (error) {
			if (isServerError(error) && (error.code === ErrorCodes.NoSuchChannel || error.code === ErrorCodes.NotInChannel)) {
				throw new Error(`You can only search channels you are in: you are not in ${query.conversation ?? 'that channel'}.`, { cause: error });
			}
			throw error;
		}
	}

	/** A result with the conversation it belongs to (never creating one in the store). */
	private hit(message: Message): SearchHit {
		if (isChannelTarget(message.to)) {
			const id = normalizeChannel(message.to);
			return { message, conversation: id, name: this.store.get(id)?.name ?? message.to };
		}
		const other = nickKey(message.from) === nickKey(this.store.selfNick) ? message.to : message.from;
		const id = nickKey(other);
		return { message, conversation: id, name: this.store.get(id)?.name ?? other };
	}
}

/** Full-text search over the conversations the caller can read. */
import { RequestType } from 'vscode-jsonrpc';
import * as s from './shapes';
import { messageShape, type Message } from './types';

export const DEFAULT_SEARCH_LIMIT = 20;
export const MAX_SEARCH_LIMIT = 100;
/** Longest query, in characters. */
export const MAX_SEARCH_QUERY_LENGTH = 200;

export interface SearchParams {
	/**
	 * Words to find, in any order, each as a word or the start of one (`depl` finds
	 * "deploy"), ignoring case and accents (`cafe` finds "Café"). Only letters and digits
	 * count: quotes, `*`, `-`, `:` and words like AND, OR or NEAR are plain text.
	 */
	query: string;
	/** Only this conversation: `#channel` (the caller must be a member) or a nick (the DM with them). */
	conversation?: string;
	/** Only messages sent by this nick. */
	from?: string;
	/** Only messages with an id smaller than this (the next page: the last id of this one). */
	before?: number;
	/** Default 20, at most 100. */
	limit?: number;
}

export interface SearchResult {
	/** Newest first; deleted messages are never found, edited ones by their new text. */
	messages: Message[];
	/** True when older matches exist (ask again with `before`). */
	hasMore: boolean;
}

/**
 * Client -> server: the messages matching every word of `query`, from the channels the
 * caller is a member of and the caller's DMs, and nowhere else (as `message/history`,
 * which a non-member of a channel cannot read either).
 */
export namespace SearchRequest {
	export const method = 'message/search';
	export const type = new RequestType<SearchParams, SearchResult, void>(method);
	export const params = s.object<SearchParams>({
		query: s.string(),
		conversation: s.optional(s.string()),
		from: s.optional(s.string()),
		before: s.optional(s.integer),
		limit: s.optional(s.integer),
	});
	export const result = s.object<SearchResult>({ messages: s.array(messageShape), hasMore: s.boolean });
}

/** message/search: full text, over what the caller can read and nothing else. */
import { isValidNick, nickKey } from '../../protocol/names';
import { DEFAULT_SEARCH_LIMIT, MAX_SEARCH_LIMIT, MAX_SEARCH_QUERY_LENGTH, SearchRequest } from '../../protocol/search';
import { fail } from '../errors';
import { searchWords } from '../state/store';
import { withReactions } from './audience';
import { readableConversation } from './messages';
import { route, type Route } from './registry';
import { forViewer } from './visibility';

/** More words than this add nothing but cost. */
const MAX_WORDS = 16;

export const searchRoutes: readonly Route[] = [
	route(SearchRequest, async (params, session, hub) => {
		const limit = params.limit ?? DEFAULT_SEARCH_LIMIT;
		if (limit < 1 || limit > MAX_SEARCH_LIMIT) {
			throw fail.invalidParams('limit', `Field 'limit' must be from 1 to ${MAX_SEARCH_LIMIT}; got ${limit}.`);
		}
		if (params.query.length > MAX_SEARCH_QUERY_LENGTH) {
			throw fail.invalidParams('query', `Field 'query' is ${params.query.length} characters long; the limit is ${MAX_SEARCH_QUERY_LENGTH}.`);
		}
		const words = [...new Set(searchWords(params.query))].slice(0, MAX_WORDS);
		if (words.length === 0) {
			throw fail.invalidParams('query', `Field 'query' has no word to search for: type letters or digits.`);
		}
		if (params.before !== undefined && params.before < 0) {
			throw fail.invalidParams('before', `Field 'before' must be a message id (0 or more); got ${params.before}.`);
		}
		if (params.from !== undefined && !isValidNick(params.from)) {
			throw fail.invalidParams('from', `Field 'from' must be a nick; '${params.from.slice(0, 40)}' is not one.`);
		}
		let conversations: string[];
		if (params.conversation !== undefined) {
			conversations = [await readableConversation(hub, session, params.conversation)];
		} else {
			const [channels, directs] = await Promise.all([hub.memberships.channelsOf(session.nick), hub.store.directConversations(session.nick)]);
			conversations = [...channels.map((c) => c.channel), ...directs.map((d) => d.conversation)];
		}
		const page = await hub.store.search({
			words, conversations, fromKey: params.from === undefined ? undefined : nickKey(params.from), before: params.before, limit,
		});
		return { messages: await withReactions(hub, forViewer(page.messages, session.nick)), hasMore: page.hasMore };
	}),
];

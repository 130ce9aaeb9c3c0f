/**
 * What the chat webview asks of the host besides the panel actions (panelActions.ts):
 * search, opening a search result, typing. Answers go to the surface that asked.
 */
import type { WebviewRequest } from '../protocol/webview';
import type { ChatClient } from './client/chatClient';
import { errorMessage } from './client/log';
import { parseSearchQuery } from './client/search';
import type { ChatSurface } from './chatSurface';
import type { Logger } from './logger';

/** An error from searching or opening a result, in words for the user. */
export function searchErrorText(error: unknown): string {
	const text = errorMessage(error);
	return /^Not connected/.test(text) ? 'You are offline: search works once Parley is connected.' : text;
}

/** Carries out `message` if it is one of these; false when it is not (a panel action). */
export function handleChatFeature(message: WebviewRequest, from: ChatSurface, client: ChatClient, log: Logger): boolean {
	switch (message.type) {
		case 'search':
			void answerSearch(message, from, client);
			return true;
		case 'openResult':
			void client.openAt(message.conversation, message.id).then(
				() => from.post({ type: 'reveal', conversation: message.conversation, id: message.id }),
				(error: unknown) => {
					log.warn(`opening message ${message.id} in ${message.conversation}: ${errorMessage(error)}`);
					from.post({ type: 'notice', text: `Could not open that message: ${searchErrorText(error)}`, level: 'error' });
				},
			);
			return true;
		case 'typing':
			client.typing.typing(message.conversation);
			return true;
		default:
			return false;
	}
}

async function answerSearch(message: Extract<WebviewRequest, { type: 'search' }>, from: ChatSurface, client: ChatClient): Promise<void> {
	try {
		const query = parseSearchQuery(message.query, {
			...(message.conversation ? { conversation: message.conversation } : {}),
			...(message.from ? { from: message.from } : {}),
		});
		const page = await client.search.search(query, message.before);
		from.post({ type: 'searchResults', request: message.request, hits: page.hits, words: page.words, hasMore: page.hasMore });
	} catch (error) {
		from.post({ type: 'searchResults', request: message.request, hits: [], words: [], hasMore: false, error: searchErrorText(error) });
	}
}

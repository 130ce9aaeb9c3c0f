/**
 * Opening a conversation at one message (a search result): the message is loaded into the
 * conversation's timeline with what was said around it. The timeline holds consecutive
 * messages only, so what lies between the message and the oldest one loaded is fetched too
 * (message/history `after`, page by page), then some older context (`before`).
 */
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { MAX_HISTORY_LIMIT } from '../../protocol/messages';
import type { Message } from '../../protocol/types';
import { MAX_ITEMS } from './conversation';
import type { ConversationStore } from './conversationStore';
import { requestHistory } from './history';

/** Messages loaded before the one opened, so that it is read in context. */
export const CONTEXT_BEFORE = 20;

/**
 * Loads message `id` of conversation `conversationId` into its timeline (with CONTEXT_BEFORE
 * older messages and every newer one up to what was loaded). Rejects in plain words when the
 * message is gone or too far back for the timeline to hold it with everything newer.
 */
export async function loadAround(connection: MessageConnection, store: ConversationStore, conversationId: string, id: number): Promise<void> {
	const conversation = store.get(conversationId);
	if (!conversation) {
		throw new Error('That conversation is no longer in your list.');
	}
	const target = conversation.kind === 'channel' ? conversation.id : conversation.name;
	const ids = conversation.messageIds();
	const index = ids.indexOf(id);
	if (index >= 0) {
		// Already there: only make sure there is something above it to read.
		if (index < CONTEXT_BEFORE && conversation.hasMoreBefore) {
			const older = await requestHistory(connection, { conversation: target, before: ids[0], limit: CONTEXT_BEFORE - index });
			store.prependOlder(conversation.id, older.messages, older.hasMore);
		}
		return;
	}
	const oldest = conversation.oldestId;
	if (oldest === undefined || id > oldest) {
		throw new Error('That message is no longer there (it was deleted).');
	}
	// Newer context: from the message up to the oldest one loaded, so the timeline has no gap.
	const room = MAX_ITEMS - conversation.timeline().length - CONTEXT_BEFORE;
	const between: Message[] = [];
	let cursor = id - 1;
	for (;;) {
		const page = await requestHistory(connection, { conversation: target, after: cursor, limit: MAX_HISTORY_LIMIT });
		const fresh = page.messages.filter((m) => m.id > cursor && m.id < oldest);
		between.push(...fresh);
		if (between.length > room) {
			throw new Error(`That message is more than ${Math.max(0, room)} messages back, further than the chat keeps loaded at once.`);
		}
		if (!page.hasMore || fresh.length < page.messages.length || fresh.length === 0) {
			break;
		}
		cursor = fresh[fresh.length - 1].id;
	}
	if (!between.some((m) => m.id === id)) {
		throw new Error('That message is no longer there (it was deleted).');
	}
	const older = await requestHistory(connection, { conversation: target, before: id, limit: CONTEXT_BEFORE });
	store.prependOlder(conversation.id, [...older.messages, ...between], older.hasMore);
}

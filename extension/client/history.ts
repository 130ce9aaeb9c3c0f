import type { MessageConnection } from 'vscode-jsonrpc/node';
import { HistoryRequest, type HistoryParams, type HistoryResult } from '../../protocol/messages';
import type { Message } from '../../protocol/types';
import { request } from './checkedRpc';

export function requestHistory(connection: MessageConnection, params: HistoryParams): Promise<HistoryResult> {
	return request(connection, HistoryRequest, params);
}

export interface CatchUp {
	/** Oldest first, each id once. */
	messages: Message[];
	/** True when more than `max` were missed and paging stopped. */
	truncated: boolean;
}

/**
 * Everything in `conversation` after id `after`: pages forward with message/history
 * until the server says there is no more, so nothing in between is skipped.
 */
export async function fetchAfter(connection: MessageConnection, conversation: string, after: number, pageSize: number, max: number): Promise<CatchUp> {
	const messages: Message[] = [];
	let cursor = after;
	for (;;) {
		const page = await requestHistory(connection, { conversation, after: cursor, limit: pageSize });
		const fresh = page.messages.filter((m) => m.id > cursor);
		messages.push(...fresh);
		if (!page.hasMore || fresh.length === 0) {
			return { messages, truncated: false };
		}
		// The page is oldest first; continue after its newest message, not after anything seen live.
		cursor = fresh.reduce((top, m) => Math.max(top, m.id), cursor);
		if (messages.length >= max) {
			return { messages, truncated: true };
		}
	}
}

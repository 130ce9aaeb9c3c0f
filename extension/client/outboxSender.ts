import type { MessageConnection, ResponseError } from 'vscode-jsonrpc/node';
import { ErrorCodes, rateLimitedDataShape } from '../../protocol/errors';
import { isShape } from '../../protocol/shapes';
import { SendMessageRequest } from '../../protocol/messages';
import type { Message } from '../../protocol/types';
import { request } from './checkedRpc';
import type { ConversationStore } from './conversationStore';
import type { ClientLog } from './log';
import type { Outbox, OutboxEntry } from './outbox';
import { isServerError } from './rpcErrors';

export interface SendFailure {
	entry: OutboxEntry;
	reason: string;
}

/** message/send with the entry's clientMsgId: the server stores it once however often it is sent. */
export async function sendEntry(connection: MessageConnection, entry: Pick<OutboxEntry, 'to' | 'text' | 'clientMsgId'>): Promise<Message> {
	const result = await request(connection, SendMessageRequest, { to: entry.to, text: entry.text, clientMsgId: entry.clientMsgId });
	return result.message;
}

function retryDelay(error: ResponseError<unknown>): number {
	const data: unknown = error.data;
	const wanted = isShape(data, rateLimitedDataShape) ? data.retryAfterMs : 1000;
	return Math.min(10_000, Math.max(50, wanted));
}

/**
 * Drains the outbox over the current connection, one message at a time so that they
 * arrive in the order typed. A dropped connection leaves the rest for the next one; a
 * refusal (not in channel, too long, no such nick) drops that message and says so.
 */
export class OutboxSender {
	private flushing = false;

	constructor(
		private readonly outbox: Outbox,
		private readonly store: ConversationStore,
		/** The connection to send on, or undefined while there is none ready (offline, rejoining). */
		private readonly connection: () => MessageConnection | undefined,
		private readonly onFailure: (failure: SendFailure) => void,
		private readonly log: ClientLog,
	) {}

	async flush(): Promise<void> {
		if (this.flushing) {
			return;
		}
		this.flushing = true;
		try {
			for (let entry = this.outbox.peek(), connection = this.connection(); entry && connection; entry = this.outbox.peek(), connection = this.connection()) {
				entry.attempts++;
				try {
					const message = await sendEntry(connection, entry);
					this.outbox.remove(entry.clientMsgId);
					this.store.acknowledge(entry.clientMsgId, message);
				} catch (error) {
					if (!isServerError(error)) {
						// The connection went away (the request may have been stored: the retry
						// reuses its clientMsgId). Go on only if a new connection is already up.
						if (this.connection() === connection) {
							break;
						}
						continue;
					}
					if (error.code === ErrorCodes.RateLimited) {
						await new Promise((resolve) => setTimeout(resolve, retryDelay(error)).unref());
						continue;
					}
					this.outbox.remove(entry.clientMsgId);
					this.store.dropPending(entry.conversation, entry.clientMsgId);
					this.log.warn(`[outbox] message to ${entry.to} refused: ${error.message}`);
					this.onFailure({ entry, reason: error.message });
				}
			}
		} finally {
			this.flushing = false;
		}
	}
}

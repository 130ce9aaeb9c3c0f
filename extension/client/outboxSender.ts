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

/** The server could not store a message for now (its database is unreachable): it stays queued and is sent again. */
export interface SendDelay {
	entry: OutboxEntry;
	/** The server's words. */
	reason: string;
}

/** The longest wait between two tries of a message the server could not store for now. */
const MAX_UNAVAILABLE_WAIT_MS = 10_000;

/** message/send with the entry's clientMsgId: the server stores it once however often it is sent. */
export async function sendEntry(connection: MessageConnection, entry: Pick<OutboxEntry, 'to' | 'text' | 'clientMsgId'>): Promise<Message> {
	const result = await request(connection, SendMessageRequest, { to: entry.to, text: entry.text, clientMsgId: entry.clientMsgId });
	return result.message;
}

function retryDelay(error: ResponseError<unknown>): number {
	const data: unknown = error.data;
	const wanted = isShape(data, rateLimitedDataShape) ? data.retryAfterMs : 1000;
	return Math.min(MAX_UNAVAILABLE_WAIT_MS, Math.max(50, wanted));
}

function wait(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Drains the outbox over the current connection, one message at a time so that they
 * arrive in the order typed. A dropped connection leaves the rest for the next one; a
 * refusal (not in channel, too long, no such nick) drops that message and says so. A
 * message the server could not store for now (Unavailable: its database is unreachable)
 * stays first in line and is sent again, waiting longer each time (up to 10 s); the
 * user is told once per outage.
 */
export class OutboxSender {
	private flushing = false;
	/** Unavailable answers in a row: how long the next wait is, and whether the user was told. */
	private unavailableInARow = 0;

	constructor(
		private readonly outbox: Outbox,
		private readonly store: ConversationStore,
		/** The connection to send on, or undefined while there is none ready (offline, rejoining). */
		private readonly connection: () => MessageConnection | undefined,
		private readonly onFailure: (failure: SendFailure) => void,
		private readonly log: ClientLog,
		private readonly onDelay: (delay: SendDelay) => void = () => undefined,
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
					this.unavailableInARow = 0;
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
						await wait(retryDelay(error));
						continue;
					}
					if (error.code === ErrorCodes.Unavailable) {
						if (this.unavailableInARow++ === 0) {
							this.log.warn(`[outbox] message to ${entry.to} kept for later: ${error.message}`);
							this.onDelay({ entry, reason: error.message });
						}
						await wait(Math.min(MAX_UNAVAILABLE_WAIT_MS, retryDelay(error) * 2 ** Math.min(this.unavailableInARow - 1, 4)));
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

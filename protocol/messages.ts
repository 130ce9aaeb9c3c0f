import { NotificationType, RequestType } from 'vscode-jsonrpc';
import * as s from './shapes';
import { messageShape, type Message } from './types';

export const DEFAULT_HISTORY_LIMIT = 50;
export const MAX_HISTORY_LIMIT = 500;
export const MAX_CLIENT_MSG_ID_LENGTH = 64;

export interface SendMessageParams {
	/** `#channel` (the sender must be a member) or a nick (a direct message). */
	to: string;
	text: string;
	/**
	 * Chosen by the client, unique per sender. Sending the same message (same text and
	 * target) again with this id returns the stored message and delivers nothing new; a
	 * different message with an id already used is refused (-32602 on `clientMsgId`).
	 */
	clientMsgId?: string;
	/**
	 * Makes the message a reply in the thread of this message, which must be in the same
	 * conversation (a reply to a reply joins its root's thread). Replies reach everyone in
	 * the conversation as `message/new` (with `replyTo`), but are not in its history and do
	 * not count as unread there, unless `alsoToChannel`.
	 */
	replyTo?: number;
	/** A reply that also goes into the conversation's history. */
	alsoToChannel?: boolean;
	/**
	 * A notice (IRC `NOTICE`): an automatic or informational message that no program may
	 * answer automatically. Stored and shown like a message, marked `notice: true`.
	 */
	notice?: boolean;
}

export interface SendMessageResult {
	message: Message;
}

/**
 * Client -> server. Answered only after the message is stored; the answer carries the
 * server-assigned id and timestamp.
 */
export namespace SendMessageRequest {
	export const method = 'message/send';
	export const type = new RequestType<SendMessageParams, SendMessageResult, void>(method);
	export const params = s.object<SendMessageParams>({
		to: s.string(),
		text: s.string(),
		clientMsgId: s.optional(s.string()),
		replyTo: s.optional(s.integer),
		alsoToChannel: s.optional(s.boolean),
		notice: s.optional(s.boolean),
	});
	export const result = s.object<SendMessageResult>({ message: messageShape });
}

export interface HistoryParams {
	/** `#channel` or the other party's nick. */
	conversation: string;
	/** Only messages with an id smaller than this. */
	before?: number;
	/** Only messages with an id larger than this. */
	after?: number;
	/** Default 50, at most 500. */
	limit?: number;
}

export interface HistoryResult {
	/**
	 * Oldest first. With `after` (and no `before`) these are the oldest messages after it;
	 * otherwise the newest ones before `before` (or overall).
	 */
	messages: Message[];
	/** True when more messages exist in the direction that was paged. */
	hasMore: boolean;
}

/**
 * Client -> server: a page of a conversation's stored history: its messages and thread
 * roots, not the replies in threads (see `message/thread`) except those sent
 * `alsoToChannel`.
 */
export namespace HistoryRequest {
	export const method = 'message/history';
	export const type = new RequestType<HistoryParams, HistoryResult, void>(method);
	export const params = s.object<HistoryParams>({
		conversation: s.string(),
		before: s.optional(s.integer),
		after: s.optional(s.integer),
		limit: s.optional(s.integer),
	});
	export const result = s.object<HistoryResult>({ messages: s.array(messageShape), hasMore: s.boolean });
}

export interface MessageNewParams {
	message: Message;
}

/**
 * Server -> client: a new message in one of the client's channels (to every member but
 * the sending connection) or a DM to the client.
 */
export namespace MessageNewNotification {
	export const method = 'message/new';
	export const type = new NotificationType<MessageNewParams>(method);
	export const params = s.object<MessageNewParams>({ message: messageShape });
}

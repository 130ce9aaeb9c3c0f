/** Threads: replies to a message, read apart from the conversation's history. */
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import * as s from './shapes';
import { messageShape, type Message } from './types';

export interface ThreadParams {
	/** The thread's root (or any reply in it). */
	id: number;
	/** Only replies with an id smaller than this. */
	before?: number;
	/** Only replies with an id larger than this. */
	after?: number;
	/** Default 50, at most 500. */
	limit?: number;
}

export interface ThreadResult {
	/** The root message, with `replyCount` and `lastReplyTs`. */
	root: Message;
	/** Replies, oldest first, paged as `message/history` pages. */
	messages: Message[];
	hasMore: boolean;
}

/** Client -> server: a page of a thread of a message the caller can read (else NoSuchMessage). */
export namespace ThreadRequest {
	export const method = 'message/thread';
	export const type = new RequestType<ThreadParams, ThreadResult, void>(method);
	export const params = s.object<ThreadParams>({
		id: s.integer, before: s.optional(s.integer), after: s.optional(s.integer), limit: s.optional(s.integer),
	});
	export const result = s.object<ThreadResult>({ root: messageShape, messages: s.array(messageShape), hasMore: s.boolean });
}

export interface ThreadUpdatedParams {
	/** `#channel`, or for a DM the other party's nick as the receiver sees it. */
	conversation: string;
	/** The root's id. */
	id: number;
	replyCount: number;
	lastReplyTs: number;
}

/** Server -> everyone who can see the root, after each new reply (the replier's connections too). */
export namespace ThreadUpdatedNotification {
	export const method = 'message/threadUpdated';
	export const type = new NotificationType<ThreadUpdatedParams>(method);
	export const params = s.object<ThreadUpdatedParams>({ conversation: s.string(), id: s.integer, replyCount: s.integer, lastReplyTs: s.number });
}

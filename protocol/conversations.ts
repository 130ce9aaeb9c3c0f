/**
 * Read state shared by every connection of an account: a read marker per conversation
 * (channel or DM), stored by the server so that every window and device agrees.
 */
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import * as s from './shapes';

export interface MarkReadParams {
	/** `#channel`, or the other party's nick for a DM. */
	conversation: string;
	/** The newest message the user has seen in it (with `thread`: the newest reply). */
	id: number;
	/**
	 * A thread's root (a message of `conversation`): moves the account's marker of that
	 * thread instead of the conversation's. Changes nothing when the account takes no part
	 * in the thread.
	 */
	thread?: number;
}

/**
 * Client -> server: moves the account's read marker forward to `id` (never backwards; an
 * older id changes nothing). The account's other connections get `conversation/read`.
 * A guest keeps no read state: for one it succeeds and changes nothing.
 */
export namespace MarkReadRequest {
	export const method = 'conversation/markRead';
	export const type = new RequestType<MarkReadParams, null, void>(method);
	export const params = s.object<MarkReadParams>({ conversation: s.string(), id: s.integer, thread: s.optional(s.integer) });
	export const result = s.nothing;
}

export interface ReadParams {
	conversation: string;
	/** The read marker now. */
	id: number;
}

/** Server -> the account's other connections when one of them moved a read marker. */
export namespace ReadNotification {
	export const method = 'conversation/read';
	export const type = new NotificationType<ReadParams>(method);
	export const params = s.object<ReadParams>({ conversation: s.string(), id: s.integer });
}

export interface ThreadReadParams {
	/** The thread's conversation, as `conversation/read` names it. */
	conversation: string;
	/** The thread's root. */
	thread: number;
	/** The account's marker of the thread now: the newest reply it has read. */
	id: number;
}

/**
 * Server -> the account's other connections when one of them moved its marker of a thread
 * it takes part in (`conversation/markRead` with `thread`, or reading the thread with
 * `message/thread`). A notification of its own, so that clients that do not know threads'
 * markers never take it for the conversation's.
 */
export namespace ThreadReadNotification {
	export const method = 'conversation/threadRead';
	export const type = new NotificationType<ThreadReadParams>(method);
	export const params = s.object<ThreadReadParams>({ conversation: s.string(), thread: s.integer, id: s.integer });
}

/** Typing notifications a connection may send per conversation: one per this many ms (extras are dropped). */
export const TYPING_INTERVAL_MS = 3000;

export interface TypingParams {
	/**
	 * From the client: `#channel` (a channel the sender is a member of) or the nick of a
	 * DM's other party. From the server: the same as the receiver names it (for a DM, the
	 * typist's nick).
	 */
	conversation: string;
	/** From the server only: who is typing. */
	nick?: string;
}

/**
 * Both ways. Client -> server: the user is typing in `conversation` (at most one every
 * 3 s per conversation and connection; the server drops extras, and anything it cannot
 * deliver, silently). Server -> the conversation's other members (a DM's other party),
 * with `nick`, never to the typist's own connections. Clients show it for a few seconds.
 */
export namespace TypingNotification {
	export const method = 'conversation/typing';
	export const type = new NotificationType<TypingParams>(method);
	export const params = s.object<TypingParams>({ conversation: s.string(), nick: s.optional(s.string()) });
}

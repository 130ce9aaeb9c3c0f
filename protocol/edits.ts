/**
 * Editing and deleting sent messages. Both are stored before they are answered and both
 * are idempotent. A message the caller cannot read is answered as a missing one
 * (NoSuchMessage), whatever the reason.
 */
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import * as s from './shapes';
import { messageShape, type Message } from './types';

export interface EditMessageParams {
	id: number;
	/** The new text; the same limit as `message/send`. */
	text: string;
}

export interface EditMessageResult {
	/** The message as stored now, with `editedTs`. */
	message: Message;
}

/**
 * Client -> server: the author replaces the text of one of their messages. Anyone else is
 * refused (Forbidden); a deleted message cannot be edited (Forbidden). The same text
 * again changes nothing and notifies no one. Everyone who can see the message gets
 * `message/edited`.
 */
export namespace EditMessageRequest {
	export const method = 'message/edit';
	export const type = new RequestType<EditMessageParams, EditMessageResult, void>(method);
	export const params = s.object<EditMessageParams>({ id: s.integer, text: s.string() });
	export const result = s.object<EditMessageResult>({ message: messageShape });
}

export interface MessageEditedParams {
	message: Message;
}

/** Server -> everyone who can see the message (all connections, the editor's other ones too). */
export namespace MessageEditedNotification {
	export const method = 'message/edited';
	export const type = new NotificationType<MessageEditedParams>(method);
	export const params = s.object<MessageEditedParams>({ message: messageShape });
}

export interface DeleteMessageParams {
	id: number;
}

/**
 * Client -> server: deletes a message. Allowed to its author, the channel's owner and ops,
 * and server operators; anyone else is refused (Forbidden). Deleting a deleted message
 * succeeds and notifies no one. History keeps the message as
 * `{id, ts, from, to, text: '', deleted: true}`; its reactions are dropped.
 */
export namespace DeleteMessageRequest {
	export const method = 'message/delete';
	export const type = new RequestType<DeleteMessageParams, null, void>(method);
	export const params = s.object<DeleteMessageParams>({ id: s.integer });
	export const result = s.nothing;
}

export interface MessageDeletedParams {
	/** `#channel`, or for a DM the other party's nick as the receiver sees it. */
	conversation: string;
	id: number;
}

/** Server -> everyone who can see the message, when it was deleted. */
export namespace MessageDeletedNotification {
	export const method = 'message/deleted';
	export const type = new NotificationType<MessageDeletedParams>(method);
	export const params = s.object<MessageDeletedParams>({ conversation: s.string(), id: s.integer });
}

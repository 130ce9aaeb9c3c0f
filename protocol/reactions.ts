/** Emoji reactions to messages. */
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import * as s from './shapes';
import { reactionShape, type Reaction } from './types';

export interface ReactParams {
	id: number;
	/**
	 * One Unicode emoji (a single grapheme: `👍`, `👍🏽`, `🇫🇷`, `1️⃣`) or a shortcode from
	 * protocol/emoji.ts written `:thumbsup:`. Anything else is refused (-32602 on `emoji`).
	 */
	emoji: string;
	/** True to add the caller's reaction, false to take it back. Either twice changes nothing. */
	add: boolean;
}

/**
 * Client -> server: adds or removes the caller's reaction to a message they can read
 * (else NoSuchMessage). A change is stored, then sent to everyone who can see the
 * message as `message/reactions`; no change, no notification.
 */
export namespace ReactRequest {
	export const method = 'message/react';
	export const type = new RequestType<ReactParams, null, void>(method);
	export const params = s.object<ReactParams>({ id: s.integer, emoji: s.string(), add: s.boolean });
	export const result = s.nothing;
}

export interface ReactionsParams {
	/** `#channel`, or for a DM the other party's nick as the receiver sees it. */
	conversation: string;
	id: number;
	/** All the message's reactions now (empty when the last one was taken back). */
	reactions: Reaction[];
}

/** Server -> everyone who can see the message (the reacting connection too), after a change. */
export namespace ReactionsNotification {
	export const method = 'message/reactions';
	export const type = new NotificationType<ReactionsParams>(method);
	export const params = s.object<ReactionsParams>({ conversation: s.string(), id: s.integer, reactions: s.array(reactionShape) });
}

/** Sending a notification about one stored message to everyone who can see it. */
import type { Message } from '../../protocol/types';
import type { Hub } from '../hub';
import { isDmConversation, type StoredMessage } from '../state/store';

/**
 * To every connection of the channel's members, or of both DM parties. `frame` gets the
 * conversation as that receiver names it: the channel, or for a DM the other party's
 * nick. `exceptId` skips one connection (the one that gets an answer instead).
 */
export function toMessageAudience(hub: Hub, stored: StoredMessage, frame: (conversation: string) => Buffer, exceptId?: number): void {
	if (!isDmConversation(stored.conversation)) {
		hub.delivery.toChannel(stored.conversation, frame(stored.conversation), exceptId);
		return;
	}
	const { from, to } = stored.message;
	// About the DM: a clustered delivery keeps it in the conversation's order.
	const about = { conversation: stored.conversation };
	hub.delivery.toNick(from, frame(to), exceptId, 'chat', about);
	hub.delivery.toNick(to, frame(from), exceptId, 'chat', about);
}

/** A message as others see it: without the author's client id. */
export function forOthers(message: Message): Message {
	const { clientMsgId: _hidden, ...rest } = message;
	return rest;
}

/** The messages with their reactions (those that have any), for pages. */
export async function withReactions(hub: Hub, messages: Message[]): Promise<Message[]> {
	const reactions = await hub.reactions.of(messages.filter((m) => !m.deleted).map((m) => m.id));
	if (reactions.size === 0) {
		return messages;
	}
	return messages.map((m) => {
		const list = reactions.get(m.id);
		return list ? { ...m, reactions: list } : m;
	});
}

/**
 * Read state of one conversation: the read marker (the newest message the user has seen;
 * the server's for an account, shared by its windows) and the unread and mention counts
 * that follow from it. A message is unread when someone else sent it after the marker.
 */
import { mentionsNick } from '../../protocol/mentions';
import { nickKey } from '../../protocol/names';
import type { Message } from '../../protocol/types';
import type { Conversation } from './conversation';

function fromOthers(message: Message, self: string): boolean {
	return nickKey(message.from) !== nickKey(self);
}

function isMention(conversation: Conversation, message: Message, self: string): boolean {
	return conversation.kind === 'dm' || mentionsNick(message.text, self);
}

export interface CountOptions {
	/** Live or caught-up messages: they may be unread. False for history merely shown (first load, paging back). */
	countUnread: boolean;
	/** The user sees the newest messages of this conversation as they come: they are read at once. */
	followed: boolean;
	/**
	 * The read marker is the server's (an account): history shown does not move it. A guest's
	 * marker is local, and history shown on first load counts as read.
	 */
	serverMarker: boolean;
}

/**
 * Counts messages just stored (each is inserted once) that someone else sent after the
 * marker, unless the server's count already has them (ids up to `countedUpTo`). Returns the
 * id the marker moved to when they were read at once (the conversation is followed, or a
 * guest is shown history), else undefined.
 */
export function countInserted(conversation: Conversation, inserted: readonly Message[], self: string, options: CountOptions): number | undefined {
	let readTo: number | undefined;
	for (const message of inserted) {
		if (message.id <= conversation.lastReadId) {
			continue;
		}
		if (options.followed || (!options.countUnread && !options.serverMarker)) {
			readTo = Math.max(readTo ?? 0, message.id);
			continue;
		}
		if (!options.countUnread || message.id <= conversation.countedUpTo || !fromOthers(message, self)) {
			continue;
		}
		conversation.unread++;
		if (isMention(conversation, message, self)) {
			conversation.mentions++;
		}
	}
	return readTo !== undefined && moveMarker(conversation, readTo, self) ? readTo : undefined;
}

/** Counts for `missed` messages that are not stored (too many were missed to fetch them all). */
export function countMissed(conversation: Conversation, missed: readonly Message[], self: string): void {
	for (const message of missed) {
		if (message.id > conversation.lastReadId && message.id > conversation.countedUpTo && fromOthers(message, self)) {
			conversation.unread++;
			if (isMention(conversation, message, self)) {
				conversation.mentions++;
			}
		}
	}
}

/**
 * The marker moved to `id`: the counts again. Exact when every message after the marker is
 * stored here; otherwise what is known is taken off (the rest is older than what is loaded).
 */
export function moveMarker(conversation: Conversation, id: number, self: string): boolean {
	const previous = conversation.lastReadId;
	if (id <= previous) {
		return false;
	}
	conversation.lastReadId = id;
	if (id >= Math.max(conversation.countedUpTo, conversation.lastSeenId)) {
		conversation.unread = 0;
		conversation.mentions = 0;
		return true;
	}
	const others = conversation.messages().filter((m) => fromOthers(m, self));
	const oldest = conversation.oldestId;
	const covered = !conversation.hasMoreBefore || (oldest !== undefined && oldest <= id + 1);
	if (covered) {
		const after = others.filter((m) => m.id > id);
		conversation.unread = after.length;
		conversation.mentions = after.filter((m) => isMention(conversation, m, self)).length;
	} else {
		const between = others.filter((m) => m.id > previous && m.id <= id);
		conversation.unread = Math.max(0, conversation.unread - between.length);
		conversation.mentions = Math.max(0, conversation.mentions - between.filter((m) => isMention(conversation, m, self)).length);
	}
	return true;
}

/**
 * Emoji reactions to messages: per message, which nicks (accounts or guests, by nick
 * ignoring case) reacted with which emoji. Reactions are listed in the order each emoji
 * was first given, nicks in the order they reacted.
 */
import { nickKey } from '../../protocol/names';
import type { Reaction } from '../../protocol/types';

export interface Reactions {
	/** Adds or removes one nick's reaction; resolves with whether anything changed, once durable. */
	set(messageId: number, emoji: string, nick: string, add: boolean): Promise<boolean>;
	/** The reactions of each message that has any (messages without are absent). */
	of(messageIds: readonly number[]): Promise<Map<number, Reaction[]>>;
	/** Drops every reaction of the message (it was deleted). */
	clear(messageId: number): Promise<void>;
}

/** A stored reaction as the SQL implementations read it, oldest first. */
export interface ReactionRow {
	id: number;
	emoji: string;
	nick: string;
}

/** Groups reaction rows (oldest first) by message, then by emoji in the order each was first used. */
export function groupReactions(rows: readonly ReactionRow[]): Map<number, Reaction[]> {
	const result = new Map<number, Reaction[]>();
	for (const row of rows) {
		let reactions = result.get(row.id);
		if (!reactions) {
			reactions = [];
			result.set(row.id, reactions);
		}
		const reaction = reactions.find((r) => r.emoji === row.emoji);
		if (reaction) {
			reaction.nicks.push(row.nick);
		} else {
			reactions.push({ emoji: row.emoji, nicks: [row.nick] });
		}
	}
	return result;
}

export class MemoryReactions implements Reactions {
	/** messageId -> emoji -> nickKey -> nick, each in insertion order */
	private readonly byMessage = new Map<number, Map<string, Map<string, string>>>();

	async set(messageId: number, emoji: string, nick: string, add: boolean): Promise<boolean> {
		let emojis = this.byMessage.get(messageId);
		const nicks = emojis?.get(emoji);
		const key = nickKey(nick);
		if (!add) {
			if (!nicks?.delete(key)) {
				return false;
			}
			if (nicks.size === 0) {
				emojis!.delete(emoji);
			}
			if (emojis!.size === 0) {
				this.byMessage.delete(messageId);
			}
			return true;
		}
		if (nicks?.has(key)) {
			return false;
		}
		if (!emojis) {
			emojis = new Map();
			this.byMessage.set(messageId, emojis);
		}
		if (nicks) {
			nicks.set(key, nick);
		} else {
			emojis.set(emoji, new Map([[key, nick]]));
		}
		return true;
	}

	async of(messageIds: readonly number[]): Promise<Map<number, Reaction[]>> {
		const result = new Map<number, Reaction[]>();
		for (const id of messageIds) {
			const emojis = this.byMessage.get(id);
			if (emojis) {
				result.set(id, [...emojis].map(([emoji, nicks]) => ({ emoji, nicks: [...nicks.values()] })));
			}
		}
		return result;
	}

	async clear(messageId: number): Promise<void> {
		this.byMessage.delete(messageId);
	}
}

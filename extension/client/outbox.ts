import { randomUUID } from 'node:crypto';

/** A message the user typed that the server has not acknowledged yet. */
export interface OutboxEntry {
	/** Stable across retries: the server stores it once per sender and returns the stored message on a repeat. */
	readonly clientMsgId: string;
	/** The conversation id in the store (`#channel` or the nick key). */
	readonly conversation: string;
	/** `to` of message/send: the channel or the nick as displayed. */
	readonly to: string;
	readonly text: string;
	readonly queuedAt: number;
	attempts: number;
}

/**
 * Messages waiting to be sent, in the order they were typed. Entries leave only when
 * the server acknowledged them or refused them for good, so nothing typed while
 * offline is lost and a retry reuses the same clientMsgId.
 */
export class Outbox {
	private readonly entries: OutboxEntry[] = [];

	add(conversation: string, to: string, text: string, clientMsgId: string = randomUUID()): OutboxEntry {
		const entry: OutboxEntry = { clientMsgId, conversation, to, text, queuedAt: Date.now(), attempts: 0 };
		this.entries.push(entry);
		return entry;
	}

	/** The oldest entry: the next to send. */
	peek(): OutboxEntry | undefined {
		return this.entries[0];
	}

	remove(clientMsgId: string): OutboxEntry | undefined {
		const index = this.entries.findIndex((e) => e.clientMsgId === clientMsgId);
		return index < 0 ? undefined : this.entries.splice(index, 1)[0];
	}

	/** Drops every entry of a conversation (the user left it); returns them. */
	removeConversation(conversation: string): OutboxEntry[] {
		const removed = this.entries.filter((e) => e.conversation === conversation);
		for (const entry of removed) {
			this.remove(entry.clientMsgId);
		}
		return removed;
	}

	/** Every entry, oldest first. */
	list(): readonly OutboxEntry[] {
		return [...this.entries];
	}

	get size(): number {
		return this.entries.length;
	}
}

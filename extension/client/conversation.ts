import type { ChannelRole, Message } from '../../protocol/types';
import type { ConversationSummary, MemberState, TimelineEntry } from './storeChanges';

/** Most timeline items kept per conversation; beyond it the oldest are dropped down to TRIM_TO. */
export const MAX_ITEMS = 1000;
const TRIM_TO = 800;

let nextEventId = 1;
let nextPendingId = -1;

/**
 * One conversation (a channel or a DM) as the client knows it: its timeline with
 * messages in id order and each message at most once, the messages still in the
 * outbox, and the unread counters.
 */
export class Conversation {
	name: string;
	topic: string | undefined;
	/** Channels: every member, online or not, with their role. */
	members: MemberState[] | undefined;
	/** Channels: the user's own role. */
	role: ChannelRole | undefined;
	/** Channels: joined only by invitation. */
	isPrivate = false;
	/** Channels: only the owner and ops set the topic. */
	topicProtected = false;
	/** DMs: whether the other party is online, when known. */
	peerOnline: boolean | undefined;
	/** DMs: the other party is online but away. */
	peerAway = false;
	/** DMs: the status text the other party set. */
	peerStatusText: string | undefined;
	/** Channels: the user is a member, so the channel is rejoined after a reconnect. */
	joined = false;
	/** History was loaded once, so anything after lastSeenId is "missed" after a reconnect. */
	loaded = false;
	hasMoreBefore = false;
	unread = 0;
	mentions = 0;
	/** The newest message the user has read (readState.ts). */
	lastReadId = 0;
	/** An account's counts from the server (at sign-in) cover the messages up to this id. */
	countedUpTo = 0;
	private items: TimelineEntry[] = [];
	private pending: TimelineEntry[] = [];
	private readonly ids = new Set<number>();
	private maxId = 0;

	constructor(readonly id: string, readonly kind: 'channel' | 'dm', name: string) {
		this.name = name;
	}

	/** The largest message id ever stored here (0 when none): where catch-up starts. */
	get lastSeenId(): number {
		return this.maxId;
	}

	/** The smallest message id in the timeline, for paging back. */
	get oldestId(): number | undefined {
		const first = this.items.find((i) => i.kind === 'message');
		return first?.kind === 'message' ? first.message.id : undefined;
	}

	/** Stored messages with an id larger than `id`, oldest first. */
	messagesAfter(id: number): Message[] {
		return this.items.flatMap((i) => (i.kind === 'message' && i.message.id > id ? [i.message] : []));
	}

	messageIds(): number[] {
		return this.items.flatMap((i) => (i.kind === 'message' ? [i.message.id] : []));
	}

	timeline(): TimelineEntry[] {
		return [...this.items, ...this.pending];
	}

	view(): ConversationSummary {
		return {
			id: this.id,
			kind: this.kind,
			name: this.name,
			...(this.topic ? { topic: this.topic } : {}),
			unread: this.unread,
			mentions: this.mentions,
			lastReadId: this.lastReadId,
			...(this.members ? { memberCount: this.members.length } : {}),
			...(this.role ? { role: this.role } : {}),
			...(this.isPrivate ? { private: true } : {}),
			...(this.topicProtected ? { topicProtected: true } : {}),
			...(this.kind === 'channel' ? { joined: this.joined } : {}),
			...(this.peerOnline !== undefined ? { online: this.peerOnline } : {}),
			...(this.peerAway ? { away: true } : {}),
			...(this.peerStatusText ? { statusText: this.peerStatusText } : {}),
		};
	}

	/**
	 * Inserts messages not seen before, in id order. Returns the inserted ones and
	 * whether they all went to the end (so an `append` describes the change).
	 */
	insert(messages: readonly Message[]): { inserted: Message[]; atEnd: boolean; trimmed: boolean } {
		const sorted = [...messages].sort((a, b) => a.id - b.id);
		const inserted: Message[] = [];
		let atEnd = true;
		for (const message of sorted) {
			if (this.ids.has(message.id)) {
				continue;
			}
			this.ids.add(message.id);
			this.maxId = Math.max(this.maxId, message.id);
			// Before the first later message; events after the last earlier one stay before it.
			let at = this.items.length;
			for (let i = this.items.length - 1; i >= 0; i--) {
				const item = this.items[i];
				if (item.kind === 'message') {
					if (item.message.id < message.id) {
						break;
					}
					at = i;
				}
			}
			atEnd &&= at === this.items.length;
			this.items.splice(at, 0, { kind: 'message', message });
			inserted.push(message);
		}
		return { inserted, atEnd, trimmed: this.trim() };
	}

	/** Replaces the stored messages (first load, or after too much was missed); keeps pending ones. */
	reset(messages: readonly Message[], hasMoreBefore: boolean): void {
		this.items = [];
		this.ids.clear();
		this.insert(messages);
		this.hasMoreBefore = hasMoreBefore;
		this.loaded = true;
	}

	addEvent(text: string, ts = Date.now()): TimelineEntry {
		const item: TimelineEntry = { kind: 'event', id: `event-${nextEventId++}`, ts, text };
		this.items.push(item);
		this.trim();
		return item;
	}

	addPending(from: string, to: string, text: string, clientMsgId: string, ts = Date.now()): TimelineEntry {
		const item: TimelineEntry = { kind: 'message', pending: true, message: { id: nextPendingId--, ts, from, to, text, clientMsgId } };
		this.pending.push(item);
		return item;
	}

	/** Removes a pending item; true when there was one. */
	removePending(clientMsgId: string): boolean {
		const index = this.pending.findIndex((i) => i.kind === 'message' && i.message.clientMsgId === clientMsgId);
		if (index < 0) {
			return false;
		}
		this.pending.splice(index, 1);
		return true;
	}

	hasPending(clientMsgId: string): boolean {
		return this.pending.some((i) => i.kind === 'message' && i.message.clientMsgId === clientMsgId);
	}

	/** Messages still in the outbox: shown after every stored message until the server places them. */
	get pendingCount(): number {
		return this.pending.length;
	}

	/** The clientMsgId of the first pending message (the next the outbox sends). */
	get firstPending(): string | undefined {
		const first = this.pending[0];
		return first?.kind === 'message' ? first.message.clientMsgId : undefined;
	}

	/** Replaces stored message `id` by `update(message)`; returns the new one, or undefined when not stored. */
	replaceMessage(id: number, update: (message: Message) => Message): Message | undefined {
		const index = this.ids.has(id) ? this.items.findIndex((i) => i.kind === 'message' && i.message.id === id) : -1;
		const item = this.items[index];
		if (item?.kind !== 'message') {
			return undefined;
		}
		const message = update(item.message);
		this.items[index] = { kind: 'message', message };
		return message;
	}

	/** The stored messages, oldest first (for the offline cache). */
	messages(): Message[] {
		return this.items.flatMap((i) => (i.kind === 'message' ? [i.message] : []));
	}

	private trim(): boolean {
		if (this.items.length <= MAX_ITEMS) {
			return false;
		}
		for (const item of this.items.splice(0, this.items.length - TRIM_TO)) {
			if (item.kind === 'message') {
				this.ids.delete(item.message.id);
			}
		}
		this.hasMoreBefore = true;
		return true;
	}
}

/**
 * What a window keeps of its conversations between sessions (Reload Window, a restart), so
 * that offline the panel still lists them with their topics and latest messages, and the
 * next connect catches up after the newest one kept. Bounded: a few dozen messages per
 * conversation and a size cap for the whole. Pure data; the extension decides where it lives.
 */
import { channelProblem, isChannelTarget, nickKey, nickProblem, normalizeChannel } from '../../protocol/names';
import * as s from '../../protocol/shapes';
import { messageShape, type Message } from '../../protocol/types';
import type { ConversationStore } from './conversationStore';
import type { OutboxEntry } from './outbox';

export interface CachedConversation {
	id: string;
	kind: 'channel' | 'dm';
	/** `#channel`, or the nick as its owner types it. */
	name: string;
	topic?: string;
	/** Channels: still a member, so it is rejoined on connect. */
	joined: boolean;
	/** Older messages than the cached ones exist (on the server). */
	hasMoreBefore: boolean;
	/** The latest messages, oldest first. */
	messages: Message[];
}

export interface ConversationCache {
	/** 1: this layout. */
	v: number;
	/** Whose conversations these are (DMs are filed by the other party's nick). */
	nick: string;
	conversations: CachedConversation[];
}

/** A message typed but not yet stored by the server, kept so that a reload does not lose it. */
export type CachedOutboxEntry = Pick<OutboxEntry, 'clientMsgId' | 'conversation' | 'to' | 'text'>;

export const CACHE_LIMITS = {
	conversations: 100,
	messagesPerConversation: 50,
	/** Characters of JSON for the whole cache. */
	chars: 256_000,
	outboxEntries: 200,
} as const;

const cachedConversationShape = s.object<CachedConversation>({
	id: s.string(64),
	kind: s.literal('channel', 'dm'),
	name: s.string(64),
	topic: s.optional(s.string(4096)),
	joined: s.boolean,
	hasMoreBefore: s.boolean,
	messages: s.array(messageShape, CACHE_LIMITS.messagesPerConversation),
});

const cacheShape = s.object<ConversationCache>({
	v: s.integer,
	nick: s.string(64),
	conversations: s.array(cachedConversationShape, CACHE_LIMITS.conversations),
});

const outboxShape = s.array(s.object<CachedOutboxEntry>({ clientMsgId: s.string(64), conversation: s.string(64), to: s.string(64), text: s.string() }), CACHE_LIMITS.outboxEntries);

/** The cache of `store` as `nick` sees it, within CACHE_LIMITS. */
export function snapshotCache(store: ConversationStore, nick: string): ConversationCache {
	const kept = store.list()
		.filter((c) => c.kind === 'dm' || c.joined)
		.sort((a, b) => b.lastSeenId - a.lastSeenId)
		.slice(0, CACHE_LIMITS.conversations);
	const conversations = kept.map((c): CachedConversation => {
		const all = c.messages();
		const messages = all.slice(-CACHE_LIMITS.messagesPerConversation);
		return {
			id: c.id,
			kind: c.kind,
			name: c.name,
			...(c.topic ? { topic: c.topic } : {}),
			joined: c.joined,
			hasMoreBefore: c.hasMoreBefore || !c.loaded || messages.length < all.length,
			messages,
		};
	});
	const sizes = conversations.map((c) => JSON.stringify(c).length);
	let total = sizes.reduce((sum, n) => sum + n, 0);
	// Over budget: drop the oldest messages of the largest conversation until it fits.
	while (total > CACHE_LIMITS.chars) {
		const largest = sizes.indexOf(Math.max(...sizes));
		const c = conversations[largest];
		if (c.messages.length === 0) {
			break;
		}
		c.messages = c.messages.slice(Math.ceil(c.messages.length / 4));
		c.hasMoreBefore = true;
		const size = JSON.stringify(c).length;
		total += size - sizes[largest];
		sizes[largest] = size;
	}
	return { v: 1, nick, conversations };
}

/** A cache read back from storage (any version, any content), or undefined when it is not one. */
export function parseCache(value: unknown): ConversationCache | undefined {
	if (!s.isShape(value, cacheShape) || value.v !== 1 || nickProblem(value.nick)) {
		return undefined;
	}
	const conversations = value.conversations.filter((c) => {
		const valid = c.kind === 'channel'
			? channelProblem(c.name) === undefined && c.id === normalizeChannel(c.name)
			: nickProblem(c.name) === undefined && c.id === nickKey(c.name);
		// Every message must belong here: the channel's, or one between the user and the other nick.
		return valid && c.messages.every((m) => (c.kind === 'channel' ? normalizeChannel(m.to) === c.id : !isChannelTarget(m.to) && [nickKey(m.from), nickKey(m.to)].includes(c.id)));
	});
	return { ...value, conversations };
}

/** Puts a cache's conversations into `store` (those it does not have yet). */
export function restoreCache(store: ConversationStore, cache: ConversationCache): void {
	store.setSelf(cache.nick);
	store.restore(cache.conversations);
}

export function snapshotOutbox(entries: readonly OutboxEntry[]): CachedOutboxEntry[] {
	return entries.slice(0, CACHE_LIMITS.outboxEntries).map(({ clientMsgId, conversation, to, text }) => ({ clientMsgId, conversation, to, text }));
}

export function parseOutbox(value: unknown): CachedOutboxEntry[] {
	return s.isShape(value, outboxShape) ? value : [];
}

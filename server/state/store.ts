/**
 * Where channels, history and accounts live. Every message is stored before its sender is
 * answered. SQLite is the embedded default; memory is for `--memory` and tests.
 */
import type { Message } from '../../protocol/types';

/**
 * The storage could not be reached (a database server that went away): nothing was
 * stored or changed, and the same call may succeed later. Callers answer "try again".
 */
export class StorageUnavailableError extends Error {}

export interface ChannelRecord {
	name: string;
	topic?: string;
	createdAt: number;
	/** Invisible to non-members, joined only by invitation. */
	private: boolean;
	/** Only the owner and ops may set the topic. */
	topicProtected: boolean;
}

export interface NewChannel {
	name: string;
	private: boolean;
	topicProtected: boolean;
	/** Empty or absent: no topic. */
	topic?: string;
}

export interface MessageDraft {
	ts: number;
	from: string;
	to: string;
	/** Channel name, or the DM key from `dmConversation`. */
	conversation: string;
	text: string;
	clientMsgId?: string;
	/** A reply: its thread's root (the store counts it on the root). */
	replyTo?: number;
	/** A reply that is also in the conversation's history. */
	alsoToChannel?: boolean;
	/** A notice (IRC NOTICE): stored with the message, shown as `notice: true`. */
	notice?: boolean;
}

export interface AppendResult {
	message: Message;
	/** True when (sender, clientMsgId) was stored before: `message` is that earlier one. */
	duplicate: boolean;
	/**
	 * The id of the message stored just before this one in its conversation, thread replies
	 * included (0: none), known from the append itself; absent for a duplicate. A cluster
	 * delivers a conversation's messages in this chain's order on every node.
	 */
	previousId?: number;
}

export interface PageQuery {
	before?: number;
	after?: number;
	limit: number;
}

export interface Page {
	/** Each with its `clientMsgId` when it has one: callers strip it for other users. */
	messages: Message[];
	hasMore: boolean;
}

/** A full-text search (see `MessageStore.search`). */
export interface SearchQuery {
	/** Normalized words (`searchWords`): each must start a word of the text. At least one. */
	words: string[];
	/** Only these conversations (channel names and DM keys). */
	conversations: readonly string[];
	/** Only messages by this sender (a nick key). */
	fromKey?: string;
	/** Only ids smaller than this. */
	before?: number;
	limit: number;
}

/**
 * The words of a text as search sees them: runs of letters and digits, lower case, accents
 * removed (the rule of SQLite's `unicode61 remove_diacritics 2` tokenizer, close enough
 * for the scripts people write in).
 */
export function searchWords(text: string): string[] {
	return text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** What a reader has not read in one conversation (see `MessageStore.unread`). */
export interface UnreadSummary {
	/** Messages after the marker not sent by the reader, counted up to the cap. */
	count: number;
	/** Texts of those counted that contain the needle, ignoring ASCII case. */
	candidates: string[];
}

/** A DM conversation seen from one of its two parties. */
export interface DirectConversation {
	/** The other party's nick, as it was written in their first message together. */
	peer: string;
	/** Its key (`dmConversation`). */
	conversation: string;
}

export interface ChannelStore {
	listChannels(): Promise<ChannelRecord[]>;
	getChannel(name: string): Promise<ChannelRecord | undefined>;
	/** Creates a public, unprotected channel unless it exists (`--channels`); returns the record either way. */
	ensureChannel(name: string): Promise<ChannelRecord>;
	/** Creates the channel; undefined (and no change) when the name is taken. */
	createChannel(channel: NewChannel): Promise<ChannelRecord | undefined>;
	setTopic(name: string, topic: string): Promise<void>;
	setTopicProtected(name: string, on: boolean): Promise<void>;
}

/** A message with the conversation it belongs to. */
export interface StoredMessage {
	/** With its `clientMsgId`, `editedTs` and `deleted` when it has them. */
	message: Message;
	conversation: string;
}

export interface MessageStore {
	/** Resolves once the message is durable (committed). */
	append(draft: MessageDraft): Promise<AppendResult>;
	/** The message with this id, deleted or not; undefined when there is none. */
	getMessage(id: number): Promise<StoredMessage | undefined>;
	/** Replaces the text of a message and sets its `editedTs`; resolves once durable. */
	edit(id: number, text: string, editedTs: number): Promise<void>;
	/** Marks a message deleted and forgets its text; resolves once durable. */
	remove(id: number): Promise<void>;
	/** The conversation's history: no replies but those sent also to the channel. */
	page(conversation: string, query: PageQuery): Promise<Page>;
	/** The replies to a thread root, paged as `page`. */
	thread(rootId: number, query: PageQuery): Promise<Page>;
	/** The committed message `from` sent with this client id, if any. */
	findSent(from: string, clientMsgId: string): Promise<Message | undefined>;
	/** The id of the newest message of the conversation's history (as `page`); 0 when it has none. */
	latestId(conversation: string): Promise<number>;
	/**
	 * The id of the newest message of the conversation, thread replies included (the
	 * `previousId` the next append would get); 0 when it has none.
	 */
	headId(conversation: string): Promise<number>;
	/**
	 * Every message of the conversation after `afterId`, thread replies included (what its
	 * members were sent live), oldest first, at most `limit`; `hasMore` when more follow.
	 */
	allAfter(conversation: string, afterId: number, limit: number): Promise<Page>;
	/**
	 * The messages after `afterId` not sent by `readerKey` (a nick key), at most `cap` of them,
	 * oldest first: how many, and the texts of those that contain `needle` (a cheap filter
	 * before the exact mention rule). Reads at most `cap` messages however long the history.
	 */
	unread(conversation: string, afterId: number, readerKey: string, needle: string | undefined, cap: number): Promise<UnreadSummary>;
	/**
	 * Messages whose words start with every query word (any order), newest first, never
	 * deleted ones; `hasMore` when older matches exist.
	 */
	search(query: SearchQuery): Promise<Page>;
	/** Every DM conversation the nick has a message in (as sender or recipient). */
	directConversations(nick: string): Promise<DirectConversation[]>;
	/** Commits anything pending and releases the storage. */
	close(): Promise<void>;
}

/** Registered nicks and their password hashes (keyed by nick, ignoring case). */
export interface AccountStore {
	getPasswordHash(nick: string): Promise<string | undefined>;
	setPasswordHash(nick: string, hash: string): Promise<void>;
	/** The nick as the account writes it, when the nick is registered. */
	accountNick(nick: string): Promise<string | undefined>;
	/** A change of case of a registered nick. */
	setAccountNick(nick: string): Promise<void>;
}

export type Store = ChannelStore & MessageStore & AccountStore;

/** A new message as the store answers it (no client id: the caller adds it for its sender). */
export function newMessage(id: number, draft: MessageDraft): Message {
	const message: Message = { id, ts: draft.ts, from: draft.from, to: draft.to, text: draft.text };
	if (draft.replyTo !== undefined) {
		message.replyTo = draft.replyTo;
		if (draft.alsoToChannel) {
			message.alsoToChannel = true;
		}
	}
	if (draft.notice) {
		message.notice = true;
	}
	return message;
}

/** The conversation key of a DM: both nicks, lower case, sorted. */
export function dmConversation(a: string, b: string): string {
	const [x, y] = [a.toLowerCase(), b.toLowerCase()].sort();
	return `@${x} ${y}`;
}

/** Whether a conversation key is a DM's (channels start with '#'). */
export function isDmConversation(conversation: string): boolean {
	return conversation.startsWith('@');
}

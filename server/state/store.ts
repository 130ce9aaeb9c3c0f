/**
 * Where channels and history live. Every message is stored before its sender is
 * answered. SQLite is the embedded default; memory is for `--memory` and tests.
 */
import type { Message } from '../../protocol/types';

export interface ChannelRecord {
	name: string;
	topic?: string;
	createdAt: number;
}

export interface MessageDraft {
	ts: number;
	from: string;
	to: string;
	/** Channel name, or the DM key from `dmConversation`. */
	conversation: string;
	text: string;
	clientMsgId?: string;
}

export interface AppendResult {
	message: Message;
	/** True when (sender, clientMsgId) was stored before: `message` is that earlier one. */
	duplicate: boolean;
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

export interface ChannelStore {
	listChannels(): Promise<ChannelRecord[]>;
	getChannel(name: string): Promise<ChannelRecord | undefined>;
	/** Creates the channel unless it exists; returns the record either way. */
	ensureChannel(name: string): Promise<ChannelRecord>;
	setTopic(name: string, topic: string): Promise<void>;
}

export interface MessageStore {
	/** Resolves once the message is durable (committed). */
	append(draft: MessageDraft): Promise<AppendResult>;
	page(conversation: string, query: PageQuery): Promise<Page>;
	/** The committed message `from` sent with this client id, if any. */
	findSent(from: string, clientMsgId: string): Promise<Message | undefined>;
	/** Commits anything pending and releases the storage. */
	close(): Promise<void>;
}

/** Registered nicks and their password hashes (keyed by nick, ignoring case). */
export interface AccountStore {
	getPasswordHash(nick: string): Promise<string | undefined>;
	setPasswordHash(nick: string, hash: string): Promise<void>;
}

export type Store = ChannelStore & MessageStore & AccountStore;

/** The conversation key of a DM: both nicks, lower case, sorted. */
export function dmConversation(a: string, b: string): string {
	const [x, y] = [a.toLowerCase(), b.toLowerCase()].sort();
	return `@${x} ${y}`;
}

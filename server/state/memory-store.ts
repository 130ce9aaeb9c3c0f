/** Store kept in memory only (`--memory`): same contract as SQLite, lost on exit. */
import type { Message } from '../../protocol/types';
import {
	isDmConversation,
	type AppendResult, type ChannelRecord, type DirectConversation, type MessageDraft, type NewChannel, type Page, type PageQuery,
	newMessage, searchWords, type SearchQuery, type Store, type StoredMessage, type UnreadSummary,
} from './store';

/** Index of the first message with id > `id` (messages are sorted by id). */
function firstAfter(messages: Message[], id: number): number {
	let lo = 0;
	let hi = messages.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (messages[mid].id <= id) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo;
}

function pageOf(list: Message[], query: PageQuery): Page {
	const low = query.after === undefined ? 0 : firstAfter(list, query.after);
	const high = query.before === undefined ? list.length : firstAfter(list, query.before - 1);
	if (query.after !== undefined && query.before === undefined) {
		const end = Math.min(high, low + query.limit);
		return { messages: list.slice(low, end), hasMore: end < high };
	}
	const start = Math.max(low, high - query.limit);
	return { messages: list.slice(start, high), hasMore: start > low };
}

function listOf<K>(lists: Map<K, Message[]>, key: K): Message[] {
	let list = lists.get(key);
	if (!list) {
		list = [];
		lists.set(key, list);
	}
	return list;
}

/** Puts `message` in place of the one with its id, if the sorted list holds it. */
function replaceIn(list: Message[] | undefined, message: Message): void {
	const index = list === undefined ? -1 : firstAfter(list, message.id - 1);
	if (list !== undefined && list[index]?.id === message.id) {
		list[index] = message;
	}
}

function matches(text: string, words: string[]): boolean {
	const own = searchWords(text);
	return words.every((w) => own.some((o) => o.startsWith(w)));
}

function withoutClientId(m: Message): Message {
	const { clientMsgId: _, ...rest } = m;
	return rest;
}

export class MemoryStore implements Store {
	private nextId = 1;
	/** Each conversation's history (no replies but those also to the channel), by id. */
	private readonly conversations = new Map<string, Message[]>();
	/** Each conversation's every message (thread replies included), by id. */
	private readonly everything = new Map<string, Message[]>();
	/** Each thread's replies, by root id. */
	private readonly threads = new Map<number, Message[]>();
	/** `senderKey\0clientMsgId` -> message id */
	private readonly byClientId = new Map<string, number>();
	/** id -> the message as stored (with its client id) and its conversation */
	private readonly byId = new Map<number, StoredMessage>();
	private readonly channels = new Map<string, ChannelRecord>();
	private readonly accounts = new Map<string, { nick: string; hash: string }>();
	/** nickKey -> peerKey -> the DM seen from that nick */
	private readonly directs = new Map<string, Map<string, DirectConversation>>();

	async getPasswordHash(nick: string): Promise<string | undefined> {
		return this.accounts.get(nick.toLowerCase())?.hash;
	}

	async setPasswordHash(nick: string, hash: string): Promise<void> {
		this.accounts.set(nick.toLowerCase(), { nick, hash });
	}

	async accountNick(nick: string): Promise<string | undefined> {
		return this.accounts.get(nick.toLowerCase())?.nick;
	}

	async setAccountNick(nick: string): Promise<void> {
		const account = this.accounts.get(nick.toLowerCase());
		if (account) {
			account.nick = nick;
		}
	}

	async append(draft: MessageDraft): Promise<AppendResult> {
		const clientKey = draft.clientMsgId === undefined ? undefined : draft.from.toLowerCase() + '\0' + draft.clientMsgId;
		const earlierId = clientKey === undefined ? undefined : this.byClientId.get(clientKey);
		if (earlierId !== undefined) {
			return { message: withoutClientId(this.byId.get(earlierId)!.message), duplicate: true };
		}
		const message = newMessage(this.nextId++, draft);
		const stored: Message = clientKey === undefined ? message : { ...message, clientMsgId: draft.clientMsgId };
		const all = listOf(this.everything, draft.conversation);
		const previousId = all.at(-1)?.id ?? 0;
		all.push(stored);
		if (draft.replyTo === undefined || draft.alsoToChannel) {
			listOf(this.conversations, draft.conversation).push(stored);
		}
		if (draft.replyTo !== undefined) {
			listOf(this.threads, draft.replyTo).push(stored);
			this.replace(draft.replyTo, (root) => ({ ...root, replyCount: (root.replyCount ?? 0) + 1, lastReplyTs: draft.ts }));
		}
		this.byId.set(message.id, { message: stored, conversation: draft.conversation });
		if (clientKey !== undefined) {
			this.byClientId.set(clientKey, message.id);
		}
		if (isDmConversation(draft.conversation)) {
			this.indexDm(draft.from, draft.to, draft.conversation);
			this.indexDm(draft.to, draft.from, draft.conversation);
		}
		return { message, duplicate: false, previousId };
	}

	private indexDm(nick: string, peer: string, conversation: string): void {
		let peers = this.directs.get(nick.toLowerCase());
		if (!peers) {
			peers = new Map();
			this.directs.set(nick.toLowerCase(), peers);
		}
		if (!peers.has(peer.toLowerCase())) {
			peers.set(peer.toLowerCase(), { peer, conversation });
		}
	}

	async page(conversation: string, query: PageQuery): Promise<Page> {
		return pageOf(this.conversations.get(conversation) ?? [], query);
	}

	async thread(rootId: number, query: PageQuery): Promise<Page> {
		return pageOf(this.threads.get(rootId) ?? [], query);
	}

	async findSent(from: string, clientMsgId: string): Promise<Message | undefined> {
		const id = this.byClientId.get(from.toLowerCase() + '\0' + clientMsgId);
		return id === undefined ? undefined : withoutClientId(this.byId.get(id)!.message);
	}

	async getMessage(id: number): Promise<StoredMessage | undefined> {
		const stored = this.byId.get(id);
		return stored && { message: { ...stored.message }, conversation: stored.conversation };
	}

	async edit(id: number, text: string, editedTs: number): Promise<void> {
		this.replace(id, (m) => (m.deleted ? m : { ...m, text, editedTs }));
	}

	async remove(id: number): Promise<void> {
		this.replace(id, (m) => {
			const { id: _, ts, from, to, clientMsgId, replyTo, alsoToChannel, replyCount, lastReplyTs } = m;
			const gone: Message = { id, ts, from, to, text: '', deleted: true };
			// A deleted message keeps its place in threads: a root its counters, a reply its root.
			Object.assign(gone, replyTo === undefined ? {} : alsoToChannel ? { replyTo, alsoToChannel } : { replyTo });
			Object.assign(gone, replyCount === undefined ? {} : { replyCount, lastReplyTs });
			return clientMsgId === undefined ? gone : { ...gone, clientMsgId };
		});
	}

	/** Messages are never changed in place: pages already handed out keep what they had. */
	private replace(id: number, change: (m: Message) => Message): void {
		const stored = this.byId.get(id);
		if (!stored) {
			return;
		}
		stored.message = change(stored.message);
		replaceIn(this.conversations.get(stored.conversation), stored.message);
		replaceIn(this.everything.get(stored.conversation), stored.message);
		if (stored.message.replyTo !== undefined) {
			replaceIn(this.threads.get(stored.message.replyTo), stored.message);
		}
	}

	async latestId(conversation: string): Promise<number> {
		return this.conversations.get(conversation)?.at(-1)?.id ?? 0;
	}

	async headId(conversation: string): Promise<number> {
		return this.everything.get(conversation)?.at(-1)?.id ?? 0;
	}

	async allAfter(conversation: string, afterId: number, limit: number): Promise<Page> {
		return pageOf(this.everything.get(conversation) ?? [], { after: afterId, limit });
	}

	async unread(conversation: string, afterId: number, readerKey: string, needle: string | undefined, cap: number): Promise<UnreadSummary> {
		const list = this.conversations.get(conversation) ?? [];
		const lowerNeedle = needle?.toLowerCase();
		let count = 0;
		const candidates: string[] = [];
		for (let i = firstAfter(list, afterId); i < list.length && count < cap; i++) {
			if (list[i].from.toLowerCase() !== readerKey) {
				count++;
				if (lowerNeedle !== undefined && list[i].text.toLowerCase().includes(lowerNeedle)) {
					candidates.push(list[i].text);
				}
			}
		}
		return { count, candidates };
	}

	/** A scan of every message, replies in threads too: fine for tests and small `--memory` servers. */
	async search(query: SearchQuery): Promise<Page> {
		const conversations = new Set(query.conversations);
		const found: Message[] = [];
		for (const { message: m, conversation } of this.byId.values()) {
			if (m.id < (query.before ?? Infinity) && conversations.has(conversation) && !m.deleted
				&& (query.fromKey === undefined || m.from.toLowerCase() === query.fromKey) && matches(m.text, query.words)) {
				found.push(m);
			}
		}
		found.reverse();
		return { messages: found.slice(0, query.limit), hasMore: found.length > query.limit };
	}

	async directConversations(nick: string): Promise<DirectConversation[]> {
		const peers = this.directs.get(nick.toLowerCase()) ?? new Map<string, DirectConversation>();
		return [...peers].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, dm]) => ({ ...dm }));
	}

	async listChannels(): Promise<ChannelRecord[]> {
		return [...this.channels.values()].sort((a, b) => a.name.localeCompare(b.name));
	}

	async getChannel(name: string): Promise<ChannelRecord | undefined> {
		return this.channels.get(name);
	}

	async ensureChannel(name: string): Promise<ChannelRecord> {
		return this.channels.get(name) ?? (await this.createChannel({ name, private: false, topicProtected: false }))!;
	}

	async createChannel(channel: NewChannel): Promise<ChannelRecord | undefined> {
		if (this.channels.has(channel.name)) {
			return undefined;
		}
		const record: ChannelRecord = { name: channel.name, createdAt: Date.now(), private: channel.private, topicProtected: channel.topicProtected };
		if (channel.topic !== undefined && channel.topic !== '') {
			record.topic = channel.topic;
		}
		this.channels.set(channel.name, record);
		return record;
	}

	async setTopicProtected(name: string, on: boolean): Promise<void> {
		const record = this.channels.get(name);
		if (record) {
			record.topicProtected = on;
		}
	}

	async setTopic(name: string, topic: string): Promise<void> {
		const record = this.channels.get(name);
		if (record) {
			if (topic === '') {
				delete record.topic;
			} else {
				record.topic = topic;
			}
		}
	}

	async close(): Promise<void> {
		// Nothing to release.
	}
}

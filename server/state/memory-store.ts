/** Store kept in memory only (`--memory`): same contract as SQLite, lost on exit. */
import type { Message } from '../../protocol/types';
import type { AppendResult, ChannelRecord, MessageDraft, Page, PageQuery, Store } from './store';

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

export class MemoryStore implements Store {
	private nextId = 1;
	private readonly conversations = new Map<string, Message[]>();
	private readonly byClientId = new Map<string, Message>();
	private readonly channels = new Map<string, ChannelRecord>();
	private readonly accounts = new Map<string, string>();

	async getPasswordHash(nick: string): Promise<string | undefined> {
		return this.accounts.get(nick.toLowerCase());
	}

	async setPasswordHash(nick: string, hash: string): Promise<void> {
		this.accounts.set(nick.toLowerCase(), hash);
	}

	async append(draft: MessageDraft): Promise<AppendResult> {
		const clientKey = draft.clientMsgId === undefined ? undefined : draft.from.toLowerCase() + '\0' + draft.clientMsgId;
		const earlier = clientKey === undefined ? undefined : this.byClientId.get(clientKey);
		if (earlier) {
			return { message: earlier, duplicate: true };
		}
		const message: Message = { id: this.nextId++, ts: draft.ts, from: draft.from, to: draft.to, text: draft.text };
		const stored: Message = clientKey === undefined ? message : { ...message, clientMsgId: draft.clientMsgId };
		let list = this.conversations.get(draft.conversation);
		if (!list) {
			list = [];
			this.conversations.set(draft.conversation, list);
		}
		list.push(stored);
		if (clientKey !== undefined) {
			this.byClientId.set(clientKey, message);
		}
		return { message, duplicate: false };
	}

	async page(conversation: string, query: PageQuery): Promise<Page> {
		const list = this.conversations.get(conversation) ?? [];
		const low = query.after === undefined ? 0 : firstAfter(list, query.after);
		const high = query.before === undefined ? list.length : firstAfter(list, query.before - 1);
		if (query.after !== undefined && query.before === undefined) {
			const end = Math.min(high, low + query.limit);
			return { messages: list.slice(low, end), hasMore: end < high };
		}
		const start = Math.max(low, high - query.limit);
		return { messages: list.slice(start, high), hasMore: start > low };
	}

	async findSent(from: string, clientMsgId: string): Promise<Message | undefined> {
		return this.byClientId.get(from.toLowerCase() + '\0' + clientMsgId);
	}

	async listChannels(): Promise<ChannelRecord[]> {
		return [...this.channels.values()].sort((a, b) => a.name.localeCompare(b.name));
	}

	async getChannel(name: string): Promise<ChannelRecord | undefined> {
		return this.channels.get(name);
	}

	async ensureChannel(name: string): Promise<ChannelRecord> {
		let record = this.channels.get(name);
		if (!record) {
			record = { name, createdAt: Date.now() };
			this.channels.set(name, record);
		}
		return record;
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

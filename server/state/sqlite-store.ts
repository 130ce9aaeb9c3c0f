/**
 * SQLite store (better-sqlite3, WAL; the database and its schema in sqlite-schema.ts).
 * Appends are grouped into one transaction per event-loop turn; each append resolves
 * after its transaction commits, so an acknowledged message survives a crash of the
 * process. The search index follows appends a few ms later (sqlite-search.ts).
 */
import type Database from 'better-sqlite3';
import type { Message } from '../../protocol/types';
import { SqliteSearchIndex } from './sqlite-search';
import { MESSAGE_COLUMNS, ownRowMessage, rowMessage, type MessageRow } from './message-rows';
import {
	isDmConversation, newMessage,
	type AppendResult, type ChannelRecord, type DirectConversation, type MessageDraft, type NewChannel, type Page, type PageQuery,
	type SearchQuery, type Store, type StoredMessage, type UnreadSummary,
} from './store';


interface Pending {
	message: Message;
	conversation: string;
	senderKey: string;
	alsoToChannel: boolean;
	clientMsgId?: string;
	/** A retry of an append in the same batch: settled with it, not inserted again. */
	duplicate: boolean;
	/** The id before it in its conversation (not for a duplicate). */
	previousId?: number;
	resolve(result: AppendResult): void;
	reject(error: Error): void;
}


/** The conversation's history leaves out replies that stay in their thread. */
const MAIN_LINE = '(reply_to IS NULL OR also_to_channel = 1)';


export class SqliteStore implements Store {
	private nextId: number;
	private pending: Pending[] = [];
	/** Pending client ids by `senderKey\0clientMsgId`, for duplicates within one batch. */
	private pendingClientIds = new Map<string, Pending>();
	/** The newest id given in each conversation seen since start (pending appends included): this process is the only writer. */
	private readonly headIds = new Map<string, number>();
	private flushScheduled = false;
	private readonly statements;
	private readonly insertBatch: (batch: Pending[]) => void;
	/** Edits (a text) or deletes (undefined) a live message, with its index entry. */
	private readonly changeText: (id: number, text: string | undefined, editedTs: number) => void;
	/** DM pairs (`senderKey\0recipientKey`) known to be in the DM index. */
	private readonly indexedPairs = new Set<string>();

	private readonly searchIndex: SqliteSearchIndex;

	/**
	 * The caller owns `db` (opened by openDatabase) and closes it after `close()`.
	 * `searchIndex` false: messages are not indexed and search finds nothing (bench only).
	 */
	constructor(private readonly db: Database.Database, searchIndex = true) {
		this.searchIndex = new SqliteSearchIndex(db, searchIndex);
		this.statements = {
			insert: this.db.prepare('INSERT INTO messages (id, ts, conversation, sender, sender_key, recipient, text, client_msg_id, reply_to, also_to_channel, notice) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
			countReply: this.db.prepare('UPDATE messages SET reply_count = reply_count + 1, last_reply_ts = ? WHERE id = ?'),
			byClientId: this.db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE sender_key = ? AND client_msg_id = ?`),
			latest: this.db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation = ? AND ${MAIN_LINE} ORDER BY id DESC LIMIT ?`),
			before: this.db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation = ? AND id < ? AND id > ? AND ${MAIN_LINE} ORDER BY id DESC LIMIT ?`),
			after: this.db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation = ? AND id > ? AND ${MAIN_LINE} ORDER BY id ASC LIMIT ?`),
			threadLatest: this.db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE reply_to = ? ORDER BY id DESC LIMIT ?`),
			threadBefore: this.db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE reply_to = ? AND id < ? AND id > ? ORDER BY id DESC LIMIT ?`),
			threadAfter: this.db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE reply_to = ? AND id > ? ORDER BY id ASC LIMIT ?`),
			latestId: this.db.prepare(`SELECT MAX(id) AS max FROM messages WHERE conversation = ? AND ${MAIN_LINE}`),
			headId: this.db.prepare('SELECT MAX(id) AS max FROM messages WHERE conversation = ?'),
			allAfter: this.db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation = ? AND id > ? ORDER BY id ASC LIMIT ?`),
			unreadCount: this.db.prepare(`SELECT COUNT(*) AS n FROM (SELECT id FROM messages WHERE conversation = ? AND id > ? AND sender_key <> ? AND ${MAIN_LINE} ORDER BY id LIMIT ?)`),
			// One pass: each unread message, with its text only when it holds the needle.
			unreadMatching: this.db.prepare(`SELECT CASE WHEN text LIKE ? ESCAPE '\\' THEN text END FROM messages WHERE conversation = ? AND id > ? AND sender_key <> ? AND ${MAIN_LINE} ORDER BY id LIMIT ?`).raw(),
			byId: this.db.prepare(`SELECT ${MESSAGE_COLUMNS}, conversation FROM messages WHERE id = ?`),
			edit: this.db.prepare('UPDATE messages SET text = ?, edited_ts = ? WHERE id = ? AND deleted = 0'),
			remove: this.db.prepare(`UPDATE messages SET text = '', edited_ts = NULL, deleted = 1 WHERE id = ?`),
			liveText: this.db.prepare('SELECT text FROM messages WHERE id = ? AND deleted = 0'),
			// The index yields matches newest first and stops at the limit; the filters are by primary key.
			search: this.db.prepare(`SELECT ${MESSAGE_COLUMNS.split(', ').map((c) => 'm.' + c).join(', ')} FROM message_words f JOIN messages m ON m.id = f.rowid
				WHERE message_words MATCH ? AND f.rowid < ? AND m.conversation IN (SELECT value FROM json_each(?)) AND (? IS NULL OR m.sender_key = ?)
				ORDER BY f.rowid DESC LIMIT ?`),
			indexDm: this.db.prepare('INSERT OR IGNORE INTO direct_conversations (nick_key, peer_key, peer, conversation) VALUES (?, ?, ?, ?)'),
			directConversations: this.db.prepare('SELECT peer, conversation FROM direct_conversations WHERE nick_key = ? ORDER BY peer_key'),
			channels: this.db.prepare(`SELECT ${CHANNEL_COLUMNS} FROM channels ORDER BY name`),
			channel: this.db.prepare(`SELECT ${CHANNEL_COLUMNS} FROM channels WHERE name = ?`),
			ensureChannel: this.db.prepare('INSERT OR IGNORE INTO channels (name, topic, created_at) VALUES (?, NULL, ?)'),
			createChannel: this.db.prepare('INSERT OR IGNORE INTO channels (name, topic, created_at, private, topic_protected) VALUES (?, ?, ?, ?, ?)'),
			setTopic: this.db.prepare('UPDATE channels SET topic = ? WHERE name = ?'),
			setTopicProtected: this.db.prepare('UPDATE channels SET topic_protected = ? WHERE name = ?'),
			account: this.db.prepare('SELECT nick, password_hash FROM accounts WHERE nick_key = ?'),
			saveAccount: this.db.prepare('INSERT INTO accounts (nick_key, nick, password_hash, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (nick_key) DO UPDATE SET nick = excluded.nick, password_hash = excluded.password_hash, updated_at = excluded.updated_at'),
			renameAccount: this.db.prepare('UPDATE accounts SET nick = ?, updated_at = ? WHERE nick_key = ?'),
		};
		const { insert, indexDm, countReply } = this.statements;
		// Made once: each transaction function better-sqlite3 makes defines four wrappers.
		this.insertBatch = this.db.transaction((batch: Pending[]) => {
			for (const entry of batch) {
				if (!entry.duplicate) {
					const m = entry.message;
					insert.run(m.id, m.ts, entry.conversation, m.from, entry.senderKey, m.to, m.text, entry.clientMsgId ?? null, m.replyTo ?? null, entry.alsoToChannel ? 1 : 0, m.notice ? 1 : 0);
					if (m.replyTo !== undefined) {
						countReply.run(m.ts, m.replyTo);
					}
					if (isDmConversation(entry.conversation)) {
						const recipientKey = m.to.toLowerCase();
						const pair = entry.senderKey + '\0' + recipientKey;
						if (!this.indexedPairs.has(pair)) {
							indexDm.run(entry.senderKey, recipientKey, m.to, entry.conversation);
							indexDm.run(recipientKey, entry.senderKey, m.from, entry.conversation);
							this.indexedPairs.add(pair);
						}
					}
				}
			}
		});
		this.changeText = this.db.transaction((id: number, text: string | undefined, editedTs: number) => {
			const old = this.statements.liveText.get(id) as { text: string } | undefined;
			if (old === undefined) {
				return;
			}
			if (text === undefined) {
				this.statements.remove.run(id);
			} else {
				this.statements.edit.run(text, editedTs, id);
			}
			this.searchIndex.changed(id, text);
		});
		const max = this.db.prepare('SELECT MAX(id) AS max FROM messages').get() as { max: number | null };
		this.nextId = (max.max ?? 0) + 1;
	}

	append(draft: MessageDraft): Promise<AppendResult> {
		const senderKey = draft.from.toLowerCase();
		const clientKey = draft.clientMsgId === undefined ? undefined : senderKey + '\0' + draft.clientMsgId;
		if (clientKey !== undefined) {
			const row = this.statements.byClientId.get(senderKey, draft.clientMsgId) as MessageRow | undefined;
			if (row) {
				return Promise.resolve({ message: rowMessage(row), duplicate: true });
			}
		}
		const twin = clientKey === undefined ? undefined : this.pendingClientIds.get(clientKey);
		const message: Message = twin ? twin.message : newMessage(this.nextId++, draft);
		let previousId: number | undefined;
		if (!twin) {
			previousId = this.headIds.get(draft.conversation) ?? this.storedHeadId(draft.conversation);
			this.headIds.set(draft.conversation, message.id);
		}
		return new Promise((resolve, reject) => {
			const entry: Pending = { message, conversation: draft.conversation, senderKey, alsoToChannel: draft.alsoToChannel === true, clientMsgId: draft.clientMsgId, duplicate: twin !== undefined, previousId, resolve, reject };
			if (clientKey !== undefined && !twin) {
				this.pendingClientIds.set(clientKey, entry);
			}
			this.pending.push(entry);
			this.scheduleFlush();
		});
	}

	private scheduleFlush(): void {
		if (!this.flushScheduled) {
			this.flushScheduled = true;
			setImmediate(() => this.flush());
		}
	}

	/** Commits every pending append in one transaction and settles their promises. */
	private flush(): void {
		this.flushScheduled = false;
		const batch = this.pending;
		if (batch.length === 0) {
			return;
		}
		this.pending = [];
		this.pendingClientIds = new Map();
		try {
			this.insertBatch(batch);
		} catch (error) {
			for (const entry of batch) {
				// Its id was not stored: the next append reads the conversation's newest again.
				this.headIds.delete(entry.conversation);
				entry.reject(error instanceof Error ? error : new Error(String(error)));
			}
			return;
		}
		for (const entry of batch) {
			entry.resolve(entry.duplicate ? { message: entry.message, duplicate: true } : { message: entry.message, duplicate: false, previousId: entry.previousId });
		}
		this.searchIndex.appended();
	}

	async page(conversation: string, query: PageQuery): Promise<Page> {
		const { latest, before, after } = this.statements;
		return pageOf({ latest, before, after }, conversation, query);
	}

	async thread(rootId: number, query: PageQuery): Promise<Page> {
		const { threadLatest, threadBefore, threadAfter } = this.statements;
		return pageOf({ latest: threadLatest, before: threadBefore, after: threadAfter }, rootId, query);
	}

	async findSent(from: string, clientMsgId: string): Promise<Message | undefined> {
		const row = this.statements.byClientId.get(from.toLowerCase(), clientMsgId) as MessageRow | undefined;
		return row ? rowMessage(row) : undefined;
	}

	async getMessage(id: number): Promise<StoredMessage | undefined> {
		const row = this.statements.byId.get(id) as (MessageRow & { conversation: string }) | undefined;
		return row && { message: ownRowMessage(row), conversation: row.conversation };
	}

	async edit(id: number, text: string, editedTs: number): Promise<void> {
		this.searchIndex.catchUp();
		this.changeText(id, text, editedTs);
	}

	async remove(id: number): Promise<void> {
		this.searchIndex.catchUp();
		this.changeText(id, undefined, 0);
	}

	async search(query: SearchQuery): Promise<Page> {
		this.searchIndex.catchUp();
		const match = this.searchIndex.matchExpression(query.words);
		if (match === undefined) {
			return { messages: [], hasMore: false };
		}
		const rows = this.statements.search.all(
			match, query.before ?? Number.MAX_SAFE_INTEGER, JSON.stringify(query.conversations), query.fromKey ?? null, query.fromKey ?? null, query.limit + 1,
		) as MessageRow[];
		return { messages: rows.slice(0, query.limit).map(ownRowMessage), hasMore: rows.length > query.limit };
	}

	async latestId(conversation: string): Promise<number> {
		return (this.statements.latestId.get(conversation) as { max: number | null }).max ?? 0;
	}

	private storedHeadId(conversation: string): number {
		return (this.statements.headId.get(conversation) as { max: number | null }).max ?? 0;
	}

	async headId(conversation: string): Promise<number> {
		return this.storedHeadId(conversation);
	}

	async allAfter(conversation: string, afterId: number, limit: number): Promise<Page> {
		const rows = this.statements.allAfter.all(conversation, afterId, limit + 1) as MessageRow[];
		return { messages: rows.slice(0, limit).map(ownRowMessage), hasMore: rows.length > limit };
	}

	async unread(conversation: string, afterId: number, readerKey: string, needle: string | undefined, cap: number): Promise<UnreadSummary> {
		if (needle === undefined) {
			return { count: (this.statements.unreadCount.get(conversation, afterId, readerKey, cap) as { n: number }).n, candidates: [] };
		}
		const pattern = `%${needle.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
		const rows = this.statements.unreadMatching.all(pattern, conversation, afterId, readerKey, cap) as [string | null][];
		const candidates: string[] = [];
		for (const [text] of rows) {
			if (text !== null) {
				candidates.push(text);
			}
		}
		return { count: rows.length, candidates };
	}

	async directConversations(nick: string): Promise<DirectConversation[]> {
		return this.statements.directConversations.all(nick.toLowerCase()) as DirectConversation[];
	}

	async listChannels(): Promise<ChannelRecord[]> {
		return (this.statements.channels.all() as ChannelRow[]).map(toChannel);
	}

	/**
	 * Read from the database every time, with no cache: looking up a channel that exists
	 * costs the same as one that does not, so timing tells an outsider nothing about
	 * private channels.
	 */
	async getChannel(name: string): Promise<ChannelRecord | undefined> {
		const row = this.statements.channel.get(name) as ChannelRow | undefined;
		return row && toChannel(row);
	}

	async ensureChannel(name: string): Promise<ChannelRecord> {
		this.statements.ensureChannel.run(name, Date.now());
		return (await this.getChannel(name))!;
	}

	async createChannel(channel: NewChannel): Promise<ChannelRecord | undefined> {
		const topic = channel.topic === undefined || channel.topic === '' ? null : channel.topic;
		const { changes } = this.statements.createChannel.run(channel.name, topic, Date.now(), channel.private ? 1 : 0, channel.topicProtected ? 1 : 0);
		return changes === 0 ? undefined : this.getChannel(channel.name);
	}

	async setTopic(name: string, topic: string): Promise<void> {
		this.statements.setTopic.run(topic === '' ? null : topic, name);
	}

	async setTopicProtected(name: string, on: boolean): Promise<void> {
		this.statements.setTopicProtected.run(on ? 1 : 0, name);
	}

	async getPasswordHash(nick: string): Promise<string | undefined> {
		return (this.statements.account.get(nick.toLowerCase()) as AccountRow | undefined)?.password_hash;
	}

	async setPasswordHash(nick: string, hash: string): Promise<void> {
		this.statements.saveAccount.run(nick.toLowerCase(), nick, hash, Date.now());
	}

	async accountNick(nick: string): Promise<string | undefined> {
		return (this.statements.account.get(nick.toLowerCase()) as AccountRow | undefined)?.nick;
	}

	async setAccountNick(nick: string): Promise<void> {
		this.statements.renameAccount.run(nick, Date.now(), nick.toLowerCase());
	}

	/** Commits what is pending; the database stays open for its owner to close. */
	async close(): Promise<void> {
		this.flush();
		this.searchIndex.close();
	}
}

interface PageStatements {
	latest: Database.Statement;
	before: Database.Statement;
	after: Database.Statement;
}

/** A page of the rows `key` selects (a conversation or a thread), as MessageStore.page describes. */
function pageOf(statements: PageStatements, key: string | number, query: PageQuery): Page {
	const take = query.limit + 1;
	let rows: MessageRow[];
	if (query.before !== undefined) {
		rows = (statements.before.all(key, query.before, query.after ?? 0, take) as MessageRow[]).reverse();
		const hasMore = rows.length > query.limit;
		return { messages: rows.slice(rows.length - Math.min(rows.length, query.limit)).map(ownRowMessage), hasMore };
	}
	if (query.after !== undefined) {
		rows = statements.after.all(key, query.after, take) as MessageRow[];
		return { messages: rows.slice(0, query.limit).map(ownRowMessage), hasMore: rows.length > query.limit };
	}
	rows = (statements.latest.all(key, take) as MessageRow[]).reverse();
	return { messages: rows.slice(rows.length - Math.min(rows.length, query.limit)).map(ownRowMessage), hasMore: rows.length > query.limit };
}

const CHANNEL_COLUMNS = 'name, topic, created_at, private, topic_protected';

interface ChannelRow {
	name: string;
	topic: string | null;
	created_at: number;
	private: number;
	topic_protected: number;
}

interface AccountRow {
	nick: string;
	password_hash: string;
}

function toChannel(row: ChannelRow): ChannelRecord {
	const record: ChannelRecord = { name: row.name, createdAt: row.created_at, private: row.private === 1, topicProtected: row.topic_protected === 1 };
	if (row.topic !== null) {
		record.topic = row.topic;
	}
	return record;
}

/**
 * SQLite store (better-sqlite3, WAL). Appends are grouped into one transaction per
 * event-loop turn; each append resolves after its transaction commits, so an
 * acknowledged message survives a crash of the process.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import type { Message } from '../../protocol/types';
import type { AppendResult, ChannelRecord, MessageDraft, Page, PageQuery, Store } from './store';

const SCHEMA_VERSION = 2;

interface Row {
	id: number;
	ts: number;
	sender: string;
	recipient: string;
	text: string;
	client_msg_id: string | null;
}

interface Pending {
	message: Message;
	conversation: string;
	senderKey: string;
	clientMsgId?: string;
	/** A retry of an append in the same batch: settled with it, not inserted again. */
	duplicate: boolean;
	resolve(result: AppendResult): void;
	reject(error: Error): void;
}

function toMessage(row: Row): Message {
	return { id: row.id, ts: row.ts, from: row.sender, to: row.recipient, text: row.text };
}

/** With the sender's client id: only for answers to that sender. */
function toOwnMessage(row: Row): Message {
	return row.client_msg_id === null ? toMessage(row) : { ...toMessage(row), clientMsgId: row.client_msg_id };
}

export class SqliteStore implements Store {
	private readonly db: Database.Database;
	private nextId: number;
	private pending: Pending[] = [];
	/** Pending client ids by `senderKey\0clientMsgId`, for duplicates within one batch. */
	private pendingClientIds = new Map<string, Pending>();
	private flushScheduled = false;
	private readonly statements;
	private readonly insertBatch: (batch: Pending[]) => void;
	/** Channel records read so far (this process is the database's only writer). */
	private readonly channelCache = new Map<string, ChannelRecord>();

	constructor(dataDir: string) {
		fs.mkdirSync(dataDir, { recursive: true });
		this.db = new Database(path.join(dataDir, 'parley.db'));
		this.db.pragma('journal_mode = WAL');
		// NORMAL in WAL mode: a commit survives a crash of this process (kill -9);
		// only an OS crash or power loss can lose the last transactions.
		this.db.pragma('synchronous = NORMAL');
		this.db.pragma('busy_timeout = 5000');
		this.migrate();
		this.statements = {
			insert: this.db.prepare('INSERT INTO messages (id, ts, conversation, sender, sender_key, recipient, text, client_msg_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
			byClientId: this.db.prepare('SELECT id, ts, sender, recipient, text, client_msg_id FROM messages WHERE sender_key = ? AND client_msg_id = ?'),
			latest: this.db.prepare('SELECT id, ts, sender, recipient, text, client_msg_id FROM messages WHERE conversation = ? ORDER BY id DESC LIMIT ?'),
			before: this.db.prepare('SELECT id, ts, sender, recipient, text, client_msg_id FROM messages WHERE conversation = ? AND id < ? AND id > ? ORDER BY id DESC LIMIT ?'),
			after: this.db.prepare('SELECT id, ts, sender, recipient, text, client_msg_id FROM messages WHERE conversation = ? AND id > ? ORDER BY id ASC LIMIT ?'),
			channels: this.db.prepare('SELECT name, topic, created_at FROM channels ORDER BY name'),
			channel: this.db.prepare('SELECT name, topic, created_at FROM channels WHERE name = ?'),
			ensureChannel: this.db.prepare('INSERT OR IGNORE INTO channels (name, topic, created_at) VALUES (?, NULL, ?)'),
			setTopic: this.db.prepare('UPDATE channels SET topic = ? WHERE name = ?'),
			account: this.db.prepare('SELECT password_hash FROM accounts WHERE nick_key = ?'),
			saveAccount: this.db.prepare('INSERT INTO accounts (nick_key, nick, password_hash, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (nick_key) DO UPDATE SET nick = excluded.nick, password_hash = excluded.password_hash, updated_at = excluded.updated_at'),
		};
		const insert = this.statements.insert;
		// Made once: each transaction function better-sqlite3 makes defines four wrappers.
		this.insertBatch = this.db.transaction((batch: Pending[]) => {
			for (const entry of batch) {
				if (!entry.duplicate) {
					const m = entry.message;
					insert.run(m.id, m.ts, entry.conversation, m.from, entry.senderKey, m.to, m.text, entry.clientMsgId ?? null);
				}
			}
		});
		const max = this.db.prepare('SELECT MAX(id) AS max FROM messages').get() as { max: number | null };
		this.nextId = (max.max ?? 0) + 1;
	}

	private migrate(): void {
		const version = this.db.pragma('user_version', { simple: true }) as number;
		if (version > SCHEMA_VERSION) {
			throw new Error(`The database was written by a newer Parley (schema ${version}); upgrade the server or use another --data directory.`);
		}
		if (version < 1) {
			this.db.exec(`
				CREATE TABLE IF NOT EXISTS messages (
					id INTEGER PRIMARY KEY,
					ts INTEGER NOT NULL,
					conversation TEXT NOT NULL,
					sender TEXT NOT NULL,
					sender_key TEXT NOT NULL,
					recipient TEXT NOT NULL,
					text TEXT NOT NULL,
					client_msg_id TEXT
				);
				CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages (conversation, id);
				CREATE UNIQUE INDEX IF NOT EXISTS messages_by_client_id ON messages (sender_key, client_msg_id) WHERE client_msg_id IS NOT NULL;
				CREATE TABLE IF NOT EXISTS channels (
					name TEXT PRIMARY KEY,
					topic TEXT,
					created_at INTEGER NOT NULL
				);
				PRAGMA user_version = 1;
			`);
		}
		if (version < 2) {
			this.db.exec(`
				CREATE TABLE IF NOT EXISTS accounts (
					nick_key TEXT PRIMARY KEY,
					nick TEXT NOT NULL,
					password_hash TEXT NOT NULL,
					updated_at INTEGER NOT NULL
				);
				PRAGMA user_version = 2;
			`);
		}
	}

	append(draft: MessageDraft): Promise<AppendResult> {
		const senderKey = draft.from.toLowerCase();
		const clientKey = draft.clientMsgId === undefined ? undefined : senderKey + '\0' + draft.clientMsgId;
		if (clientKey !== undefined) {
			const row = this.statements.byClientId.get(senderKey, draft.clientMsgId) as Row | undefined;
			if (row) {
				return Promise.resolve({ message: toMessage(row), duplicate: true });
			}
		}
		const twin = clientKey === undefined ? undefined : this.pendingClientIds.get(clientKey);
		const message: Message = twin ? twin.message : { id: this.nextId++, ts: draft.ts, from: draft.from, to: draft.to, text: draft.text };
		return new Promise((resolve, reject) => {
			const entry: Pending = { message, conversation: draft.conversation, senderKey, clientMsgId: draft.clientMsgId, duplicate: twin !== undefined, resolve, reject };
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
				entry.reject(error instanceof Error ? error : new Error(String(error)));
			}
			return;
		}
		for (const entry of batch) {
			entry.resolve({ message: entry.message, duplicate: entry.duplicate });
		}
	}

	async page(conversation: string, query: PageQuery): Promise<Page> {
		const take = query.limit + 1;
		let rows: Row[];
		if (query.before !== undefined) {
			rows = (this.statements.before.all(conversation, query.before, query.after ?? 0, take) as Row[]).reverse();
			const hasMore = rows.length > query.limit;
			return { messages: rows.slice(rows.length - Math.min(rows.length, query.limit)).map(toOwnMessage), hasMore };
		}
		if (query.after !== undefined) {
			rows = this.statements.after.all(conversation, query.after, take) as Row[];
			return { messages: rows.slice(0, query.limit).map(toOwnMessage), hasMore: rows.length > query.limit };
		}
		rows = (this.statements.latest.all(conversation, take) as Row[]).reverse();
		return { messages: rows.slice(rows.length - Math.min(rows.length, query.limit)).map(toOwnMessage), hasMore: rows.length > query.limit };
	}

	async findSent(from: string, clientMsgId: string): Promise<Message | undefined> {
		const row = this.statements.byClientId.get(from.toLowerCase(), clientMsgId) as Row | undefined;
		return row ? toMessage(row) : undefined;
	}

	async listChannels(): Promise<ChannelRecord[]> {
		return (this.statements.channels.all() as { name: string; topic: string | null; created_at: number }[]).map(toChannel);
	}

	async getChannel(name: string): Promise<ChannelRecord | undefined> {
		let record = this.channelCache.get(name);
		if (record === undefined) {
			const row = this.statements.channel.get(name) as { name: string; topic: string | null; created_at: number } | undefined;
			record = row ? toChannel(row) : undefined;
			if (record) {
				this.channelCache.set(name, record);
			}
		}
		return record;
	}

	async ensureChannel(name: string): Promise<ChannelRecord> {
		this.statements.ensureChannel.run(name, Date.now());
		return (await this.getChannel(name))!;
	}

	async setTopic(name: string, topic: string): Promise<void> {
		this.statements.setTopic.run(topic === '' ? null : topic, name);
		this.channelCache.delete(name);
	}

	async getPasswordHash(nick: string): Promise<string | undefined> {
		return (this.statements.account.get(nick.toLowerCase()) as { password_hash: string } | undefined)?.password_hash;
	}

	async setPasswordHash(nick: string, hash: string): Promise<void> {
		this.statements.saveAccount.run(nick.toLowerCase(), nick, hash, Date.now());
	}

	async close(): Promise<void> {
		this.flush();
		this.db.close();
	}
}

function toChannel(row: { name: string; topic: string | null; created_at: number }): ChannelRecord {
	return row.topic === null ? { name: row.name, createdAt: row.created_at } : { name: row.name, topic: row.topic, createdAt: row.created_at };
}

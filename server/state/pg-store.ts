/**
 * Channels, history and accounts in PostgreSQL (the pool and schema in pg-schema.ts).
 * Several servers may append to one database at once, so nothing is cached and nothing is
 * decided by reading first:
 * - appends are written in batches (those made while the previous batch is written), one
 *   transaction each, that first lock the rows of their conversations, then take ids from
 *   the shared sequence; each resolves once committed. Ids therefore grow within a
 *   conversation in commit order: a reader paging `after: X` never misses an id smaller
 *   than one it has seen committed, whichever server wrote it.
 * - a repeated (sender, clientMsgId) hits the unique index and answers the earlier message.
 * - search: each message's search words (`searchWords`, the rule of the SQLite index) are
 *   stored as a tsvector of those exact lexemes, and a query is a conjunction of quoted
 *   prefix lexemes: no user text is ever parsed as query syntax.
 */
import type pg from 'pg';
import type { PgDb } from './pg-schema';
import type { Message } from '../../protocol/types';
import { MESSAGE_COLUMNS, ownRowMessage, rowMessage, type MessageRow } from './message-rows';
import {
	isDmConversation, newMessage, searchWords,
	type AppendResult, type ChannelRecord, type DirectConversation, type MessageDraft, type NewChannel, type Page, type PageQuery,
	type SearchQuery, type Store, type StoredMessage, type UnreadSummary,
} from './store';


/** The conversation's history leaves out replies that stay in their thread. */
const MAIN_LINE = '(reply_to IS NULL OR also_to_channel)';

/** A tsvector lexeme holds at most 2047 bytes: longer words are indexed (and searched) by their start. */
const MAX_LEXEME_CHARS = 500;

/** The lexemes of a text: its search words, each once. */
export function searchLexemes(text: string): string[] {
	return [...new Set(searchWords(text).map((w) => w.slice(0, MAX_LEXEME_CHARS)))];
}

/** A tsquery: every word as a quoted prefix lexeme (quotes and backslashes escaped). */
function prefixQuery(words: readonly string[]): string {
	return words.map((w) => `'${w.slice(0, MAX_LEXEME_CHARS).replace(/['\\]/g, (c) => '\\' + c)}':*`).join(' & ');
}



/**
 * Appends a batch in one statement (one transaction, one round trip):
 * - `locked` locks the rows of the batch's conversations (inserting those of new ones), in
 *   name order so that two batches never wait for each other in a cycle;
 * - `input` takes an id per draft, in order, only once those locks are held (its filter
 *   reads `locked` whole before the first row, hence before the first nextval; a CTE used
 *   twice is evaluated once);
 * - `ins` inserts unless the client id was used (by an earlier message, or one earlier in
 *   the batch); the reply counts of the roots and the DM index follow what was inserted.
 * Answers the id of each draft stored, by its position (`ord`, from 1), and the id before
 * it in its conversation (`prev`): the one before it in the batch, or for the first the
 * conversation's `last_id` as `locked` returned it. That upsert waited for the row lock of
 * any append in flight and returns the row as that append's commit left it (its trigger
 * moved `last_id`; see pg-schema.ts): nothing committed in between.
 */
const APPEND_BATCH = `
	WITH locked AS (
		INSERT INTO conversations AS c (name)
		SELECT name FROM (SELECT DISTINCT unnest($1::text[]) AS name) AS d ORDER BY name
		ON CONFLICT (name) DO UPDATE SET name = excluded.name
		RETURNING c.name, c.last_id
	), input AS (
		SELECT t.*, nextval('message_ids') AS id
		FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::boolean[], $10::text[], $11::boolean[], $12::boolean[])
			WITH ORDINALITY AS t (conversation, ts, sender, sender_key, recipient, text, client_msg_id, reply_to, also_to_channel, lexemes, dm, notice, ord)
		WHERE (SELECT count(*) FROM locked) > 0
	), ins AS (
		INSERT INTO messages (id, ts, conversation, sender, sender_key, recipient, text, client_msg_id, reply_to, also_to_channel, notice, search)
		SELECT id, ts, conversation, sender, sender_key, recipient, text, client_msg_id, reply_to, also_to_channel, notice, array_to_tsvector(string_to_array(lexemes, ' '))
		FROM input ORDER BY ord
		ON CONFLICT (sender_key, client_msg_id) WHERE client_msg_id IS NOT NULL DO NOTHING
		RETURNING id
	), stored AS (
		SELECT input.* FROM input JOIN ins USING (id)
	), roots AS (
		UPDATE messages AS m SET reply_count = m.reply_count + r.n, last_reply_ts = r.last_ts
		FROM (SELECT reply_to, count(*)::int AS n, (array_agg(ts ORDER BY ord DESC))[1] AS last_ts FROM stored WHERE reply_to IS NOT NULL GROUP BY reply_to) AS r
		WHERE m.id = r.reply_to
	), dms AS (
		INSERT INTO direct_conversations (nick_key, peer_key, peer, conversation)
		SELECT DISTINCT ON (k.nick_key, k.peer_key) k.nick_key, k.peer_key, k.peer, s.conversation
		FROM stored AS s CROSS JOIN LATERAL (VALUES (s.sender_key, lower(s.recipient), s.recipient), (lower(s.recipient), s.sender_key, s.sender)) AS k (nick_key, peer_key, peer)
		WHERE s.dm ORDER BY k.nick_key, k.peer_key, s.ord
		ON CONFLICT DO NOTHING
	)
	SELECT s.ord, s.id, coalesce(lag(s.id) OVER (PARTITION BY s.conversation ORDER BY s.id), l.last_id) AS prev
	FROM stored AS s JOIN locked AS l ON l.name = s.conversation`;

/**
 * Under load, how long after the last batch began the next may wait for company. Every
 * batch is a commit and, with several nodes writing one conversation, a turn on its row
 * lock: three nodes at 800 messages/s wrote 2.4 messages a batch against one node's 7.5,
 * and PostgreSQL spent twice the CPU (docs/performance.md).
 */
export const LINGER_MS = 20;
/**
 * The same for a node of a cluster. There each batch is also a hand-over of the
 * conversation's row lock between nodes and a bus publication that wakes every node:
 * three nodes at 800 messages/s made half the commits with 40 ms, PostgreSQL's CPU went
 * from 12-19 % of a core to 8-12 %, and their p99 stayed under 150 ms. One node keeps
 * 20 ms: at 40 its p99 passed 100 ms (docs/performance.md).
 */
export const CLUSTER_LINGER_MS = 40;
/** A batch this large is written without lingering. */
const LINGER_TARGET = 8;
/** Most appends written in one statement. */
const MAX_BATCH = 500;

interface PendingAppend {
	draft: MessageDraft;
	resolve(result: AppendResult): void;
	reject(error: unknown): void;
}

export class PgStore implements Store {
	private pending: PendingAppend[] = [];
	/** The batch being written (one at a time: appends wait in `pending` meanwhile). */
	private flushing: Promise<void> | undefined;

	/** When the last batch began (performance.now() ms), and how many appends it held. */
	private lastBatchStart = 0;
	private lastBatchSize = 0;

	/**
	 * Under load (the last batch held more than one append), the next is not written before
	 * `lingerMs` after the last one began, unless LINGER_TARGET appends wait already. A lone
	 * append after a quiet moment is written at once.
	 */
	private async linger(): Promise<void> {
		if (this.lastBatchSize < 2 || this.pending.length >= LINGER_TARGET) {
			return;
		}
		const wait = this.lastBatchStart + this.lingerMs - performance.now();
		if (wait >= 1) {
			await new Promise((resolve) => setTimeout(resolve, wait));
		}
	}

	/**
	 * The caller owns the pool (opened by openPgDatabase) and ends it after `close()`.
	 * `lingerMs`: LINGER_MS, or CLUSTER_LINGER_MS for a node of a cluster.
	 */
	constructor(private readonly pool: PgDb, readonly lingerMs = LINGER_MS) {}

	private async rows<T extends pg.QueryResultRow = MessageRow>(sql: string, params: unknown[] = []): Promise<T[]> {
		return (await this.pool.query<T>(sql, params)).rows;
	}

	/**
	 * Appends are written in batches, one transaction each, as the SQLite store does: those
	 * made while a batch is written (or while it lingers, see `linger`) form the next one.
	 * Each resolves once its batch commits.
	 */
	append(draft: MessageDraft): Promise<AppendResult> {
		return new Promise((resolve, reject) => {
			this.pending.push({ draft, resolve, reject });
			this.flushing ??= new Promise<void>((started) => setImmediate(started)).then(() => this.flush());
		});
	}

	private async flush(): Promise<void> {
		while (this.pending.length > 0) {
			await this.linger();
			this.lastBatchStart = performance.now();
			const batch = this.pending.splice(0, MAX_BATCH);
			this.lastBatchSize = batch.length;
			try {
				const ids = await this.writeBatch(batch.map((p) => p.draft));
				for (const [i, entry] of batch.entries()) {
					const stored = ids.get(i + 1);
					if (stored !== undefined) {
						entry.resolve({ message: newMessage(stored.id, entry.draft), duplicate: false, previousId: stored.prev });
					} else {
						// Its client id was taken (the unique index waited for that append to commit).
						this.findSent(entry.draft.from, entry.draft.clientMsgId!).then((earlier) => {
							if (earlier) {
								entry.resolve({ message: earlier, duplicate: true });
							} else {
								entry.reject(new Error(`the message of ${entry.draft.from} with client id ${entry.draft.clientMsgId} was neither stored nor found`));
							}
						}, (error: unknown) => entry.reject(error));
					}
				}
			} catch (error) {
				for (const entry of batch) {
					entry.reject(error);
				}
			}
		}
		this.flushing = undefined;
	}

	/** Writes a batch; answers the id of each draft stored and the id before it, by its position from 1. */
	private async writeBatch(drafts: MessageDraft[]): Promise<Map<number, { id: number; prev: number }>> {
		const column = <T>(f: (d: MessageDraft) => T): T[] => drafts.map(f);
		const { rows } = await this.pool.query<{ ord: number; id: number; prev: number }>(APPEND_BATCH, [
			column((d) => d.conversation), column((d) => d.ts), column((d) => d.from), column((d) => d.from.toLowerCase()), column((d) => d.to),
			column((d) => d.text), column((d) => d.clientMsgId ?? null), column((d) => d.replyTo ?? null),
			column((d) => d.replyTo !== undefined && d.alsoToChannel === true), column((d) => searchLexemes(d.text).join(' ')),
			column((d) => isDmConversation(d.conversation)), column((d) => d.notice === true),
		]);
		return new Map(rows.map((r) => [r.ord, { id: r.id, prev: r.prev }]));
	}

	async getMessage(id: number): Promise<StoredMessage | undefined> {
		const [row] = await this.rows<MessageRow & { conversation: string }>(`SELECT ${MESSAGE_COLUMNS}, conversation FROM messages WHERE id = $1`, [id]);
		return row && { message: ownRowMessage(row), conversation: row.conversation };
	}

	async edit(id: number, text: string, editedTs: number): Promise<void> {
		await this.pool.query('UPDATE messages SET text = $2, edited_ts = $3, search = array_to_tsvector($4::text[]) WHERE id = $1 AND NOT deleted', [id, text, editedTs, searchLexemes(text)]);
	}

	async remove(id: number): Promise<void> {
		await this.pool.query(`UPDATE messages SET text = '', edited_ts = NULL, deleted = true, search = NULL WHERE id = $1`, [id]);
	}

	async page(conversation: string, query: PageQuery): Promise<Page> {
		return this.pageOf(`conversation = $1 AND ${MAIN_LINE}`, conversation, query);
	}

	async thread(rootId: number, query: PageQuery): Promise<Page> {
		return this.pageOf('reply_to = $1', rootId, query);
	}

	/** A page of the rows `where` selects (with the key as $1), as MessageStore.page describes. */
	private async pageOf(where: string, key: string | number, query: PageQuery): Promise<Page> {
		const take = query.limit + 1;
		if (query.before !== undefined) {
			const rows = (await this.rows(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE ${where} AND id < $2 AND id > $3 ORDER BY id DESC LIMIT $4`, [key, query.before, query.after ?? 0, take])).reverse();
			return { messages: rows.slice(rows.length - Math.min(rows.length, query.limit)).map(ownRowMessage), hasMore: rows.length > query.limit };
		}
		if (query.after !== undefined) {
			const rows = await this.rows(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE ${where} AND id > $2 ORDER BY id ASC LIMIT $3`, [key, query.after, take]);
			return { messages: rows.slice(0, query.limit).map(ownRowMessage), hasMore: rows.length > query.limit };
		}
		const rows = (await this.rows(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE ${where} ORDER BY id DESC LIMIT $2`, [key, take])).reverse();
		return { messages: rows.slice(rows.length - Math.min(rows.length, query.limit)).map(ownRowMessage), hasMore: rows.length > query.limit };
	}

	async findSent(from: string, clientMsgId: string): Promise<Message | undefined> {
		const [row] = await this.rows(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE sender_key = $1 AND client_msg_id = $2`, [from.toLowerCase(), clientMsgId]);
		return row ? rowMessage(row) : undefined;
	}

	async latestId(conversation: string): Promise<number> {
		const [row] = await this.rows<{ max: number | null }>(`SELECT max(id) AS max FROM messages WHERE conversation = $1 AND ${MAIN_LINE}`, [conversation]);
		return row.max ?? 0;
	}

	async headId(conversation: string): Promise<number> {
		const [row] = await this.rows<{ last_id: number }>('SELECT last_id FROM conversations WHERE name = $1', [conversation]);
		return row?.last_id ?? 0;
	}

	async allAfter(conversation: string, afterId: number, limit: number): Promise<Page> {
		const rows = await this.rows(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation = $1 AND id > $2 ORDER BY id ASC LIMIT $3`, [conversation, afterId, limit + 1]);
		return { messages: rows.slice(0, limit).map(ownRowMessage), hasMore: rows.length > limit };
	}

	async unread(conversation: string, afterId: number, readerKey: string, needle: string | undefined, cap: number): Promise<UnreadSummary> {
		const from = `FROM messages WHERE conversation = $1 AND id > $2 AND sender_key <> $3 AND ${MAIN_LINE} ORDER BY id LIMIT $4`;
		if (needle === undefined) {
			const [row] = await this.rows<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT id ${from}) AS u`, [conversation, afterId, readerKey, cap]);
			return { count: row.n, candidates: [] };
		}
		// ILIKE ignores case beyond ASCII too: a few more candidates for the exact mention rule.
		const pattern = `%${needle.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
		const rows = await this.rows<{ t: string | null }>(`SELECT CASE WHEN text ILIKE $5 ESCAPE '\\' THEN text END AS t ${from}`, [conversation, afterId, readerKey, cap, pattern]);
		return { count: rows.length, candidates: rows.flatMap((r) => (r.t === null ? [] : [r.t])) };
	}

	async search(query: SearchQuery): Promise<Page> {
		const rows = await this.rows(
			`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE search @@ $1::tsquery AND id < $2 AND conversation = ANY($3::text[]) AND ($4::text IS NULL OR sender_key = $4) AND NOT deleted
			ORDER BY id DESC LIMIT $5`,
			[prefixQuery(query.words), query.before ?? Number.MAX_SAFE_INTEGER, query.conversations, query.fromKey ?? null, query.limit + 1],
		);
		return { messages: rows.slice(0, query.limit).map(ownRowMessage), hasMore: rows.length > query.limit };
	}

	async directConversations(nick: string): Promise<DirectConversation[]> {
		return this.rows<DirectConversation>('SELECT peer, conversation FROM direct_conversations WHERE nick_key = $1 ORDER BY peer_key', [nick.toLowerCase()]);
	}

	async listChannels(): Promise<ChannelRecord[]> {
		return (await this.rows<ChannelRow>(`SELECT ${CHANNEL_COLUMNS} FROM channels ORDER BY name`)).map(toChannel);
	}

	/** Read from the database every time (as the SQLite store: no cache, no timing difference). */
	async getChannel(name: string): Promise<ChannelRecord | undefined> {
		const [row] = await this.rows<ChannelRow>(`SELECT ${CHANNEL_COLUMNS} FROM channels WHERE name = $1`, [name]);
		return row && toChannel(row);
	}

	async ensureChannel(name: string): Promise<ChannelRecord> {
		await this.pool.query('INSERT INTO channels (name, topic, created_at) VALUES ($1, NULL, $2) ON CONFLICT (name) DO NOTHING', [name, Date.now()]);
		return (await this.getChannel(name))!;
	}

	async createChannel(channel: NewChannel): Promise<ChannelRecord | undefined> {
		const topic = channel.topic === undefined || channel.topic === '' ? null : channel.topic;
		const [row] = await this.rows<ChannelRow>(
			`INSERT INTO channels (name, topic, created_at, private, topic_protected) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING RETURNING ${CHANNEL_COLUMNS}`,
			[channel.name, topic, Date.now(), channel.private, channel.topicProtected],
		);
		return row && toChannel(row);
	}

	async setTopic(name: string, topic: string): Promise<void> {
		await this.pool.query('UPDATE channels SET topic = $2 WHERE name = $1', [name, topic === '' ? null : topic]);
	}

	async setTopicProtected(name: string, on: boolean): Promise<void> {
		await this.pool.query('UPDATE channels SET topic_protected = $2 WHERE name = $1', [name, on]);
	}

	async getPasswordHash(nick: string): Promise<string | undefined> {
		const [row] = await this.rows<{ password_hash: string }>('SELECT password_hash FROM accounts WHERE nick_key = $1', [nick.toLowerCase()]);
		return row?.password_hash;
	}

	async setPasswordHash(nick: string, hash: string): Promise<void> {
		await this.pool.query(
			`INSERT INTO accounts (nick_key, nick, password_hash, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (nick_key) DO UPDATE SET nick = excluded.nick, password_hash = excluded.password_hash, updated_at = excluded.updated_at`,
			[nick.toLowerCase(), nick, hash, Date.now()],
		);
	}

	async accountNick(nick: string): Promise<string | undefined> {
		const [row] = await this.rows<{ nick: string }>('SELECT nick FROM accounts WHERE nick_key = $1', [nick.toLowerCase()]);
		return row?.nick;
	}

	async setAccountNick(nick: string): Promise<void> {
		await this.pool.query('UPDATE accounts SET nick = $2, updated_at = $3 WHERE nick_key = $1', [nick.toLowerCase(), nick, Date.now()]);
	}

	/** Writes what is pending; the pool's owner ends it after. */
	async close(): Promise<void> {
		while (this.flushing) {
			await this.flushing;
		}
	}
}

const CHANNEL_COLUMNS = 'name, topic, created_at, private, topic_protected';

interface ChannelRow {
	name: string;
	topic: string | null;
	created_at: number;
	private: boolean;
	topic_protected: boolean;
}

function toChannel(row: ChannelRow): ChannelRecord {
	const record: ChannelRecord = { name: row.name, createdAt: row.created_at, private: row.private, topicProtected: row.topic_protected };
	if (row.topic !== null) {
		record.topic = row.topic;
	}
	return record;
}

/**
 * The PostgreSQL database (`--database postgres://...`): a connection pool and the
 * schema, created or migrated when a server opens it. Several servers may share one
 * database at once (a cluster): nothing here caches shared state, uniqueness comes from
 * constraints, and the migration runs under an advisory lock so that servers starting
 * together migrate once.
 *
 * Versions (table parley_schema): 1 everything the SQLite schema 6 holds (channels,
 * messages with threads, edits and deletions, accounts, memberships, bans, invitations,
 * read markers, the DM index, reactions), plus: guest memberships and guest invitations
 * (with the node that holds the guest's connection, see pg-memberships.ts), per
 * conversation a row (the lock that orders a conversation's appends), and the
 * full-text index of a message as a tsvector of its search words (searchWords).
 * 2: each conversation's row also holds the id of its newest message (`last_id`, thread
 * replies included), kept by a statement trigger on messages: an append reads it under
 * the conversation's lock, as the id before its first message (`previousId`).
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { StorageUnavailableError } from './store';

export const PG_SCHEMA_VERSION = 2;

/** int8 (bigint) columns as JS numbers: ids and timestamps stay below 2^53. */
const types = {
	getTypeParser(oid: number, format?: string): (value: string) => unknown {
		if (oid === (pg.types.builtins.INT8 as number)) {
			return Number;
		}
		return (pg.types.getTypeParser as (oid: number, format?: string) => (value: string) => unknown)(oid, format);
	},
};

/** Where a database URL points, without its password: `host:port/database`. */
export function describeDatabase(url: string): string {
	try {
		const u = new URL(url);
		const host = u.searchParams.get('host') ?? (u.hostname === '' ? 'localhost' : decodeURIComponent(u.hostname));
		return `${host}:${u.port === '' ? '5432' : u.port}/${decodeURIComponent(u.pathname.replace(/^\//, '')) || decodeURIComponent(u.username) || 'postgres'}`;
	} catch {
		return '(an unreadable URL)';
	}
}

/** A database that cannot be used: the message names it (never its password). */
export class DatabaseUnavailableError extends Error {}

/** SQLSTATEs of a connection that failed or a server going away (classes 08, 57P, 53300). */
const CONNECTION_STATES = /^(08|57P0|53300)/;
const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** Whether a query failed because the database could not be reached (not because of the query). */
function unreachable(error: unknown): boolean {
	const e = error as { code?: unknown; message?: unknown };
	if (typeof e.code === 'string' && (CONNECTION_STATES.test(e.code) || CONNECTION_ERRNOS.has(e.code))) {
		return true;
	}
	return typeof e.message === 'string' && /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(e.message);
}

/**
 * The pool as the PostgreSQL implementations use it: a query that fails because the
 * database cannot be reached rejects with StorageUnavailableError (the handlers answer
 * "try again", the server keeps running, and the pool reconnects on a later query).
 */
export class PgDb {
	constructor(readonly pool: pg.Pool) {}

	/** Statement names by SQL text: each statement is prepared once per connection (they are constants). */
	private readonly names = new Map<string, string>();

	async query<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<T>> {
		let name = this.names.get(sql);
		if (name === undefined) {
			name = 'parley_' + createHash('sha1').update(sql).digest('hex').slice(0, 20);
			this.names.set(sql, name);
		}
		try {
			return await this.pool.query<T>({ name, text: sql, values: params });
		} catch (error) {
			throw storageError(error);
		}
	}

	/** Runs `work` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
	async transaction<T>(work: (query: PgQuery) => Promise<T>): Promise<T> {
		let client: pg.PoolClient;
		try {
			client = await this.pool.connect();
		} catch (error) {
			throw storageError(error);
		}
		let broken: Error | undefined;
		try {
			await client.query('BEGIN');
			const result = await work((sql, params = []) => client.query(sql, params));
			await client.query('COMMIT');
			return result;
		} catch (error) {
			if (unreachable(error)) {
				broken = error as Error;
			} else {
				await client.query('ROLLBACK').catch(() => undefined);
			}
			throw storageError(error);
		} finally {
			// A broken connection is closed, not given back to the pool.
			client.release(broken);
		}
	}
}

export type PgQuery = <T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]) => Promise<pg.QueryResult<T>>;

function storageError(error: unknown): unknown {
	if (unreachable(error)) {
		return new StorageUnavailableError(`PostgreSQL: ${(error as Error).message || String((error as { code?: unknown }).code)}`, { cause: error });
	}
	return error;
}

export interface PgDatabaseOptions {
	/** Most connections this server opens (default 10). */
	maxConnections?: number;
	/** Called with each error of an idle connection (a restart of PostgreSQL, a network cut). */
	onIdleError?: (error: Error) => void;
}

/**
 * Opens a pool on `url`, checks that the database answers and migrates its schema.
 * Throws DatabaseUnavailableError naming the database when it cannot.
 */
export async function openPgDatabase(url: string, options: PgDatabaseOptions = {}): Promise<pg.Pool> {
	if (!/^postgres(ql)?:\/\//.test(url)) {
		throw new DatabaseUnavailableError(`--database takes a PostgreSQL URL (postgres://user:password@host:port/database), not '${url.replace(/:[^:@/]*@/, ':***@')}'.`);
	}
	const where = describeDatabase(url);
	const pool = new pg.Pool({
		connectionString: url,
		max: options.maxConnections ?? 10,
		connectionTimeoutMillis: 10_000,
		idleTimeoutMillis: 30_000,
		types,
	});
	// An idle connection that breaks (PostgreSQL restarted) must not crash the server: the
	// pool drops it and the next query opens a new one.
	pool.on('error', (error) => options.onIdleError?.(error));
	try {
		await pool.query('SELECT 1');
	} catch (error) {
		await pool.end().catch(() => undefined);
		throw new DatabaseUnavailableError(`Cannot reach the PostgreSQL database at ${where}: ${reason(error)}`, { cause: error });
	}
	try {
		await migrate(pool);
	} catch (error) {
		await pool.end().catch(() => undefined);
		if (error instanceof DatabaseUnavailableError) {
			throw error;
		}
		throw new DatabaseUnavailableError(`Cannot prepare the PostgreSQL database at ${where}: ${reason(error)}`, { cause: error });
	}
	return pool;
}

function reason(error: unknown): string {
	const e = error as { message?: string; code?: string };
	const text = (e.message ?? '') !== '' ? e.message! : (e.code ?? String(error));
	return text;
}

/** An arbitrary constant: the advisory lock that serializes migrations of one database. */
const MIGRATION_LOCK = 74201;

async function migrate(pool: pg.Pool): Promise<void> {
	const client = await pool.connect();
	try {
		await client.query('BEGIN');
		await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
		await client.query('CREATE TABLE IF NOT EXISTS parley_schema (version integer NOT NULL)');
		const { rows } = await client.query<{ version: number }>('SELECT version FROM parley_schema');
		const version = rows[0]?.version ?? 0;
		if (version > PG_SCHEMA_VERSION) {
			throw new DatabaseUnavailableError(`The database was written by a newer Parley (schema ${version}); upgrade the server or use another --database.`);
		}
		if (version < 1) {
			await client.query(SCHEMA_1);
		}
		if (version < 2) {
			await client.query(SCHEMA_2);
		}
		if (rows.length === 0) {
			await client.query('INSERT INTO parley_schema (version) VALUES ($1)', [PG_SCHEMA_VERSION]);
		} else {
			await client.query('UPDATE parley_schema SET version = $1', [PG_SCHEMA_VERSION]);
		}
		await client.query('COMMIT');
	} catch (error) {
		await client.query('ROLLBACK').catch(() => undefined);
		throw error;
	} finally {
		client.release();
	}
}

const SCHEMA_1 = `
	CREATE SEQUENCE message_ids;
	-- One row per conversation that has messages: the lock an append takes before it takes
	-- ids (and holds until it commits), so a conversation's ids grow in commit order.
	CREATE TABLE conversations (
		name text PRIMARY KEY
	);
	CREATE TABLE messages (
		id bigint PRIMARY KEY,
		ts bigint NOT NULL,
		conversation text NOT NULL,
		sender text NOT NULL,
		sender_key text NOT NULL,
		recipient text NOT NULL,
		text text NOT NULL,
		client_msg_id text,
		edited_ts bigint,
		deleted boolean NOT NULL DEFAULT false,
		reply_to bigint,
		also_to_channel boolean NOT NULL DEFAULT false,
		reply_count integer NOT NULL DEFAULT 0,
		last_reply_ts bigint,
		notice boolean NOT NULL DEFAULT false,
		-- The search words of the text (NULL once deleted).
		search tsvector
	);
	CREATE INDEX messages_by_conversation ON messages (conversation, id);
	CREATE UNIQUE INDEX messages_by_client_id ON messages (sender_key, client_msg_id) WHERE client_msg_id IS NOT NULL;
	CREATE INDEX messages_by_thread ON messages (reply_to, id) WHERE reply_to IS NOT NULL;
	CREATE INDEX messages_search ON messages USING gin (search);
	CREATE TABLE channels (
		name text PRIMARY KEY,
		topic text,
		created_at bigint NOT NULL,
		private boolean NOT NULL DEFAULT false,
		topic_protected boolean NOT NULL DEFAULT false
	);
	CREATE TABLE accounts (
		nick_key text PRIMARY KEY,
		nick text NOT NULL,
		password_hash text NOT NULL,
		updated_at bigint NOT NULL
	);
	CREATE TABLE memberships (
		id bigserial PRIMARY KEY,
		channel text NOT NULL,
		nick_key text NOT NULL,
		nick text NOT NULL,
		role text NOT NULL,
		guest boolean NOT NULL DEFAULT false,
		-- A guest's: the node holding its connection.
		node_id text,
		UNIQUE (channel, nick_key)
	);
	CREATE INDEX memberships_by_nick ON memberships (nick_key);
	CREATE INDEX memberships_of_guests ON memberships (node_id) WHERE guest;
	CREATE TABLE bans (
		id bigserial PRIMARY KEY,
		channel text NOT NULL,
		nick_key text NOT NULL,
		nick text NOT NULL,
		by_nick text NOT NULL,
		reason text,
		ts bigint NOT NULL,
		UNIQUE (channel, nick_key)
	);
	CREATE TABLE invitations (
		channel text NOT NULL,
		nick_key text NOT NULL,
		guest boolean NOT NULL DEFAULT false,
		node_id text,
		PRIMARY KEY (channel, nick_key)
	);
	CREATE INDEX invitations_by_nick ON invitations (nick_key);
	CREATE TABLE read_markers (
		account_key text NOT NULL,
		conversation text NOT NULL,
		last_read_id bigint NOT NULL,
		PRIMARY KEY (account_key, conversation)
	);
	CREATE TABLE thread_markers (
		account_key text NOT NULL,
		root_id bigint NOT NULL,
		conversation text NOT NULL,
		last_read_id bigint NOT NULL,
		PRIMARY KEY (account_key, root_id)
	);
	CREATE TABLE direct_conversations (
		nick_key text NOT NULL,
		peer_key text NOT NULL,
		peer text NOT NULL,
		conversation text NOT NULL,
		PRIMARY KEY (nick_key, peer_key)
	);
	CREATE TABLE reactions (
		seq bigserial PRIMARY KEY,
		message_id bigint NOT NULL,
		emoji text NOT NULL,
		nick_key text NOT NULL,
		nick text NOT NULL,
		UNIQUE (message_id, emoji, nick_key)
	);
`;

/**
 * Every insert into messages (appends, and `node server migrate`'s copy) moves its
 * conversations' `last_id` forward, creating their row when missing, in the same
 * transaction: an append that holds a conversation's row lock reads there the id before
 * its own. Existing rows get the newest id they have.
 */
const SCHEMA_2 = `
	ALTER TABLE conversations ADD COLUMN last_id bigint NOT NULL DEFAULT 0;
	INSERT INTO conversations AS c (name, last_id)
	SELECT conversation, max(id) FROM messages GROUP BY conversation ORDER BY conversation
	ON CONFLICT (name) DO UPDATE SET last_id = excluded.last_id;
	CREATE FUNCTION parley_conversation_last_ids() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		INSERT INTO conversations AS c (name, last_id)
		SELECT conversation, max(id) FROM inserted GROUP BY conversation ORDER BY conversation
		ON CONFLICT (name) DO UPDATE SET last_id = greatest(c.last_id, excluded.last_id);
		RETURN NULL;
	END $$;
	CREATE TRIGGER messages_last_ids AFTER INSERT ON messages REFERENCING NEW TABLE AS inserted
	FOR EACH STATEMENT EXECUTE FUNCTION parley_conversation_last_ids();
`;

/**
 * `node server migrate --from ./.parley/parley.db --to postgres://...`: copies everything a
 * SQLite data directory holds into an empty PostgreSQL database (docs/postgres.md):
 * channels, history (ids kept, the id sequence advanced past them, edits, deletions,
 * threads), the search index, accounts, memberships with their roles, bans, invitations,
 * read markers, thread markers, the DM index and reactions. All in one transaction; then the rows of each
 * table are counted on both sides, printed, and any difference fails the command.
 * The SQLite file is only read (an older schema is upgraded first, as the server would).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import type pg from 'pg';
import { describeDatabase, openPgDatabase } from './state/pg-schema';
import { searchLexemes } from './state/pg-store';
import { openDatabase, SCHEMA_VERSION } from './state/sqlite-schema';

export class MigrateError extends Error {}

export const MIGRATE_USAGE = [
	'Usage: node server migrate --from FILE --to URL',
	'',
	'Copies a Parley SQLite database into an empty PostgreSQL database, then counts both.',
	'  --from FILE   the SQLite database, e.g. ./.parley/parley.db (stop the server first)',
	'  --to URL      postgres://user:password@host:port/database [PARLEY_DATABASE_URL]',
].join('\n');

/** One table: how to read it from SQLite, and its PostgreSQL columns with their types. */
interface TableCopy {
	table: string;
	select: string;
	columns: [name: string, type: string][];
	/** A row as read (an array in `columns` order) to what PostgreSQL gets. */
	convert?: (row: unknown[]) => unknown[];
	/** The serial column whose sequence must pass the copied values. */
	serial?: [column: string, sequence: string];
	/** Where it is counted, when not the whole table: [SQLite, PostgreSQL]. */
	count?: [string, string];
}

const bool = (v: unknown): boolean => v === 1;

const TABLES: TableCopy[] = [
	{
		table: 'channels',
		select: 'SELECT name, topic, created_at, private, topic_protected FROM channels ORDER BY name',
		columns: [['name', 'text'], ['topic', 'text'], ['created_at', 'bigint'], ['private', 'boolean'], ['topic_protected', 'boolean']],
		convert: (r) => [r[0], r[1], r[2], bool(r[3]), bool(r[4])],
	},
	{
		table: 'messages',
		select: `SELECT id, ts, conversation, sender, sender_key, recipient, text, client_msg_id, edited_ts, deleted, reply_to, also_to_channel, reply_count, last_reply_ts, notice
			FROM messages ORDER BY id`,
		columns: [
			['id', 'bigint'], ['ts', 'bigint'], ['conversation', 'text'], ['sender', 'text'], ['sender_key', 'text'], ['recipient', 'text'], ['text', 'text'],
			['client_msg_id', 'text'], ['edited_ts', 'bigint'], ['deleted', 'boolean'], ['reply_to', 'bigint'], ['also_to_channel', 'boolean'],
			['reply_count', 'integer'], ['last_reply_ts', 'bigint'], ['notice', 'boolean'], ['search', 'tsvector'],
		],
		// The search index: the words of each message not deleted.
		convert: (r) => [...r.slice(0, 9), bool(r[9]), r[10], bool(r[11]), r[12], r[13], bool(r[14]), bool(r[9]) ? null : searchLexemes(r[6] as string).join(' ')],
	},
	{
		// The messages indexed for search: every one not deleted.
		table: 'search index',
		select: '',
		columns: [],
		count: ['SELECT count(*) FROM messages WHERE deleted = 0', 'SELECT count(*) FROM messages WHERE search IS NOT NULL'],
	},
	{
		table: 'accounts',
		select: 'SELECT nick_key, nick, password_hash, updated_at FROM accounts ORDER BY nick_key',
		columns: [['nick_key', 'text'], ['nick', 'text'], ['password_hash', 'text'], ['updated_at', 'bigint']],
	},
	{
		table: 'memberships',
		select: 'SELECT id, channel, nick_key, nick, role FROM memberships ORDER BY id',
		columns: [['id', 'bigint'], ['channel', 'text'], ['nick_key', 'text'], ['nick', 'text'], ['role', 'text']],
		serial: ['id', 'memberships_id_seq'],
	},
	{
		table: 'bans',
		select: 'SELECT id, channel, nick_key, nick, by_nick, reason, ts FROM bans ORDER BY id',
		columns: [['id', 'bigint'], ['channel', 'text'], ['nick_key', 'text'], ['nick', 'text'], ['by_nick', 'text'], ['reason', 'text'], ['ts', 'bigint']],
		serial: ['id', 'bans_id_seq'],
	},
	{
		table: 'invitations',
		select: 'SELECT channel, nick_key FROM invitations ORDER BY channel, nick_key',
		columns: [['channel', 'text'], ['nick_key', 'text']],
	},
	{
		table: 'read_markers',
		select: 'SELECT account_key, conversation, last_read_id FROM read_markers ORDER BY account_key, conversation',
		columns: [['account_key', 'text'], ['conversation', 'text'], ['last_read_id', 'bigint']],
	},
	{
		table: 'thread_markers',
		select: 'SELECT account_key, root_id, conversation, last_read_id FROM thread_markers ORDER BY account_key, root_id',
		columns: [['account_key', 'text'], ['root_id', 'bigint'], ['conversation', 'text'], ['last_read_id', 'bigint']],
	},
	{
		table: 'direct_conversations',
		select: 'SELECT nick_key, peer_key, peer, conversation FROM direct_conversations ORDER BY nick_key, peer_key',
		columns: [['nick_key', 'text'], ['peer_key', 'text'], ['peer', 'text'], ['conversation', 'text']],
	},
	{
		table: 'reactions',
		select: 'SELECT seq, message_id, emoji, nick_key, nick FROM reactions ORDER BY seq',
		columns: [['seq', 'bigint'], ['message_id', 'bigint'], ['emoji', 'text'], ['nick_key', 'text'], ['nick', 'text']],
		serial: ['seq', 'reactions_seq_seq'],
	},
];

/** Rows sent to PostgreSQL per statement. */
const CHUNK = 1000;

export interface MigrateCount {
	table: string;
	sqlite: number;
	postgres: number;
}

/** Opens the SQLite file read-only, upgrading an older schema first (as `node server --data` would). */
function openSqlite(file: string): Database.Database {
	if (!fs.existsSync(file)) {
		throw new MigrateError(`There is no SQLite database at ${file}: give --from the parley.db file of the server's --data directory.`);
	}
	let db = new Database(file, { readonly: true, fileMustExist: true });
	let version: number;
	try {
		version = db.pragma('user_version', { simple: true }) as number;
	} catch (error) {
		db.close();
		throw new MigrateError(`${file} is not a SQLite database: ${(error as Error).message}`, { cause: error });
	}
	if (version < SCHEMA_VERSION) {
		db.close();
		if (path.basename(file) !== 'parley.db') {
			throw new MigrateError(`${file} has an older Parley schema (${version}); start the server once with --data on its directory to upgrade it.`);
		}
		openDatabase(path.dirname(file)).close();
		db = new Database(file, { readonly: true, fileMustExist: true });
	} else if (version > SCHEMA_VERSION) {
		db.close();
		throw new MigrateError(`${file} was written by a newer Parley (schema ${version}); migrate with that version.`);
	}
	return db;
}

/** Copies `from` (a SQLite file) into the empty PostgreSQL database `to`; answers the counts of both. */
export async function migrateSqliteToPostgres(from: string, to: string, say: (line: string) => void = () => undefined): Promise<MigrateCount[]> {
	const sqlite = openSqlite(from);
	let pool: pg.Pool | undefined;
	try {
		pool = await openPgDatabase(to);
		const client = await pool.connect();
		try {
			const { rows } = await client.query<{ n: number }>(
				'SELECT (SELECT count(*) FROM messages) + (SELECT count(*) FROM channels) + (SELECT count(*) FROM accounts) + (SELECT count(*) FROM memberships) AS n',
			);
			if (Number(rows[0].n) > 0) {
				throw new MigrateError(`The PostgreSQL database at ${describeDatabase(to)} is not empty: migrate into a new, empty database.`);
			}
			await client.query('BEGIN');
			for (const copy of TABLES) {
				if (copy.columns.length > 0) {
					const n = await copyTable(sqlite, client, copy);
					say(`copied ${copy.table}: ${n}`);
				}
			}
			// New messages get ids after the copied ones.
			await client.query(`SELECT setval('message_ids', GREATEST((SELECT max(id) FROM messages), 1), (SELECT max(id) FROM messages) IS NOT NULL)`);
			await client.query('INSERT INTO conversations (name) SELECT DISTINCT conversation FROM messages ON CONFLICT DO NOTHING');
			await client.query('COMMIT');
		} catch (error) {
			await client.query('ROLLBACK').catch(() => undefined);
			throw error;
		} finally {
			client.release();
		}
		const counts: MigrateCount[] = [];
		for (const copy of TABLES) {
			const [inSqlite, inPostgres] = copy.count ?? [`SELECT count(*) FROM ${copy.table}`, `SELECT count(*) FROM ${copy.table}`];
			const sqliteCount = Number((sqlite.prepare(inSqlite).pluck().get()));
			const { rows } = await pool.query<{ count: string | number }>(inPostgres);
			counts.push({ table: copy.table, sqlite: sqliteCount, postgres: Number(rows[0].count) });
		}
		return counts;
	} finally {
		sqlite.close();
		await pool?.end();
	}
}

async function copyTable(sqlite: Database.Database, client: pg.PoolClient, copy: TableCopy): Promise<number> {
	const names = copy.columns.map(([name]) => name).join(', ');
	// Each column travels as one array; a tsvector as the space-separated lexemes.
	const unnest = copy.columns.map(([, type], i) => `$${i + 1}::${type === 'tsvector' ? 'text' : type}[]`).join(', ');
	const values = copy.columns.map(([, type], i) => (type === 'tsvector' ? `array_to_tsvector(string_to_array(c${i}, ' '))` : `c${i}`)).join(', ');
	const aliases = copy.columns.map((_, i) => `c${i}`).join(', ');
	const insert = `INSERT INTO ${copy.table} (${names}) SELECT ${values} FROM unnest(${unnest}) AS t (${aliases})`;
	let chunk: unknown[][] = [];
	let total = 0;
	const flush = async (): Promise<void> => {
		if (chunk.length > 0) {
			await client.query(insert, copy.columns.map((_, i) => chunk.map((row) => row[i])));
			total += chunk.length;
			chunk = [];
		}
	};
	for (const row of sqlite.prepare(copy.select).raw().iterate() as IterableIterator<unknown[]>) {
		chunk.push(copy.convert ? copy.convert(row) : row);
		if (chunk.length === CHUNK) {
			await flush();
		}
	}
	await flush();
	if (copy.serial) {
		const [column, sequence] = copy.serial;
		await client.query(`SELECT setval('${sequence}', GREATEST((SELECT max(${column}) FROM ${copy.table}), 1), (SELECT max(${column}) FROM ${copy.table}) IS NOT NULL)`);
	}
	return total;
}

/** `node server migrate ARGS`: the exit code. */
export async function migrateCommand(argv: string[], env: NodeJS.ProcessEnv, out: (line: string) => void, err: (line: string) => void): Promise<number> {
	let values;
	try {
		({ values } = parseArgs({ args: argv, options: { from: { type: 'string' }, to: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
	} catch (error) {
		err(`parley migrate: ${(error as Error).message}\n${MIGRATE_USAGE}`);
		return 2;
	}
	if (values.help) {
		out(MIGRATE_USAGE);
		return 0;
	}
	const to = values.to ?? env.PARLEY_DATABASE_URL;
	if (values.from === undefined || to === undefined) {
		err(`parley migrate: needs --from (the SQLite file) and --to (the PostgreSQL URL).\n${MIGRATE_USAGE}`);
		return 2;
	}
	try {
		out(`Copying ${values.from} into PostgreSQL at ${describeDatabase(to)}...`);
		const counts = await migrateSqliteToPostgres(values.from, to, out);
		let differ = false;
		out('Rows (SQLite -> PostgreSQL):');
		for (const c of counts) {
			const same = c.sqlite === c.postgres;
			differ ||= !same;
			out(`  ${c.table.padEnd(22)} ${String(c.sqlite).padStart(9)} -> ${String(c.postgres).padStart(9)}${same ? '' : '   DIFFERENT'}`);
		}
		if (differ) {
			err('parley migrate: the counts differ (see above); do not switch to this database.');
			return 1;
		}
		out(`Done: start the server with --database (or PARLEY_DATABASE_URL) set to this URL.`);
		return 0;
	} catch (error) {
		err(`parley migrate: ${error instanceof Error ? error.message : String(error)}`);
		return 1;
	}
}

/**
 * The SQLite database (better-sqlite3, WAL) and its schema, migrated in place: a database
 * written by an older Parley is upgraded when opened, keeping its channels and history.
 *
 * Versions: 1 messages and channels; 2 accounts; 3 channel flags (private, topic
 * protection; a channel from before is public and unprotected), account memberships
 * with roles, bans, account invitations, read markers and the index of DM conversations
 * (what belongs to guests, memberships and invitations, ends with their connections and
 * is never written); 4 edits and deletions of messages, reactions; 5 the full-text index
 * of messages (FTS5); 6 threads; 7 the search index of sqlite-search.ts (words, terms,
 * progress) instead of version 5's; 8 thread markers (who takes part in each thread and
 * what they read of it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';

export const SCHEMA_VERSION = 9;

export function openDatabase(dataDir: string): Database.Database {
	fs.mkdirSync(dataDir, { recursive: true });
	const db = new Database(path.join(dataDir, 'parley.db'));
	try {
		db.pragma('journal_mode = WAL');
		// NORMAL in WAL mode: a commit survives a crash of this process (kill -9);
		// only an OS crash or power loss can lose the last transactions.
		db.pragma('synchronous = NORMAL');
		db.pragma('busy_timeout = 5000');
		migrate(db);
	} catch (error) {
		db.close();
		throw error;
	}
	return db;
}

function migrate(db: Database.Database): void {
	const version = db.pragma('user_version', { simple: true }) as number;
	if (version > SCHEMA_VERSION) {
		throw new Error(`The database was written by a newer Parley (schema ${version}); upgrade the server or use another --data directory.`);
	}
	if (version < 1) {
		db.exec(`
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
		db.exec(`
			CREATE TABLE IF NOT EXISTS accounts (
				nick_key TEXT PRIMARY KEY,
				nick TEXT NOT NULL,
				password_hash TEXT NOT NULL,
				updated_at INTEGER NOT NULL
			);
			PRAGMA user_version = 2;
		`);
	}
	if (version < 3) {
		db.transaction(() => {
			db.exec(`
				ALTER TABLE channels ADD COLUMN private INTEGER NOT NULL DEFAULT 0;
				ALTER TABLE channels ADD COLUMN topic_protected INTEGER NOT NULL DEFAULT 0;
				CREATE TABLE memberships (
					id INTEGER PRIMARY KEY,
					channel TEXT NOT NULL,
					nick_key TEXT NOT NULL,
					nick TEXT NOT NULL,
					role TEXT NOT NULL,
					UNIQUE (channel, nick_key)
				);
				CREATE INDEX memberships_by_nick ON memberships (nick_key);
				CREATE TABLE bans (
					id INTEGER PRIMARY KEY,
					channel TEXT NOT NULL,
					nick_key TEXT NOT NULL,
					nick TEXT NOT NULL,
					by_nick TEXT NOT NULL,
					reason TEXT,
					ts INTEGER NOT NULL,
					UNIQUE (channel, nick_key)
				);
				CREATE TABLE invitations (
					channel TEXT NOT NULL,
					nick_key TEXT NOT NULL,
					PRIMARY KEY (channel, nick_key)
				);
				CREATE TABLE read_markers (
					account_key TEXT NOT NULL,
					conversation TEXT NOT NULL,
					last_read_id INTEGER NOT NULL,
					PRIMARY KEY (account_key, conversation)
				);
				CREATE TABLE direct_conversations (
					nick_key TEXT NOT NULL,
					peer_key TEXT NOT NULL,
					peer TEXT NOT NULL,
					conversation TEXT NOT NULL,
					PRIMARY KEY (nick_key, peer_key)
				);
			`);
			indexDirectConversations(db);
			db.pragma('user_version = 3');
		})();
	}
	if (version < 4) {
		// Adding columns with constant defaults rewrites no rows: instant on any history.
		db.transaction(() => {
			db.exec(`
				ALTER TABLE messages ADD COLUMN edited_ts INTEGER;
				ALTER TABLE messages ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
				CREATE TABLE reactions (
					seq INTEGER PRIMARY KEY,
					message_id INTEGER NOT NULL,
					emoji TEXT NOT NULL,
					nick_key TEXT NOT NULL,
					nick TEXT NOT NULL,
					UNIQUE (message_id, emoji, nick_key)
				);
			`);
			db.pragma('user_version = 4');
		})();
	}
	if (version < 5) {
		// Version 5 made and filled an FTS5 table (messages_fts) that version 7 drops: a
		// database older than 5 skips straight to version 7's index.
		db.pragma('user_version = 5');
	}
	if (version < 6) {
		db.transaction(() => {
			// No message of before is a reply: the partial index starts empty.
			db.exec(`
				ALTER TABLE messages ADD COLUMN reply_to INTEGER;
				ALTER TABLE messages ADD COLUMN also_to_channel INTEGER NOT NULL DEFAULT 0;
				ALTER TABLE messages ADD COLUMN reply_count INTEGER NOT NULL DEFAULT 0;
				ALTER TABLE messages ADD COLUMN last_reply_ts INTEGER;
				CREATE INDEX messages_by_thread ON messages (reply_to, id) WHERE reply_to IS NOT NULL;
			`);
			db.pragma('user_version = 6');
		})();
	}
	if (version < 7) {
		db.transaction(() => {
			// The index starts empty and indexed_upto at 0: the store indexes the history in
			// batches once open (sqlite-search.ts), and before any search.
			db.exec(`
				DROP TABLE IF EXISTS messages_fts;
				CREATE VIRTUAL TABLE message_words USING fts5(words, content='', contentless_delete=1, detail=none, tokenize='ascii', prefix='1 2 3');
				CREATE TABLE search_terms (term TEXT PRIMARY KEY) WITHOUT ROWID;
				CREATE TABLE search_progress (indexed_upto INTEGER NOT NULL);
				INSERT INTO search_progress (indexed_upto) VALUES (0);
			`);
			db.pragma('user_version = 7');
		})();
	}
	if (version < 8) {
		// Threads from before have no participants: their replies count for no one.
		db.transaction(() => {
			db.exec(`
				CREATE TABLE thread_markers (
					account_key TEXT NOT NULL,
					root_id INTEGER NOT NULL,
					conversation TEXT NOT NULL,
					last_read_id INTEGER NOT NULL,
					PRIMARY KEY (account_key, root_id)
				) WITHOUT ROWID;
			`);
			db.pragma('user_version = 8');
		})();
	}
	if (version < 9) {
		db.transaction(() => {
			// Notices (IRC NOTICE, message/send with notice): shown as such, never answered automatically.
			db.exec('ALTER TABLE messages ADD COLUMN notice INTEGER NOT NULL DEFAULT 0');
			db.pragma('user_version = 9');
		})();
	}
}

/**
 * Fills the DM index from the history (once, when migrating to version 3). DM keys start
 * with '@', which sorts after every '#channel': the range reads only DMs, by the index.
 * Nicks are ASCII, so SQLite's lower() is nickKey().
 */
function indexDirectConversations(db: Database.Database): void {
	const dms = `FROM messages WHERE conversation >= '@' AND conversation < 'A' ORDER BY id`;
	db.exec(`
		INSERT OR IGNORE INTO direct_conversations (nick_key, peer_key, peer, conversation) SELECT sender_key, lower(recipient), recipient, conversation ${dms};
		INSERT OR IGNORE INTO direct_conversations (nick_key, peer_key, peer, conversation) SELECT lower(recipient), sender_key, sender, conversation ${dms};
	`);
}

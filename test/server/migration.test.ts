/**
 * A database written by the Parley before accounts and memberships (schema 1, and 2 with
 * accounts), made here with the SQL that Parley ran, opens with its channels, history and
 * accounts intact.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { ChannelListRequest, JoinChannelRequest, SetTopicRequest } from '../../protocol/channels';
import { ErrorCodes } from '../../protocol/errors';
import { SearchRequest } from '../../protocol/search';
import { HistoryRequest, SendMessageRequest } from '../../protocol/messages';
import { hashPassword } from '../../server/auth';
import { openDatabase, SCHEMA_VERSION } from '../../server/state/sqlite-schema';
import { rpcError } from '../helpers/client';
import { useServer } from '../helpers/fixture';

const SCHEMA_1 = `
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
`;

const SCHEMA_2 = `
	CREATE TABLE IF NOT EXISTS accounts (
		nick_key TEXT PRIMARY KEY,
		nick TEXT NOT NULL,
		password_hash TEXT NOT NULL,
		updated_at INTEGER NOT NULL
	);
	PRAGMA user_version = 2;
`;

interface OldMessage {
	id: number;
	ts: number;
	from: string;
	to: string;
	text: string;
	clientMsgId?: string;
}

/** Writes an old database into `dir` as that Parley would have, and returns its messages. */
async function oldDatabase(dir: string, version: 1 | 2): Promise<OldMessage[]> {
	const db = new Database(path.join(dir, 'parley.db'));
	db.pragma('journal_mode = WAL');
	db.exec(SCHEMA_1);
	if (version === 2) {
		db.exec(SCHEMA_2);
		db.prepare('INSERT INTO accounts (nick_key, nick, password_hash, updated_at) VALUES (?, ?, ?, ?)').run('kim', 'Kim', await hashPassword('kims password'), 1);
	}
	db.prepare('INSERT INTO channels (name, topic, created_at) VALUES (?, ?, ?)').run('#general', 'Old topic', 1);
	db.prepare('INSERT INTO channels (name, topic, created_at) VALUES (?, NULL, ?)').run('#random', 2);
	const messages: OldMessage[] = [
		{ id: 1, ts: 1000, from: 'ana', to: '#general', text: 'first!' },
		{ id: 2, ts: 2000, from: 'Kim', to: '#general', text: 'hello ana', clientMsgId: 'c-1' },
		{ id: 3, ts: 3000, from: 'ana', to: 'Kim', text: 'a DM from before' },
		{ id: 4, ts: 4000, from: 'bob', to: '#random', text: 'random thought' },
	];
	const insert = db.prepare('INSERT INTO messages (id, ts, conversation, sender, sender_key, recipient, text, client_msg_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
	for (const m of messages) {
		const conversation = m.to.startsWith('#') ? m.to : `@${[m.from.toLowerCase(), m.to.toLowerCase()].sort().join(' ')}`;
		insert.run(m.id, m.ts, conversation, m.from, m.from.toLowerCase(), m.to, m.text, m.clientMsgId ?? null);
	}
	db.close();
	return messages;
}

describe('migration from the database of an older Parley', () => {
	const fx = useServer({}, { start: false });

	for (const version of [1, 2] as const) {
		it(`opens a schema ${version} database with its channels and history intact`, async () => {
			const dataDir = fx.tempDir();
			const old = await oldDatabase(dataDir, version);
			const server = await fx.start({ dataDir });
			try {
				const ana = await fx.login('ana');
				const { channels } = await ana.connection.sendRequest(ChannelListRequest.type, {});
				assert.deepEqual(channels, [
					{ name: '#general', topic: 'Old topic', private: false, topicProtected: false, memberCount: 0 },
					{ name: '#random', private: false, topicProtected: false, memberCount: 0 },
				]);
				const joined = await ana.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
				assert.deepEqual(joined.history, old.slice(0, 2).map(({ clientMsgId: _, ...m }) => m));
				assert.equal(joined.role, 'member', 'an old channel has no owner');
				// Not topic-protected: any member may set the topic.
				assert.equal(await ana.connection.sendRequest(SetTopicRequest.type, { channel: '#general', topic: 'New topic' }), null);
				const dm = await ana.connection.sendRequest(HistoryRequest.type, { conversation: 'kim' });
				assert.deepEqual(dm.messages, [old[2]]);
				const found = await ana.connection.sendRequest(SearchRequest.type, { query: 'HELL' });
				assert.deepEqual(found.messages.map((m) => m.id), [2], 'old messages are in the search index');
				const next = await ana.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: 'after the upgrade' });
				assert.equal(next.message.id, 5, 'ids go on from the old ones');

				if (version === 2) {
					const kim = await fx.connect();
					const init = await kim.initialize('KIM', { password: 'kims password' });
					assert.equal(init.nick, 'Kim');
					// The DM from before is found: the index of DM conversations was filled from history.
					assert.deepEqual(init.conversations, [{ conversation: 'ana', lastReadId: 0, unread: 1, mentions: 1, lastMessageId: 3, status: 'online' }]);
					const notMember = await rpcError(kim.connection.sendRequest(HistoryRequest.type, { conversation: '#general' }));
					assert.equal(notMember.code, ErrorCodes.NotInChannel, 'memberships start empty');
				}
			} finally {
				await server.stop();
			}
			const db = new Database(path.join(dataDir, 'parley.db'), { readonly: true });
			try {
				assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
			} finally {
				db.close();
			}
		});
	}

	it('opens a schema 6 database: its search index (FTS5 over the text) becomes the words index, history and all', async () => {
		const dataDir = fx.tempDir();
		// Schema 6 is schema 8 without what 7 and 8 added, and with version 5's index.
		const db = openDatabase(dataDir);
		db.exec(`
			DROP TABLE message_words;
			DROP TABLE search_terms;
			DROP TABLE search_progress;
			DROP TABLE thread_markers;
			ALTER TABLE messages DROP COLUMN notice;
			CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='messages', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
		`);
		const insert = db.prepare(`INSERT INTO messages (id, ts, conversation, sender, sender_key, recipient, text) VALUES (?, ?, '#general', 'ana', 'ana', '#general', ?)`);
		const texts = ['Déploiement du café', 'nothing here', 'le déploiement est fini'];
		texts.forEach((text, i) => {
			insert.run(i + 1, i + 1, text);
			db.prepare('INSERT INTO messages_fts (rowid, text) VALUES (?, ?)').run(i + 1, text);
		});
		db.prepare(`INSERT INTO channels (name, topic, created_at) VALUES ('#general', NULL, 1)`).run();
		db.pragma('user_version = 6');
		db.close();

		const server = await fx.start({ dataDir });
		try {
			const ana = await fx.login('ana');
			await ana.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
			const found = await ana.connection.sendRequest(SearchRequest.type, { query: 'deploiem' });
			assert.deepEqual(found.messages.map((m) => m.id), [3, 1], 'the history is indexed anew');
			const sent = await ana.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: 'un autre déploiement' });
			assert.deepEqual((await ana.connection.sendRequest(SearchRequest.type, { query: 'DEPLOIEMENT' })).messages.map((m) => m.id), [sent.message.id, 3, 1]);
		} finally {
			await server.stop();
		}
		const after = new Database(path.join(dataDir, 'parley.db'), { readonly: true });
		try {
			assert.equal(after.pragma('user_version', { simple: true }), SCHEMA_VERSION);
			assert.equal((after.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE name LIKE 'messages_fts%'`).get() as { n: number }).n, 0, 'the old index is gone');
		} finally {
			after.close();
		}
	});
});

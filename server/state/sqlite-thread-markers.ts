/** Thread markers in SQLite (see thread-markers.ts; the table is schema 8's). */
import type Database from 'better-sqlite3';
import { nickKey } from '../../protocol/names';
import type { ThreadMarker, ThreadMarkers } from './thread-markers';

export class SqliteThreadMarkers implements ThreadMarkers {
	private readonly statements;

	constructor(db: Database.Database) {
		this.statements = {
			// A participant's marker stays as it is (see ThreadMarkers.follow).
			follow: db.prepare(`INSERT INTO thread_markers (account_key, root_id, conversation, last_read_id) VALUES (?, ?, ?, ?)
				ON CONFLICT (account_key, root_id) DO NOTHING`),
			advance: db.prepare('UPDATE thread_markers SET last_read_id = ? WHERE account_key = ? AND root_id = ? AND last_read_id < ?'),
			all: db.prepare('SELECT conversation, root_id AS rootId, last_read_id AS lastReadId FROM thread_markers WHERE account_key = ? ORDER BY root_id'),
		};
	}

	async follow(account: string, conversation: string, rootId: number, readUpTo: number): Promise<void> {
		this.statements.follow.run(nickKey(account), rootId, conversation, readUpTo);
	}

	async advance(account: string, rootId: number, id: number): Promise<boolean> {
		return this.statements.advance.run(id, nickKey(account), rootId, id).changes > 0;
	}

	async all(account: string): Promise<ThreadMarker[]> {
		return this.statements.all.all(nickKey(account)) as ThreadMarker[];
	}
}

/** Read markers in SQLite (see read-markers.ts). */
import type Database from 'better-sqlite3';
import { nickKey } from '../../protocol/names';
import type { ReadMarkers } from './read-markers';

export class SqliteReadMarkers implements ReadMarkers {
	private readonly statements;

	constructor(db: Database.Database) {
		this.statements = {
			get: db.prepare('SELECT last_read_id AS id FROM read_markers WHERE account_key = ? AND conversation = ?'),
			// MAX keeps the marker from moving backwards.
			advance: db.prepare(`INSERT INTO read_markers (account_key, conversation, last_read_id) VALUES (?, ?, ?)
				ON CONFLICT (account_key, conversation) DO UPDATE SET last_read_id = MAX(last_read_id, excluded.last_read_id)
				RETURNING last_read_id AS id`),
			all: db.prepare('SELECT conversation, last_read_id AS id FROM read_markers WHERE account_key = ?'),
		};
	}

	async get(account: string, conversation: string): Promise<number> {
		return (this.statements.get.get(nickKey(account), conversation) as { id: number } | undefined)?.id ?? 0;
	}

	async advance(account: string, conversation: string, id: number): Promise<number> {
		return (this.statements.advance.get(nickKey(account), conversation, id) as { id: number }).id;
	}

	async all(account: string): Promise<Map<string, number>> {
		const rows = this.statements.all.all(nickKey(account)) as { conversation: string; id: number }[];
		return new Map(rows.map((r) => [r.conversation, r.id]));
	}
}

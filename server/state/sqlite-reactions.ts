/** Reactions in SQLite (see reactions.ts); `seq` keeps the order they were given. */
import type Database from 'better-sqlite3';
import { nickKey } from '../../protocol/names';
import type { Reaction } from '../../protocol/types';
import { groupReactions, type ReactionRow, type Reactions } from './reactions';

export class SqliteReactions implements Reactions {
	private readonly statements;

	constructor(db: Database.Database) {
		this.statements = {
			add: db.prepare('INSERT OR IGNORE INTO reactions (message_id, emoji, nick_key, nick) VALUES (?, ?, ?, ?)'),
			remove: db.prepare('DELETE FROM reactions WHERE message_id = ? AND emoji = ? AND nick_key = ?'),
			// One query per page: the ids travel as a JSON array.
			of: db.prepare('SELECT message_id AS id, emoji, nick FROM reactions WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY seq'),
			clear: db.prepare('DELETE FROM reactions WHERE message_id = ?'),
		};
	}

	async set(messageId: number, emoji: string, nick: string, add: boolean): Promise<boolean> {
		const { changes } = add
			? this.statements.add.run(messageId, emoji, nickKey(nick), nick)
			: this.statements.remove.run(messageId, emoji, nickKey(nick));
		return changes > 0;
	}

	async of(messageIds: readonly number[]): Promise<Map<number, Reaction[]>> {
		if (messageIds.length === 0) {
			return new Map();
		}
		const rows = this.statements.of.all(JSON.stringify(messageIds)) as ReactionRow[];
		return groupReactions(rows);
	}

	async clear(messageId: number): Promise<void> {
		this.statements.clear.run(messageId);
	}
}

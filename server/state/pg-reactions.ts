/** Reactions in PostgreSQL (see reactions.ts); `seq` keeps the order they were given. */
import type { PgDb } from './pg-schema';
import { nickKey } from '../../protocol/names';
import type { Reaction } from '../../protocol/types';
import { groupReactions, type ReactionRow, type Reactions } from './reactions';

export class PgReactions implements Reactions {
	constructor(private readonly pool: PgDb) {}

	async set(messageId: number, emoji: string, nick: string, add: boolean): Promise<boolean> {
		const { rowCount } = add
			? await this.pool.query('INSERT INTO reactions (message_id, emoji, nick_key, nick) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [messageId, emoji, nickKey(nick), nick])
			: await this.pool.query('DELETE FROM reactions WHERE message_id = $1 AND emoji = $2 AND nick_key = $3', [messageId, emoji, nickKey(nick)]);
		return rowCount === 1;
	}

	async of(messageIds: readonly number[]): Promise<Map<number, Reaction[]>> {
		if (messageIds.length === 0) {
			return new Map();
		}
		// One query per page: the ids travel as one array.
		const { rows } = await this.pool.query<ReactionRow>(
			'SELECT message_id AS id, emoji, nick FROM reactions WHERE message_id = ANY($1::bigint[]) ORDER BY seq', [messageIds],
		);
		return groupReactions(rows);
	}

	async clear(messageId: number): Promise<void> {
		await this.pool.query('DELETE FROM reactions WHERE message_id = $1', [messageId]);
	}
}

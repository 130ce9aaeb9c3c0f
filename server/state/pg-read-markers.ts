/** Read markers in PostgreSQL (see read-markers.ts); GREATEST keeps a marker from moving backwards, whoever writes. */
import type { PgDb } from './pg-schema';
import { nickKey } from '../../protocol/names';
import type { ReadMarkers } from './read-markers';

export class PgReadMarkers implements ReadMarkers {
	constructor(private readonly pool: PgDb) {}

	async get(account: string, conversation: string): Promise<number> {
		const { rows } = await this.pool.query<{ id: number }>('SELECT last_read_id AS id FROM read_markers WHERE account_key = $1 AND conversation = $2', [nickKey(account), conversation]);
		return rows[0]?.id ?? 0;
	}

	async advance(account: string, conversation: string, id: number): Promise<number> {
		const { rows } = await this.pool.query<{ id: number }>(
			`INSERT INTO read_markers AS r (account_key, conversation, last_read_id) VALUES ($1, $2, $3)
			ON CONFLICT (account_key, conversation) DO UPDATE SET last_read_id = GREATEST(r.last_read_id, excluded.last_read_id)
			RETURNING last_read_id AS id`,
			[nickKey(account), conversation, id],
		);
		return rows[0].id;
	}

	async all(account: string): Promise<Map<string, number>> {
		const { rows } = await this.pool.query<{ conversation: string; id: number }>('SELECT conversation, last_read_id AS id FROM read_markers WHERE account_key = $1', [nickKey(account)]);
		return new Map(rows.map((r) => [r.conversation, r.id]));
	}
}

/** Thread markers in PostgreSQL (see thread-markers.ts): `follow` only adds, `advance` only moves forward, whoever writes. */
import { nickKey } from '../../protocol/names';
import type { PgDb } from './pg-schema';
import type { ThreadMarker, ThreadMarkers } from './thread-markers';

export class PgThreadMarkers implements ThreadMarkers {
	constructor(private readonly pool: PgDb) {}

	async follow(account: string, conversation: string, rootId: number, readUpTo: number): Promise<void> {
		await this.pool.query(
			`INSERT INTO thread_markers (account_key, root_id, conversation, last_read_id) VALUES ($1, $2, $3, $4)
			ON CONFLICT (account_key, root_id) DO NOTHING`,
			[nickKey(account), rootId, conversation, readUpTo],
		);
	}

	async advance(account: string, rootId: number, id: number): Promise<boolean> {
		const { rowCount } = await this.pool.query('UPDATE thread_markers SET last_read_id = $3 WHERE account_key = $1 AND root_id = $2 AND last_read_id < $3', [nickKey(account), rootId, id]);
		return rowCount === 1;
	}

	async all(account: string): Promise<ThreadMarker[]> {
		const { rows } = await this.pool.query<ThreadMarker>('SELECT conversation, root_id AS "rootId", last_read_id AS "lastReadId" FROM thread_markers WHERE account_key = $1 ORDER BY root_id', [nickKey(account)]);
		return rows.map((r) => ({ conversation: r.conversation, rootId: r.rootId, lastReadId: r.lastReadId }));
	}
}

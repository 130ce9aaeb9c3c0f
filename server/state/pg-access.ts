/**
 * Bans and invitations in PostgreSQL (see access.ts), shared by every server of a cluster.
 * A guest's invitation is a row too (a member on another node may invite it), marked as
 * a guest's with the node that wrote it; it lapses with the guest's connection
 * (`dropGuestInvites`) or with that node (PgMemberships.removeGuestsOf).
 */
import type { PgDb } from './pg-schema';
import { nickKey } from '../../protocol/names';
import type { AccessLists, BanRecord } from './access';

interface BanRow {
	nick: string;
	by_nick: string;
	reason: string | null;
	ts: number;
}

export class PgAccessLists implements AccessLists {
	constructor(private readonly pool: PgDb, private readonly nodeId: string) {}

	async ban(channel: string, entry: BanRecord): Promise<void> {
		// A ban of a nick banned before replaces it as the newest (a new id); one statement.
		await this.pool.query(
			`WITH i AS (DELETE FROM invitations WHERE channel = $1 AND nick_key = $2)
			INSERT INTO bans (channel, nick_key, nick, by_nick, reason, ts) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (channel, nick_key) DO UPDATE SET id = nextval('bans_id_seq'), nick = excluded.nick, by_nick = excluded.by_nick, reason = excluded.reason, ts = excluded.ts`,
			[channel, nickKey(entry.nick), entry.nick, entry.by, entry.reason ?? null, entry.ts],
		);
	}

	async unban(channel: string, nick: string): Promise<boolean> {
		const { rowCount } = await this.pool.query('DELETE FROM bans WHERE channel = $1 AND nick_key = $2', [channel, nickKey(nick)]);
		return rowCount === 1;
	}

	async isBanned(channel: string, nick: string): Promise<boolean> {
		const { rowCount } = await this.pool.query('SELECT 1 FROM bans WHERE channel = $1 AND nick_key = $2', [channel, nickKey(nick)]);
		return rowCount === 1;
	}

	async bans(channel: string): Promise<BanRecord[]> {
		const { rows } = await this.pool.query<BanRow>('SELECT nick, by_nick, reason, ts FROM bans WHERE channel = $1 ORDER BY id', [channel]);
		return rows.map((r) => (r.reason === null ? { nick: r.nick, by: r.by_nick, ts: r.ts } : { nick: r.nick, by: r.by_nick, reason: r.reason, ts: r.ts }));
	}

	async invite(channel: string, nick: string, guest: boolean): Promise<void> {
		// Invited again: no change, except that an account's invitation outlives a guest's.
		await this.pool.query(
			`INSERT INTO invitations (channel, nick_key, guest, node_id) VALUES ($1, $2, $3, $4)
			ON CONFLICT (channel, nick_key) DO UPDATE SET guest = false, node_id = NULL WHERE NOT excluded.guest`,
			[channel, nickKey(nick), guest, guest ? this.nodeId : null],
		);
	}

	async isInvited(channel: string, nick: string): Promise<boolean> {
		const { rowCount } = await this.pool.query('SELECT 1 FROM invitations WHERE channel = $1 AND nick_key = $2', [channel, nickKey(nick)]);
		return rowCount === 1;
	}

	async takeInvite(channel: string, nick: string): Promise<boolean> {
		const { rowCount } = await this.pool.query('DELETE FROM invitations WHERE channel = $1 AND nick_key = $2', [channel, nickKey(nick)]);
		return rowCount === 1;
	}

	/** Only this node's (see PgMemberships.removeGuest). */
	async dropGuestInvites(nick: string): Promise<void> {
		await this.pool.query('DELETE FROM invitations WHERE nick_key = $1 AND guest AND node_id = $2', [nickKey(nick), this.nodeId]);
	}
}

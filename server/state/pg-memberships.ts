/**
 * Memberships in PostgreSQL (see memberships.ts), shared by every server of a cluster:
 * every read goes to the database (a membership may change on another node at any time),
 * every change is one statement or one transaction, and "already a member" comes from the
 * unique constraint, not from reading first.
 *
 * Guests: unlike the SQLite implementation (one process, guests kept in memory only), a
 * guest's memberships are rows too, since members on other nodes must see them. Each row
 * records `node_id`, the node holding the guest's connection. A guest's memberships end
 * with its connection (`removeGuest`); those of a node that died with its guests still
 * connected are left behind, and `removeGuestsOf(nodeId)` drops them: the cluster calls
 * it for a node it knows to be dead, and a server calls it for its own id when it opens
 * (whatever its previous run left). A single server (no cluster) drops every guest row at
 * open instead, as the SQLite store forgets every guest on restart (see open.ts).
 */
import type { PgDb } from './pg-schema';
import { nickKey } from '../../protocol/names';
import type { ChannelRole } from '../../protocol/types';
import type { MemberRecord, MembershipOf, Memberships } from './memberships';

/** A guest membership or invitation dropped by `removeGuestsOf`. */
export interface GuestLeft {
	channel: string;
	nick: string;
}

export class PgMemberships implements Memberships {
	/** @param nodeId this server's node: the owner of the guests it adds. */
	constructor(private readonly pool: PgDb, private readonly nodeId: string) {}

	async add(channel: string, member: MemberRecord): Promise<boolean> {
		const { rowCount } = await this.pool.query(
			'INSERT INTO memberships (channel, nick_key, nick, role, guest, node_id) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (channel, nick_key) DO NOTHING',
			[channel, nickKey(member.nick), member.nick, member.role, member.guest, member.guest ? this.nodeId : null],
		);
		return rowCount === 1;
	}

	async remove(channel: string, nick: string): Promise<boolean> {
		const { rowCount } = await this.pool.query('DELETE FROM memberships WHERE channel = $1 AND nick_key = $2', [channel, nickKey(nick)]);
		return rowCount === 1;
	}

	async get(channel: string, nick: string): Promise<MemberRecord | undefined> {
		const { rows } = await this.pool.query<MemberRecord>('SELECT nick, role, guest FROM memberships WHERE channel = $1 AND nick_key = $2', [channel, nickKey(nick)]);
		return rows[0] && toMember(rows[0]);
	}

	async setRole(channel: string, nick: string, role: ChannelRole): Promise<boolean> {
		const { rowCount } = await this.pool.query('UPDATE memberships SET role = $3 WHERE channel = $1 AND nick_key = $2', [channel, nickKey(nick), role]);
		return rowCount === 1;
	}

	async members(channel: string): Promise<MemberRecord[]> {
		const { rows } = await this.pool.query<MemberRecord>('SELECT nick, role, guest FROM memberships WHERE channel = $1 ORDER BY id', [channel]);
		return rows.map(toMember);
	}

	async counts(): Promise<Map<string, number>> {
		const { rows } = await this.pool.query<{ channel: string; n: number }>('SELECT channel, count(*)::int AS n FROM memberships GROUP BY channel');
		return new Map(rows.map((r) => [r.channel, r.n]));
	}

	async channelsOf(nick: string): Promise<MembershipOf[]> {
		const { rows } = await this.pool.query<MembershipOf>('SELECT channel, role FROM memberships WHERE nick_key = $1 ORDER BY id', [nickKey(nick)]);
		return rows.map((r) => ({ channel: r.channel, role: r.role }));
	}

	/**
	 * Only this node's rows: a node that lost its lease drops connections whose nicks
	 * another node's guest may hold by now, with memberships of their own.
	 */
	async removeGuest(nick: string): Promise<string[]> {
		const { rows } = await this.pool.query<{ id: number; channel: string }>('DELETE FROM memberships WHERE nick_key = $1 AND guest AND node_id = $2 RETURNING id, channel', [nickKey(nick), this.nodeId]);
		return rows.sort((a, b) => a.id - b.id).map((r) => r.channel);
	}

	async keep(nick: string): Promise<void> {
		await this.pool.query('UPDATE memberships SET guest = false, node_id = NULL WHERE nick_key = $1', [nickKey(nick)]);
	}

	async rename(oldNick: string, newNick: string, guest: boolean): Promise<string[]> {
		const oldKey = nickKey(oldNick);
		const newKey = nickKey(newNick);
		const nodeId = guest ? this.nodeId : null;
		if (newKey === oldKey) {
			// A change of case keeps each membership where it is.
			await this.pool.query('UPDATE memberships SET nick = $2, guest = $3, node_id = $4 WHERE nick_key = $1', [oldKey, newNick, guest, nodeId]);
			return [];
		}
		// One statement: the old memberships go and come back as the new nick's, in their
		// order, where the new nick is not a member already.
		const { rows } = await this.pool.query<{ id: number; channel: string }>(
			`WITH old AS (DELETE FROM memberships WHERE nick_key = $1 RETURNING id, channel, role)
			INSERT INTO memberships (channel, nick_key, nick, role, guest, node_id)
			SELECT channel, $2, $3, role, $4, $5 FROM old ORDER BY id
			ON CONFLICT (channel, nick_key) DO NOTHING RETURNING id, channel`,
			[oldKey, newKey, newNick, guest, nodeId],
		);
		return rows.sort((a, b) => a.id - b.id).map((r) => r.channel);
	}

	/**
	 * Drops the guest memberships and guest invitations held by `nodeId` (a node that died,
	 * or this one's previous run), or only `nick`'s (a guest of that node that resumed on
	 * another); returns the memberships dropped, for the parts to announce.
	 */
	async removeGuestsOf(nodeId: string, nick?: string): Promise<GuestLeft[]> {
		const key = nick === undefined ? null : nickKey(nick);
		const { rows } = await this.pool.query<{ id: number; channel: string; nick: string }>(
			`WITH i AS (DELETE FROM invitations WHERE guest AND node_id = $1 AND ($2::text IS NULL OR nick_key = $2))
			DELETE FROM memberships WHERE guest AND node_id = $1 AND ($2::text IS NULL OR nick_key = $2) RETURNING id, channel, nick`,
			[nodeId, key],
		);
		return rows.sort((a, b) => a.id - b.id).map((r) => ({ channel: r.channel, nick: r.nick }));
	}

	/** Drops every guest membership and invitation (a single server opening: no guest is connected yet). */
	async removeAllGuests(): Promise<void> {
		await this.pool.query('WITH i AS (DELETE FROM invitations WHERE guest) DELETE FROM memberships WHERE guest');
	}
}

/** A new object per row: callers may keep what they read. */
function toMember(row: MemberRecord): MemberRecord {
	return { nick: row.nick, role: row.role, guest: row.guest };
}

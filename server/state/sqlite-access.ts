/**
 * Bans and invitations in SQLite (see access.ts). A guest's invitation ends with its
 * connection, so it is kept in memory only.
 */
import type Database from 'better-sqlite3';
import { nickKey } from '../../protocol/names';
import { MemoryAccessLists, type AccessLists, type BanRecord } from './access';

interface BanRow {
	nick: string;
	by_nick: string;
	reason: string | null;
	ts: number;
}

export class SqliteAccessLists implements AccessLists {
	private readonly statements;
	private readonly banTx: (channel: string, entry: BanRecord) => void;
	/** Invitations of guests. */
	private readonly guests = new MemoryAccessLists();

	constructor(db: Database.Database) {
		this.statements = {
			unban: db.prepare('DELETE FROM bans WHERE channel = ? AND nick_key = ?'),
			// A ban of a nick banned before replaces it as the newest (a new id).
			ban: db.prepare('INSERT INTO bans (channel, nick_key, nick, by_nick, reason, ts) VALUES (?, ?, ?, ?, ?, ?)'),
			isBanned: db.prepare('SELECT 1 FROM bans WHERE channel = ? AND nick_key = ?'),
			bans: db.prepare('SELECT nick, by_nick, reason, ts FROM bans WHERE channel = ? ORDER BY id'),
			invite: db.prepare('INSERT OR IGNORE INTO invitations (channel, nick_key) VALUES (?, ?)'),
			isInvited: db.prepare('SELECT 1 FROM invitations WHERE channel = ? AND nick_key = ?'),
			takeInvite: db.prepare('DELETE FROM invitations WHERE channel = ? AND nick_key = ?'),
		};
		this.banTx = db.transaction((channel: string, entry: BanRecord) => {
			const key = nickKey(entry.nick);
			this.statements.unban.run(channel, key);
			this.statements.ban.run(channel, key, entry.nick, entry.by, entry.reason ?? null, entry.ts);
			this.statements.takeInvite.run(channel, key);
		});
	}

	async ban(channel: string, entry: BanRecord): Promise<void> {
		this.banTx(channel, entry);
		await this.guests.takeInvite(channel, entry.nick);
	}

	async unban(channel: string, nick: string): Promise<boolean> {
		return this.statements.unban.run(channel, nickKey(nick)).changes > 0;
	}

	async isBanned(channel: string, nick: string): Promise<boolean> {
		return this.statements.isBanned.get(channel, nickKey(nick)) !== undefined;
	}

	async bans(channel: string): Promise<BanRecord[]> {
		return (this.statements.bans.all(channel) as BanRow[]).map((r) => (r.reason === null
			? { nick: r.nick, by: r.by_nick, ts: r.ts }
			: { nick: r.nick, by: r.by_nick, reason: r.reason, ts: r.ts }));
	}

	async invite(channel: string, nick: string, guest: boolean): Promise<void> {
		if (guest) {
			await this.guests.invite(channel, nick, true);
		} else {
			this.statements.invite.run(channel, nickKey(nick));
		}
	}

	async isInvited(channel: string, nick: string): Promise<boolean> {
		return this.statements.isInvited.get(channel, nickKey(nick)) !== undefined || (await this.guests.isInvited(channel, nick));
	}

	async takeInvite(channel: string, nick: string): Promise<boolean> {
		const stored = this.statements.takeInvite.run(channel, nickKey(nick)).changes > 0;
		return (await this.guests.takeInvite(channel, nick)) || stored;
	}

	dropGuestInvites(nick: string): Promise<void> {
		return this.guests.dropGuestInvites(nick);
	}
}

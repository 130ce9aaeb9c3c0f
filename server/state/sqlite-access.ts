/** Bans and invitations in SQLite (see access.ts). Guest invitations of a previous process are dropped on open. */
import type Database from 'better-sqlite3';
import { nickKey } from '../../protocol/names';
import type { AccessLists, BanRecord } from './access';

interface BanRow {
	nick: string;
	by_nick: string;
	reason: string | null;
	ts: number;
}

export class SqliteAccessLists implements AccessLists {
	private readonly statements;
	private readonly banTx: (channel: string, entry: BanRecord) => void;

	constructor(db: Database.Database) {
		db.prepare('DELETE FROM invitations WHERE guest = 1').run();
		this.statements = {
			// A ban of a nick banned before replaces it as the newest (a new id).
			unban: db.prepare('DELETE FROM bans WHERE channel = ? AND nick_key = ?'),
			ban: db.prepare('INSERT INTO bans (channel, nick_key, nick, by_nick, reason, ts) VALUES (?, ?, ?, ?, ?, ?)'),
			isBanned: db.prepare('SELECT 1 FROM bans WHERE channel = ? AND nick_key = ?'),
			bans: db.prepare('SELECT nick, by_nick, reason, ts FROM bans WHERE channel = ? ORDER BY id'),
			invite: db.prepare('INSERT INTO invitations (channel, nick_key, guest) VALUES (?, ?, ?) ON CONFLICT (channel, nick_key) DO UPDATE SET guest = excluded.guest'),
			isInvited: db.prepare('SELECT 1 FROM invitations WHERE channel = ? AND nick_key = ?'),
			takeInvite: db.prepare('DELETE FROM invitations WHERE channel = ? AND nick_key = ?'),
			dropGuestInvites: db.prepare('DELETE FROM invitations WHERE nick_key = ? AND guest = 1'),
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
		this.statements.invite.run(channel, nickKey(nick), guest ? 1 : 0);
	}

	async isInvited(channel: string, nick: string): Promise<boolean> {
		return this.statements.isInvited.get(channel, nickKey(nick)) !== undefined;
	}

	async takeInvite(channel: string, nick: string): Promise<boolean> {
		return this.statements.takeInvite.run(channel, nickKey(nick)).changes > 0;
	}

	async dropGuestInvites(nick: string): Promise<void> {
		this.statements.dropGuestInvites.run(nickKey(nick));
	}
}

/** Memberships in SQLite (see memberships.ts). Guest memberships of a previous process are dropped on open. */
import type Database from 'better-sqlite3';
import { nickKey } from '../../protocol/names';
import type { ChannelRole } from '../../protocol/types';
import type { MemberRecord, MembershipOf, Memberships } from './memberships';

interface MemberRow {
	nick: string;
	role: ChannelRole;
	guest: number;
}

function toMember(row: MemberRow): MemberRecord {
	return { nick: row.nick, role: row.role, guest: row.guest === 1 };
}

export class SqliteMemberships implements Memberships {
	private readonly statements;
	private readonly renameTx: (oldNick: string, newNick: string, guest: boolean) => string[];

	constructor(db: Database.Database) {
		// Their connections ended with the process that had them.
		db.prepare('DELETE FROM memberships WHERE guest = 1').run();
		this.statements = {
			add: db.prepare('INSERT OR IGNORE INTO memberships (channel, nick_key, nick, role, guest) VALUES (?, ?, ?, ?, ?)'),
			remove: db.prepare('DELETE FROM memberships WHERE channel = ? AND nick_key = ?'),
			get: db.prepare('SELECT nick, role, guest FROM memberships WHERE channel = ? AND nick_key = ?'),
			setRole: db.prepare('UPDATE memberships SET role = ? WHERE channel = ? AND nick_key = ?'),
			members: db.prepare('SELECT nick, role, guest FROM memberships WHERE channel = ? ORDER BY id'),
			counts: db.prepare('SELECT channel, COUNT(*) AS n FROM memberships GROUP BY channel'),
			channelsOf: db.prepare('SELECT channel, role FROM memberships WHERE nick_key = ? ORDER BY id'),
			guestChannels: db.prepare('SELECT channel FROM memberships WHERE nick_key = ? AND guest = 1 ORDER BY id'),
			removeGuest: db.prepare('DELETE FROM memberships WHERE nick_key = ? AND guest = 1'),
			keep: db.prepare('UPDATE memberships SET guest = 0 WHERE nick_key = ?'),
			recase: db.prepare('UPDATE memberships SET nick = ?, guest = ? WHERE nick_key = ?'),
		};
		this.renameTx = db.transaction((oldNick: string, newNick: string, guest: boolean): string[] => {
			const oldKey = nickKey(oldNick);
			const newKey = nickKey(newNick);
			if (oldKey === newKey) {
				this.statements.recase.run(newNick, guest ? 1 : 0, oldKey);
				return [];
			}
			const gained: string[] = [];
			for (const { channel, role } of this.statements.channelsOf.all(oldKey) as MembershipOf[]) {
				this.statements.remove.run(channel, oldKey);
				if (this.statements.add.run(channel, newKey, newNick, role, guest ? 1 : 0).changes > 0) {
					gained.push(channel);
				}
			}
			return gained;
		});
	}

	async add(channel: string, member: MemberRecord): Promise<boolean> {
		return this.statements.add.run(channel, nickKey(member.nick), member.nick, member.role, member.guest ? 1 : 0).changes > 0;
	}

	async remove(channel: string, nick: string): Promise<boolean> {
		return this.statements.remove.run(channel, nickKey(nick)).changes > 0;
	}

	async get(channel: string, nick: string): Promise<MemberRecord | undefined> {
		const row = this.statements.get.get(channel, nickKey(nick)) as MemberRow | undefined;
		return row && toMember(row);
	}

	async setRole(channel: string, nick: string, role: ChannelRole): Promise<boolean> {
		return this.statements.setRole.run(role, channel, nickKey(nick)).changes > 0;
	}

	async members(channel: string): Promise<MemberRecord[]> {
		return (this.statements.members.all(channel) as MemberRow[]).map(toMember);
	}

	async counts(): Promise<Map<string, number>> {
		return new Map((this.statements.counts.all() as { channel: string; n: number }[]).map((r) => [r.channel, r.n]));
	}

	async channelsOf(nick: string): Promise<MembershipOf[]> {
		return this.statements.channelsOf.all(nickKey(nick)) as MembershipOf[];
	}

	async removeGuest(nick: string): Promise<string[]> {
		const key = nickKey(nick);
		const channels = (this.statements.guestChannels.all(key) as { channel: string }[]).map((r) => r.channel);
		if (channels.length > 0) {
			this.statements.removeGuest.run(key);
		}
		return channels;
	}

	async keep(nick: string): Promise<void> {
		this.statements.keep.run(nickKey(nick));
	}

	async rename(oldNick: string, newNick: string, guest: boolean): Promise<string[]> {
		return this.renameTx(oldNick, newNick, guest);
	}
}

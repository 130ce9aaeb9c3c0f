/**
 * Memberships with SQLite underneath (see memberships.ts). This process is the database's
 * only writer, so the memberships are read once when it opens, into the same model the
 * memory implementation keeps, and every read is answered from there: a join answers with
 * the channel's whole member list, and a thousand clients joining one channel would
 * otherwise read half a million rows. Account memberships are written through to the
 * database before the call resolves; guest memberships end with their connections, so
 * they are never written at all (nor left behind by a crash).
 */
import type Database from 'better-sqlite3';
import { nickKey } from '../../protocol/names';
import type { ChannelRole } from '../../protocol/types';
import { MemoryMemberships, type MemberRecord, type MembershipOf, type Memberships } from './memberships';

interface MemberRow {
	channel: string;
	nick: string;
	role: ChannelRole;
}

export class SqliteMemberships implements Memberships {
	private readonly model = new MemoryMemberships();
	private readonly statements;
	/** Rewrites the stored account memberships of the nick keys from the model. */
	private readonly sync: (keys: string[], nick: string) => Promise<void>;

	private constructor(db: Database.Database) {
		this.statements = {
			add: db.prepare('INSERT OR IGNORE INTO memberships (channel, nick_key, nick, role) VALUES (?, ?, ?, ?)'),
			remove: db.prepare('DELETE FROM memberships WHERE channel = ? AND nick_key = ?'),
			setRole: db.prepare('UPDATE memberships SET role = ? WHERE channel = ? AND nick_key = ?'),
			removeNick: db.prepare('DELETE FROM memberships WHERE nick_key = ?'),
		};
		const write = db.transaction((keys: string[], rows: MembershipOf[], nick: string) => {
			for (const key of keys) {
				this.statements.removeNick.run(key);
			}
			for (const { channel, role } of rows) {
				this.statements.add.run(channel, nickKey(nick), nick, role);
			}
		});
		this.sync = async (keys, nick) => {
			const rows = [];
			for (const m of await this.model.channelsOf(nick)) {
				if (!(await this.model.get(m.channel, nick))!.guest) {
					rows.push(m);
				}
			}
			write(keys, rows, nick);
		};
	}

	static async open(db: Database.Database): Promise<SqliteMemberships> {
		const memberships = new SqliteMemberships(db);
		const rows = db.prepare('SELECT channel, nick, role FROM memberships ORDER BY id').all() as MemberRow[];
		for (const row of rows) {
			await memberships.model.add(row.channel, { nick: row.nick, role: row.role, guest: false });
		}
		return memberships;
	}

	async add(channel: string, member: MemberRecord): Promise<boolean> {
		if (!member.guest) {
			this.statements.add.run(channel, nickKey(member.nick), member.nick, member.role);
		}
		return this.model.add(channel, member);
	}

	async remove(channel: string, nick: string): Promise<boolean> {
		this.statements.remove.run(channel, nickKey(nick));
		return this.model.remove(channel, nick);
	}

	get(channel: string, nick: string): Promise<MemberRecord | undefined> {
		return this.model.get(channel, nick);
	}

	async setRole(channel: string, nick: string, role: ChannelRole): Promise<boolean> {
		this.statements.setRole.run(role, channel, nickKey(nick));
		return this.model.setRole(channel, nick, role);
	}

	members(channel: string): Promise<MemberRecord[]> {
		return this.model.members(channel);
	}

	counts(): Promise<Map<string, number>> {
		return this.model.counts();
	}

	channelsOf(nick: string): Promise<MembershipOf[]> {
		return this.model.channelsOf(nick);
	}

	removeGuest(nick: string): Promise<string[]> {
		return this.model.removeGuest(nick);
	}

	async keep(nick: string): Promise<void> {
		await this.model.keep(nick);
		await this.sync([nickKey(nick)], nick);
	}

	async rename(oldNick: string, newNick: string, guest: boolean): Promise<string[]> {
		const gained = await this.model.rename(oldNick, newNick, guest);
		await this.sync([nickKey(oldNick), nickKey(newNick)], newNick);
		return gained;
	}
}

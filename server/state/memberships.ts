/**
 * Who is a member of which channel, with which role. An account's membership lasts until
 * it leaves, is kicked or banned; a guest's ends with its connection (`removeGuest`), and
 * an implementation that persists drops guest memberships left by a previous process when
 * it opens. Channel names are normalized (lower case); nicks are compared ignoring case and
 * reported as their owners typed them. This is the source of truth at sign-in and join;
 * delivery keeps its own in-memory subscriptions of the online connections.
 */
import { nickKey } from '../../protocol/names';
import type { ChannelRole } from '../../protocol/types';

/** Records are never changed in place: a change makes a new one, so callers may keep what they read. */
export interface MemberRecord {
	readonly nick: string;
	readonly role: ChannelRole;
	/** A guest (unregistered nick): the membership ends with its connection. */
	readonly guest: boolean;
}

export interface MembershipOf {
	readonly channel: string;
	readonly role: ChannelRole;
}

export interface Memberships {
	/** Adds a member; false (and no change) when the nick is one already. */
	add(channel: string, member: MemberRecord): Promise<boolean>;
	/** False when the nick was not a member. */
	remove(channel: string, nick: string): Promise<boolean>;
	get(channel: string, nick: string): Promise<MemberRecord | undefined>;
	/** False when the nick is not a member. */
	setRole(channel: string, nick: string, role: ChannelRole): Promise<boolean>;
	/** Every member, in the order they joined. */
	members(channel: string): Promise<MemberRecord[]>;
	/** How many members each channel with any has. */
	counts(): Promise<Map<string, number>>;
	/** The nick's channels, in the order it joined them. */
	channelsOf(nick: string): Promise<MembershipOf[]>;
	/** A guest's connection ended: removes its memberships and returns their channels. */
	removeGuest(nick: string): Promise<string[]>;
	/** The nick became an account (account/register): its memberships last from now on. */
	keep(nick: string): Promise<void>;
	/**
	 * Moves every membership of `oldNick` to `newNick` (user/setNick), as an account's when
	 * `guest` is false. Where `newNick` is a member already, its own membership stays and the
	 * old one goes. Returns the channels `newNick` gained.
	 */
	rename(oldNick: string, newNick: string, guest: boolean): Promise<string[]>;
}

/** Memberships in memory (`--memory`, and the model the SQLite one is tested against). */
export class MemoryMemberships implements Memberships {
	/** channel -> nickKey -> member, in join order (Map keeps insertion order). */
	private readonly byChannel = new Map<string, Map<string, MemberRecord>>();
	/** nickKey -> channels, in join order. */
	private readonly byNick = new Map<string, Set<string>>();

	async add(channel: string, member: MemberRecord): Promise<boolean> {
		const key = nickKey(member.nick);
		let members = this.byChannel.get(channel);
		if (!members) {
			members = new Map();
			this.byChannel.set(channel, members);
		}
		if (members.has(key)) {
			return false;
		}
		members.set(key, { nick: member.nick, role: member.role, guest: member.guest });
		let channels = this.byNick.get(key);
		if (!channels) {
			channels = new Set();
			this.byNick.set(key, channels);
		}
		channels.add(channel);
		return true;
	}

	async remove(channel: string, nick: string): Promise<boolean> {
		const key = nickKey(nick);
		const members = this.byChannel.get(channel);
		if (!members?.delete(key)) {
			return false;
		}
		if (members.size === 0) {
			this.byChannel.delete(channel);
		}
		const channels = this.byNick.get(key);
		channels?.delete(channel);
		if (channels?.size === 0) {
			this.byNick.delete(key);
		}
		return true;
	}

	async get(channel: string, nick: string): Promise<MemberRecord | undefined> {
		return this.byChannel.get(channel)?.get(nickKey(nick));
	}

	async setRole(channel: string, nick: string, role: ChannelRole): Promise<boolean> {
		return this.update(channel, nickKey(nick), { role });
	}

	async members(channel: string): Promise<MemberRecord[]> {
		return [...(this.byChannel.get(channel)?.values() ?? [])];
	}

	async counts(): Promise<Map<string, number>> {
		return new Map([...this.byChannel].map(([channel, members]) => [channel, members.size]));
	}

	async channelsOf(nick: string): Promise<MembershipOf[]> {
		const key = nickKey(nick);
		return [...(this.byNick.get(key) ?? [])].map((channel) => ({ channel, role: this.byChannel.get(channel)!.get(key)!.role }));
	}

	async removeGuest(nick: string): Promise<string[]> {
		const key = nickKey(nick);
		const gone = [...(this.byNick.get(key) ?? [])].filter((channel) => this.byChannel.get(channel)!.get(key)!.guest);
		for (const channel of gone) {
			await this.remove(channel, nick);
		}
		return gone;
	}

	async keep(nick: string): Promise<void> {
		const key = nickKey(nick);
		for (const channel of this.byNick.get(key) ?? []) {
			this.update(channel, key, { guest: false });
		}
	}

	async rename(oldNick: string, newNick: string, guest: boolean): Promise<string[]> {
		const oldKey = nickKey(oldNick);
		if (nickKey(newNick) === oldKey) {
			// A change of case keeps each membership where it is.
			for (const channel of this.byNick.get(oldKey) ?? []) {
				this.update(channel, oldKey, { nick: newNick, guest });
			}
			return [];
		}
		const gained: string[] = [];
		for (const { channel, role } of await this.channelsOf(oldNick)) {
			await this.remove(channel, oldNick);
			if (await this.add(channel, { nick: newNick, role, guest })) {
				gained.push(channel);
			}
		}
		return gained;
	}

	/** Replaces a member's record (in its place in the join order). */
	private update(channel: string, key: string, change: Partial<MemberRecord>): boolean {
		const members = this.byChannel.get(channel);
		const member = members?.get(key);
		if (!member) {
			return false;
		}
		members!.set(key, { ...member, ...change });
		return true;
	}
}

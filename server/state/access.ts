/**
 * Who may join a channel besides its members: bans (kept until lifted) and invitations to
 * private channels (an account's lasts until it joins or is banned; a guest's also ends
 * with its connection). Nicks are compared ignoring case.
 */
import { nickKey } from '../../protocol/names';

export interface BanRecord {
	nick: string;
	by: string;
	reason?: string;
	/** When, in ms since the epoch. */
	ts: number;
}

export interface AccessLists {
	/** Bans the nick (again: the new entry replaces the old) and drops its invitation. */
	ban(channel: string, entry: BanRecord): Promise<void>;
	/** False when the nick was not banned. */
	unban(channel: string, nick: string): Promise<boolean>;
	isBanned(channel: string, nick: string): Promise<boolean>;
	/** The channel's bans, oldest first. */
	bans(channel: string): Promise<BanRecord[]>;
	/** Invites the nick (again: no change); `guest` when it ends with the guest's connection. */
	invite(channel: string, nick: string, guest: boolean): Promise<void>;
	isInvited(channel: string, nick: string): Promise<boolean>;
	/** Uses the invitation up (on join); false when there was none. */
	takeInvite(channel: string, nick: string): Promise<boolean>;
	/** A guest's connection ended: its invitations lapse. */
	dropGuestInvites(nick: string): Promise<void>;
}

export class MemoryAccessLists implements AccessLists {
	/** channel -> nickKey -> ban, oldest first. */
	private readonly banned = new Map<string, Map<string, BanRecord>>();
	/** channel -> nickKey -> guest */
	private readonly invited = new Map<string, Map<string, boolean>>();

	async ban(channel: string, entry: BanRecord): Promise<void> {
		let bans = this.banned.get(channel);
		if (!bans) {
			bans = new Map();
			this.banned.set(channel, bans);
		}
		const key = nickKey(entry.nick);
		// A new ban of the same nick is the newest.
		bans.delete(key);
		bans.set(key, { ...entry });
		this.invited.get(channel)?.delete(key);
	}

	async unban(channel: string, nick: string): Promise<boolean> {
		return this.banned.get(channel)?.delete(nickKey(nick)) ?? false;
	}

	async isBanned(channel: string, nick: string): Promise<boolean> {
		return this.banned.get(channel)?.has(nickKey(nick)) ?? false;
	}

	async bans(channel: string): Promise<BanRecord[]> {
		return [...(this.banned.get(channel)?.values() ?? [])].map((b) => ({ ...b }));
	}

	async invite(channel: string, nick: string, guest: boolean): Promise<void> {
		let invited = this.invited.get(channel);
		if (!invited) {
			invited = new Map();
			this.invited.set(channel, invited);
		}
		invited.set(nickKey(nick), guest);
	}

	async isInvited(channel: string, nick: string): Promise<boolean> {
		return this.invited.get(channel)?.has(nickKey(nick)) ?? false;
	}

	async takeInvite(channel: string, nick: string): Promise<boolean> {
		return this.invited.get(channel)?.delete(nickKey(nick)) ?? false;
	}

	async dropGuestInvites(nick: string): Promise<void> {
		const key = nickKey(nick);
		for (const invited of this.invited.values()) {
			if (invited.get(key) === true) {
				invited.delete(key);
			}
		}
	}
}

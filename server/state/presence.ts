/**
 * Who is online. Nicks are unique ignoring case: a guest's nick is held by one connection,
 * an account's by any number of its connections at once. The embedded implementation keeps
 * this in memory; a clustered one would keep it in a shared store.
 */
import { nickKey } from '../../protocol/names';

export interface OnlineUser {
	/** As the user typed it. */
	nick: string;
	/** Remote address of the first connection, `ip:port`. */
	address: string;
	/** When that connection was made (ms since epoch). */
	since: number;
}

export interface PresenceEntry extends OnlineUser {
	/** Connections signed in as the nick. */
	connections: number;
	/** The nick is an account: its connections share it. */
	account: boolean;
	/** Set by `user/setStatus`; every sign-in starts `online`. */
	status: 'online' | 'away';
	statusText?: string;
}

/** What an online user set with `user/setStatus` (every sign-in starts `online`, no text). */
export interface UserStatus {
	status: 'online' | 'away';
	text?: string;
}

/** `first`: the nick was offline; `another`: one more connection of an account; `taken`: refused. */
export type Claim = 'first' | 'another' | 'taken';

export interface Presence {
	/**
	 * Claims the nick for one connection (see Claim). A guest's claim is refused while anyone
	 * holds the nick. `resumeToken` (a guest's): a clustered presence keeps a hash of it, so
	 * that the guest can take its nick back through another node when its node dies.
	 */
	claim(user: OnlineUser, account: boolean, resumeToken?: string): Promise<Claim>;
	/** The guest holding the nick registered it: its nick is an account's from now on. */
	promote(nick: string): Promise<void>;
	/** Moves a nick held by one connection to a new nick; false when the new one is held by someone else. */
	rename(oldNick: string, newNick: string): Promise<boolean>;
	/** One connection of the nick ended; true when it was the last (the nick is offline now). */
	release(nick: string): Promise<boolean>;
	/** Sets the status of an online nick; false when it is offline or already has that status and text. */
	setStatus(nick: string, status: 'online' | 'away', text: string | undefined): Promise<boolean>;
	get(nick: string): Promise<PresenceEntry | undefined>;
	/** For each nick, whether it is online. */
	areOnline(nicks: readonly string[]): Promise<boolean[]>;
	/** For each nick, its status when online (`user/setStatus`), undefined when offline. */
	statuses(nicks: readonly string[]): Promise<(UserStatus | undefined)[]>;
	list(): Promise<PresenceEntry[]>;
	/** Nicks online. */
	count(): Promise<number>;
	/** Connections signed in, over every nick. */
	connections(): Promise<number>;
}

export class LocalPresence implements Presence {
	private readonly users = new Map<string, PresenceEntry>();
	private connectionCount = 0;

	async claim(user: OnlineUser, account: boolean): Promise<Claim> {
		const key = nickKey(user.nick);
		const held = this.users.get(key);
		if (held && !(account && held.account)) {
			return 'taken';
		}
		this.connectionCount++;
		if (held) {
			held.connections++;
			return 'another';
		}
		this.users.set(key, { ...user, connections: 1, account, status: 'online' });
		return 'first';
	}

	async promote(nick: string): Promise<void> {
		const entry = this.users.get(nickKey(nick));
		if (entry) {
			entry.account = true;
		}
	}

	async rename(oldNick: string, newNick: string): Promise<boolean> {
		const oldKey = nickKey(oldNick);
		const newKey = nickKey(newNick);
		const user = this.users.get(oldKey);
		if (!user || user.connections !== 1) {
			return false;
		}
		if (newKey !== oldKey && this.users.has(newKey)) {
			return false;
		}
		this.users.delete(oldKey);
		this.users.set(newKey, { ...user, nick: newNick });
		return true;
	}

	async release(nick: string): Promise<boolean> {
		const key = nickKey(nick);
		const entry = this.users.get(key);
		if (!entry) {
			return false;
		}
		this.connectionCount--;
		if (--entry.connections > 0) {
			return false;
		}
		this.users.delete(key);
		return true;
	}

	async setStatus(nick: string, status: 'online' | 'away', text: string | undefined): Promise<boolean> {
		const entry = this.users.get(nickKey(nick));
		if (!entry || (entry.status === status && entry.statusText === text)) {
			return false;
		}
		entry.status = status;
		entry.statusText = text;
		return true;
	}

	async get(nick: string): Promise<PresenceEntry | undefined> {
		const entry = this.users.get(nickKey(nick));
		return entry && { ...entry };
	}

	async areOnline(nicks: readonly string[]): Promise<boolean[]> {
		return nicks.map((nick) => this.users.has(nickKey(nick)));
	}

	async statuses(nicks: readonly string[]): Promise<(UserStatus | undefined)[]> {
		return nicks.map((nick) => {
			const entry = this.users.get(nickKey(nick));
			return entry && statusOf(entry);
		});
	}

	async list(): Promise<PresenceEntry[]> {
		return [...this.users.values()].map((u) => ({ ...u }));
	}

	async count(): Promise<number> {
		return this.users.size;
	}

	async connections(): Promise<number> {
		return this.connectionCount;
	}
}

/** The status of an online user, with its text only when it has one. */
export function statusOf(entry: PresenceEntry): UserStatus {
	return entry.statusText === undefined ? { status: entry.status } : { status: entry.status, text: entry.statusText };
}

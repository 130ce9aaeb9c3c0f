/**
 * Who is online. Nicks are unique ignoring case. The embedded implementation keeps
 * this in memory; a clustered one would keep it in a shared store.
 */
import { nickKey } from '../../protocol/names';

export interface OnlineUser {
	/** As the user typed it. */
	nick: string;
	/** Remote address, `ip:port`. */
	address: string;
	/** When the connection was made (ms since epoch). */
	since: number;
}

export interface Presence {
	/** Claims the nick; false when someone else holds it. */
	claim(user: OnlineUser): Promise<boolean>;
	/** Moves a holder to a new nick; false when the new nick is held by someone else. */
	rename(oldNick: string, newNick: string): Promise<boolean>;
	release(nick: string): Promise<void>;
	get(nick: string): Promise<OnlineUser | undefined>;
	list(): Promise<OnlineUser[]>;
	count(): Promise<number>;
}

export class LocalPresence implements Presence {
	private readonly users = new Map<string, OnlineUser>();

	async claim(user: OnlineUser): Promise<boolean> {
		const key = nickKey(user.nick);
		if (this.users.has(key)) {
			return false;
		}
		this.users.set(key, { ...user });
		return true;
	}

	async rename(oldNick: string, newNick: string): Promise<boolean> {
		const oldKey = nickKey(oldNick);
		const newKey = nickKey(newNick);
		const user = this.users.get(oldKey);
		if (!user) {
			return false;
		}
		if (newKey !== oldKey && this.users.has(newKey)) {
			return false;
		}
		this.users.delete(oldKey);
		this.users.set(newKey, { ...user, nick: newNick });
		return true;
	}

	async release(nick: string): Promise<void> {
		this.users.delete(nickKey(nick));
	}

	async get(nick: string): Promise<OnlineUser | undefined> {
		return this.users.get(nickKey(nick));
	}

	async list(): Promise<OnlineUser[]> {
		return [...this.users.values()];
	}

	async count(): Promise<number> {
		return this.users.size;
	}
}

/**
 * Who is in which channel. Channel names are already normalized (lower case); nicks
 * are compared ignoring case and reported as their owners typed them.
 */
import { nickKey } from '../../protocol/names';

export interface Membership {
	/** True when the nick was not a member before. */
	join(channel: string, nick: string): Promise<boolean>;
	/** True when the nick was a member. */
	leave(channel: string, nick: string): Promise<boolean>;
	isMember(channel: string, nick: string): Promise<boolean>;
	members(channel: string): Promise<string[]>;
	count(channel: string): Promise<number>;
	channelsOf(nick: string): Promise<string[]>;
	/** Removes the nick from every channel; returns the channels it was in. */
	leaveAll(nick: string): Promise<string[]>;
	rename(oldNick: string, newNick: string): Promise<void>;
}

export class LocalMembership implements Membership {
	/** channel -> nickKey -> nick */
	private readonly byChannel = new Map<string, Map<string, string>>();
	/** nickKey -> channels */
	private readonly byNick = new Map<string, Set<string>>();

	async join(channel: string, nick: string): Promise<boolean> {
		const key = nickKey(nick);
		let members = this.byChannel.get(channel);
		if (!members) {
			members = new Map();
			this.byChannel.set(channel, members);
		}
		if (members.has(key)) {
			return false;
		}
		members.set(key, nick);
		let channels = this.byNick.get(key);
		if (!channels) {
			channels = new Set();
			this.byNick.set(key, channels);
		}
		channels.add(channel);
		return true;
	}

	async leave(channel: string, nick: string): Promise<boolean> {
		const key = nickKey(nick);
		const members = this.byChannel.get(channel);
		if (!members || !members.delete(key)) {
			return false;
		}
		if (members.size === 0) {
			this.byChannel.delete(channel);
		}
		const channels = this.byNick.get(key);
		channels?.delete(channel);
		if (channels && channels.size === 0) {
			this.byNick.delete(key);
		}
		return true;
	}

	async isMember(channel: string, nick: string): Promise<boolean> {
		return this.byChannel.get(channel)?.has(nickKey(nick)) ?? false;
	}

	async members(channel: string): Promise<string[]> {
		return [...(this.byChannel.get(channel)?.values() ?? [])];
	}

	async count(channel: string): Promise<number> {
		return this.byChannel.get(channel)?.size ?? 0;
	}

	async channelsOf(nick: string): Promise<string[]> {
		return [...(this.byNick.get(nickKey(nick)) ?? [])];
	}

	async leaveAll(nick: string): Promise<string[]> {
		const channels = await this.channelsOf(nick);
		for (const channel of channels) {
			await this.leave(channel, nick);
		}
		return channels;
	}

	async rename(oldNick: string, newNick: string): Promise<void> {
		const channels = await this.leaveAll(oldNick);
		for (const channel of channels) {
			await this.join(channel, newNick);
		}
	}
}

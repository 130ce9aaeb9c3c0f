/**
 * How a message reaches its recipients. The caller encodes a frame once; delivery
 * writes the same bytes to every recipient connection. A nick may have several
 * connections (an account signed in more than once): what goes to the nick goes to each.
 * Channel subscriptions are those of the online connections, kept in memory: the fan-out
 * path reads nothing else. The embedded implementation knows the local connections; a
 * clustered one would also publish to other nodes.
 */
import { nickKey } from '../../protocol/names';

/**
 * What a frame carries, for how soon it must leave: chat traffic (messages, topics,
 * nicks, notices), or membership events, which may wait a few tens of milliseconds to
 * share writes with others (a thousand clients joining one channel make half a million).
 */
export type Traffic = 'chat' | 'presence';

/**
 * What a frame is about, for a delivery that keeps each conversation's order across
 * servers (redis-delivery.ts): its conversation (a channel, or a DM key), and for a
 * `message/new` the message's id and the id before it in the conversation (the store's
 * `previousId`). The embedded delivery has one order already and ignores it.
 */
export interface About {
	conversation: string;
	message?: { id: number; previousId: number };
}

/** A connection that can receive frames. */
export interface Sink {
	readonly id: number;
	deliver(frame: Buffer, traffic?: Traffic): void;
}

export interface Delivery {
	/** The connection signed in as `nick`. */
	attachNick(nick: string, sink: Sink): void;
	detachNick(nick: string, sink: Sink): void;
	/** Subscribes one connection to a channel. */
	subscribe(channel: string, sink: Sink): void;
	unsubscribe(channel: string, sink: Sink): void;
	/** Subscribes every connection of the nick. */
	subscribeNick(channel: string, nick: string): void;
	unsubscribeNick(channel: string, nick: string): void;
	/** Ends every subscription of the connection; returns their channels. */
	unsubscribeAll(sink: Sink): string[];
	/** The channels the connection is subscribed to. */
	subscriptionsOf(sink: Sink): string[];
	isSubscribed(channel: string, sink: Sink): boolean;
	/** To every subscriber of the channel except the connection `exceptId` (`about` the channel unless said). */
	toChannel(channel: string, frame: Buffer, exceptId?: number, traffic?: Traffic, about?: About): void;
	/** To every connection of the nick except `exceptId`; false when the nick has none here. */
	toNick(nick: string, frame: Buffer, exceptId?: number, traffic?: Traffic, about?: About): boolean;
	/**
	 * Once to each connection subscribed to any of the channels or signed in as any of the
	 * nicks, except the connections of `exceptNick`.
	 */
	toAudience(channels: readonly string[], nicks: readonly string[], frame: Buffer, exceptNick: string, traffic?: Traffic): void;
}

export class LocalDelivery implements Delivery {
	/** Frames handed to connections, by traffic class (read by /metrics). */
	chatDeliveries = 0;
	presenceDeliveries = 0;
	private readonly nicks = new Map<string, Set<Sink>>();
	private readonly channels = new Map<string, Set<Sink>>();
	private readonly subscriptions = new Map<Sink, Set<string>>();

	attachNick(nick: string, sink: Sink): void {
		const key = nickKey(nick);
		let sinks = this.nicks.get(key);
		if (!sinks) {
			sinks = new Set();
			this.nicks.set(key, sinks);
		}
		sinks.add(sink);
	}

	detachNick(nick: string, sink: Sink): void {
		const key = nickKey(nick);
		const sinks = this.nicks.get(key);
		if (sinks?.delete(sink) && sinks.size === 0) {
			this.nicks.delete(key);
		}
	}

	subscribe(channel: string, sink: Sink): void {
		let sinks = this.channels.get(channel);
		if (!sinks) {
			sinks = new Set();
			this.channels.set(channel, sinks);
		}
		sinks.add(sink);
		let channels = this.subscriptions.get(sink);
		if (!channels) {
			channels = new Set();
			this.subscriptions.set(sink, channels);
		}
		channels.add(channel);
	}

	unsubscribe(channel: string, sink: Sink): void {
		const sinks = this.channels.get(channel);
		if (sinks?.delete(sink) && sinks.size === 0) {
			this.channels.delete(channel);
		}
		const channels = this.subscriptions.get(sink);
		if (channels?.delete(channel) && channels.size === 0) {
			this.subscriptions.delete(sink);
		}
	}

	subscribeNick(channel: string, nick: string): void {
		for (const sink of this.nicks.get(nickKey(nick)) ?? []) {
			this.subscribe(channel, sink);
		}
	}

	unsubscribeNick(channel: string, nick: string): void {
		for (const sink of this.nicks.get(nickKey(nick)) ?? []) {
			this.unsubscribe(channel, sink);
		}
	}

	unsubscribeAll(sink: Sink): string[] {
		const channels = [...(this.subscriptions.get(sink) ?? [])];
		for (const channel of channels) {
			this.unsubscribe(channel, sink);
		}
		return channels;
	}

	isSubscribed(channel: string, sink: Sink): boolean {
		return this.channels.get(channel)?.has(sink) ?? false;
	}

	subscriptionsOf(sink: Sink): string[] {
		return [...(this.subscriptions.get(sink) ?? [])];
	}

	/** The channels with a subscribed connection here. */
	subscribedChannels(): string[] {
		return [...this.channels.keys()];
	}

	/** The nick's connections here. */
	protected sinksOf(nick: string): Iterable<Sink> {
		return this.nicks.get(nickKey(nick)) ?? [];
	}

	/** Whether the nick has a connection here. */
	hasNick(nick: string): boolean {
		return this.nicks.has(nickKey(nick));
	}

	/** The nick keys with a connection here. */
	attachedNicks(): string[] {
		return [...this.nicks.keys()];
	}

	toChannel(channel: string, frame: Buffer, exceptId?: number, traffic: Traffic = 'chat', _about?: About): void {
		const sinks = this.channels.get(channel);
		if (!sinks) {
			return;
		}
		let n = 0;
		for (const sink of sinks) {
			if (sink.id !== exceptId) {
				sink.deliver(frame, traffic);
				n++;
			}
		}
		this.counted(traffic, n);
	}

	private counted(traffic: Traffic, n: number): void {
		if (traffic === 'presence') {
			this.presenceDeliveries += n;
		} else {
			this.chatDeliveries += n;
		}
	}

	toNick(nick: string, frame: Buffer, exceptId?: number, traffic: Traffic = 'chat', _about?: About): boolean {
		const sinks = this.nicks.get(nickKey(nick));
		if (!sinks) {
			return false;
		}
		let n = 0;
		for (const sink of sinks) {
			if (sink.id !== exceptId) {
				sink.deliver(frame, traffic);
				n++;
			}
		}
		this.counted(traffic, n);
		return true;
	}

	toAudience(channels: readonly string[], nicks: readonly string[], frame: Buffer, exceptNick: string, traffic: Traffic = 'chat'): void {
		const skip = this.nicks.get(nickKey(exceptNick));
		const told = new Set<Sink>();
		const tell = (sink: Sink): void => {
			if (!told.has(sink) && !skip?.has(sink)) {
				told.add(sink);
				sink.deliver(frame, traffic);
			}
		};
		for (const channel of channels) {
			this.channels.get(channel)?.forEach(tell);
		}
		for (const nick of nicks) {
			this.nicks.get(nickKey(nick))?.forEach(tell);
		}
		this.counted(traffic, told.size);
	}
}

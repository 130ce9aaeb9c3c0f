/**
 * How a message reaches its recipients. The caller encodes a frame once; delivery
 * writes the same bytes to every recipient connection. The embedded implementation
 * knows the local connections; a clustered one would also publish to other nodes.
 */
import { nickKey } from '../../protocol/names';

/**
 * What a frame carries, for how soon it must leave: chat traffic (messages, topics,
 * nicks, notices), or membership events, which may wait a few tens of milliseconds to
 * share writes with others (a thousand clients joining one channel make half a million).
 */
export type Traffic = 'chat' | 'presence';

/** A connection that can receive frames. */
export interface Sink {
	readonly id: number;
	deliver(frame: Buffer, traffic?: Traffic): void;
}

export interface Delivery {
	attachNick(nick: string, sink: Sink): void;
	detachNick(nick: string): void;
	subscribe(channel: string, sink: Sink): void;
	unsubscribe(channel: string, sink: Sink): void;
	/** To every subscriber of the channel except the connection `exceptId`. */
	toChannel(channel: string, frame: Buffer, exceptId?: number, traffic?: Traffic): void;
	/** To the connection holding the nick; false when no one does. */
	toNick(nick: string, frame: Buffer): boolean;
}

export class LocalDelivery implements Delivery {
	private readonly nicks = new Map<string, Sink>();
	private readonly channels = new Map<string, Set<Sink>>();

	attachNick(nick: string, sink: Sink): void {
		this.nicks.set(nickKey(nick), sink);
	}

	detachNick(nick: string): void {
		this.nicks.delete(nickKey(nick));
	}

	subscribe(channel: string, sink: Sink): void {
		let sinks = this.channels.get(channel);
		if (!sinks) {
			sinks = new Set();
			this.channels.set(channel, sinks);
		}
		sinks.add(sink);
	}

	unsubscribe(channel: string, sink: Sink): void {
		const sinks = this.channels.get(channel);
		if (sinks?.delete(sink) && sinks.size === 0) {
			this.channels.delete(channel);
		}
	}

	toChannel(channel: string, frame: Buffer, exceptId?: number, traffic: Traffic = 'chat'): void {
		const sinks = this.channels.get(channel);
		if (!sinks) {
			return;
		}
		for (const sink of sinks) {
			if (sink.id !== exceptId) {
				sink.deliver(frame, traffic);
			}
		}
	}

	toNick(nick: string, frame: Buffer): boolean {
		const sink = this.nicks.get(nickKey(nick));
		sink?.deliver(frame);
		return sink !== undefined;
	}
}

/**
 * Delivery across the nodes of a cluster. Each event is delivered to this node's own
 * connections at once and published once on the Redis bus (`parley:bus`), whatever the
 * number of recipients; every other node decodes its header once and writes the same
 * frame bytes to each of its local connections that should have it.
 *
 * The bus only fans out; positions fill the gaps. A `message/new` event carries its
 * conversation, its message id (committed in the database before it was published) and
 * the id of the message before it in that conversation, thread replies included (the
 * store's `previousId`, known from the append itself: appends to one conversation commit
 * in id order under its row lock). Every node,
 * the sending one included, delivers a conversation's messages in that chain's order: a
 * message whose predecessor has not been delivered yet waits for it (at most HOLD_MS,
 * then the gap is filled from the database). Events also carry a sequence number per
 * publishing process: a node that sees a number skipped, or whose Redis connection
 * dropped, reads what it missed from the database (`Store.allAfter` the last id it
 * delivered: thread replies too) and delivers those messages once, in id order, skipping
 * the ones it already delivered.
 */
import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { MessageNewNotification } from '../../protocol/messages';
import type { Message } from '../../protocol/types';
import { BUS } from '../cluster/keys';
import type { Logger } from '../log';
import { nickKey } from '../../protocol/names';
import { encodeNotification } from '../transport/frames';
import { LocalDelivery, type About, type Sink, type Traffic } from './delivery';
import { isDmConversation, type Store } from './store';

/** What the hub does for events that are not plain deliveries. */
export interface BusCommands {
	/** Operator kick of a nick on whichever node holds it. */
	kick(nick: string, reason: string): void;
	/** Operator broadcast to every signed-in connection. */
	broadcast(frame: Buffer): void;
	/**
	 * This node may have missed events of the bus (its connection dropped, or a sequence
	 * number was skipped): its messages are filled in from the database; the clients here
	 * are told to read again what they show (edits, deletions, reactions, members...).
	 */
	resync(reason: string): void;
}

type Kind = 'ch' | 'nick' | 'aud' | 'sub' | 'unsub' | 'kick' | 'all';

/**
 * One event on the bus. A bus message is a batch: the publishing process's id (node id
 * and a per-start token) on the first line, then each event as its header (JSON) on a
 * line, followed by `b` bytes of frame. A node publishes once per event-loop turn what
 * that turn produced (one Redis command and one write, however many events), and a
 * receiver skips its own batches by their first line without parsing them.
 */
interface Header {
	/** Its sequence number (per publishing process). */
	s: number;
	k: Kind;
	c?: string | string[];
	n?: string | string[];
	/** toAudience's except nick, kick's reason. */
	x?: string;
	t?: 'presence';
	/** message/new: [conversation, id, id of the message before it in the conversation (thread replies included)]. */
	m?: [string, number, number];
	/** An event of a conversation: [conversation, the newest message id of it when it happened at its origin]. */
	a?: [string, number];
	/** The frame's length in bytes (absent: no frame). */
	b?: number;
}

/** A batch is published at once when it holds this many bytes. */
const MAX_BATCH_BYTES = 1 << 20;
const NO_FRAME = Buffer.alloc(0);

/** Deliveries remembered for duplicate checks (message id and channel or nick key). */
const RECENT = 20_000;
const PAGE = 200;
/** How long a message waits for its predecessor before the gap is filled from the database. */
const HOLD_MS = 1000;

/** How long a gap fill leaves a message of a local sender to the sender's own path. */
const SENDER_GRACE_MS = 3000;

/**
 * A message waiting for its predecessor, or an event waiting for the message that was
 * the newest of its conversation when it happened at its origin.
 */
interface Held {
	/** A message's id; undefined for an event. */
	id: number | undefined;
	/** What must have been delivered first: a message's predecessor, an event's marker. */
	prev: number;
	/** Its place: a message at its id, an event just after its marker (ties: arrival order). */
	key: number;
	since: number;
	deliver(): void;
}

/** Where a conversation's delivery stands on this node. */
class Position {
	/** The highest id delivered in order; undefined until the first message. */
	last: number | undefined;
	/** Waiting messages and events, by key. */
	readonly held: Held[] = [];
	timer: NodeJS.Timeout | undefined;
}

/** An event of a conversation on its origin node, waiting to be published in the conversation's order. */
interface Outgoing {
	/** Whether it takes the conversation's newest id as its marker (a message has its place already). */
	marked: boolean;
	/** Publishes it and delivers it here, with its marker. */
	send(marker: number): void;
}

/** A conversation's events on their origin node, in the order they happened here. */
class Outbox {
	readonly queue: Outgoing[] = [];
	reading = false;
}

export class RedisDelivery extends LocalDelivery {
	private readonly origin: string;
	/** `origin\n`: the first line of each batch this process publishes. */
	private readonly originLine: Buffer;
	private seq = 0;
	/** The batch of this event-loop turn (headers and frames), published by `flushBatch`. */
	private batch: Buffer[] = [];
	private batchBytes = 0;
	private batchScheduled = false;
	private readonly lastSeq = new Map<string, number>();
	private readonly positions = new Map<string, Position>();
	/** `id:target` of the recent deliveries of messages (target: channel or nick key). */
	private readonly recent = new Set<string>();
	/** Messages sent through this node not delivered here yet: a gap fill leaves them to their sender's path. */
	private readonly sending = new Set<number>();
	/** Per conversation, the events waiting for their marker (the conversation's newest id) before they go out. */
	private readonly outboxes = new Map<string, Outbox>();
	/** The marker reads under way. */
	private readonly reads = new Set<Promise<void>>();
	/** Per channel, connections whose unsubscription waits for its turn: no longer members for `isSubscribed`. */
	private readonly leaving = new Map<string, Set<Sink>>();
	/**
	 * Per channel and nick key with unsubscriptions waiting for their turn: how many wait,
	 * and the subscriptions made since the first of them. An unsubscription is void once a
	 * later subscription came. Only keys with one waiting are kept: subscriptions alone
	 * (a guest's, which ends with its connection and no unsubscription) leave nothing.
	 */
	private readonly unsubscribing = new Map<string, { waiting: number; subscribed: number }>();
	/** Conversations being filled after a message waited too long. */
	private readonly overdueFills = new Set<string>();
	/** The highest message id seen, in any conversation. */
	private globalHigh = 0;
	/** Conversations this node has no position in are filled from this id (the highest seen when the bus was lost). */
	private floor: number | undefined;
	private filling: Promise<void> | undefined;
	private fillAgain = false;
	private disconnected = false;
	private closed = false;
	commands: BusCommands | undefined;
	/** Gap fills run (for tests and monitoring). */
	fills = 0;
	/** Deliveries made by gap fills: messages the bus did not bring (for monitoring). */
	filled = 0;

	constructor(
		private readonly pub: Redis,
		private readonly sub: Redis,
		private readonly store: Store,
		nodeId: string,
		private readonly log: Logger,
	) {
		super();
		this.origin = `${nodeId}:${randomBytes(6).toString('hex')}`;
		this.originLine = Buffer.from(this.origin + '\n');
	}

	/** Subscribes to the bus; resolves once subscribed. */
	async start(): Promise<void> {
		this.sub.on('messageBuffer', (channel: Buffer, payload: Buffer) => {
			if (channel.toString() === BUS) {
				this.receive(payload);
			}
		});
		this.sub.on('close', () => {
			if (!this.disconnected && !this.closed) {
				this.disconnected = true;
				this.floor = this.globalHigh;
				this.log.warn('cluster: bus connection lost; filling from the database once it is back');
			}
		});
		this.sub.on('ready', () => {
			if (this.disconnected && !this.closed) {
				this.disconnected = false;
				// ioredis subscribes again by itself; what was published meanwhile is in the database.
				this.fill('bus connection back');
			}
		});
		await this.sub.subscribe(BUS);
	}

	close(): void {
		this.flushBatch();
		this.closed = true;
		for (const position of this.positions.values()) {
			clearTimeout(position.timer);
		}
	}

	/** Resolves once the events waiting for their marker went out, and publishes what is batched (before leaving). */
	async drained(): Promise<void> {
		while (this.reads.size > 0) {
			await Promise.allSettled([...this.reads]);
		}
		this.flushBatch();
	}

	/** Resolves when no gap fill is running. */
	async settled(): Promise<void> {
		while (this.filling) {
			await this.filling;
		}
	}

	private publish(header: Omit<Header, 's' | 'b'>, frame?: Buffer): void {
		const full: Header = frame ? { s: ++this.seq, ...header, b: frame.length } : { s: ++this.seq, ...header };
		const head = Buffer.from(JSON.stringify(full) + '\n');
		this.batch.push(head);
		this.batchBytes += head.length;
		if (frame) {
			this.batch.push(frame);
			this.batchBytes += frame.length;
		}
		if (this.batchBytes >= MAX_BATCH_BYTES) {
			this.flushBatch();
		} else if (!this.batchScheduled) {
			this.batchScheduled = true;
			setImmediate(this.flushBatch);
		}
	}

	/** Publishes the events of this turn as one bus message. */
	private readonly flushBatch = (): void => {
		this.batchScheduled = false;
		// Even once closed: what a node says while leaving (its users going offline) still goes out.
		if (this.batch.length === 0) {
			return;
		}
		const payload = Buffer.concat([this.originLine, ...this.batch], this.originLine.length + this.batchBytes);
		this.batch = [];
		this.batchBytes = 0;
		this.pub.publish(BUS, payload).catch((error: unknown) => {
			this.log.warn(`cluster: publishing on the bus failed: ${String(error)}`);
		});
	};

	/**
	 * Records that message `id` went to `target` (a channel, or a nick's connections here);
	 * false when it had gone there already.
	 */
	private firstTime(id: number, target: string): boolean {
		const key = `${id}:${target}`;
		if (this.recent.has(key)) {
			return false;
		}
		this.recent.add(key);
		if (this.recent.size > RECENT) {
			for (const old of this.recent) {
				this.recent.delete(old);
				if (this.recent.size <= RECENT / 2) {
					break;
				}
			}
		}
		return true;
	}

	private positionOf(conversation: string): Position {
		let position = this.positions.get(conversation);
		if (!position) {
			position = new Position();
			this.positions.set(conversation, position);
		}
		return position;
	}

	/** A message is here (sent through this node, or from the bus): delivered now, or once its predecessor was. */
	private arrive(conversation: string, id: number, prev: number, deliver: () => void): void {
		if (id > this.globalHigh) {
			this.globalHigh = id;
		}
		const position = this.positionOf(conversation);
		if (position.last === undefined || prev <= position.last || id <= position.last) {
			deliver();
			this.advance(position, id);
			return;
		}
		this.hold(conversation, position, { id, prev, key: id, since: performance.now(), deliver });
	}

	/**
	 * An event of the conversation is here, marked with the conversation's newest message id
	 * when it happened at its origin: delivered once that message was (as a message waits
	 * for its predecessor), before any message after it that waits too.
	 */
	private arriveEvent(conversation: string, marker: number, deliver: () => void): void {
		const position = this.positionOf(conversation);
		if (position.last === undefined || marker <= position.last) {
			deliver();
			return;
		}
		this.hold(conversation, position, { id: undefined, prev: marker, key: marker + 0.5, since: performance.now(), deliver });
	}

	private hold(conversation: string, position: Position, held: Held): void {
		const at = position.held.findIndex((h) => h.key > held.key);
		position.held.splice(at < 0 ? position.held.length : at, 0, held);
		position.timer ??= setTimeout(() => this.overdue(conversation), HOLD_MS);
	}

	private advance(position: Position, id: number): void {
		if (position.last === undefined || id > position.last) {
			position.last = id;
		}
		while (position.held.length > 0 && position.held[0].prev <= position.last) {
			const next = position.held.shift()!;
			next.deliver();
			if (next.id !== undefined && next.id > position.last) {
				position.last = next.id;
			}
		}
		if (position.held.length === 0) {
			clearTimeout(position.timer);
			position.timer = undefined;
		}
	}

	/**
	 * Sends an event of a conversation from this node in the conversation's order: those
	 * that take a marker read the conversation's newest id from the database first (once
	 * for all that are waiting), and nothing of the conversation goes out before the events
	 * queued ahead of it.
	 */
	private sendInOrder(conversation: string, outgoing: Outgoing): void {
		let box = this.outboxes.get(conversation);
		if (!box && !outgoing.marked) {
			outgoing.send(0);
			return;
		}
		if (!box) {
			box = new Outbox();
			this.outboxes.set(conversation, box);
		}
		box.queue.push(outgoing);
		if (!box.reading) {
			this.readMarker(conversation, box);
		}
	}

	/** Reads the marker for the events queued now, sends them, and goes on with those queued meanwhile. */
	private readMarker(conversation: string, box: Outbox): void {
		box.reading = true;
		const covered = box.queue.length;
		const read = this.store.headId(conversation).then((id) => id, (error: unknown) => {
			this.log.warn(`cluster: reading the newest id of ${conversation} failed (${String(error)}); its events go out unordered`);
			return 0;
		}).then((marker) => {
			box.reading = false;
			for (const outgoing of box.queue.splice(0, covered)) {
				outgoing.send(marker);
			}
			// Queued meanwhile: messages go out now, up to the first event that needs a marker of its own.
			while (box.queue.length > 0 && !box.queue[0].marked) {
				box.queue.shift()!.send(0);
			}
			if (box.queue.length > 0) {
				this.readMarker(conversation, box);
			} else {
				this.outboxes.delete(conversation);
			}
		});
		this.reads.add(read);
		void read.finally(() => this.reads.delete(read));
	}

	/** A message waited too long for its predecessor: fill the conversation from the database, then let everything out. */
	private overdue(conversation: string): void {
		const position = this.positionOf(conversation);
		position.timer = undefined;
		if (position.held.length === 0 || this.closed) {
			return;
		}
		if (this.overdueFills.has(conversation)) {
			return;
		}
		this.log.info(`cluster: message ${position.held[0].id} of ${conversation} waited ${HOLD_MS} ms for the one before it; reading it from the database`);
		this.overdueFills.add(conversation);
		this.fills++;
		this.fillConversation(conversation, undefined, this.fillDelivery(conversation)).catch((error: unknown) => {
			this.log.error(`cluster: filling ${conversation} failed: ${String(error)}`);
			this.flushHeld(conversation);
		}).finally(() => this.overdueFills.delete(conversation));
	}

	/** How a message read from the database reaches this node's connections of its conversation. */
	private fillDelivery(conversation: string): (id: number, frame: Buffer, message: Message) => void {
		if (!isDmConversation(conversation)) {
			return (id, frame) => {
				if (this.firstTime(id, conversation)) {
					this.filled++;
					super.toChannel(conversation, frame);
				}
			};
		}
		return (id, frame, message) => {
			for (const party of [message.to, message.from]) {
				if (this.firstTime(id, nickKey(party))) {
					this.filled++;
					super.toNick(party, frame);
				}
			}
		};
	}

	/** Delivers what still waits, in id order (after a fill read what was missing). */
	private flushHeld(conversation: string): void {
		const position = this.positionOf(conversation);
		for (const held of position.held.splice(0)) {
			held.deliver();
			if (held.id !== undefined && (position.last === undefined || held.id > position.last)) {
				position.last = held.id;
			}
		}
		clearTimeout(position.timer);
		position.timer = undefined;
	}

	override subscribe(channel: string, sink: Sink): void {
		super.subscribe(channel, sink);
		const position = this.positionOf(channel);
		if (position.last === undefined) {
			// Where a gap fill of this channel would start if no message came before it.
			this.store.headId(channel).then((id) => {
				position.last ??= id;
			}, () => undefined);
		}
	}

	/**
	 * Subscribes at once here (a message stored meanwhile may come twice, never goes
	 * missing); the other nodes subscribe in the channel's order of events.
	 */
	override subscribeNick(channel: string, nick: string): void {
		this.subscribed(channel, nick);
		super.subscribeNick(channel, nick);
		this.sendInOrder(channel, { marked: true, send: (marker) => this.publish({ k: 'sub', c: channel, n: nick, a: [channel, marker] }) });
	}

	/** Unsubscribes, on every node, in the channel's order of events: after what was said before it. */
	override unsubscribeNick(channel: string, nick: string): void {
		const ticket = this.awaitTurn(channel, nick);
		this.markLeaving(channel, nick);
		this.sendInOrder(channel, {
			marked: true,
			send: (marker) => {
				this.publish({ k: 'unsub', c: channel, n: nick, a: [channel, marker] });
				this.unsubscribeInOrder(channel, nick, marker, ticket);
			},
		});
	}

	/** Registers an unsubscription that waits for its turn; answers what `unsubscribeInOrder` compares with then. */
	private awaitTurn(channel: string, nick: string): number {
		const key = `${channel}\0${nickKey(nick)}`;
		let entry = this.unsubscribing.get(key);
		if (!entry) {
			entry = { waiting: 0, subscribed: 0 };
			this.unsubscribing.set(key, entry);
		}
		entry.waiting++;
		return entry.subscribed;
	}

	private subscribed(channel: string, nick: string): void {
		const entry = this.unsubscribing.get(`${channel}\0${nickKey(nick)}`);
		if (entry) {
			entry.subscribed++;
		}
		const leaving = this.leaving.get(channel);
		for (const sink of this.sinksOf(nick)) {
			leaving?.delete(sink);
		}
	}

	/**
	 * Unsubscribes once the channel's events before it were delivered, unless the nick
	 * subscribed again meanwhile. Until then its connections still receive, but are no
	 * longer members for `isSubscribed` (a send's fast path).
	 */
	private unsubscribeInOrder(channel: string, nick: string, marker: number, ticket = this.awaitTurn(channel, nick)): void {
		const key = `${channel}\0${nickKey(nick)}`;
		const sinks = this.markLeaving(channel, nick);
		this.arriveEvent(channel, marker, () => {
			const leaving = this.leaving.get(channel);
			for (const sink of sinks) {
				leaving?.delete(sink);
			}
			if (leaving?.size === 0) {
				this.leaving.delete(channel);
			}
			const entry = this.unsubscribing.get(key)!;
			if (--entry.waiting === 0) {
				this.unsubscribing.delete(key);
			}
			if (entry.subscribed === ticket) {
				super.unsubscribeNick(channel, nick);
			}
		});
	}

	/** The nick's connections here, marked as leaving the channel. */
	private markLeaving(channel: string, nick: string): Sink[] {
		let leaving = this.leaving.get(channel);
		if (!leaving) {
			leaving = new Set();
			this.leaving.set(channel, leaving);
		}
		const sinks = [...this.sinksOf(nick)];
		for (const sink of sinks) {
			leaving.add(sink);
		}
		return sinks;
	}

	override isSubscribed(channel: string, sink: Sink): boolean {
		return super.isSubscribed(channel, sink) && !this.leaving.get(channel)?.has(sink);
	}

	/**
	 * A message goes out at once with its place (id and predecessor), unless events of its
	 * conversation wait here for their marker: then after them. Any other frame for a
	 * channel is an event of that conversation (`about` may name another), sent in order.
	 */
	override toChannel(channel: string, frame: Buffer, exceptId?: number, traffic: Traffic = 'chat', about?: About): void {
		const t = traffic === 'presence' ? { t: 'presence' as const } : {};
		this.sendOrdered(about?.conversation ?? channel, about?.message, { k: 'ch', c: channel, ...t }, frame, channel,
			() => super.toChannel(channel, frame, exceptId, traffic));
	}

	/** To a nick: `about` a conversation, in that conversation's order (as toChannel); otherwise at once. */
	override toNick(nick: string, frame: Buffer, exceptId?: number, traffic: Traffic = 'chat', about?: About): boolean {
		const t = traffic === 'presence' ? { t: 'presence' as const } : {};
		if (!about) {
			const local = super.toNick(nick, frame, exceptId, traffic);
			this.publish({ k: 'nick', n: nick, ...t }, frame);
			return local;
		}
		this.sendOrdered(about.conversation, about.message, { k: 'nick', n: nick, ...t }, frame, nickKey(nick),
			() => super.toNick(nick, frame, exceptId, traffic));
		return this.hasNick(nick);
	}

	/**
	 * Publishes a frame of a conversation in its order and delivers it here (`local`) when
	 * its turn comes: an event with the conversation's marker, a message (`m`) with its
	 * place, delivered here once per `target` (a channel or a nick key).
	 */
	private sendOrdered(conversation: string, m: About['message'], header: Omit<Header, 's' | 'b' | 'a' | 'm'>, frame: Buffer, target: string, local: () => void): void {
		if (!m) {
			this.sendInOrder(conversation, {
				marked: true,
				send: (marker) => {
					this.publish({ ...header, a: [conversation, marker] }, frame);
					this.arriveEvent(conversation, marker, local);
				},
			});
			return;
		}
		this.sending.add(m.id);
		this.sendInOrder(conversation, {
			marked: false,
			send: () => {
				this.publish({ ...header, m: [conversation, m.id, m.previousId] }, frame);
				this.arrive(conversation, m.id, m.previousId, () => {
					this.sending.delete(m.id);
					if (this.firstTime(m.id, target)) {
						local();
					}
				});
			},
		});
	}

	override toAudience(channels: readonly string[], nicks: readonly string[], frame: Buffer, exceptNick: string, traffic: Traffic = 'chat'): void {
		super.toAudience(channels, nicks, frame, exceptNick, traffic);
		this.publish({ k: 'aud', c: [...channels], n: [...nicks], x: exceptNick, ...(traffic === 'presence' ? { t: 'presence' } : {}) }, frame);
	}

	/** Operator kick of a nick's connections on the other nodes. */
	kickElsewhere(nick: string, reason: string): void {
		this.publish({ k: 'kick', n: nick, x: reason });
	}

	/** Operator broadcast to the other nodes' connections. */
	broadcastElsewhere(frame: Buffer): void {
		this.publish({ k: 'all' }, frame);
	}

	private receive(payload: Buffer): void {
		if (payload.length >= this.originLine.length && payload.compare(this.originLine, 0, this.originLine.length, 0, this.originLine.length) === 0) {
			return;
		}
		const first = payload.indexOf(0x0a);
		const origin = payload.toString('utf8', 0, first);
		let at = first + 1;
		try {
			while (first > 0 && at < payload.length) {
				const end = payload.indexOf(0x0a, at);
				if (end < 0) {
					throw new Error('an event without its header line');
				}
				const header = JSON.parse(payload.toString('utf8', at, end)) as Header;
				const frame = header.b === undefined ? NO_FRAME : payload.subarray(end + 1, end + 1 + header.b);
				at = end + 1 + (header.b ?? 0);
				this.handle(origin, header, frame);
			}
		} catch (error) {
			this.log.warn(`cluster: ignored a bus event that is not Parley's (${String(error)})`);
		}
	}

	private handle(origin: string, header: Header, frame: Buffer): void {
		const last = this.lastSeq.get(origin);
		this.lastSeq.set(origin, header.s);
		if (last !== undefined && header.s !== last + 1) {
			this.floor ??= this.globalHigh;
			this.fill(`events ${last + 1} to ${header.s - 1} of ${origin} missed`);
		}
		const traffic: Traffic = header.t ?? 'chat';
		const m = header.m;
		const a = header.a;
		/** An event of a conversation waits for its marker; any other happens now. */
		const inOrder = (deliver: () => void): void => (a ? this.arriveEvent(a[0], a[1], deliver) : deliver());
		switch (header.k) {
			case 'ch': {
				const channel = header.c as string;
				if (m) {
					this.arrive(m[0], m[1], m[2], () => {
						if (this.firstTime(m[1], channel)) {
							super.toChannel(channel, frame, undefined, traffic);
						}
					});
				} else {
					inOrder(() => super.toChannel(channel, frame, undefined, traffic));
				}
				break;
			}
			case 'nick': {
				const nick = header.n as string;
				if (m) {
					this.arrive(m[0], m[1], m[2], () => {
						if (this.firstTime(m[1], nickKey(nick))) {
							super.toNick(nick, frame, undefined, traffic);
						}
					});
				} else {
					inOrder(() => super.toNick(nick, frame, undefined, traffic));
				}
				break;
			}
			case 'aud':
				super.toAudience(header.c as string[], header.n as string[], frame, header.x ?? '', traffic);
				break;
			case 'sub':
				inOrder(() => {
					this.subscribed(header.c as string, header.n as string);
					super.subscribeNick(header.c as string, header.n as string);
				});
				break;
			case 'unsub':
				if (a) {
					this.unsubscribeInOrder(header.c as string, header.n as string, a[1]);
				} else {
					super.unsubscribeNick(header.c as string, header.n as string);
				}
				break;
			case 'kick':
				this.commands?.kick(header.n as string, header.x ?? '');
				break;
			case 'all':
				this.commands?.broadcast(frame);
				break;
		}
	}

	private fill(why: string): void {
		if (this.closed) {
			return;
		}
		if (this.filling) {
			this.fillAgain = true;
			return;
		}
		this.log.info(`cluster: filling gaps from the database (${why})`);
		this.fills++;
		this.filling = this.fillFromStore().catch((error: unknown) => {
			this.log.error(`cluster: filling gaps failed: ${String(error)}`);
		}).then(() => {
			// After the filled messages: events are not in the database, what they changed is
			// (and after a failed fill, clients catching up read the missed messages themselves).
			if (!this.closed) {
				this.commands?.resync(why);
			}
		}).finally(() => {
			this.filling = undefined;
			if (this.fillAgain) {
				this.fillAgain = false;
				this.fill('more missed meanwhile');
			}
		});
	}

	private async fillFromStore(): Promise<void> {
		const floor = this.floor;
		this.floor = undefined;
		const done = new Set<string>();
		for (const channel of this.subscribedChannels()) {
			done.add(channel);
			await this.fillConversation(channel, floor, this.fillDelivery(channel));
		}
		for (const nick of this.attachedNicks()) {
			for (const { conversation } of await this.store.directConversations(nick)) {
				if (done.has(conversation)) {
					continue;
				}
				done.add(conversation);
				await this.fillConversation(conversation, floor, this.fillDelivery(conversation));
			}
		}
		// Conversations with messages waiting but nobody here to fill for.
		for (const [conversation, position] of this.positions) {
			if (position.held.length > 0 && !done.has(conversation)) {
				this.flushHeld(conversation);
			}
		}
	}

	private async fillConversation(conversation: string, floor: number | undefined, deliver: (id: number, frame: Buffer, message: Message) => void): Promise<void> {
		const position = this.positionOf(conversation);
		// Without a position here, from the highest id seen before the bus was lost (none seen: nothing to fill).
		let after = position.last ?? (floor ? floor : undefined);
		// From a message that must wait on (a local sender's), everything after it waits behind it.
		let blocked = false;
		if (after !== undefined) {
			for (;;) {
				const page = await this.store.allAfter(conversation, after, PAGE);
				for (const stored of page.messages) {
					const prev = after;
					after = stored.id;
					const { clientMsgId: _hidden, ...message } = stored;
					const frame = encodeNotification(MessageNewNotification.type, { message });
					if (position.last !== undefined && stored.id <= position.last) {
						// Delivered in order meanwhile (its own path, or the bus, while this page was read).
						continue;
					}
					const fromHere = () => deliver(stored.id, frame, message);
					if (position.held.some((h) => h.id === stored.id)) {
						// Waiting already (a fill before this one held it): so does what follows.
						blocked = true;
					} else if (blocked) {
						this.hold(conversation, position, { id: stored.id, prev, key: stored.id, since: performance.now(), deliver: fromHere });
					} else if (this.sending.has(stored.id) || this.hasNick(stored.from)) {
						// Maybe sent through this node and not handed to delivery yet (committed, its
						// handler about to publish): its own path delivers it without echoing it to its
						// sender's connection, and what follows it waits for it, as the bus's messages
						// wait for their predecessor. Delivered from here only if that path never comes.
						blocked = true;
						this.hold(conversation, position, { id: stored.id, prev: stored.id, key: stored.id, since: performance.now(), deliver: fromHere });
						this.graceFor(conversation, position, stored.id, fromHere);
					} else {
						fromHere();
						this.advance(position, stored.id);
					}
				}
				if (!page.hasMore || page.messages.length === 0) {
					break;
				}
			}
		}
		if (!blocked) {
			this.flushHeld(conversation);
		} else if (position.last !== undefined) {
			// What was delivered while the pages were read may have freed some of what waits.
			this.advance(position, position.last);
		}
	}

	/**
	 * A message of a local sender found by a gap fill waits SENDER_GRACE_MS for its own path
	 * (which delivers it and lets what waits behind it out); if that never comes, it is
	 * delivered from here, and then what waits behind it.
	 */
	private graceFor(conversation: string, position: Position, id: number, fromHere: () => void): void {
		setTimeout(() => {
			if (this.closed) {
				return;
			}
			if (position.last !== undefined && position.last >= id) {
				this.advance(position, position.last);
				return;
			}
			if (this.sending.has(id)) {
				this.graceFor(conversation, position, id, fromHere);
				return;
			}
			const at = position.held.findIndex((h) => h.id === id);
			if (at >= 0) {
				position.held.splice(at, 1);
			}
			fromHere();
			this.advance(position, id);
		}, SENDER_GRACE_MS).unref();
	}
}

/**
 * Delivery across the nodes of a cluster. Each event is delivered to this node's own
 * connections at once and published once on the Redis bus (`parley:bus`), whatever the
 * number of recipients; every other node decodes its header once and writes the same
 * frame bytes to each of its local connections that should have it.
 *
 * The bus only fans out; positions fill the gaps. A `message/new` event carries its
 * conversation, its message id (committed in the database before it was published) and
 * the id of the message before it in that conversation's history (read from the database
 * after the commit: appends to one conversation commit in id order). Every node,
 * the sending one included, delivers a conversation's messages in that chain's order: a
 * message whose predecessor has not been delivered yet waits for it (at most HOLD_MS,
 * then the gap is filled from the database). Events also carry a sequence number per
 * publishing process: a node that sees a number skipped, or whose Redis connection
 * dropped, reads what it missed from the database (`Store.page` after the last id it
 * delivered) and delivers those messages once, in id order, skipping the ones it already
 * delivered.
 */
import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { MessageNewNotification } from '../../protocol/messages';
import type { Message } from '../../protocol/types';
import { BUS } from '../cluster/keys';
import type { Logger } from '../log';
import { nickKey } from '../../protocol/names';
import { encodeNotification } from '../transport/frames';
import { LocalDelivery, type Sink, type Traffic } from './delivery';
import { dmConversation, isDmConversation, type Store } from './store';

/** What the hub does for events that are not plain deliveries. */
export interface BusCommands {
	/** Operator kick of a nick on whichever node holds it. */
	kick(nick: string, reason: string): void;
	/** Operator broadcast to every signed-in connection. */
	broadcast(frame: Buffer): void;
}

type Kind = 'ch' | 'nick' | 'aud' | 'sub' | 'unsub' | 'kick' | 'all';

interface Header {
	/** Publishing process (node id and a per-start token). */
	o: string;
	/** Its sequence number. */
	s: number;
	k: Kind;
	c?: string | string[];
	n?: string | string[];
	/** toAudience's except nick, kick's reason. */
	x?: string;
	t?: 'presence';
	/** message/new: [conversation, id, id of the message before it in the conversation]. */
	m?: [string, number, number];
}

/** Deliveries remembered for duplicate checks (message id and channel or nick key). */
const RECENT = 20_000;
const PAGE = 200;
/** How long a message waits for its predecessor before the gap is filled from the database. */
const HOLD_MS = 1000;

/** How long a gap fill leaves a message of a local sender to the sender's own path. */
const SENDER_GRACE_MS = 3000;

/** A message waiting for its predecessor. */
interface Held {
	id: number;
	prev: number;
	since: number;
	deliver(): void;
}

/** Where a conversation's delivery stands on this node. */
class Position {
	/** The highest id delivered in order; undefined until the first message. */
	last: number | undefined;
	/** Waiting messages, by id. */
	readonly held: Held[] = [];
	timer: NodeJS.Timeout | undefined;
}

const MESSAGE_NEW = Buffer.from(`"method":"${MessageNewNotification.type.method}"`);

/** The conversation and id of a `message/new` frame, read once on the publishing node. */
function messageOf(frame: Buffer): [string, number] | undefined {
	if (frame.indexOf(MESSAGE_NEW) < 0) {
		return undefined;
	}
	const body = frame.subarray(frame.indexOf('\r\n\r\n') + 4).toString('utf8');
	const message = (JSON.parse(body) as { params: { message: Message } }).params.message;
	return [message.to.startsWith('#') ? message.to : dmConversation(message.from, message.to), message.id];
}

export class RedisDelivery extends LocalDelivery {
	private readonly origin: string;
	private seq = 0;
	private readonly lastSeq = new Map<string, number>();
	private readonly positions = new Map<string, Position>();
	/** `id:target` of the recent deliveries of messages (target: channel or nick key). */
	private readonly recent = new Set<string>();
	/** The predecessor lookups under way, by message id (a DM is delivered in two halves). */
	private readonly prevs = new Map<number, Promise<number>>();
	/** Messages sent through this node not delivered here yet: a gap fill leaves them to their sender's path. */
	private readonly sending = new Set<number>();
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
		this.closed = true;
		for (const position of this.positions.values()) {
			clearTimeout(position.timer);
		}
	}

	/** Resolves when no gap fill is running. */
	async settled(): Promise<void> {
		while (this.filling) {
			await this.filling;
		}
	}

	private publish(header: Omit<Header, 'o' | 's'>, frame?: Buffer): void {
		const full: Header = { o: this.origin, s: ++this.seq, ...header };
		const head = Buffer.from(JSON.stringify(full) + '\n');
		this.pub.publish(BUS, frame ? Buffer.concat([head, frame]) : head).catch((error: unknown) => {
			this.log.warn(`cluster: publishing on the bus failed: ${String(error)}`);
		});
	}

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

	/** The id of the message before `id` in the conversation's history (0: none), read once per message. */
	private prevOf(conversation: string, id: number): Promise<number> {
		let prev = this.prevs.get(id);
		if (!prev) {
			prev = this.store.page(conversation, { before: id, limit: 1 }).then((page) => page.messages.at(-1)?.id ?? 0, (error: unknown) => {
				this.log.warn(`cluster: reading the message before ${id} failed (${String(error)}); delivering it unordered`);
				return 0;
			});
			this.prevs.set(id, prev);
			void prev.then(() => setTimeout(() => this.prevs.delete(id), 1000));
		}
		return prev;
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
		const at = position.held.findIndex((h) => h.id > id);
		position.held.splice(at < 0 ? position.held.length : at, 0, { id, prev, since: performance.now(), deliver });
		position.timer ??= setTimeout(() => this.overdue(conversation), HOLD_MS);
	}

	private advance(position: Position, id: number): void {
		if (position.last === undefined || id > position.last) {
			position.last = id;
		}
		while (position.held.length > 0 && position.held[0].prev <= position.last) {
			const next = position.held.shift()!;
			next.deliver();
			if (next.id > position.last) {
				position.last = next.id;
			}
		}
		if (position.held.length === 0) {
			clearTimeout(position.timer);
			position.timer = undefined;
		}
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
			if (position.last === undefined || held.id > position.last) {
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
			this.store.latestId(channel).then((id) => {
				position.last ??= id;
			}, () => undefined);
		}
	}

	override subscribeNick(channel: string, nick: string): void {
		super.subscribeNick(channel, nick);
		this.publish({ k: 'sub', c: channel, n: nick });
	}

	override unsubscribeNick(channel: string, nick: string): void {
		super.unsubscribeNick(channel, nick);
		this.publish({ k: 'unsub', c: channel, n: nick });
	}

	override toChannel(channel: string, frame: Buffer, exceptId?: number, traffic: Traffic = 'chat'): void {
		const m = messageOf(frame);
		const t = traffic === 'presence' ? { t: 'presence' as const } : {};
		if (!m) {
			super.toChannel(channel, frame, exceptId, traffic);
			this.publish({ k: 'ch', c: channel, ...t }, frame);
			return;
		}
		const [conversation, id] = m;
		this.sending.add(id);
		void this.prevOf(conversation, id).then((prev) => {
			this.publish({ k: 'ch', c: channel, m: [conversation, id, prev], ...t }, frame);
			this.arrive(conversation, id, prev, () => {
				this.sending.delete(id);
				if (this.firstTime(id, channel)) {
					super.toChannel(channel, frame, exceptId, traffic);
				}
			});
		});
	}

	override toNick(nick: string, frame: Buffer, exceptId?: number, traffic: Traffic = 'chat'): boolean {
		const m = messageOf(frame);
		const t = traffic === 'presence' ? { t: 'presence' as const } : {};
		if (!m) {
			const local = super.toNick(nick, frame, exceptId, traffic);
			this.publish({ k: 'nick', n: nick, ...t }, frame);
			return local;
		}
		const [conversation, id] = m;
		this.sending.add(id);
		void this.prevOf(conversation, id).then((prev) => {
			this.publish({ k: 'nick', n: nick, m: [conversation, id, prev], ...t }, frame);
			this.arrive(conversation, id, prev, () => {
				this.sending.delete(id);
				if (this.firstTime(id, nickKey(nick))) {
					super.toNick(nick, frame, exceptId, traffic);
				}
			});
		});
		return this.hasNick(nick);
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
		const end = payload.indexOf(0x0a);
		let header: Header;
		try {
			header = JSON.parse(payload.subarray(0, end).toString('utf8')) as Header;
		} catch {
			this.log.warn('cluster: ignored a bus event that is not Parley\'s');
			return;
		}
		if (header.o === this.origin) {
			return;
		}
		const last = this.lastSeq.get(header.o);
		this.lastSeq.set(header.o, header.s);
		if (last !== undefined && header.s !== last + 1) {
			this.floor ??= this.globalHigh;
			this.fill(`events ${last + 1} to ${header.s - 1} of ${header.o} missed`);
		}
		const frame = payload.subarray(end + 1);
		const traffic: Traffic = header.t ?? 'chat';
		const m = header.m;
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
					super.toChannel(channel, frame, undefined, traffic);
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
					super.toNick(nick, frame, undefined, traffic);
				}
				break;
			}
			case 'aud':
				super.toAudience(header.c as string[], header.n as string[], frame, header.x ?? '', traffic);
				break;
			case 'sub':
				super.subscribeNick(header.c as string, header.n as string);
				break;
			case 'unsub':
				super.unsubscribeNick(header.c as string, header.n as string);
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
			if (position.held.length > 0) {
				this.flushHeld(conversation);
			}
		}
	}

	private async fillConversation(conversation: string, floor: number | undefined, deliver: (id: number, frame: Buffer, message: Message) => void): Promise<void> {
		const position = this.positionOf(conversation);
		// Without a position here, from the highest id seen before the bus was lost (none seen: nothing to fill).
		let after = position.last ?? (floor ? floor : undefined);
		if (after !== undefined) {
			for (;;) {
				const page = await this.store.page(conversation, { after, limit: PAGE });
				for (const stored of page.messages) {
					after = stored.id;
					const { clientMsgId: _hidden, ...message } = stored;
					const frame = encodeNotification(MessageNewNotification.type, { message });
					if (this.sending.has(stored.id) || this.hasNick(stored.from)) {
						// Maybe sent through this node and not handed to delivery yet (committed, its
						// handler about to publish): its own path delivers it without echoing it to its
						// sender's connection. Delivered from here only if that path never comes.
						setTimeout(() => {
							if (!this.closed && !this.sending.has(stored.id)) {
								deliver(stored.id, frame, message);
							}
						}, SENDER_GRACE_MS);
						continue;
					}
					deliver(stored.id, frame, message);
					this.advance(position, stored.id);
				}
				if (!page.hasMore || page.messages.length === 0) {
					break;
				}
			}
		}
		this.flushHeld(conversation);
	}
}

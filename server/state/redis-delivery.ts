/**
 * Delivery across the nodes of a cluster. Each event is delivered to this node's own
 * connections at once and published once on the Redis bus (`parley:bus`), whatever the
 * number of recipients; every other node decodes its header once and writes the same
 * frame bytes to each of its local connections that should have it.
 *
 * The bus only fans out; positions fill the gaps. A `message/new` event carries its
 * conversation and message id (committed in the database before it was published).
 * Each node remembers, per conversation, the ids it delivered. Events carry a sequence
 * number per publishing process: a node that sees a number skipped, or whose Redis
 * connection dropped, reads what it missed from the database (`Store.page` after the
 * highest id it delivered) and delivers those messages once, in id order, skipping the
 * ones it already delivered.
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
import { dmConversation, type Store } from './store';

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
	/** message/new: [conversation, id]. */
	m?: [string, number];
}

/** Deliveries remembered for duplicate checks (message id and channel or nick key). */
const RECENT = 20_000;
const PAGE = 200;

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
	/** Per conversation, the highest message id delivered or seen on the bus. */
	private readonly highs = new Map<string, number>();
	/** `id:target` of the recent deliveries of messages (target: channel or nick key). */
	private readonly recent = new Set<string>();
	/** The highest message id seen on the bus, in any conversation. */
	private globalHigh = 0;
	/** Ids below this are not filled into conversations this node has no position for. */
	private floor: number | undefined;
	private filling: Promise<void> | undefined;
	private fillAgain = false;
	private disconnected = false;
	private closed = false;
	commands: BusCommands | undefined;
	/** Gap fills run (for tests and monitoring). */
	fills = 0;

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
	 * Records that message `m` went to `target` (a channel, or a nick's connections here)
	 * and moves the conversation's position; false when it had gone there already.
	 */
	private firstTime(m: [string, number] | undefined, target: string): boolean {
		if (!m) {
			return true;
		}
		const [conversation, id] = m;
		if (id > (this.highs.get(conversation) ?? 0)) {
			this.highs.set(conversation, id);
		}
		if (id > this.globalHigh) {
			this.globalHigh = id;
		}
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

	override subscribe(channel: string, sink: Sink): void {
		super.subscribe(channel, sink);
		if (!this.highs.has(channel)) {
			// The position from which a gap in this channel would be filled.
			this.highs.set(channel, 0);
			this.store.latestId(channel).then((id) => {
				if ((this.highs.get(channel) ?? 0) === 0) {
					this.highs.set(channel, id);
				}
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
		this.firstTime(m, channel);
		super.toChannel(channel, frame, exceptId, traffic);
		this.publish({ k: 'ch', c: channel, ...(m ? { m } : {}), ...(traffic === 'presence' ? { t: 'presence' } : {}) }, frame);
	}

	override toNick(nick: string, frame: Buffer, exceptId?: number, traffic: Traffic = 'chat'): boolean {
		const m = messageOf(frame);
		this.firstTime(m, nickKey(nick));
		const local = super.toNick(nick, frame, exceptId, traffic);
		this.publish({ k: 'nick', n: nick, ...(m ? { m } : {}), ...(traffic === 'presence' ? { t: 'presence' } : {}) }, frame);
		return local;
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
		switch (header.k) {
			case 'ch':
				if (this.firstTime(header.m, header.c as string)) {
					super.toChannel(header.c as string, frame, undefined, traffic);
				}
				break;
			case 'nick':
				if (this.firstTime(header.m, nickKey(header.n as string))) {
					super.toNick(header.n as string, frame, undefined, traffic);
				}
				break;
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
		for (const channel of this.subscribedChannels()) {
			await this.fillConversation(channel, floor, (id, frame) => {
				if (this.firstTime([channel, id], channel)) {
					super.toChannel(channel, frame);
				}
			});
		}
		const done = new Set<string>();
		for (const nick of this.attachedNicks()) {
			for (const { conversation } of await this.store.directConversations(nick)) {
				if (done.has(conversation)) {
					continue;
				}
				done.add(conversation);
				await this.fillConversation(conversation, floor, (id, frame, message) => {
					for (const party of [message.to, message.from]) {
						if (this.firstTime([conversation, id], nickKey(party))) {
							super.toNick(party, frame);
						}
					}
				});
			}
		}
	}

	private async fillConversation(conversation: string, floor: number | undefined, deliver: (id: number, frame: Buffer, message: Message) => void): Promise<void> {
		let after = this.highs.get(conversation) || floor;
		if (after === undefined) {
			return;
		}
		for (;;) {
			const page = await this.store.page(conversation, { after, limit: PAGE });
			for (const stored of page.messages) {
				after = stored.id;
				const { clientMsgId: _hidden, ...message } = stored;
				deliver(stored.id, encodeNotification(MessageNewNotification.type, { message }), message);
			}
			if (!page.hasMore || page.messages.length === 0) {
				return;
			}
		}
	}
}

/**
 * The chat's shared operations over the state interfaces: sessions coming and going,
 * presence, announcements, kicks and broadcasts. Protocol handlers and the operator
 * console both go through here; neither touches the stores' insides.
 *
 * A guest (unregistered nick) is one connection, and its channels end with it. An
 * account may have several connections at once: each is subscribed to every channel of
 * the account and receives what the account receives; the account stays a member of its
 * channels when its last connection ends, which its peers see as `user/presence`.
 */
import { MemberLeftNotification } from '../protocol/channels';
import { nickKey } from '../protocol/names';
import { KickedNotification, NoticeNotification, ResyncNotification, ShutdownNotification } from '../protocol/lifecycle';
import { AccountNotification, PresenceNotification, type PresenceStatus } from '../protocol/users';
import { LoginThrottle } from './auth';
import { systemClock, type Clock } from './clock';
import type { Logger } from './log';
import { ServerCounters } from './metrics/counters';
import type { ServerOptions } from './options';
import type { Session } from './session';
import type { AccessLists } from './state/access';
import type { Delivery } from './state/delivery';
import type { Memberships } from './state/memberships';
import { statusOf, type Presence, type UserStatus } from './state/presence';
import type { Reactions } from './state/reactions';
import type { ReadMarkers } from './state/read-markers';
import type { Store } from './state/store';
import type { ThreadMarkers } from './state/thread-markers';
import { encodeNotification } from './transport/frames';

/** What a hub in a cluster tells the other nodes (cluster/cluster.ts); absent on a single server. */
export interface ClusterLink {
	/** This node's id. */
	readonly nodeId: string;
	/** Asks the other nodes to kick the nick's connections. */
	kickElsewhere(nick: string, reason: string): void;
	/** Asks the other nodes to write the frame to every signed-in connection. */
	broadcastElsewhere(frame: Buffer): void;
	/**
	 * A guest signing in again with the resume token of a connection on a node that died
	 * (its lease is gone, it is not reaped yet): frees the nick at once and tells the dead
	 * node's guests' channels they left. False when the token does not match such a guest.
	 */
	resumeGuest(nick: string, resumeToken: string): Promise<boolean>;
}

export interface HubState {
	cluster?: ClusterLink;
	presence: Presence;
	delivery: Delivery;
	store: Store;
	memberships: Memberships;
	access: AccessLists;
	readMarkers: ReadMarkers;
	threadMarkers: ThreadMarkers;
	reactions: Reactions;
}

export interface UserDetails {
	nick: string;
	address: string;
	since: number;
	connections: number;
	channels: string[];
	status: UserStatus;
}

export class Hub {
	/** Every open connection on this process, initialized or not (added with `add`). */
	readonly sessions = new Set<Session>();
	/** Open connections per remote address, for the per-IP cap. */
	private readonly perIp = new Map<string, number>();
	readonly loginThrottle: LoginThrottle;
	/** What /metrics counts (server/metrics). */
	readonly counters = new ServerCounters();
	/** Local initialized sessions by nick key (an account may have several). */
	private readonly byNick = new Map<string, Set<Session>>();
	/** Cleanups of closed sessions still running (see `settled`). */
	private readonly detaching = new Set<Promise<void>>();

	constructor(
		readonly options: ServerOptions,
		readonly state: HubState,
		readonly log: Logger,
		/** The clock of the server's timeouts (see clock.ts). */
		readonly clock: Clock = systemClock,
	) {
		this.loginThrottle = new LoginThrottle(clock);
	}

	get presence(): Presence { return this.state.presence; }
	get delivery(): Delivery { return this.state.delivery; }
	get store(): Store { return this.state.store; }
	get memberships(): Memberships { return this.state.memberships; }
	get access(): AccessLists { return this.state.access; }
	get readMarkers(): ReadMarkers { return this.state.readMarkers; }
	get threadMarkers(): ThreadMarkers { return this.state.threadMarkers; }
	get reactions(): Reactions { return this.state.reactions; }

	connectionsFrom(ip: string): number {
		return this.perIp.get(ip) ?? 0;
	}

	add(session: Session): void {
		this.counters.connectionsAccepted++;
		this.sessions.add(session);
		this.perIp.set(session.ip, this.connectionsFrom(session.ip) + 1);
	}

	/** Called once initialize has claimed the nick in presence. */
	attach(session: Session, nick: string): void {
		session.nick = nick;
		const key = nickKey(nick);
		let sessions = this.byNick.get(key);
		if (!sessions) {
			sessions = new Set();
			this.byNick.set(key, sessions);
		}
		sessions.add(session);
		this.delivery.attachNick(nick, session);
	}

	/** Moves a session to a new nick already claimed in presence; its subscriptions stay. */
	renamed(session: Session, oldNick: string, newNick: string): void {
		this.forget(session, oldNick);
		this.attach(session, newNick);
	}

	private forget(session: Session, nick: string): void {
		const key = nickKey(nick);
		const sessions = this.byNick.get(key);
		if (sessions?.delete(session) && sessions.size === 0) {
			this.byNick.delete(key);
		}
		this.delivery.detachNick(nick, session);
	}

	/** How many distinct nicks are signed in on this process. */
	get nicksOnline(): number {
		return this.byNick.size;
	}

	/** The local sessions signed in as `nick`. */
	holders(nick: string): Session[] {
		return [...(this.byNick.get(nickKey(nick)) ?? [])];
	}

	/** A local session signed in as `nick` (the first, for an account with several). */
	holder(nick: string): Session | undefined {
		return this.holders(nick)[0];
	}

	/** Closes a session and frees what it held now, not when its socket finally closes. */
	async evict(session: Session, reason: string): Promise<void> {
		session.close(reason);
		await this.detach(session, reason);
	}

	/**
	 * Frees everything a closed session held. A guest leaves its channels, which are told
	 * why; an account's last connection makes it offline. Runs once per session.
	 */
	async detach(session: Session, reason: string): Promise<void> {
		if (!this.sessions.has(session)) {
			return;
		}
		const done = this.release(session, reason);
		this.detaching.add(done);
		try {
			await done;
		} finally {
			this.detaching.delete(done);
		}
	}

	/** Resolves once the cleanups of the sessions closed so far have run. */
	async settled(): Promise<void> {
		await Promise.allSettled([...this.detaching]);
	}

	private async release(session: Session, reason: string): Promise<void> {
		if (!this.sessions.delete(session)) {
			return;
		}
		const left = this.connectionsFrom(session.ip) - 1;
		if (left > 0) {
			this.perIp.set(session.ip, left);
		} else {
			this.perIp.delete(session.ip);
		}
		const nick = session.nick;
		if (nick === undefined) {
			this.log.info(`disconnect ${session.address}: ${reason}; ${this.sessions.size} connected`);
			return;
		}
		this.forget(session, nick);
		this.delivery.unsubscribeAll(session);
		if (session.registered) {
			if (await this.presence.release(nick)) {
				await this.announcePresence(nick, 'offline');
			}
		} else {
			await this.guestGone(nick, reason, () => this.presence.release(nick));
		}
		this.log.info(`disconnect ${session.label}: ${reason}; ${this.sessions.size} connected`);
	}

	/** A guest's last connection ended: it leaves its channels, which are told why. */
	private async guestGone(nick: string, reason: string, release: () => Promise<unknown>): Promise<void> {
		const channels = await this.memberships.removeGuest(nick);
		await this.access.dropGuestInvites(nick);
		await release();
		for (const channel of channels) {
			this.guestLeft(channel, nick, reason);
		}
	}

	/** Tells a channel a guest left it. */
	guestLeft(channel: string, nick: string, reason: string): void {
		this.delivery.toChannel(channel, encodeNotification(MemberLeftNotification.type, { channel, nick, reason }), undefined, 'presence');
	}

	/**
	 * A nick went offline without a session of this node ending: its node died and this
	 * node freed its presence (cluster). Its peers are told as if it had disconnected.
	 */
	async dropOffline(nick: string, account: boolean, reason: string): Promise<void> {
		if (account) {
			await this.announcePresence(nick, 'offline');
		} else {
			await this.guestGone(nick, reason, async () => undefined);
		}
		this.log.info(`${nick} is offline: ${reason}`);
	}

	/** Tells everyone who shares a channel or a DM with the account that it came online or went offline. */
	async announcePresence(nick: string, status: PresenceStatus, text?: string): Promise<void> {
		const [channels, directs] = await Promise.all([this.memberships.channelsOf(nick), this.store.directConversations(nick)]);
		const frame = encodeNotification(PresenceNotification.type, text === undefined ? { nick, status } : { nick, status, text });
		this.delivery.toAudience(channels.map((c) => c.channel), directs.map((d) => d.peer), frame, nick, 'presence');
	}

	/**
	 * Tells everyone who shares a channel or a DM with the nick, and the nick's own
	 * connections, that a guest became a signed-in account (`user/account`).
	 */
	async announceAccount(nick: string): Promise<void> {
		const [channels, directs] = await Promise.all([this.memberships.channelsOf(nick), this.store.directConversations(nick)]);
		const frame = encodeNotification(AccountNotification.type, { nick });
		this.delivery.toAudience(channels.map((c) => c.channel), directs.map((d) => d.peer), frame, nick, 'presence');
		this.delivery.toNick(nick, frame, undefined, 'presence');
	}

	/** Everyone online, by nick, with all their channels (callers hide what a viewer may not see). */
	async users(): Promise<UserDetails[]> {
		const online = await this.presence.list();
		const details = await Promise.all(online.map(async (u) => ({
			nick: u.nick, address: u.address, since: u.since, connections: u.connections, status: statusOf(u),
			channels: (await this.memberships.channelsOf(u.nick)).map((c) => c.channel),
		})));
		return details.sort((a, b) => a.nick.localeCompare(b.nick));
	}

	/**
	 * Tells every connection of the nick why, then closes it, on every node of a cluster.
	 * False when the nick is not online.
	 */
	async kick(nick: string, reason: string): Promise<boolean> {
		const here = this.kickHere(nick, reason);
		const cluster = this.state.cluster;
		if (!cluster) {
			return here;
		}
		cluster.kickElsewhere(nick, reason);
		return here || (await this.presence.get(nick)) !== undefined;
	}

	/** Kicks the nick's connections of this node; false when it has none here. */
	kickHere(nick: string, reason: string): boolean {
		const sessions = this.holders(nick);
		for (const session of sessions) {
			session.notify(KickedNotification.type, { reason });
			session.close(`kicked: ${reason}`);
			this.log.info(`kicked ${session.label}: ${reason}`);
		}
		return sessions.length > 0;
	}

	/** Sends a notice to every signed-in connection (of every node); resolves how many. */
	async broadcast(text: string): Promise<number> {
		const frame = encodeNotification(NoticeNotification.type, { text });
		const here = this.broadcastHere(frame);
		const cluster = this.state.cluster;
		const n = cluster ? (cluster.broadcastElsewhere(frame), await this.presence.connections()) : here;
		this.log.info(`broadcast to ${n}: ${text}`);
		return n;
	}

	/**
	 * This node may have missed events of other nodes (cluster): its signed-in connections
	 * are told to read again what they show (`server/resync`).
	 */
	async resyncHere(why: string): Promise<void> {
		await this.dropLostMemberships();
		const n = this.broadcastHere(encodeNotification(ResyncNotification.type, { reason: 'this server lost events of the other servers for a moment; messages were filled in' }));
		this.log.info(`cluster: asked ${n} connection${n === 1 ? '' : 's'} here to read again (${why})`);
	}

	/**
	 * After events were lost (resyncHere): a connection subscribed to a channel its nick is
	 * no longer a member of (a leave, kick or ban that happened on another node meanwhile)
	 * is unsubscribed and told it left, so it gets nothing more of that channel.
	 */
	private async dropLostMemberships(): Promise<void> {
		// Every subscription is taken before any membership is read: a join made meanwhile
		// is not among them, so it cannot be mistaken for a membership that ended.
		const subscribed = [...this.sessions].flatMap((session) => {
			const channels = this.delivery.subscriptionsOf(session);
			return session.nick === undefined || channels.length === 0 ? [] : [{ session, nick: session.nick, channels }];
		});
		const memberOf = new Map<string, Promise<Set<string>>>();
		for (const { session, nick, channels } of subscribed) {
			const key = nickKey(nick);
			if (!memberOf.has(key)) {
				memberOf.set(key, this.memberships.channelsOf(nick).then((list) => new Set(list.map((c) => c.channel))));
			}
			const member = await memberOf.get(key)!;
			for (const channel of channels) {
				if (!member.has(channel)) {
					this.delivery.unsubscribe(channel, session);
					session.notify(MemberLeftNotification.type, { channel, nick, reason: 'no longer a member when this server caught up with the others' });
					this.log.info(`cluster: ${session.label} was no longer in ${channel}`);
				}
			}
		}
	}

	/** Writes the frame to every signed-in connection of this node; returns how many. */
	broadcastHere(frame: Buffer): number {
		let n = 0;
		for (const session of this.sessions) {
			if (session.nick !== undefined) {
				session.deliver(frame);
				n++;
			}
		}
		return n;
	}

	/** Tells every client the server stops and closes every connection. */
	closeAll(reason: string): void {
		const frame = encodeNotification(ShutdownNotification.type, { reason });
		for (const session of this.sessions) {
			session.deliver(frame);
			session.close(`server shutdown: ${reason}`);
		}
	}
}

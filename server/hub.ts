/**
 * The chat's shared operations over the state interfaces: sessions coming and going,
 * announcements, kicks and broadcasts. Protocol handlers and the operator console both
 * go through here; neither touches the stores' insides.
 */
import { MemberLeftNotification } from '../protocol/channels';
import { nickKey } from '../protocol/names';
import { KickedNotification, NoticeNotification, ShutdownNotification } from '../protocol/lifecycle';
import { LoginThrottle } from './auth';
import { systemClock, type Clock } from './clock';
import type { Logger } from './log';
import type { ServerOptions } from './options';
import type { Session } from './session';
import type { Delivery } from './state/delivery';
import type { Membership } from './state/membership';
import type { Presence } from './state/presence';
import type { Store } from './state/store';
import { encodeNotification } from './transport/frames';

export interface HubState {
	presence: Presence;
	membership: Membership;
	store: Store;
	delivery: Delivery;
}

export interface UserDetails {
	nick: string;
	address: string;
	since: number;
	channels: string[];
}

export class Hub {
	/** Every open connection on this process, initialized or not (added with `add`). */
	readonly sessions = new Set<Session>();
	/** Open connections per remote address, for the per-IP cap. */
	private readonly perIp = new Map<string, number>();
	readonly loginThrottle: LoginThrottle;
	/** Local initialized sessions by nick key (for kicks). */
	private readonly byNick = new Map<string, Session>();

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
	get membership(): Membership { return this.state.membership; }
	get store(): Store { return this.state.store; }
	get delivery(): Delivery { return this.state.delivery; }

	connectionsFrom(ip: string): number {
		return this.perIp.get(ip) ?? 0;
	}

	add(session: Session): void {
		this.sessions.add(session);
		this.perIp.set(session.ip, this.connectionsFrom(session.ip) + 1);
	}

	/** Called once initialize has claimed the nick in presence. */
	attach(session: Session, nick: string): void {
		session.nick = nick;
		this.byNick.set(nickKey(nick), session);
		this.delivery.attachNick(nick, session);
	}

	/** Moves a session to a new nick already claimed in presence. */
	renamed(session: Session, oldNick: string, newNick: string): void {
		this.byNick.delete(nickKey(oldNick));
		this.delivery.detachNick(oldNick);
		this.attach(session, newNick);
	}

	/** The local session holding `nick`, if any. */
	holder(nick: string): Session | undefined {
		return this.byNick.get(nickKey(nick));
	}

	/** Closes a session and frees its nick now, not when its socket finally closes. */
	async evict(session: Session, reason: string): Promise<void> {
		session.close(reason);
		await this.detach(session, reason);
	}

	/** Frees everything a closed session held and tells its channels. Runs once per session. */
	async detach(session: Session, reason: string): Promise<void> {
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
		this.byNick.delete(nickKey(nick));
		this.delivery.detachNick(nick);
		const channels = await this.membership.leaveAll(nick);
		await this.presence.release(nick);
		for (const channel of channels) {
			this.delivery.unsubscribe(channel, session);
			this.delivery.toChannel(channel, encodeNotification(MemberLeftNotification.type, { channel, nick, reason }), undefined, 'presence');
		}
		this.log.info(`disconnect ${session.label}: ${reason}; ${this.sessions.size} connected`);
	}

	async users(): Promise<UserDetails[]> {
		const online = await this.presence.list();
		const details = await Promise.all(online.map(async (u) => ({ ...u, channels: await this.membership.channelsOf(u.nick) })));
		return details.sort((a, b) => a.nick.localeCompare(b.nick));
	}

	/** Tells the user why, then closes their connection. False when no such nick here. */
	kick(nick: string, reason: string): boolean {
		const session = this.byNick.get(nickKey(nick));
		if (!session) {
			return false;
		}
		session.notify(KickedNotification.type, { reason });
		session.close(`kicked: ${reason}`);
		this.log.info(`kicked ${session.label}: ${reason}`);
		return true;
	}

	broadcast(text: string): number {
		const frame = encodeNotification(NoticeNotification.type, { text });
		let n = 0;
		for (const session of this.sessions) {
			if (session.nick !== undefined) {
				session.deliver(frame);
				n++;
			}
		}
		this.log.info(`broadcast to ${n}: ${text}`);
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

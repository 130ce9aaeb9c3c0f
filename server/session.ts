/**
 * One client connection: its socket, framing, JSON-RPC connection and output queue,
 * and what the client is (nick, operator). Chat logic lives in the handlers.
 *
 * The vscode-jsonrpc connection (an RpcLink) is held while the session is active: it is
 * taken when a message arrives and given back (see RpcLinks) once the session has been
 * quiet, with nothing in flight either way.
 */
import type { Socket } from 'node:net';
import type { Message, NotificationType, RequestParam, RequestType } from 'vscode-jsonrpc/node';
import { GuardedFrameReader } from './transport/frame-reader';
import { encodeMessage, encodeNotification } from './transport/frames';
import { OutboundQueue, Urgency } from './transport/outbound';
import type { LinkOwner, RpcLink } from './transport/rpc-link';
import { NoticeNotification } from '../protocol/lifecycle';
import type { Sink, Traffic } from './state/delivery';
import { TokenBucket } from './flood';
import { systemClock, type Clock } from './clock';
import type { Logger } from './log';

/** What a session needs from its server to answer requests. */
export interface RpcHost {
	/** Answers one request (resolves with the result, rejects with a ResponseError). */
	dispatch(session: Session, method: string, params: unknown): Promise<unknown>;
	/** Takes a client notification the server handles itself; false leaves it to the link ($/cancelRequest). */
	notification?(session: Session, method: string, params: unknown): boolean;
	/** A link for the session, which gives it back when quiet (`giveBackLink`). */
	acquireLink(session: Session): RpcLink;
	/** The session closed, holding `link`. */
	closed(session: Session, link: RpcLink | undefined): void;
}

export interface SessionLimits {
	maxFrameBytes: number;
	maxSendQueueBytes: number;
	floodRate: number;
	floodBurst: number;
}

let nextSessionId = 1;

export class Session implements Sink, LinkOwner {
	readonly id = nextSessionId++;
	readonly connectedAt: number;
	readonly address: string;
	readonly ip: string;
	/** Set by a successful initialize. */
	nick: string | undefined;
	operator = false;
	/** The session proved the nick's account password (or registered it). */
	registered = false;
	/** Lets a later connection of the same client take this session's nick over (set by initialize). */
	resumeToken: string | undefined;
	lastActivity: number;
	pingOutstanding = false;
	readonly sendBucket: TokenBucket;
	/** message/send requests of this connection are checked and appended one after another, in order (their commits overlap). */
	sendChain: Promise<unknown> = Promise.resolve();
	/** The commits of this connection's sends under way (at most SEND_WINDOW, messages.ts). */
	readonly sendsInFlight = new Set<Promise<void>>();
	/** What this connection's thread replies do after their commit (counters, markers), one after another in the order sent. */
	threadFollowUps: Promise<unknown> = Promise.resolve();
	/** Output to the client, in order, with the send-queue cap (a subclass writes its own protocol's bytes here). */
	protected readonly queue: OutboundQueue;
	private link: RpcLink | undefined;
	/** Requests being handled plus requests of ours awaiting an answer. */
	private busy = 0;
	private closeReason: string | undefined;
	private finished = false;
	private readonly closeListeners: ((reason: string) => void)[] = [];

	constructor(
		private readonly socket: Socket,
		limits: SessionLimits,
		protected readonly log: Logger,
		private readonly host: RpcHost,
		protected readonly clock: Clock = systemClock,
		/** 'none': a subclass reads the socket itself (the IRC listener). */
		framing: 'jsonrpc' | 'none' = 'jsonrpc',
	) {
		this.connectedAt = this.lastActivity = clock.now();
		this.ip = socket.remoteAddress ?? 'unknown';
		this.address = socket.remoteFamily === 'IPv6' ? `[${this.ip}]:${socket.remotePort}` : `${this.ip}:${socket.remotePort}`;
		this.sendBucket = new TokenBucket(limits.floodRate, limits.floodBurst, clock);
		socket.setNoDelay(true);
		this.queue = new OutboundQueue(socket, limits.maxSendQueueBytes, () => {
			this.log.warn(`closing ${this.label}: send queue exceeded (${limits.maxSendQueueBytes} bytes unread)`);
			this.close('send queue exceeded');
		});
		if (framing === 'jsonrpc') {
			this.readFrames(socket, limits);
		}
		socket.on('error', (error) => this.log.debug(`${this.address}: socket error: ${error.message}`));
		socket.on('close', () => this.finish(this.closeReason ?? 'connection lost'));
	}

	private readFrames(socket: Socket, limits: SessionLimits): void {
		// The reader lives as long as the socket, whose data listener holds it.
		new GuardedFrameReader(socket, limits.maxFrameBytes, {
			onViolation: (reason) => {
				this.log.warn(`closing ${this.label}: protocol violation: ${reason}`);
				// The client hears the detail; its channels only hear that it broke the protocol.
				this.notify(NoticeNotification.type, { text: `Closing the connection: ${reason}. See docs/protocol.md for the framing rules.` });
				this.close('protocol violation');
			},
			onInvalid: (id, code, message) => this.reply(encodeMessage({ jsonrpc: '2.0', id, error: { code, message } })),
			onActivity: () => {
				this.lastActivity = this.clock.now();
				this.pingOutstanding = false;
			},
			onMessage: (message) => this.receive(message),
		});
	}

	/** True once the socket has closed and cleanup ran. */
	get isFinished(): boolean {
		return this.finished;
	}

	get isOpen(): boolean {
		return this.closeReason === undefined;
	}

	get label(): string {
		return this.nick ? `${this.nick} (${this.address})` : this.address;
	}

	/** Bytes of output not yet taken by the client's socket (its queue and the socket's buffer). */
	get sendQueueBytes(): number {
		return this.queue.pendingBytes;
	}

	/** Fan-out to this client (written with the next bulk flush, or the next presence flush). */
	deliver(frame: Buffer, traffic: Traffic = 'chat'): void {
		this.queue.enqueue(frame, traffic === 'presence' ? Urgency.Presence : Urgency.Fanout);
	}

	/** An answer to this client: written in the next event-loop turn. */
	reply(frame: Buffer): void {
		this.queue.enqueue(frame, Urgency.Answer);
	}

	notify<P extends object>(type: NotificationType<P>, params: P): void {
		this.reply(encodeNotification(type, params));
	}

	/** Sends a request to the client; resolves with its answer. */
	request<P, R>(type: RequestType<P, R, void>, params: RequestParam<P>): Promise<R> {
		const link = this.wake();
		this.busy++;
		return link.connection.sendRequest(type, params).finally(() => this.busy--);
	}

	/** Whether the session holds a vscode-jsonrpc connection now. */
	get isAwake(): boolean {
		return this.link !== undefined;
	}

	/** Nothing arrived for `quietMs` and nothing is in flight either way. */
	isQuiet(now: number, quietMs: number): boolean {
		return this.busy === 0 && now - this.lastActivity >= quietMs;
	}

	/** Hands the link back to the host (only when quiet). */
	giveBackLink(): RpcLink | undefined {
		const link = this.link;
		this.link = undefined;
		return link;
	}

	async handleRequest(method: string, params: unknown): Promise<unknown> {
		this.busy++;
		try {
			return await this.host.dispatch(this, method, params);
		} finally {
			this.busy--;
		}
	}

	onClose(listener: (reason: string) => void): void {
		this.closeListeners.push(listener);
	}

	/**
	 * Closes the connection after writing what is queued. `reason` is what the other
	 * members are told (memberLeft) and what the log says.
	 */
	close(reason: string): void {
		if (this.closeReason !== undefined) {
			return;
		}
		this.closeReason = reason;
		this.queue.flush();
		this.queue.close();
		this.socket.end();
		// A peer that never reads would keep a half-closed socket: force it shut.
		this.clock.setTimeout(() => this.socket.destroy(), 2000);
	}

	private receive(message: Message): void {
		if (this.finished) {
			return;
		}
		// A client notification Parley handles needs no vscode-jsonrpc link: an idle
		// connection that only types stays asleep.
		const m = message as { method?: unknown; id?: unknown; params?: unknown };
		if (typeof m.method === 'string' && m.id === undefined && this.host.notification?.(this, m.method, m.params)) {
			return;
		}
		this.wake().push(message);
	}

	private wake(): RpcLink {
		this.link ??= this.host.acquireLink(this);
		return this.link;
	}

	private finish(reason: string): void {
		if (this.finished) {
			return;
		}
		this.finished = true;
		this.closeReason ??= reason;
		this.queue.close();
		this.host.closed(this, this.giveBackLink());
		for (const listener of this.closeListeners) {
			listener(reason);
		}
	}
}

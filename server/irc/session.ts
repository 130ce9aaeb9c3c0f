/**
 * One IRC client connection. It is a Session (same nick, operator, account, send
 * queue, flood bucket and timeouts as a JSON-RPC one) whose socket carries IRC lines:
 * the commands go through the same method table as JSON-RPC requests, and what
 * delivery hands it (pre-encoded Parley frames) becomes IRC lines (see events.ts).
 */
import type { Socket } from 'node:net';
import type { NotificationType, RequestParam, RequestType } from 'vscode-jsonrpc/node';
import type { Traffic } from '../state/delivery';
import type { Hub } from '../hub';
import type { Router } from '../handlers/registry';
import { Session } from '../session';
import { TokenBucket } from '../flood';
import { encodeNotification } from '../transport/frames';
import { Urgency } from '../transport/outbound';
import { escapeTag, formatLine, MAX_CLIENT_TAG_BYTES, MAX_LINE_BYTES, parseLine, type IrcLine } from './lines';
import { awayText, frameToLines, sharedMessageBytes } from './events';

let labelBatches = 0;

/** Strict UTF-8 (UTF8ONLY): a line that is not valid UTF-8 is refused, not mangled. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes of unprocessed input a client may have before it is dropped ("Excess Flood"). */
const MAX_RECVQ_BYTES = 64 * 1024;

export interface IrcServerInfo {
	readonly name: string;
	readonly createdAt: Date;
	readonly tls: boolean;
}

export type CommandHandler = (session: IrcSession, line: IrcLine) => Promise<void> | void;

export class IrcSession extends Session {
	/** Capabilities the client enabled. */
	readonly caps = new Set<string>();
	capVersion = 0;
	/** Registration waits while CAP negotiation is open. */
	capNegotiating = false;
	pass: string | undefined;
	requestedNick: string | undefined;
	user: string | undefined;
	realname = '';
	/** An account proved by SASL (or PASS account:password), used at registration. */
	account: { nick: string; password: string } | undefined;
	saslMechanism: string | undefined;
	/** SASL: the AUTHENTICATE chunks of 400 bytes received so far. */
	saslChunks: string[] = [];
	/**
	 * Nick keys of accounts this client has seen without a connection (offline members at
	 * JOIN, `user/presence` offline): their next sign-in is an `ACCOUNT` (account-notify).
	 */
	readonly signedOut = new Set<string>();
	/** Past 001. */
	welcomed = false;
	registering = false;
	private input: Buffer = Buffer.alloc(0);
	private readonly pending: Buffer[] = [];
	private pendingBytes = 0;
	private pumping = false;
	private readonly lag: TokenBucket;
	/** With labeled-response: the answer lines of the labeled command being handled. */
	private labeled: { label: string; lines: string[] } | undefined;

	constructor(
		socket: Socket,
		readonly hub: Hub,
		readonly router: Router,
		readonly server: IrcServerInfo,
		private readonly commands: ReadonlyMap<string, CommandHandler>,
	) {
		super(socket, hub.options, hub.log, {
			dispatch: (session, method, params) => router.dispatch(session, method, params),
			acquireLink: () => {
				throw new Error('an IRC session has no JSON-RPC link');
			},
			closed: () => undefined,
		}, hub.clock, 'none');
		// Flood control as fake lag: lines beyond the burst wait their turn.
		this.lag = new TokenBucket(hub.options.floodRate, hub.options.floodBurst, hub.clock);
		socket.on('data', (chunk: Buffer) => this.received(chunk));
	}

	/** The nick for numerics: '*' before registration. */
	get target(): string {
		return this.nick ?? '*';
	}

	get source(): string {
		return userSource(this.nick ?? '*');
	}

	/** Writes one line now (in order with the other answers). */
	send(line: string): void {
		if (!this.isOpen) {
			return;
		}
		if (this.labeled !== undefined) {
			this.labeled.lines.push(line);
			return;
		}
		this.queue.enqueue(Buffer.from(line + '\r\n', 'utf8'), Urgency.Answer);
	}

	/** A numeric reply to this client. */
	numeric(code: string, ...params: string[]): void {
		this.send(formatLine(this.server.name, code, [this.target, ...params]));
	}

	/** A line from the server (`:server CMD params`). */
	fromServer(command: string, ...params: string[]): void {
		this.send(formatLine(this.server.name, command, params));
	}

	override deliver(frame: Buffer, traffic: Traffic = 'chat'): void {
		const urgency = traffic === 'presence' ? Urgency.Presence : Urgency.Fanout;
		const shared = sharedMessageBytes(this, frame);
		if (shared !== undefined) {
			this.queue.enqueue(shared, urgency);
			return;
		}
		for (const line of frameToLines(this, frame)) {
			this.queue.enqueue(Buffer.from(line + '\r\n', 'utf8'), urgency);
		}
	}

	override reply(frame: Buffer): void {
		for (const line of frameToLines(this, frame)) {
			this.send(line);
		}
	}

	override notify<P extends object>(type: NotificationType<P>, params: P): void {
		this.reply(encodeNotification(type, params));
	}

	/** The server's keepalive: an IRC PING; the client's PONG (or anything) shows it is alive. */
	override request<P, R>(_type: RequestType<P, R, void>, _params: RequestParam<P>): Promise<R> {
		this.fromServer('PING', this.server.name);
		return new Promise<R>(() => undefined);
	}

	override close(reason: string): void {
		this.endLabel();
		if (this.isOpen) {
			this.send(formatLine(undefined, 'ERROR', [`Closing link: ${this.ip} (${reason})`]));
		}
		super.close(reason);
	}

	/** away-notify: after a JOIN, the AWAY of a joining user who is away. */
	async tellAwayOnJoin(nick: string): Promise<void> {
		const entry = await this.hub.presence.get(nick);
		if (entry?.status === 'away') {
			this.queue.enqueue(Buffer.from(formatLine(userSource(entry.nick), 'AWAY', [awayText(entry.statusText)]) + '\r\n', 'utf8'), Urgency.Presence);
		}
	}

	/** Calls a Parley method as this session (the same handlers JSON-RPC clients reach). */
	call<P, R>(declaration: { method: string; type: RequestType<P, R, void> }, params: P): Promise<R> {
		return this.router.dispatch(this, declaration.method, params) as Promise<R>;
	}

	private received(chunk: Buffer): void {
		if (!this.isOpen) {
			return;
		}
		this.lastActivity = this.clock.now();
		this.pingOutstanding = false;
		this.input = this.input.length === 0 ? chunk : Buffer.concat([this.input, chunk]);
		let start = 0;
		for (;;) {
			const nl = this.input.indexOf(0x0a, start);
			if (nl < 0) {
				break;
			}
			const end = nl > start && this.input[nl - 1] === 0x0d ? nl - 1 : nl;
			this.pending.push(this.input.subarray(start, end));
			this.pendingBytes += nl + 1 - start;
			start = nl + 1;
		}
		this.input = start === 0 ? this.input : this.input.subarray(start);
		if (this.pendingBytes + this.input.length > MAX_RECVQ_BYTES || this.input.length > MAX_CLIENT_TAG_BYTES + MAX_LINE_BYTES) {
			this.hub.log.warn(`closing ${this.label}: excess flood`);
			this.close('Excess Flood');
			return;
		}
		void this.pump();
	}

	private async pump(): Promise<void> {
		if (this.pumping) {
			return;
		}
		this.pumping = true;
		try {
			while (this.pending.length > 0 && this.isOpen) {
				const raw = this.pending.shift()!;
				this.pendingBytes -= raw.length + 2;
				const line = this.check(raw);
				if (line === undefined) {
					continue;
				}
				if (this.welcomed && line.command !== 'PONG' && line.command !== 'PING') {
					const wait = this.lag.take();
					if (wait > 0) {
						await new Promise<void>((resolve) => this.clock.setTimeout(resolve, wait));
					}
				}
				await this.run(line);
			}
		} finally {
			this.pendingBytes = Math.max(0, this.pendingBytes);
			this.pumping = false;
		}
	}

	/** Validates one raw line; answers what is wrong with it and returns undefined, or the parsed line. */
	private check(raw: Buffer): IrcLine | undefined {
		if (raw.length === 0) {
			return undefined;
		}
		const tagBytes = raw[0] === 0x40 ? raw.indexOf(0x20) + 1 || raw.length : 0;
		if (tagBytes > MAX_CLIENT_TAG_BYTES || raw.length - tagBytes > MAX_LINE_BYTES - 2) {
			this.numeric('417', 'Input line was too long (512 bytes with CRLF, plus 4096 of tags)');
			return undefined;
		}
		if (raw.includes(0x00) || raw.includes(0x0d)) {
			this.numeric('400', '*', 'Line dropped: it contains a NUL byte or a bare CR');
			return undefined;
		}
		let text: string;
		try {
			text = UTF8.decode(raw);
		} catch {
			this.send(formatLine(this.server.name, 'FAIL', ['*', 'INVALID_UTF8', 'Line dropped: it is not valid UTF-8']));
			return undefined;
		}
		return parseLine(text);
	}

	private async run(line: IrcLine): Promise<void> {
		const handler = this.commands.get(line.command);
		if (handler === undefined) {
			if (this.welcomed) {
				this.numeric('421', line.command.slice(0, 32), 'Unknown command');
			} else {
				this.numeric('451', 'You have not registered');
			}
			return;
		}
		const label = line.tags.get('label');
		if (label !== undefined && label.length <= 64 && this.caps.has('labeled-response')) {
			this.labeled = { label, lines: [] };
		}
		try {
			await handler(this, line);
		} catch (error) {
			this.hub.log.error(`IRC ${line.command} from ${this.label} failed: ${error instanceof Error ? error.stack : String(error)}`);
			this.numeric('400', line.command, 'The server failed to handle this command; try again');
		} finally {
			this.endLabel();
		}
	}

	/** Sends a labeled command's answer: one line tagged, several in a batch, none as ACK. */
	private endLabel(): void {
		const labeled = this.labeled;
		if (labeled === undefined) {
			return;
		}
		this.labeled = undefined;
		const tag = `label=${escapeTag(labeled.label)}`;
		const tagged = (line: string, extra: string): string => (line.startsWith('@') ? `@${extra};${line.slice(1)}` : `@${extra} ${line}`);
		if (labeled.lines.length === 0) {
			this.send(tagged(formatLine(this.server.name, 'ACK', []), tag));
		} else if (labeled.lines.length === 1 || !this.caps.has('batch')) {
			this.send(tagged(labeled.lines[0], tag));
			labeled.lines.slice(1).forEach((l) => this.send(l));
		} else {
			const id = `l${this.id}x${++labelBatches}`;
			this.send(tagged(formatLine(this.server.name, 'BATCH', [`+${id}`, 'labeled-response']), tag));
			labeled.lines.forEach((l) => this.send(tagged(l, `batch=${id}`)));
			this.send(formatLine(this.server.name, 'BATCH', [`-${id}`]));
		}
	}
}

/** How a Parley user appears as an IRC source. */
export function userSource(nick: string): string {
	return `${nick}!${nick}@parley`;
}

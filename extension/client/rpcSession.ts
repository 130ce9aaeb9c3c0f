import type { Socket } from 'node:net';
import {
	createMessageConnection, Emitter, SocketMessageReader, SocketMessageWriter, Trace,
	type Event, type MessageConnection, type Tracer,
} from 'vscode-jsonrpc/node';
import { KickedNotification, NoticeNotification, PingRequest, ResyncNotification, ShutdownNotification } from '../../protocol/lifecycle';
import { MemberJoinedNotification, MemberLeftNotification, TopicChangedNotification } from '../../protocol/channels';
import { NickChangedNotification, PresenceNotification, type PresenceStatus } from '../../protocol/users';
import { ReadNotification, ThreadReadNotification, TypingNotification } from '../../protocol/conversations';
import { ChannelUpdatedNotification, InvitedNotification, RoleChangedNotification } from '../../protocol/moderation';
import { MessageNewNotification } from '../../protocol/messages';
import { MessageDeletedNotification, MessageEditedNotification } from '../../protocol/edits';
import { ReactionsNotification } from '../../protocol/reactions';
import { ThreadUpdatedNotification } from '../../protocol/threads';
import { isShape, type ShapeProblem } from '../../protocol/shapes';
import type { ChannelInfo, ChannelRole, Message } from '../../protocol/types';
import { Disposable, toDisposable } from './disposable';
import { onNotification } from './checkedRpc';
import type { ClientLog } from './log';
import type { MessageChangeHandlers } from './messageActions';
import { openSocket, type Endpoint } from './transport';

/** What the server pushes; every field already checked. */
export interface ServerPushHandlers extends MessageChangeHandlers {
	message(message: Message): void;
	memberJoined(channel: string, nick: string): void;
	memberLeft(channel: string, nick: string, reason: string | undefined): void;
	topicChanged(channel: string, topic: string, by: string): void;
	nickChanged(oldNick: string, newNick: string): void;
	/** Another connection of the account moved a read marker. */
	read(conversation: string, id: number): void;
	presence(nick: string, status: PresenceStatus, text: string | undefined): void;
	/** Someone else is typing in `conversation` (as this user names it). */
	typing(conversation: string, nick: string): void;
	invited(channel: string, by: string): void;
	roleChanged(channel: string, nick: string, role: ChannelRole, by: string): void;
	channelUpdated(channel: ChannelInfo, by: string): void;
	kicked(reason: string): void;
	shutdown(reason: string): void;
	notice(text: string): void;
	/** Events may have been missed (a server of a cluster lost the others for a while): read again what is shown. */
	resync(reason: string): void;
}

export type TraceSetting = 'off' | 'messages' | 'verbose';

/**
 * One connection (TCP or TLS) to the server and its JSON-RPC connection, with the server's
 * notifications checked and handed to `handlers`. Initialized or not, it knows
 * nothing of reconnecting: the ChatClient opens a new one for that.
 */
export class RpcSession extends Disposable {
	private readonly closeEmitter = this._register(new Emitter<void>());
	readonly onDidClose: Event<void> = this.closeEmitter.event;
	readonly connection: MessageConnection;
	private closed = false;

	static async open(id: number, endpoint: Endpoint, timeoutMs: number, handlers: ServerPushHandlers, log: ClientLog): Promise<RpcSession> {
		const socket = await openSocket(endpoint, timeoutMs);
		return new RpcSession(id, endpoint, socket, handlers, log);
	}

	private constructor(readonly id: number, readonly endpoint: Endpoint, private readonly socket: Socket, handlers: ServerPushHandlers, private readonly log: ClientLog) {
		super();
		this.connection = createMessageConnection(new SocketMessageReader(socket), new SocketMessageWriter(socket));
		this._register(toDisposable(() => {
			this.connection.dispose();
			socket.destroy();
		}));
		socket.on('error', (error) => log.debug(`[session ${id}] socket error: ${error.message}`));
		socket.on('close', () => this.markClosed());
		this._register(this.connection.onClose(() => this.markClosed()));
		this._register(this.connection.onError(([error]) => log.warn(`[session ${id}] ${error.message}`)));
		this.listenTo(handlers);
		this.connection.listen();
	}

	get isClosed(): boolean {
		return this.closed;
	}

	setTrace(value: TraceSetting, tracer: Tracer): void {
		void this.connection.trace(Trace.fromString(value), tracer).catch((error: unknown) => this.log.warn(`[session ${this.id}] trace: ${String(error)}`));
	}

	/** Closes after what is queued is written. */
	end(): void {
		this.socket.end();
	}

	override dispose(): void {
		this.markClosed();
		super.dispose();
	}

	private markClosed(): void {
		if (!this.closed) {
			this.closed = true;
			this.closeEmitter.fire();
		}
	}

	private listenTo(handlers: ServerPushHandlers): void {
		const c = this.connection;
		const drop = (method: string, problem: ShapeProblem) => this.log.warn(`[session ${this.id}] dropped a malformed ${method} notification: ${problem.message}`);
		c.onRequest(PingRequest.type, (params: unknown) => ({ token: isShape(params, PingRequest.params) ? params.token : undefined }));
		onNotification(c, MessageNewNotification, (p) => handlers.message(p.message), drop);
		onNotification(c, MemberJoinedNotification, (p) => handlers.memberJoined(p.channel, p.nick), drop);
		onNotification(c, MemberLeftNotification, (p) => handlers.memberLeft(p.channel, p.nick, p.reason), drop);
		onNotification(c, TopicChangedNotification, (p) => handlers.topicChanged(p.channel, p.topic, p.by), drop);
		onNotification(c, NickChangedNotification, (p) => handlers.nickChanged(p.oldNick, p.newNick), drop);
		onNotification(c, ReadNotification, (p) => handlers.read(p.conversation, p.id), drop);
		onNotification(c, PresenceNotification, (p) => handlers.presence(p.nick, p.status, p.text), drop);
		onNotification(c, TypingNotification, (p) => p.nick !== undefined && handlers.typing(p.conversation, p.nick), drop);
		onNotification(c, InvitedNotification, (p) => handlers.invited(p.channel, p.by), drop);
		onNotification(c, RoleChangedNotification, (p) => handlers.roleChanged(p.channel, p.nick, p.role, p.by), drop);
		onNotification(c, ChannelUpdatedNotification, (p) => handlers.channelUpdated(p.channel, p.by), drop);
		onNotification(c, KickedNotification, (p) => handlers.kicked(p.reason), drop);
		onNotification(c, ShutdownNotification, (p) => handlers.shutdown(p.reason), drop);
		onNotification(c, NoticeNotification, (p) => handlers.notice(p.text), drop);
		onNotification(c, ResyncNotification, (p) => handlers.resync(p.reason), drop);
		onNotification(c, MessageEditedNotification, (p) => handlers.edited(p.message), drop);
		onNotification(c, MessageDeletedNotification, (p) => handlers.deleted(p.conversation, p.id), drop);
		onNotification(c, ReactionsNotification, (p) => handlers.reactions(p.conversation, p.id, p.reactions), drop);
		onNotification(c, ThreadUpdatedNotification, (p) => handlers.threadUpdated(p.conversation, p.id, p.replyCount, p.lastReplyTs), drop);
		onNotification(c, ThreadReadNotification, (p) => handlers.threadRead(p.conversation, p.thread, p.id), drop);
	}
}

import { Emitter, type Event, type MessageConnection, type Tracer } from 'vscode-jsonrpc/node';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, RegisterRequest } from '../../protocol/account';
import type { ChannelListResult } from '../../protocol/channels';
import { ErrorCodes } from '../../protocol/errors';
import { MAX_HISTORY_LIMIT } from '../../protocol/messages';
import { channelProblem, isChannelTarget, nickKey, nickProblem } from '../../protocol/names';
import { checkShape } from '../../protocol/shapes';
import { InitializeRequest, PROTOCOL_VERSION, QuitRequest, type InitializeResult } from '../../protocol/lifecycle';
import type { Message, ServerLimits } from '../../protocol/types';
import { SetNickRequest, type UserListResult } from '../../protocol/users';
import type { ConnectionState } from './storeChanges';
import type { ChatClientOptions, ConnectionStatus, IncomingMessage, ServerEvent } from './clientTypes';
import { joinChannel, leaveConversation, listChannels, listUsers, loadOlder, openDirect } from './conversationRequests';
import { ConversationStore } from './conversationStore';
import type { LoginSecrets, MissingSecret } from './credentials';
import { Disposable, toDisposable } from './disposable';
import { ProtocolViolation, request } from './checkedRpc';
import { errorMessage, nullLog, type ClientLog } from './log';
import { LoginMemory } from './login';
import { MessageActions } from './messageActions';
import { mentionsNick } from '../../protocol/mentions';
import { Outbox, type OutboxEntry } from './outbox';
import { OutboxSender, sendEntry, type SendDelay, type SendFailure } from './outboxSender';
import { ReadMarkerSender } from './readMarkerSender';
import { ChannelAdmin } from './channelAdmin';
import { ReconnectTimer } from './reconnect';
import { recheck, resync, type ResyncOptions } from './resync';
import { isServerError } from './rpcErrors';
import { RpcSession, type ServerPushHandlers, type TraceSetting } from './rpcSession';
import { ConnectError, formatEndpoint, type Endpoint } from './transport';
import { systemClientClock } from './clientClock';
import { loadAround } from './messageContext';
import { OwnStatus } from './ownStatus';
import { MessageSearch } from './search';
import { TypingIndicators } from './typing';

export type { ChatClientOptions, ConnectionStatus, IncomingMessage, ServerEvent } from './clientTypes';
export type { SendDelay, SendFailure } from './outboxSender';
export type { LoginSecrets } from './credentials';

/** Errors that no retry with the same nick can fix. */
const FATAL_LOGIN_ERRORS: readonly number[] = [ErrorCodes.InvalidNick, ErrorCodes.AuthFailed];

/**
 * The chat session as a user sees it: connect with a nick, stay connected (reconnect
 * with backoff, rejoin, fetch what was missed), send through an outbox that survives
 * disconnects, and keep every conversation in `store`. Imports nothing from VS Code.
 */
export class ChatClient extends Disposable {
	readonly store: ConversationStore;
	readonly outbox = new Outbox();
	/** Creating and moderating channels (the live session's). */
	readonly admin: ChannelAdmin;
	/** Editing, deleting, reacting to and replying to messages; threads (messageActions.ts). */
	readonly messages: MessageActions;
	/** message/search. */
	readonly search: MessageSearch;
	/** Who is typing where, and telling others the user is. */
	readonly typing: TypingIndicators;
	/** The user's own status: online or away. */
	readonly ownStatus: OwnStatus;
	private readonly log: ClientLog;
	private readonly reconnectTimer: ReconnectTimer;
	private readonly sender: OutboxSender;
	private readonly login: LoginMemory;
	private readonly readMarkers: ReadMarkerSender;
	/** Set by each initialize: whether it offered a resume token. */
	private triedResume = false;
	private readonly statusEmitter = this._register(new Emitter<ConnectionStatus>());
	private readonly messageEmitter = this._register(new Emitter<IncomingMessage>());
	private readonly serverEventEmitter = this._register(new Emitter<ServerEvent>());
	private readonly sendFailureEmitter = this._register(new Emitter<SendFailure>());
	private readonly sendDelayEmitter = this._register(new Emitter<SendDelay>());
	private readonly syncEmitter = this._register(new Emitter<void>());
	readonly onDidChangeStatus: Event<ConnectionStatus> = this.statusEmitter.event;
	readonly onDidReceiveMessage: Event<IncomingMessage> = this.messageEmitter.event;
	readonly onDidReceiveServerEvent: Event<ServerEvent> = this.serverEventEmitter.event;
	readonly onDidFailToSend: Event<SendFailure> = this.sendFailureEmitter.event;
	/** The server could not store a queued message for now (its database is unreachable): it stays queued and is sent again. Once per outage. */
	readonly onDidDelaySend: Event<SendDelay> = this.sendDelayEmitter.event;
	/** After every successful (re)connect, once channels are rejoined and history caught up. */
	readonly onDidSynchronize: Event<void> = this.syncEmitter.event;

	private _status: ConnectionStatus;
	/** Open but not initialized: kept after NickInUse so the next nick goes over the same socket. */
	private pending: RpcSession | undefined;
	private live: RpcSession | undefined;
	private synced = false;
	private sessionCount = 0;
	private _nick: string | undefined;
	private _limits: ServerLimits | undefined;
	private _serverInfo: InitializeResult | undefined;
	private registered = false;
	/** True from a successful connect until disconnect() or a kick: drops are then reconnected. */
	private stayConnected = false;
	private kickedReason: string | undefined;
	private shutdownReason: string | undefined;
	private reconnecting = false;
	/** server/resync: a read-again asked for, its wait, and the one under way. */
	private rereadPending = false;
	private rereadTimer: ReturnType<typeof setTimeout> | undefined;
	private rereading = false;
	/** Increases with every stop(): a connect that started before one does not go on after it. */
	private generation = 0;
	private trace: { value: TraceSetting; tracer: Tracer } | undefined;

	constructor(private readonly options: ChatClientOptions) {
		super();
		this.log = options.log ?? nullLog;
		this.reconnectTimer = new ReconnectTimer(options.backoff);
		this.store = options.store ?? new ConversationStore();
		this.sender = new OutboxSender(this.outbox, this.store, () => (this.live && this.synced ? this.live.connection : undefined), (failure) => { this.sendFailureEmitter.fire(failure); }, this.log, (delay) => { this.sendDelayEmitter.fire(delay); });
		this.login = new LoginMemory(options.passwords, this.log);
		this.admin = new ChannelAdmin(() => this.requireLive(), this.store);
		this.messages = new MessageActions({ store: this.store, connection: () => (this.live && this.synced ? this.live.connection : undefined), limits: () => this._limits, log: this.log });
		const synced = () => (this.live && this.synced ? this.live.connection : undefined);
		this.search = new MessageSearch(() => this.requireLive(), this.store);
		this.typing = this._register(new TypingIndicators(synced, this.store, options.clock ?? systemClientClock));
		this.ownStatus = this._register(new OwnStatus(synced, () => this._nick, this.log));
		this._register(this.onDidSynchronize(() => this.ownStatus.resynchronized()));
		this._register(this.onDidChangeStatus((status) => status.state !== 'connected' && this.typing.clearAll()));
		this.readMarkers = this._register(new ReadMarkerSender(this.store, () => (this.live && this.synced && this.registered ? this.live.connection : undefined), this.log));
		// History after a reconnect showed that a message whose answer was lost is stored.
		this._register(this.store.onDidSettlePending(({ clientMsgId }) => this.outbox.remove(clientMsgId)));
		this._register(toDisposable(() => this.store.dispose()));
		this._register(toDisposable(() => this.stop()));
		this._status = { state: 'offline', server: this.serverLabel };
	}

	get status(): ConnectionStatus {
		return this._status;
	}

	get nick(): string | undefined {
		return this._nick;
	}

	get limits(): ServerLimits | undefined {
		return this._limits;
	}

	/** The shortest password this server accepts (its own setting when it says). */
	get minPasswordLength(): number {
		return this._limits?.minPasswordLength ?? MIN_PASSWORD_LENGTH;
	}

	get serverInfo(): InitializeResult | undefined {
		return this._serverInfo;
	}

	/** Where the live session is connected (TLS settings included), or undefined when offline. */
	get endpoint(): Endpoint | undefined {
		return this.live?.endpoint;
	}

	/** Whether the current nick is registered (the login proved its password, or it was just registered). */
	get isRegistered(): boolean {
		return this.registered;
	}

	/** Increases with every socket opened; tells tests and logs whether a socket was reused. */
	get socketCount(): number {
		return this.sessionCount;
	}

	/** Whether the session signed in as a server operator (who may delete any message). */
	get isOperator(): boolean {
		return this._serverInfo?.operator === true;
	}

	get isConnected(): boolean {
		return this._status.state === 'connected';
	}

	/** Where the live (or opening) session is; only without one, where the settings point. */
	private get serverLabel(): string {
		return formatEndpoint(this.live?.endpoint ?? this.pending?.endpoint ?? this.options.endpoint());
	}

	/**
	 * The settings now point elsewhere: without a session, the status names the new server
	 * at once; a live session keeps naming the server it is connected to.
	 */
	endpointChanged(): void {
		if (!this.live && !this.pending && this._status.server !== this.serverLabel) {
			this.setStatus(this._status.state, this._status.detail);
		}
	}

	/**
	 * Connects (or reuses the socket left open by a refused login) and initializes as
	 * `nick`, with `typed` passwords if given, else the ones that worked before or are
	 * saved. Rejects with the server's ResponseError (NickInUse, InvalidNick, AuthFailed,
	 * ...) or a ConnectError; after NickInUse call again with another nick, after
	 * AuthFailed with the password it asks for (see missingSecret).
	 */
	async connect(nick: string, typed: LoginSecrets = {}): Promise<InitializeResult> {
		const problem = nickProblem(nick);
		if (problem) {
			throw new Error(problem);
		}
		if (this.live) {
			if (nickKey(nick) === nickKey(this._nick ?? '') && this._serverInfo) {
				return this._serverInfo;
			}
			throw new Error(`Already connected as ${this._nick}; use /nick to change nick.`);
		}
		this.reconnectTimer.cancel();
		this.kickedReason = undefined;
		this.setStatus('connecting', undefined, nick);
		let session: RpcSession | undefined;
		try {
			const reuse = this.pending && !this.pending.isClosed ? this.pending : undefined;
			const endpoint = reuse?.endpoint ?? this.options.endpoint();
			// Saved passwords are read before the socket opens: a slow secret store (VS Code's,
			// just after a window reload) must not use up the server's time to initialize.
			const secrets = await this.login.params(endpoint, nick, typed);
			const generation = this.generation;
			session = reuse && !reuse.isClosed ? reuse : await this.openSession(endpoint);
			if (generation !== this.generation) {
				// disconnect() ran meanwhile (a cancelled connect): this socket is not wanted.
				session.dispose();
				throw new Error('The connect was cancelled.');
			}
			this.pending = session;
			const result = await this.initialize(session, nick, secrets);
			await this.onInitialized(session, result);
			return result;
		} catch (error) {
			const keepSocket = isServerError(error) && session && !session.isClosed;
			if (!keepSocket) {
				this.dropPending();
			}
			if (!this.live) {
				this.setStatus('offline', error instanceof ConnectError ? error.message : errorMessage(error));
			}
			throw error;
		}
	}

	/** Says goodbye (session/quit), closes, and stops reconnecting. Pending outbox entries stay. */
	async disconnect(reason = 'leaving'): Promise<void> {
		this.stayConnected = false;
		this.reconnectTimer.cancel();
		const live = this.live;
		if (live && !live.isClosed) {
			try {
				await withTimeout(live.connection.sendRequest(QuitRequest.type, { reason }), 1000);
			} catch (error) {
				this.log.debug(`quit: ${errorMessage(error)}`);
			}
		}
		this.login.endSession();
		this.stop();
		// With nothing live (a failed connect), keep the reason it failed.
		this.setStatus('offline', live ? 'Disconnected' : this._status.detail);
	}

	/** While reconnecting: try now instead of waiting for the backoff timer. */
	reconnectNow(): void {
		if (this._status.state === 'reconnecting') {
			this.reconnectTimer.cancel();
			void this.reconnectAttempt();
		}
	}

	setTrace(value: TraceSetting, tracer: Tracer): void {
		this.trace = { value, tracer };
		for (const session of [this.pending, this.live]) {
			session?.setTrace(value, tracer);
		}
	}

	async join(channel: string): Promise<string> {
		const problem = channelProblem(channel);
		if (problem) {
			throw new Error(problem);
		}
		const conversation = await joinChannel(this.requireLive(), this.store, channel);
		this.store.setActive(conversation.id);
		return conversation.id;
	}

	/** Leaves a channel (server side too) or closes a DM. Works offline too. */
	leave(conversationId: string): Promise<void> {
		return leaveConversation(this.live?.connection, this.store, this.outbox, conversationId);
	}

	/**
	 * Makes a conversation the active one, loading its history first if it has none yet (a DM
	 * the server listed, or one a message started).
	 */
	async select(conversationId: string): Promise<void> {
		const conversation = this.store.get(conversationId);
		this.store.setActive(conversationId);
		const connection = this.live && this.synced ? this.live.connection : undefined;
		if (conversation?.kind === 'dm' && !conversation.loaded && connection) {
			await openDirect(connection, this.store, conversation.name);
		}
	}

	/** Opens (and makes active) the DM conversation with `nick`, with its latest history. */
	async openDirect(nick: string): Promise<string> {
		const problem = nickProblem(nick);
		if (problem) {
			throw new Error(problem);
		}
		if (nickKey(nick) === nickKey(this._nick ?? '')) {
			throw new Error('That is you: pick someone else to message.');
		}
		const conversation = await openDirect(this.live?.connection, this.store, nick);
		this.store.setActive(conversation.id);
		return conversation.id;
	}

	/**
	 * Queues `text` for a conversation and sends it as soon as the session is up. The
	 * entry keeps its clientMsgId for every retry, so the server stores it once.
	 */
	send(conversationId: string, text: string): OutboxEntry {
		const conversation = this.store.get(conversationId);
		if (!conversation) {
			throw new Error(`No conversation "${conversationId}"; join it first.`);
		}
		if (text.trim() === '') {
			throw new Error('Nothing to send.');
		}
		if (this._limits && text.length > this._limits.maxMessageLength) {
			throw new Error(`The message is ${text.length} characters long; the server accepts at most ${this._limits.maxMessageLength}.`);
		}
		if (conversation.kind === 'channel' && !conversation.joined) {
			throw new Error(`You are not in ${conversation.name}; join it first.`);
		}
		const to = conversation.kind === 'channel' ? conversation.id : conversation.name;
		const entry = this.outbox.add(conversation.id, to, text);
		this.store.addPending(conversation.id, to, text, entry.clientMsgId);
		void this.sender.flush();
		return entry;
	}

	/**
	 * Messages typed in an earlier session and never acknowledged (the offline cache): shown
	 * as pending again and sent, with their own clientMsgIds, once connected.
	 */
	restoreOutbox(entries: readonly Pick<OutboxEntry, 'clientMsgId' | 'conversation' | 'to' | 'text'>[]): void {
		const queued = new Set(this.outbox.list().map((e) => e.clientMsgId));
		for (const entry of entries) {
			const conversation = this.store.get(entry.conversation);
			if (!conversation || queued.has(entry.clientMsgId) || (conversation.kind === 'channel' && !conversation.joined)) {
				continue;
			}
			queued.add(entry.clientMsgId);
			this.outbox.add(conversation.id, entry.to, entry.text, entry.clientMsgId);
			this.store.addPending(conversation.id, entry.to, entry.text, entry.clientMsgId);
		}
		void this.sender.flush();
	}

	/**
	 * The panel showed `conversation` up to message `id` (`following`: it shows the newest
	 * messages as they come). Moves the read marker; for an account, the server's too.
	 */
	markSeen(conversation: string, id: number, following: boolean): void {
		this.store.markSeen(conversation, id, following);
	}

	/** Sends one outbox entry again with its clientMsgId (what a retry after a lost answer does). */
	resend(entry: Pick<OutboxEntry, 'to' | 'text' | 'clientMsgId'>): Promise<Message> {
		return sendEntry(this.requireLive(), entry);
	}

	/** Makes a conversation active at message `id`, loaded with what was said around it (a search result). */
	async openAt(conversationId: string, id: number): Promise<void> {
		if (!this.store.get(conversationId) && !isChannelTarget(conversationId)) {
			await this.openDirect(conversationId);
		}
		await this.select(conversationId);
		await loadAround(this.requireLive(), this.store, conversationId, id);
	}

	/** Pages back: the messages before the oldest one shown (or before `before`). */
	loadOlder(conversationId: string, before?: number): Promise<void> {
		return loadOlder(this.requireLive(), this.store, conversationId, before);
	}

	listChannels(): Promise<ChannelListResult['channels']> {
		return listChannels(this.requireLive());
	}

	listUsers(): Promise<UserListResult['users']> {
		return listUsers(this.requireLive());
	}

	/**
	 * user/setNick. A registered nick needs its password: `password` when given, else the
	 * saved one; without either the server answers AuthFailed (see missingSecret).
	 */
	async setNick(nick: string, password?: string): Promise<string> {
		const problem = nickProblem(nick);
		if (problem) {
			throw new Error(problem);
		}
		const connection = this.requireLive();
		password ??= nickKey(nick) === nickKey(this._nick ?? '') ? undefined : await this.login.savedPassword(this.live!.endpoint, nick);
		const newNick = (await request(connection, SetNickRequest, { nick, ...(password ? { password } : {}) })).nick;
		const oldNick = this._nick ?? '';
		this._nick = newNick;
		if (nickKey(oldNick) !== nickKey(newNick)) {
			this.login.nickChanged(newNick, password);
			this.registered = password !== undefined;
			this.store.setServerMarkers(this.registered);
		}
		if (oldNick !== newNick) {
			this.store.nickChanged(oldNick, newNick);
		}
		this.setStatus('connected');
		return newNick;
	}

	/**
	 * account/register: reserves the current nick with `password` (or changes it), keeps
	 * it for reconnects, and saves it with the passwords when a vault is configured.
	 */
	async register(password: string): Promise<{ nick: string; saved: boolean }> {
		const min = this.minPasswordLength;
		if (password.length < min || password.length > MAX_PASSWORD_LENGTH) {
			throw new Error(`A password must be ${min} to ${MAX_PASSWORD_LENGTH} characters long.`);
		}
		const connection = this.requireLive();
		const endpoint = this.live!.endpoint;
		const { nick } = await request(connection, RegisterRequest, { password });
		this.login.registered(password);
		this.registered = true;
		this.store.setServerMarkers(true);
		this.store.reportReadMarkers();
		this.messages.unread.registered();
		try {
			const saved = await this.rememberPasswords({ password }, endpoint, nick);
			return { nick, saved: saved.includes('password') };
		} catch (error) {
			this.log.warn(`registered ${nick}, but saving the password failed: ${errorMessage(error)}`);
			return { nick, saved: false };
		}
	}

	/** Saves passwords for the live session's server and nick (after a login that needed them typed). */
	async rememberPasswords(secrets: LoginSecrets, endpoint = this.live?.endpoint, nick = this._nick): Promise<MissingSecret[]> {
		if (!this.options.passwords || !endpoint || !nick) {
			return [];
		}
		return this.options.passwords.save(endpoint, nick, secrets);
	}

	private requireLive(): MessageConnection {
		if (!this.live || this.live.isClosed) {
			throw new Error('Not connected to the Parley server.');
		}
		return this.live.connection;
	}

	private async openSession(endpoint: Endpoint): Promise<RpcSession> {
		const id = ++this.sessionCount;
		const session = await RpcSession.open(id, endpoint, this.options.connectTimeoutMs ?? 10_000, this.pushHandlers(() => session), this.log);
		this.log.info(`socket ${id} open to ${formatEndpoint(endpoint)}`);
		if (this.trace) {
			session.setTrace(this.trace.value, this.trace.tracer);
		}
		session.onDidClose(() => this.onSessionClosed(session));
		return session;
	}

	/** `secrets`: what LoginMemory.params gave for this endpoint and nick. */
	private async initialize(session: RpcSession, nick: string, secrets: Awaited<ReturnType<LoginMemory['params']>>): Promise<InitializeResult> {
		this.triedResume = secrets.resumeToken !== undefined;
		let result: unknown;
		try {
			result = await session.connection.sendRequest(InitializeRequest.type, {
				protocolVersion: PROTOCOL_VERSION,
				nick,
				...secrets,
				...(this.options.clientInfo ? { clientInfo: this.options.clientInfo } : {}),
			});
		} catch (error) {
			if (isServerError(error)) {
				throw error;
			}
			// Closed without an answer: typically a TLS server spoken to in plain text.
			throw new ConnectError(session.endpoint, 'ECLOSED', 'the server closed the connection before answering', 'login');
		}
		const problem = checkShape(result, InitializeRequest.result);
		if (problem) {
			throw new ProtocolViolation(`${InitializeRequest.method} answer`, problem);
		}
		const initialized = result as InitializeResult;
		this.login.signedIn(session.endpoint, initialized.nick, secrets, initialized.resumeToken);
		return initialized;
	}

	private async onInitialized(session: RpcSession, result: InitializeResult): Promise<void> {
		this.pending = undefined;
		this.live = session;
		this.synced = false;
		this._nick = result.nick;
		this._limits = result.limits;
		this._serverInfo = result;
		this.registered = result.registered === true;
		this.shutdownReason = undefined;
		this.stayConnected = true;
		this.reconnectTimer.reset();
		const previous = this.store.selfNick;
		if (previous !== '' && nickKey(previous) !== nickKey(result.nick)) {
			// DMs are filed by the other party and fetched as the signed-in nick: another nick's are not ours.
			for (const conversation of this.store.directConversations()) {
				const dropped = this.outbox.removeConversation(conversation.id);
				if (dropped.length > 0) {
					this.log.warn(`dropped ${dropped.length} unsent message(s) to ${conversation.name}, typed as ${previous}`);
				}
			}
			this.store.dropDirectConversations();
		}
		this.store.setSelf(result.nick);
		if (result.conversations) {
			// An account: its channels and DMs, and its read state, are the server's.
			for (const id of this.store.applyServerState(result.conversations)) {
				this.dropUnsent(id, 'you are no longer in this channel');
			}
		} else {
			this.store.setServerMarkers(false);
		}
		this.messages.unread.signedIn(result.conversations);
		this.setStatus('connected');
		this.log.info(`signed in as ${result.nick} on ${result.serverInfo?.name ?? 'server'} ${result.serverInfo?.version ?? ''}`);
		// This catch-up reads everything: a read-again asked of an earlier connection is done by it.
		this.rereadPending = false;
		await this.catchUp(session, true);
		if (this.live === session) {
			this.synced = true;
			this.readMarkers.resume();
			this.syncEmitter.fire();
			void this.sender.flush();
			if (this.rereadPending) {
				void this.readAgain();
			}
		}
	}

	/**
	 * Catches up: after a (re)connect rejoins the channels (`rejoin`), otherwise (server/resync)
	 * reads them again without joining; fetches what is newer than the last message seen,
	 * and reads again the newest page of what was shown (its edits, deletions and
	 * reactions) and the open threads.
	 */
	private async catchUp(session: RpcSession, rejoin: boolean): Promise<void> {
		const refresh = this.messages.prepareRefresh();
		const options: ResyncOptions = { pageSize: this.options.historyPageSize ?? MAX_HISTORY_LIMIT, maxCatchUp: this.options.maxCatchUp ?? 5000 };
		if (rejoin) {
			await resync(session.connection, this.store, options, this.log);
		} else {
			await recheck(session.connection, this.store, options, this.log, (channel) => this.leftElsewhere(channel, 'no longer a member when this server caught up with the others'));
		}
		await refresh(session.connection);
	}

	/** The server may have missed events for us (server/resync): read again, after a random wait, one read at a time. */
	private requestReadAgain(reason: string): void {
		this.log.info(`the server asks to read again: ${reason}`);
		this.rereadPending = true;
		if (this.rereading || this.rereadTimer !== undefined) {
			return;
		}
		// Every client of the node is told at once: spread their requests.
		this.rereadTimer = setTimeout(() => {
			this.rereadTimer = undefined;
			void this.readAgain();
		}, Math.random() * (this.options.resyncSpreadMs ?? 2000));
	}

	/**
	 * Reads again while asked to, on the live connection once it is caught up (a sign-in's
	 * own catch-up reads everything; a request during it is served after it). Channels are
	 * not joined again: a leave or kick lost with the events stands.
	 */
	private async readAgain(): Promise<void> {
		if (this.rereading) {
			return;
		}
		this.rereading = true;
		try {
			while (this.rereadPending && this.live && this.synced) {
				this.rereadPending = false;
				await this.catchUp(this.live, false);
			}
		} catch (error) {
			this.log.warn(`reading again after server/resync failed: ${errorMessage(error)}`);
		} finally {
			this.rereading = false;
		}
	}

	private onSessionClosed(session: RpcSession): void {
		session.dispose();
		if (session === this.pending) {
			this.pending = undefined;
			return;
		}
		if (session !== this.live) {
			return;
		}
		this.live = undefined;
		this.synced = false;
		if (this.kickedReason !== undefined) {
			this.stayConnected = false;
			this.setStatus('offline', `Kicked by the server: ${this.kickedReason}`);
		} else if (!this.stayConnected) {
			this.setStatus('offline', this._status.detail);
		} else {
			this.scheduleReconnect(this.shutdownReason !== undefined ? `The server shut down (${this.shutdownReason})` : 'Connection lost');
		}
	}

	private scheduleReconnect(why: string): void {
		if (this.isDisposed || !this.stayConnected) {
			return;
		}
		const delay = this.reconnectTimer.schedule(() => void this.reconnectAttempt());
		this.setStatus('reconnecting', `${why}; retrying in ${Math.max(1, Math.round(delay / 1000))} s (attempt ${this.reconnectTimer.attempts})`);
		this.log.info(`${why}; reconnecting in ${delay} ms`);
	}

	private async reconnectAttempt(): Promise<void> {
		if (this.reconnecting || this.live || !this.stayConnected || this._nick === undefined) {
			return;
		}
		this.reconnecting = true;
		let session: RpcSession | undefined;
		try {
			const endpoint = this.options.endpoint();
			const nick = this._nick;
			const secrets = await this.login.params(endpoint, nick);
			if (this.live || !this.stayConnected) {
				return;
			}
			session = await this.openSession(endpoint);
			this.pending = session;
			const result = await this.initialize(session, nick, secrets);
			await this.onInitialized(session, result);
		} catch (error) {
			if (session && session === this.pending) {
				this.dropPending();
			}
			// NickInUse despite a resume token: the nick is someone else's now, not our old session's.
			const lost = isServerError(error) && (FATAL_LOGIN_ERRORS.includes(error.code) || (error.code === ErrorCodes.NickInUse && this.triedResume));
			if (lost) {
				this.stayConnected = false;
				this.setStatus('offline', `Could not sign in again as ${this._nick}: ${error.message}`);
			} else {
				// NickInUse without a token: maybe our own old session, not yet noticed as gone.
				this.scheduleReconnect(error instanceof ConnectError ? error.message : errorMessage(error));
			}
		} finally {
			this.reconnecting = false;
		}
	}

	private pushHandlers(session: () => RpcSession): ServerPushHandlers {
		// Notifications of a session that is no longer the live one are stale.
		const current = () => session() === this.live;
		return {
			message: (message) => {
				// A message for a channel just left can cross the leave request: drop it.
				if (!current() || (isChannelTarget(message.to) && !this.store.get(message.to)?.joined)) {
					return;
				}
				// A reply goes to its thread; only one sent "also to the channel" is in the timeline too.
				if (message.replyTo !== undefined) {
					const notify = this.messages.replyArrived(message);
					if (notify) {
						this.messageEmitter.fire(notify);
					}
					if (!message.alsoToChannel) {
						return;
					}
				}
				for (const added of this.store.addMessages([message], true)) {
					// The account's own messages, sent from another window, notify nobody.
					if (nickKey(added.from) === nickKey(this._nick ?? '')) {
						continue;
					}
					const conversation = this.store.conversationOf(added);
					this.typing.messageArrived(conversation.id, added.from);
					const direct = conversation.kind === 'dm';
					const mention = !direct && mentionsNick(added.text, this._nick ?? '');
					this.messageEmitter.fire({ message: added, conversation: conversation.id, direct, mention });
				}
			},
			memberJoined: (channel, nick) => {
				if (!current()) {
					return;
				}
				if (nickKey(nick) === nickKey(this._nick ?? '')) {
					this.joinedElsewhere(channel);
				} else {
					this.store.memberJoined(channel, nick);
				}
			},
			memberLeft: (channel, nick, reason) => {
				if (!current()) {
					return;
				}
				if (nickKey(nick) === nickKey(this._nick ?? '')) {
					this.leftElsewhere(channel, reason);
				} else {
					this.store.memberLeft(channel, nick, reason);
				}
			},
			read: (conversation, id) => current() && this.store.applyRead(conversation, id),
			presence: (nick, status, text) => {
				if (current()) {
					this.store.presenceChanged(nick, status, text);
					this.ownStatus.presence(nick, status, text);
				}
			},
			typing: (conversation, nick) => current() && this.typing.received(conversation, nick),
			invited: (channel, by) => {
				if (current()) {
					this.serverEventEmitter.fire({ kind: 'invited', text: `${by} invited you to ${channel}.`, channel });
				}
			},
			roleChanged: (channel, nick, role, by) => current() && this.store.roleChanged(channel, nick, role, by),
			channelUpdated: (channel, by) => current() && this.store.channelUpdated(channel, by),
			topicChanged: (channel, topic, by) => current() && this.store.topicChanged(channel, topic, by),
			nickChanged: (oldNick, newNick) => {
				// Our own change was applied when user/setNick answered.
				if (current() && newNick !== this._nick) {
					this.store.nickChanged(oldNick, newNick);
				}
			},
			kicked: (reason) => {
				this.kickedReason = reason;
				this.login.endSession();
				this.log.warn(`kicked: ${reason}`);
				this.serverEventEmitter.fire({ kind: 'kicked', text: reason });
			},
			shutdown: (reason) => {
				this.shutdownReason = reason;
				this.log.info(`server shutting down: ${reason}`);
				this.serverEventEmitter.fire({ kind: 'shutdown', text: reason });
			},
			notice: (text) => { this.serverEventEmitter.fire({ kind: 'notice', text }); },
			resync: (reason) => {
				if (current()) {
					this.requestReadAgain(reason);
				}
			},
			...this.messages.handlers(current),
		};
	}

	/** Another window of the account joined `channel`: this one shows it too (a join of a channel one is in only answers). */
	private joinedElsewhere(channel: string): void {
		const connection = this.live?.connection;
		if (!connection || this.store.get(channel)?.joined) {
			return;
		}
		void joinChannel(connection, this.store, channel).catch((error: unknown) => this.log.warn(`loading ${channel}, joined in another window: ${errorMessage(error)}`));
	}

	/**
	 * The user is no longer in `channel`: left in another window (no reason), or kicked or
	 * banned (the reason says so; the conversation stays, saying why, until closed).
	 */
	private leftElsewhere(channel: string, reason: string | undefined): void {
		const conversation = this.store.get(channel);
		if (!conversation?.joined) {
			return;
		}
		if (reason === undefined) {
			this.dropUnsent(conversation.id, 'you left the channel');
			conversation.joined = false;
			this.store.remove(conversation.id);
			return;
		}
		this.dropUnsent(conversation.id, `you were removed from ${conversation.name} (${reason})`);
		this.store.removedFrom(conversation.id, reason);
	}

	/** Messages queued for a conversation that can no longer take them: dropped, each reported. */
	private dropUnsent(conversationId: string, reason: string): void {
		for (const entry of this.outbox.removeConversation(conversationId)) {
			this.store.dropPending(conversationId, entry.clientMsgId);
			this.sendFailureEmitter.fire({ entry, reason });
		}
	}

	private setStatus(state: ConnectionState, detail?: string, nick = this._nick): void {
		this._status = { state, server: this.serverLabel, ...(nick ? { nick } : {}), ...(detail ? { detail } : {}) };
		this.statusEmitter.fire(this._status);
	}

	private dropPending(): void {
		this.pending?.dispose();
		this.pending = undefined;
	}

	/** Closes every socket and timer without a goodbye. */
	private stop(): void {
		this.generation++;
		this.stayConnected = false;
		this.reconnectTimer.cancel();
		clearTimeout(this.rereadTimer);
		this.rereadTimer = undefined;
		this.rereadPending = false;
		this.dropPending();
		const live = this.live;
		this.live = undefined;
		this.synced = false;
		live?.dispose();
	}
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	return Promise.race([
		promise,
		new Promise<T>((_, reject) => {
			timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
		}),
	]).finally(() => clearTimeout(timer));
}

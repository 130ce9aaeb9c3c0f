import { NotificationType, RequestType } from 'vscode-jsonrpc';
import * as s from './shapes';
import {
	clientInfoShape, conversationStateShape, serverInfoShape, serverLimitsShape,
	type ClientInfo, type ConversationState, type ServerInfo, type ServerLimits,
} from './types';

/** The protocol version this contract describes. */
export const PROTOCOL_VERSION = 1;

export interface InitializeParams {
	protocolVersion: number;
	nick: string;
	/**
	 * The nick's account password (see `account/register`). On a private server started
	 * with `--password`, the server password when `serverPassword` is absent.
	 */
	password?: string;
	/** The server password of a private server, when the nick also has an account password. */
	serverPassword?: string;
	/** Operator token; when it matches the server's, the session may call `admin/*`. */
	adminToken?: string;
	clientInfo?: ClientInfo;
	/**
	 * The `resumeToken` of an earlier session with this nick. When that session is still
	 * held (its connection dropped silently and the server has not noticed yet), it is
	 * closed and this one takes the nick at once instead of failing with NickInUse.
	 */
	resumeToken?: string;
}

export interface InitializeResult {
	protocolVersion: number;
	serverInfo: ServerInfo;
	/** The nick as the user typed it (nicks are compared ignoring case); for an account, as it was registered. */
	nick: string;
	motd?: string;
	limits: ServerLimits;
	/** True when the session presented a valid operator token. */
	operator?: boolean;
	/** True when the nick is registered (the session proved its password). */
	registered?: boolean;
	/** Secret for `initialize.resumeToken` when reconnecting; keep it private. */
	resumeToken: string;
	/**
	 * For an account (a registered nick signed in with its password): every channel it is a
	 * member of and every DM it has, with its read state. Absent for guests.
	 */
	conversations?: ConversationState[];
}

/**
 * Client -> server, first request on every connection. Fails with NickInUse, InvalidNick,
 * ServerFull, AuthFailed, or RateLimited (too many failed logins), and leaves the
 * connection open so the client can try again.
 */
export namespace InitializeRequest {
	export const method = 'initialize';
	export const type = new RequestType<InitializeParams, InitializeResult, void>(method);
	export const params = s.object<InitializeParams>({
		protocolVersion: s.integer,
		nick: s.string(),
		password: s.optional(s.string()),
		serverPassword: s.optional(s.string()),
		adminToken: s.optional(s.string()),
		resumeToken: s.optional(s.string()),
		clientInfo: s.optional(clientInfoShape),
	});
	export const result = s.object<InitializeResult>({
		protocolVersion: s.integer,
		serverInfo: serverInfoShape,
		nick: s.string(),
		motd: s.optional(s.string()),
		limits: serverLimitsShape,
		operator: s.optional(s.boolean),
		registered: s.optional(s.boolean),
		resumeToken: s.string(),
		conversations: s.optional(s.array(conversationStateShape)),
	});
}

export interface QuitParams {
	reason?: string;
}

/** Client -> server. Answered with null; then the server closes the socket. */
export namespace QuitRequest {
	export const method = 'session/quit';
	export const type = new RequestType<QuitParams, null, void>(method);
	export const params = s.object<QuitParams>({ reason: s.optional(s.string()) });
	export const result = s.nothing;
}

export interface PingParams {
	/** Any value; echoed back. */
	token?: string;
}

export interface PingResult {
	/** The request's token. */
	token?: string;
}

/**
 * Either direction. Answered with `{ token }` at once. The server pings idle clients to
 * detect dead peers; clients may ping to measure round trips.
 */
export namespace PingRequest {
	export const method = 'session/ping';
	export const type = new RequestType<PingParams, PingResult, void>(method);
	export const params = s.object<PingParams>({ token: s.optional(s.string()) });
	export const result = s.object<PingResult>({ token: s.optional(s.string()) });
}

export interface KickedParams {
	reason: string;
}

/** Server -> client, just before the server closes a connection it kicked. */
export namespace KickedNotification {
	export const method = 'session/kicked';
	export const type = new NotificationType<KickedParams>(method);
	export const params = s.object<KickedParams>({ reason: s.string() });
}

export interface ShutdownParams {
	reason: string;
}

/** Server -> every client, just before the server stops. */
export namespace ShutdownNotification {
	export const method = 'server/shutdown';
	export const type = new NotificationType<ShutdownParams>(method);
	export const params = s.object<ShutdownParams>({ reason: s.string() });
}

export interface ResyncParams {
	/** Why, in words (for a log). */
	reason: string;
}

/**
 * Server -> client: events may have been missed (a server of a cluster lost its link to
 * the others for a while). Messages were filled in already; edits, deletions, reactions,
 * thread counters, topics, members and presence may be stale: read again what is shown
 * (the newest page of each open conversation, open threads, member lists), as after a
 * reconnect.
 */
export namespace ResyncNotification {
	export const method = 'server/resync';
	export const type = new NotificationType<ResyncParams>(method);
	export const params = s.object<ResyncParams>({ reason: s.string() });
}

export interface NoticeParams {
	text: string;
}

/** Server -> client: a message from the server or its operator (e.g. a broadcast). */
export namespace NoticeNotification {
	export const method = 'server/notice';
	export const type = new NotificationType<NoticeParams>(method);
	export const params = s.object<NoticeParams>({ text: s.string() });
}

/**
 * Error codes of Parley protocol v1. The JSON-RPC codes are repeated here so that
 * both sides name every code they use from one place.
 */
import * as s from './shapes';

export namespace ErrorCodes {
	export const ParseError = -32700;
	export const InvalidRequest = -32600;
	export const MethodNotFound = -32601;
	export const InvalidParams = -32602;
	export const InternalError = -32603;
	/** A request other than `initialize` arrived before a successful `initialize`. */
	export const NotInitialized = -32002;

	export const NickInUse = 1001;
	export const InvalidNick = 1002;
	export const ServerFull = 1003;
	export const NoSuchChannel = 1004;
	export const NoSuchNick = 1005;
	export const NotInChannel = 1006;
	export const MessageTooLong = 1007;
	export const RateLimited = 1008;
	export const AuthFailed = 1009;
	export const CannotMessageSelf = 1010;
	export const InvalidChannelName = 1011;
	/** The caller may not do this: operator methods, or moderation by someone who is not the channel's owner or an op. The message says who may. */
	export const Forbidden = 1012;
	/** channel/create: a channel (public or private) already has that name. */
	export const ChannelExists = 1013;
	/** channel/join: the channel is private and the caller has no invitation. */
	export const InviteOnly = 1014;
	/** channel/join: the caller is banned from the channel. */
	export const Banned = 1015;
	/** No message with that id that the caller can read (missing, or in a conversation the caller cannot see: the same answer). */
	export const NoSuchMessage = 1016;
	/**
	 * The server cannot reach its database (or another service it needs) right now: nothing
	 * was stored or changed. Always has `data.retryAfterMs` (RateLimitedData). Try again then;
	 * a `message/send` retried with the same `clientMsgId` is stored once.
	 */
	export const Unavailable = 1017;
}

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** `data` of an AuthFailed error: which secret was missing or wrong. */
export interface AuthFailedData {
	secret: 'serverPassword' | 'password' | 'adminToken';
}

export const authFailedDataShape = s.object<AuthFailedData>({ secret: s.literal('serverPassword', 'password', 'adminToken') });

/** `data` of a RateLimited or an Unavailable error: wait at least this long before trying again. */
export interface RateLimitedData {
	retryAfterMs: number;
}

export const rateLimitedDataShape = s.object<RateLimitedData>({ retryAfterMs: s.integer });

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
	/** The caller is not allowed to use this method (operator methods). */
	export const Forbidden = 1012;
}

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** `data` of an AuthFailed error: which secret was missing or wrong. */
export interface AuthFailedData {
	secret: 'serverPassword' | 'password' | 'adminToken';
}

export const authFailedDataShape = s.object<AuthFailedData>({ secret: s.literal('serverPassword', 'password', 'adminToken') });

/** `data` of a RateLimited error. */
export interface RateLimitedData {
	retryAfterMs: number;
}

export const rateLimitedDataShape = s.object<RateLimitedData>({ retryAfterMs: s.integer });

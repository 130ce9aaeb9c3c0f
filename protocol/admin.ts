import { RequestType } from 'vscode-jsonrpc';
import * as s from './shapes';

export interface AdminKickParams {
	nick: string;
	reason?: string;
}

/**
 * Operator -> server: disconnects a user, who receives `session/kicked` with the reason.
 * Only sessions that presented the server's admin token in `initialize` may call it;
 * others get Forbidden (1012).
 */
export namespace AdminKickRequest {
	export const method = 'admin/kick';
	export const type = new RequestType<AdminKickParams, null, void>(method);
	export const params = s.object<AdminKickParams>({ nick: s.string(), reason: s.optional(s.string()) });
	export const result = s.nothing;
}

export interface AdminBroadcastParams {
	text: string;
}

export interface AdminBroadcastResult {
	/** How many users the notice was sent to. */
	recipients: number;
}

/** Operator -> server: a `server/notice` to every connected user. */
export namespace AdminBroadcastRequest {
	export const method = 'admin/broadcast';
	export const type = new RequestType<AdminBroadcastParams, AdminBroadcastResult, void>(method);
	export const params = s.object<AdminBroadcastParams>({ text: s.string() });
	export const result = s.object<AdminBroadcastResult>({ recipients: s.integer });
}

import { RequestType } from 'vscode-jsonrpc';
import * as s from './shapes';

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 256;

export interface RegisterParams {
	password: string;
}

export interface RegisterResult {
	/** The nick now reserved. */
	nick: string;
}

/**
 * Client -> server: reserves the caller's current nick with a password. From then on,
 * `initialize` with that nick needs `password`. Calling it again changes the password
 * (only a session that logged in to the nick, or registered it, can).
 */
export namespace RegisterRequest {
	export const method = 'account/register';
	export const type = new RequestType<RegisterParams, RegisterResult, void>(method);
	export const params = s.object<RegisterParams>({ password: s.string() });
	export const result = s.object<RegisterResult>({ nick: s.string() });
}

import { NotificationType, RequestType } from 'vscode-jsonrpc';
import { noParams, type Empty } from './channels';
import * as s from './shapes';
import { presenceStatusShape, userSummaryShape, type PresenceStatus, type UserSummary } from './types';

export type { PresenceStatus } from './types';

export interface UserListResult {
	users: UserSummary[];
}

/** Client -> server: everyone online, with the channels each is in. */
export namespace UserListRequest {
	export const method = 'user/list';
	export const type = new RequestType<Empty, UserListResult, void>(method);
	export const params = noParams;
	export const result = s.object<UserListResult>({ users: s.array(userSummaryShape) });
}

export interface SetNickParams {
	nick: string;
	/** The new nick's account password, when it is registered. */
	password?: string;
}

export interface SetNickResult {
	nick: string;
}

/**
 * Client -> server: change the caller's nick. Fails as `initialize` does (NickInUse,
 * InvalidNick, AuthFailed for a registered nick). Changing only the case is allowed. A
 * registered nick (with its password) signs the connection in to that account; a
 * connection signed in to an account keeps its nick (Forbidden), and changes its case
 * only while no other connection of the account is signed in.
 */
export namespace SetNickRequest {
	export const method = 'user/setNick';
	export const type = new RequestType<SetNickParams, SetNickResult, void>(method);
	export const params = s.object<SetNickParams>({ nick: s.string(), password: s.optional(s.string()) });
	export const result = s.object<SetNickResult>({ nick: s.string() });
}

export interface NickChangedParams {
	oldNick: string;
	newNick: string;
}

/**
 * Server -> everyone who shares a channel with the user (once each). DM partners who share
 * no channel are not told; DM history stays filed under the nicks used when it was sent.
 */
export namespace NickChangedNotification {
	export const method = 'user/nickChanged';
	export const type = new NotificationType<NickChangedParams>(method);
	export const params = s.object<NickChangedParams>({ oldNick: s.string(), newNick: s.string() });
}


/** Longest status text (`user/setStatus`), in characters. */
export const MAX_STATUS_TEXT_LENGTH = 100;

export interface PresenceParams {
	nick: string;
	/**
	 * `online`: the first connection of the user signed in, or the user came back from
	 * away; `away`: the user set that status; `offline`: the last connection ended.
	 */
	status: PresenceStatus;
	/** With `away` (or `online`), the text the user set, if any. */
	text?: string;
}

/**
 * Server -> everyone who shares a channel or a DM conversation with the user, when the
 * user comes online, goes away or back, or goes offline. An account's disconnect is only
 * this: it stays a member of its channels.
 */
export namespace PresenceNotification {
	export const method = 'user/presence';
	export const type = new NotificationType<PresenceParams>(method);
	export const params = s.object<PresenceParams>({ nick: s.string(), status: presenceStatusShape, text: s.optional(s.string()) });
}

export interface SetStatusParams {
	status: 'online' | 'away';
	/** Up to 100 characters ("in a meeting"); absent or empty: none. */
	text?: string;
}

/**
 * Client -> server: sets the status of the caller's account (all its connections). A
 * change is sent as `user/presence` to everyone who shares a channel or DM with the
 * user, and to the account's other connections; setting the same status and text again
 * changes nothing. The status lasts while the account is online: it signs in `online`.
 */
export namespace SetStatusRequest {
	export const method = 'user/setStatus';
	export const type = new RequestType<SetStatusParams, null, void>(method);
	export const params = s.object<SetStatusParams>({ status: s.literal('online', 'away'), text: s.optional(s.string()) });
	export const result = s.nothing;
}

export interface AccountParams {
	/** The user's nick, which is also the name of its account. */
	nick: string;
}

/**
 * Server -> everyone who shares a channel or a DM conversation with the user, and the
 * user's other connections: a guest became a signed-in account, by registering its nick
 * (`account/register`) or by changing nick to an account with its password
 * (`user/setNick`, after `user/nickChanged`). From now on its channels last when it
 * disconnects. (IRC clients see `ACCOUNT`, with account-notify.)
 */
export namespace AccountNotification {
	export const method = 'user/account';
	export const type = new NotificationType<AccountParams>(method);
	export const params = s.object<AccountParams>({ nick: s.string() });
}

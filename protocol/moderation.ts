/**
 * Channel moderation: invitations, roles, kicks, bans and topic protection. Owners and
 * ops of a channel may use these in it, server operators in every channel. A refusal
 * (Forbidden) says who may do it. To someone who is not a member of a private channel,
 * every method here answers exactly as for a channel that does not exist.
 */
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import * as s from './shapes';
import { channelInfoShape, type ChannelInfo, type ChannelRole } from './types';

export interface InviteParams {
	channel: string;
	/** A registered nick, or a guest who is online. */
	nick: string;
}

/**
 * Client -> server (ops): lets `nick` join the private `channel` (for a public channel it
 * only tells them). The invited account is told by `channel/invited`; an account's
 * invitation lasts until it joins or is banned.
 */
export namespace InviteRequest {
	export const method = 'channel/invite';
	export const type = new RequestType<InviteParams, null, void>(method);
	export const params = s.object<InviteParams>({ channel: s.string(), nick: s.string() });
	export const result = s.nothing;
}

export interface InvitedParams {
	channel: string;
	by: string;
}

/** Server -> every connection of the invited user. */
export namespace InvitedNotification {
	export const method = 'channel/invited';
	export const type = new NotificationType<InvitedParams>(method);
	export const params = s.object<InvitedParams>({ channel: s.string(), by: s.string() });
}

export interface RemoveMemberParams {
	channel: string;
	nick: string;
	/** Shown to the channel: "kicked by <op>: <reason>". */
	reason?: string;
}

const removeMemberParams = s.object<RemoveMemberParams>({ channel: s.string(), nick: s.string(), reason: s.optional(s.string()) });

/**
 * Client -> server (ops): removes a member. Every member, the removed one included, gets
 * `channel/memberLeft` with reason "kicked by <op>: <reason>". They may join again (a
 * private channel needs a new invitation). The owner cannot be kicked.
 */
export namespace ChannelKickRequest {
	export const method = 'channel/kick';
	export const type = new RequestType<RemoveMemberParams, null, void>(method);
	export const params = removeMemberParams;
	export const result = s.nothing;
}

/**
 * Client -> server (ops): removes a member (when they are one: "banned by <op>: <reason>")
 * and refuses their joins (Banned) until `channel/unban`. Accounts and guests are banned by
 * nick. The owner cannot be banned.
 */
export namespace ChannelBanRequest {
	export const method = 'channel/ban';
	export const type = new RequestType<RemoveMemberParams, null, void>(method);
	export const params = removeMemberParams;
	export const result = s.nothing;
}

export interface UnbanParams {
	channel: string;
	nick: string;
}

/** Client -> server (ops): lifts a ban. Unbanning someone who is not banned succeeds. */
export namespace ChannelUnbanRequest {
	export const method = 'channel/unban';
	export const type = new RequestType<UnbanParams, null, void>(method);
	export const params = s.object<UnbanParams>({ channel: s.string(), nick: s.string() });
	export const result = s.nothing;
}

export interface BanEntry {
	nick: string;
	by: string;
	reason?: string;
	/** When, in ms since the epoch. */
	ts: number;
}

export interface BanListResult {
	bans: BanEntry[];
}

/** Client -> server (ops): the channel's bans, oldest first. */
export namespace ChannelBansRequest {
	export const method = 'channel/bans';
	export const type = new RequestType<{ channel: string }, BanListResult, void>(method);
	export const params = s.object<{ channel: string }>({ channel: s.string() });
	export const result = s.object<BanListResult>({
		bans: s.array(s.object<BanEntry>({ nick: s.string(), by: s.string(), reason: s.optional(s.string()), ts: s.number })),
	});
}

export interface SetRoleParams {
	channel: string;
	/** A member of the channel. */
	nick: string;
	/** The owner's role is fixed; ops and members can be made either. */
	role: Exclude<ChannelRole, 'owner'>;
}

/** Client -> server (owner and ops): makes a member an op or a plain member. */
export namespace SetRoleRequest {
	export const method = 'channel/setRole';
	export const type = new RequestType<SetRoleParams, null, void>(method);
	export const params = s.object<SetRoleParams>({ channel: s.string(), nick: s.string(), role: s.literal('op', 'member') });
	export const result = s.nothing;
}

export interface RoleChangedParams {
	channel: string;
	nick: string;
	role: ChannelRole;
	by: string;
}

/** Server -> every member of the channel when a member's role changes. */
export namespace RoleChangedNotification {
	export const method = 'channel/roleChanged';
	export const type = new NotificationType<RoleChangedParams>(method);
	export const params = s.object<RoleChangedParams>({ channel: s.string(), nick: s.string(), role: s.literal('owner', 'op', 'member'), by: s.string() });
}

export interface SetTopicProtectedParams {
	channel: string;
	/** True: only the owner and ops may set the topic. */
	topicProtected: boolean;
}

/** Client -> server (the owner, or a server operator): turns topic protection on or off. */
export namespace SetTopicProtectedRequest {
	export const method = 'channel/setTopicProtected';
	export const type = new RequestType<SetTopicProtectedParams, null, void>(method);
	export const params = s.object<SetTopicProtectedParams>({ channel: s.string(), topicProtected: s.boolean });
	export const result = s.nothing;
}

export interface ChannelUpdatedParams {
	channel: ChannelInfo;
	by: string;
}

/** Server -> every member of the channel when its settings (topic protection) change. */
export namespace ChannelUpdatedNotification {
	export const method = 'channel/updated';
	export const type = new NotificationType<ChannelUpdatedParams>(method);
	export const params = s.object<ChannelUpdatedParams>({ channel: channelInfoShape, by: s.string() });
}

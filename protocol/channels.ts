import { NotificationType, RequestType } from 'vscode-jsonrpc';
import * as s from './shapes';
import {
	channelInfoShape, channelRoleShape, channelSummaryShape, memberDetailShape, messageShape,
	type ChannelInfo, type ChannelRole, type ChannelSummary, type MemberDetail, type Message,
} from './types';

export type Empty = Record<string, never>;
/** The params of a method that takes none (any object passes). */
export const noParams = s.object<Empty>({});

export interface ChannelListResult {
	channels: ChannelSummary[];
}

/** Client -> server: every channel the server knows, with its member count. */
export namespace ChannelListRequest {
	export const method = 'channel/list';
	export const type = new RequestType<Empty, ChannelListResult, void>(method);
	export const params = noParams;
	export const result = s.object<ChannelListResult>({ channels: s.array(channelSummaryShape) });
}

export interface ChannelParams {
	/** `#name`, any case; the server reports it in lower case. */
	channel: string;
}

const channelParams = s.object<ChannelParams>({ channel: s.string() });

export interface JoinChannelResult {
	channel: ChannelInfo;
	/** Every member, online or not. */
	members: string[];
	/** The latest messages of the channel (at most 50), oldest first. */
	history: Message[];
	/** Each member with presence and role, in the order of `members`. */
	details?: MemberDetail[];
	/** The caller's own role. */
	role?: ChannelRole;
}

const joinResult = s.object<JoinChannelResult>({
	channel: channelInfoShape,
	members: s.array(s.string()),
	history: s.array(messageShape),
	details: s.optional(s.array(memberDetailShape)),
	role: s.optional(channelRoleShape),
});

/**
 * Client -> server. Creates the channel when it does not exist (public, topic-protected,
 * the caller its owner), unless the server runs with a fixed channel list (then
 * NoSuchChannel). Joining a channel one is already in succeeds again without a second
 * announcement. A private channel needs an invitation (InviteOnly); a ban refuses (Banned).
 * For an account, membership lasts until it leaves, is kicked or banned; a guest leaves
 * its channels when its connection ends.
 */
export namespace JoinChannelRequest {
	export const method = 'channel/join';
	export const type = new RequestType<ChannelParams, JoinChannelResult, void>(method);
	export const params = channelParams;
	export const result = joinResult;
}

export interface CreateChannelParams {
	channel: string;
	/** Invisible to non-members, joined only by invitation. Default false. */
	private?: boolean;
	topic?: string;
}

/**
 * Client -> server: creates a channel with the caller as its owner and joins it. A name
 * already taken, by a public or a private channel, is ChannelExists (the same answer for
 * both: that a name is taken is all an outsider learns).
 */
export namespace CreateChannelRequest {
	export const method = 'channel/create';
	export const type = new RequestType<CreateChannelParams, JoinChannelResult, void>(method);
	export const params = s.object<CreateChannelParams>({ channel: s.string(), private: s.optional(s.boolean), topic: s.optional(s.string()) });
	export const result = joinResult;
}

/** Longest leave reason kept (`channel/leave`), in characters: longer ones are cut. */
export const MAX_LEAVE_REASON_LENGTH = 200;

export interface LeaveChannelParams extends ChannelParams {
	/**
	 * Optional words shown to the remaining members with the leave (an IRC client's PART
	 * reason); trimmed and cut to 200 characters, stored nowhere. Absent or blank: none.
	 */
	reason?: string;
}

/** Client -> server. Fails with NotInChannel when the caller is not a member. */
export namespace LeaveChannelRequest {
	export const method = 'channel/leave';
	export const type = new RequestType<LeaveChannelParams, null, void>(method);
	export const params = s.object<LeaveChannelParams>({ channel: s.string(), reason: s.optional(s.string()) });
	export const result = s.nothing;
}

export interface ChannelMembersResult {
	/** Every member, online or not. */
	members: string[];
	/** Each member with presence and role, in the order of `members`. */
	details: MemberDetail[];
}

/** Client -> server: the nicks in a channel. */
export namespace ChannelMembersRequest {
	export const method = 'channel/members';
	export const type = new RequestType<ChannelParams, ChannelMembersResult, void>(method);
	export const params = channelParams;
	export const result = s.object<ChannelMembersResult>({ members: s.array(s.string()), details: s.array(memberDetailShape) });
}

export interface SetTopicParams {
	channel: string;
	/** Empty string clears the topic. */
	topic: string;
}

/**
 * Client -> server: sets a channel's topic. The caller must be a member, and its owner or an
 * op while the channel is topic-protected (Forbidden otherwise).
 */
export namespace SetTopicRequest {
	export const method = 'channel/setTopic';
	export const type = new RequestType<SetTopicParams, null, void>(method);
	export const params = s.object<SetTopicParams>({ channel: s.string(), topic: s.string() });
	export const result = s.nothing;
}

export interface TopicChangedParams {
	channel: string;
	topic: string;
	by: string;
}

/** Server -> every member of the channel, the setter included. */
export namespace TopicChangedNotification {
	export const method = 'channel/topicChanged';
	export const type = new NotificationType<TopicChangedParams>(method);
	export const params = s.object<TopicChangedParams>({ channel: s.string(), topic: s.string(), by: s.string() });
}

export interface MemberJoinedParams {
	channel: string;
	nick: string;
}

/** Server -> the other members of a channel when someone joins it. */
export namespace MemberJoinedNotification {
	export const method = 'channel/memberJoined';
	export const type = new NotificationType<MemberJoinedParams>(method);
	export const params = s.object<MemberJoinedParams>({ channel: s.string(), nick: s.string() });
}

export interface MemberLeftParams {
	channel: string;
	nick: string;
	/**
	 * Why, when it was not a plain leave: "kicked by <nick>: <reason>", "banned by <nick>:
	 * <reason>", "kicked: <reason>" (by a server operator). For guests, whose membership
	 * ends with their connection, also "quit", "quit: <reason>", "connection lost",
	 * "connection lost (no answer to ping)", "send queue exceeded", "protocol violation".
	 * An account's disconnect is presence (`user/presence`), not a leave. For a plain leave
	 * with a reason (`channel/leave` with `reason`), the member's own words, and `voluntary`.
	 */
	reason?: string;
	/**
	 * True exactly when `reason` is the leaving member's own words (`channel/leave`), not
	 * one of the server's forms above: show it as said by them, never parse it.
	 */
	voluntary?: boolean;
}

/** Server -> the remaining members of a channel when someone leaves, quits or is kicked. */
export namespace MemberLeftNotification {
	export const method = 'channel/memberLeft';
	export const type = new NotificationType<MemberLeftParams>(method);
	export const params = s.object<MemberLeftParams>({ channel: s.string(), nick: s.string(), reason: s.optional(s.string()), voluntary: s.optional(s.boolean) });
}

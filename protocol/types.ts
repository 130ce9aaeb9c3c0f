/**
 * The data records shared by server and extension, each with its shape (see shapes.ts).
 */
import * as s from './shapes';

/** A stored chat message. `to` is `#channel` for channel messages or the recipient's nick for a DM. */
export interface Message {
	/** Increasing across the whole server; a later message always has a larger id. */
	id: number;
	/** Milliseconds since the Unix epoch, assigned by the server. */
	ts: number;
	from: string;
	to: string;
	text: string;
	/**
	 * The sender's own id for the message: in the `message/send` answer, and in history
	 * pages for messages the requester sent. Never sent to other users.
	 */
	clientMsgId?: string;
	/** When the author last edited the text (`message/edit`). */
	editedTs?: number;
	/**
	 * The message was deleted (`message/delete`): `text` is empty and nothing else but
	 * `id`, `ts`, `from` and `to` is kept. (`text` stays, empty, so that clients that require
	 * it still read the page.)
	 */
	deleted?: boolean;
	/** In history and thread pages: the reactions, in the order they were first given. */
	reactions?: Reaction[];
	/** A reply in a thread: the id of the thread's root message. */
	replyTo?: number;
	/** A reply sent "also to the channel": it is in the conversation's history too. */
	alsoToChannel?: boolean;
	/** A thread's root: how many replies it has (absent: none). */
	replyCount?: number;
	/** A thread's root: when its newest reply was sent. */
	lastReplyTs?: number;
	/**
	 * Sent as a notice (IRC `NOTICE`, or `message/send` with `notice`): show it as such, and
	 * never answer it automatically (no auto-reply, no away answer, no bot command).
	 */
	notice?: boolean;
}

/** One emoji on a message and who reacted with it, in the order they did. */
export interface Reaction {
	emoji: string;
	nicks: string[];
}

export const reactionShape = s.object<Reaction>({ emoji: s.string(), nicks: s.array(s.string()) });

export const messageShape = s.object<Message>({
	id: s.integer, ts: s.number, from: s.string(), to: s.string(), text: s.string(), clientMsgId: s.optional(s.string()),
	editedTs: s.optional(s.number), deleted: s.optional(s.boolean), reactions: s.optional(s.array(reactionShape)),
	replyTo: s.optional(s.integer), alsoToChannel: s.optional(s.boolean), replyCount: s.optional(s.integer), lastReplyTs: s.optional(s.number),
	notice: s.optional(s.boolean),
});

export interface ChannelInfo {
	name: string;
	topic?: string;
	/** Invisible to non-members; joined only by invitation. */
	private?: boolean;
	/** Only the channel's owner and ops may set the topic (the default for new channels). */
	topicProtected?: boolean;
}

export const channelInfoShape = s.object<ChannelInfo>({
	name: s.string(), topic: s.optional(s.string()), private: s.optional(s.boolean), topicProtected: s.optional(s.boolean),
});

/** A member's role in a channel: whoever created it is its `owner`; owners and ops moderate. */
export type ChannelRole = 'owner' | 'op' | 'member';
export const channelRoleShape = s.literal<ChannelRole>('owner', 'op', 'member');

/** A status as `user/presence` tells it (see PresenceParams in users.ts). */
export type PresenceStatus = 'online' | 'offline' | 'away';
export const presenceStatusShape = s.literal<PresenceStatus>('online', 'offline', 'away');

/** A channel member as member lists show them. */
export interface MemberDetail {
	nick: string;
	/** True while at least one connection of the member is signed in. */
	online: boolean;
	role: ChannelRole;
	/**
	 * `away` while the member has set that status (`user/setStatus`); absent otherwise
	 * (then `online` tells). Servers before it never send it.
	 */
	status?: PresenceStatus;
	/** With `away`, the text the member set, if any. */
	statusText?: string;
}

export const memberDetailShape = s.object<MemberDetail>({
	nick: s.string(), online: s.boolean, role: channelRoleShape, status: s.optional(presenceStatusShape), statusText: s.optional(s.string()),
});

/**
 * A thread the account takes part in (it wrote the root, replied, or was named in a
 * reply) that has replies it has not read.
 */
export interface ThreadState {
	/** The thread's root message. */
	id: number;
	/** The newest reply the account has read (the root's id: none). */
	lastReadId: number;
	/** Replies from others after `lastReadId`, counted up to 1000. */
	unread: number;
	/** Of those, the ones that mention the account (in a DM, every one). */
	mentions: number;
}

export const threadStateShape = s.object<ThreadState>({ id: s.integer, lastReadId: s.integer, unread: s.integer, mentions: s.integer });

/**
 * An account's place in one of its conversations (a channel it is a member of, or a DM),
 * as `initialize` reports them and every window of the account shares.
 */
export interface ConversationState {
	/** `#channel`, or the other party's nick for a DM. */
	conversation: string;
	/** The newest message the account has read (0: none). Never moves backwards. */
	lastReadId: number;
	/** Messages from others after `lastReadId`. */
	unread: number;
	/** Of those, the ones that mention the account (every unread DM counts). */
	mentions: number;
	/** The newest message in the conversation (0: none). */
	lastMessageId: number;
	/** For a DM: the other party's status now (`online`, `away` or `offline`). Absent for channels. */
	status?: PresenceStatus;
	/** For a DM whose other party is away: the text they set, if any. */
	statusText?: string;
	/**
	 * Threads of the conversation the account takes part in with unread replies, oldest
	 * root first. Replies are not in `unread` (unless sent also to the channel, then in both).
	 * Absent when there is none.
	 */
	threads?: ThreadState[];
}

export const conversationStateShape = s.object<ConversationState>({
	conversation: s.string(), lastReadId: s.integer, unread: s.integer, mentions: s.integer, lastMessageId: s.integer,
	status: s.optional(presenceStatusShape), statusText: s.optional(s.string()), threads: s.optional(s.array(threadStateShape)),
});

export interface ChannelSummary extends ChannelInfo {
	memberCount: number;
}

export const channelSummaryShape = s.object<ChannelSummary>({
	name: s.string(), topic: s.optional(s.string()), private: s.optional(s.boolean), topicProtected: s.optional(s.boolean), memberCount: s.integer,
});

export interface UserSummary {
	nick: string;
	channels: string[];
	/** `away` while the user has set that status (`user/setStatus`); absent: online. */
	status?: PresenceStatus;
	/** With `away`, the text the user set, if any. */
	statusText?: string;
}

export const userSummaryShape = s.object<UserSummary>({
	nick: s.string(), channels: s.array(s.string()), status: s.optional(presenceStatusShape), statusText: s.optional(s.string()),
});

export interface ServerLimits {
	/** Longest `text` accepted by `message/send`, in characters. */
	maxMessageLength: number;
	/** Largest frame body the server reads, in bytes. */
	maxFrameBytes: number;
	/**
	 * Shortest password `account/register` accepts (`--min-password-length`). Absent from
	 * older servers: clients then assume `MIN_PASSWORD_LENGTH`.
	 */
	minPasswordLength?: number;
}

export const serverLimitsShape = s.object<ServerLimits>({
	maxMessageLength: s.integer,
	maxFrameBytes: s.integer,
	minPasswordLength: s.optional(s.integer),
});

export interface ClientInfo {
	name: string;
	version?: string;
}

export const clientInfoShape = s.object<ClientInfo>({ name: s.string(), version: s.optional(s.string()) });

export interface ServerInfo {
	name: string;
	version: string;
}

export const serverInfoShape = s.object<ServerInfo>({ name: s.string(), version: s.string() });

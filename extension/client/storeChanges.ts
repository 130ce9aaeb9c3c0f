/**
 * What the client core reports about its conversations, in its own terms. The chat
 * panel's controller translates these into webview messages; nothing here knows the
 * webview exists.
 */
import type { ChannelRole, MemberDetail, Message } from '../../protocol/types';

export type ConnectionState = 'offline' | 'connecting' | 'connected' | 'reconnecting';

/** A conversation as lists show it. Its id is `#channel` for channels and the other nick's key for DMs. */
export interface ConversationSummary {
	id: string;
	kind: 'channel' | 'dm';
	/** `#channel` or the nick as its owner types it. */
	name: string;
	topic?: string;
	unread: number;
	/** Unread messages that mention the user (or any unread DM). */
	mentions: number;
	/** The newest message read: the "New messages" line goes after it. */
	lastReadId: number;
	memberCount?: number;
	/** Channels: the user's role (what the channel menu offers). */
	role?: ChannelRole;
	private?: boolean;
	topicProtected?: boolean;
	/** Channels: false once the user was removed (kicked, banned): nothing can be sent. */
	joined?: boolean;
	/** DMs: whether the other party is online, when known. */
	online?: boolean;
	/** DMs: the other party is online but away. */
	away?: boolean;
	/** DMs: the status text the other party set. */
	statusText?: string;
}

/** A channel member with presence and role; `away` when online but set away, `statusText` what they set. */
export type MemberState = MemberDetail & { away?: boolean; statusText?: string };

/** One line of a conversation: a chat message (pending while in the outbox) or an event line. */
export type TimelineEntry =
	| { kind: 'message'; message: Message; pending?: boolean }
	| { kind: 'event'; id: string; ts: number; text: string };

/** A thread the user takes part in with replies the user has not read (threadUnread.ts). */
export interface ThreadUnreadCount {
	/** The thread's root. */
	id: number;
	unread: number;
	/** Of those, the ones that name the user (in a DM, every one). */
	mentions: number;
}

export type StoreChange =
	/** The list of conversations, their counts or the active one changed. */
	| { kind: 'conversations'; conversations: ConversationSummary[]; active?: string }
	/** A conversation's timeline was replaced (first load, an insertion in the middle, a catch-up). */
	| { kind: 'timeline'; conversation: string; entries: TimelineEntry[]; hasMoreBefore: boolean }
	/** Entries added at the end. */
	| { kind: 'appended'; conversation: string; entries: TimelineEntry[] }
	/** Older entries loaded before the first one, oldest first. */
	| { kind: 'prepended'; conversation: string; entries: TimelineEntry[]; hasMoreBefore: boolean }
	/** A pending message was stored by the server: `message` replaces it. */
	| { kind: 'acknowledged'; conversation: string; clientMsgId: string; message: Message }
	| { kind: 'members'; conversation: string; members: MemberState[] }
	/** A stored message changed in place (edited, deleted, reacted to, its thread's counts). */
	| { kind: 'messageUpdated'; conversation: string; message: Message }
	/** A loaded thread's root and replies (oldest first), whole: see threads.ts. */
	| { kind: 'thread'; conversation: string; root: Message; replies: Message[]; hasMoreBefore: boolean }
	/** The unread replies of `conversation`'s threads the user takes part in, whole (empty: none). */
	| { kind: 'threadUnread'; conversation: string; threads: ThreadUnreadCount[] };

/**
 * Messages between the extension host and the chat webview, declared once and used by
 * both sides (the extension host and media/), each with its shape. The host checks every
 * message from the webview against `webviewMessageShape` before acting on it (the webview
 * is a trust boundary: it renders text from strangers), and the webview checks what the
 * host posts against `hostMessageShape`.
 */
import * as s from './shapes';
import { channelRoleShape, messageShape, presenceStatusShape, type ChannelRole, type MemberDetail, type Message } from './types';

export type ConnectionState = 'offline' | 'connecting' | 'connected' | 'reconnecting';

/** A conversation's id is `#channel` for channels and the other nick for DMs. */
export interface ConversationView {
	id: string;
	kind: 'channel' | 'dm';
	/** Display name: `#channel` or the nick. */
	name: string;
	topic?: string;
	unread: number;
	/** Unread messages that mention the user (or any unread DM). */
	mentions: number;
	/** The newest message the user has read: opening the conversation shows a "New messages" line after it. */
	lastReadId?: number;
	memberCount?: number;
	/** Channels: the user's role in it (what the channel menu offers). */
	role?: ChannelRole;
	/** Channels: joined only by invitation. */
	private?: boolean;
	/** Channels: only the owner and ops may set the topic. */
	topicProtected?: boolean;
	/** Channels: false once the user was removed (kicked or banned); nothing can be sent there. */
	joined?: boolean;
	/** DMs: whether the other party is online, when known. */
	online?: boolean;
	/** DMs: the other party is online but away. */
	away?: boolean;
	/** DMs: the status text the other party set ("at lunch"). */
	statusText?: string;
}

/** A channel member as the member list shows them: `away` when online but set away, with the text they set. */
export type MemberView = MemberDetail & { away?: boolean; statusText?: string };

const memberViewShape = s.object<MemberView>({
	nick: s.string(), online: s.boolean, role: channelRoleShape, away: s.optional(s.boolean),
	status: s.optional(presenceStatusShape), statusText: s.optional(s.string()),
});

/** One search result: the message and the conversation it is in (its id and display name). */
export interface SearchHitView {
	message: Message;
	conversation: string;
	name: string;
}

const searchHitShape = s.object<SearchHitView>({ message: messageShape, conversation: s.string(), name: s.string() });

/** One line in a conversation: a chat message or a join/leave/system line. */
export type TimelineItem =
	| { kind: 'message'; message: Message; pending?: boolean }
	| { kind: 'event'; id: string; ts: number; text: string };

// ---- host -> webview ------------------------------------------------------------

export type HostMessage =
	| { type: 'connection'; state: ConnectionState; nick?: string; server: string; detail?: string }
	| { type: 'conversations'; conversations: ConversationView[]; active?: string }
	/** Replace the timeline of a conversation (first open, or after reconnect). */
	| { type: 'timeline'; conversation: string; items: TimelineItem[]; hasMoreBefore: boolean }
	/** Items to add at the end (new messages, join/leave lines). */
	| { type: 'append'; conversation: string; items: TimelineItem[] }
	/** Older history loaded on scroll-up, oldest first. */
	| { type: 'prepend'; conversation: string; items: TimelineItem[]; hasMoreBefore: boolean }
	/** A pending (outbox) message was acknowledged: replace it by the stored one. */
	| { type: 'acknowledged'; conversation: string; clientMsgId: string; message: Message }
	| { type: 'members'; conversation: string; members: MemberView[] }
	| { type: 'focus'; conversation: string }
	/** A line shown to the user only (help text, command errors). */
	| { type: 'notice'; text: string; level: 'info' | 'error' }
	/** What the composer needs to know: the editor's tab size, the server's longest message. */
	| { type: 'config'; tabSize: number; maxMessageLength?: number }
	/**
	 * The answer to a webview message that carried `seq` (what the composer sends): `error`
	 * when the host refused it, so the composer keeps the text; cleared only when it took it.
	 */
	| { type: 'result'; seq: number; error?: string }
	/** A message the server refused after it was queued: shown with its text until discarded. */
	| { type: 'failed'; conversation: string; id: string; text: string; reason: string; ts: number }
	/** Open the quick switcher (its key is a VS Code keybinding, so no chord starts too). */
	| { type: 'openSwitcher' }
	/** A message shown changed in place: edited, deleted, reacted to, or its thread's counts. */
	| { type: 'messageUpdated'; conversation: string; message: Message }
	/** A thread the user opened: its root and loaded replies, oldest first (sent whole on every change). */
	| { type: 'thread'; conversation: string; root: Message; replies: Message[]; hasMoreBefore: boolean }
	/**
	 * The threads of `conversation` the user takes part in that have unread replies, whole
	 * (empty: none): each root's count, and how many of them name the user.
	 */
	| { type: 'threadUnread'; conversation: string; threads: ThreadUnreadView[] }
	/** Show message `id` (a message link): scrolled to and highlighted; a reply opens its thread. */
	| { type: 'jumpTo'; conversation: string; id: number; threadRoot?: number }
	/** Whether the user is a server operator (who may delete any message). */
	| { type: 'serverRole'; operator: boolean }
	/** Open the search box (Ctrl+F, a VS Code keybinding while the chat has focus), with `query` if given. */
	| { type: 'openSearch'; query?: string }
	/**
	 * The answer to the `search` with the same `request` number: results newest first, `words`
	 * the words searched for (to highlight), `hasMore` when older matches exist; or `error` in words.
	 */
	| { type: 'searchResults'; request: number; hits: SearchHitView[]; words: string[]; hasMore: boolean; error?: string }
	/** Show message `id` of `conversation` (loaded with what was said around it), highlighted. */
	| { type: 'reveal'; conversation: string; id: number }
	/** Who is typing in `conversation` now (empty: nobody). */
	| { type: 'typing'; conversation: string; nicks: string[] };

// ---- webview -> host ------------------------------------------------------------

/** What the panel asks of the host; a `seq` asks for a `result` answer (the composer keeps the line until then). */
export type WebviewMessage =
	| { type: 'ready' }
	| { type: 'select'; conversation: string }
	| { type: 'send'; conversation: string; text: string; seq?: number }
	| { type: 'join'; channel: string; seq?: number }
	| { type: 'leave'; conversation: string; seq?: number }
	| { type: 'directMessage'; nick: string; text?: string; seq?: number }
	| { type: 'nick'; nick: string; seq?: number }
	| { type: 'quit'; reason?: string; seq?: number }
	| { type: 'loadOlder'; conversation: string; before: number }
	| { type: 'openLink'; url: string }
	/** A `parley-snippet:` link was clicked: open that file at those lines, if the workspace has it. */
	| { type: 'openSnippet'; url: string }
	/** The user is done with a failed message (discarded, retried or taken back to edit). */
	| { type: 'discardFailed'; id: string }
	| { type: 'command'; command: PanelCommand; channel?: string }
	/** Messages up to `id` have been on screen; `following`: the panel shows the newest as they come. */
	| { type: 'read'; conversation: string; id: number; following: boolean }
	| { type: 'createChannel'; channel: string; private: boolean; seq?: number }
	| { type: 'invite'; channel: string; nick: string; seq?: number }
	| { type: 'kick'; channel: string; nick: string; reason?: string; seq?: number }
	| { type: 'ban'; channel: string; nick: string; reason?: string; seq?: number }
	| { type: 'unban'; channel: string; nick: string; seq?: number }
	| { type: 'setRole'; channel: string; nick: string; role: 'op' | 'member'; seq?: number }
	| { type: 'setTopic'; channel: string; topic: string; seq?: number }
	| { type: 'setTopicProtected'; channel: string; topicProtected: boolean; seq?: number }
	/** Message actions (media/messageActions.ts): each answered with a `result` when it carries `seq`. */
	| { type: 'edit'; conversation: string; id: number; text: string; seq?: number }
	| { type: 'delete'; conversation: string; id: number; seq?: number }
	| { type: 'react'; conversation: string; id: number; emoji: string; add: boolean; seq?: number }
	/** A reply in the thread of `root`; `alsoToChannel`: into the conversation too. */
	| { type: 'reply'; conversation: string; root: number; text: string; alsoToChannel: boolean; seq?: number }
	/** Load the thread of message `id` (the host answers with `thread`). */
	| { type: 'openThread'; conversation: string; id: number }
	| { type: 'loadOlderReplies'; conversation: string; root: number }
	/** The thread panel shows the thread of `root` while it has unread replies: they are read. */
	| { type: 'readThread'; conversation: string; root: number }
	/** A `parley-message:` link was clicked: the host finds the message and answers with `jumpTo`. */
	| { type: 'openMessageLink'; url: string }
	/**
	 * Search messages: `query` may hold `in:#channel`, `in:nick` and `from:nick`; the
	 * `conversation` and `from` fields are the filters chosen in the search box. `before`: the
	 * next page. Answered by `searchResults` with the same `request` number.
	 */
	| { type: 'search'; request: number; query: string; conversation?: string; from?: string; before?: number }
	/** Open a search result: its conversation at message `id`. */
	| { type: 'openResult'; conversation: string; id: number }
	/** The user is typing in `conversation` (the host passes it on at most every 3 s). */
	| { type: 'typing'; conversation: string }
	/** The page gained or lost keyboard focus (Ctrl+F is the chat's search only while it has it). */
	| { type: 'hasFocus'; focused: boolean };

/**
 * Palette commands the panel's buttons and menus run (they ask with VS Code's own inputs);
 * those about a channel get it in `channel`.
 */
export type PanelCommand = 'connect' | 'disconnect' | 'joinChannel' | 'directMessage' | 'createChannel' | 'invite' | 'setTopic' | 'showBans';

/** What the webview asks the host to do: every message but the `ready` handshake. */
export type WebviewRequest = Exclude<WebviewMessage, { type: 'ready' }>;

/** Longest text the webview may post (a message, a draft), in characters. */
const MAX_TEXT = 100_000;
/** Longest conversation id, channel or nick the webview may post. */
const MAX_NAME = 64;
/** Longest search line the webview may post (the server takes 200 characters of words). */
const MAX_SEARCH_TEXT = 1000;

const connectionState = s.literal<ConnectionState>('offline', 'connecting', 'connected', 'reconnecting');

export const conversationViewShape = s.object<ConversationView>({
	id: s.string(),
	kind: s.literal('channel', 'dm'),
	name: s.string(),
	topic: s.optional(s.string()),
	unread: s.integer,
	mentions: s.integer,
	lastReadId: s.optional(s.integer),
	memberCount: s.optional(s.integer),
	role: s.optional(channelRoleShape),
	private: s.optional(s.boolean),
	topicProtected: s.optional(s.boolean),
	joined: s.optional(s.boolean),
	online: s.optional(s.boolean),
	away: s.optional(s.boolean),
	statusText: s.optional(s.string()),
});

/** A thread root's unread replies, as the `threadUnread` host message carries them. */
export interface ThreadUnreadView {
	id: number;
	unread: number;
	mentions: number;
}

const threadUnreadShape = s.object<ThreadUnreadView>({ id: s.integer, unread: s.integer, mentions: s.integer });

const timelineItems = s.array(s.tagged<TimelineItem, 'kind'>('kind', {
	message: { message: messageShape, pending: s.optional(s.boolean) },
	event: { id: s.string(), ts: s.number, text: s.string() },
}));

export const hostMessageShape = s.tagged<HostMessage, 'type'>('type', {
	connection: { state: connectionState, nick: s.optional(s.string()), server: s.string(), detail: s.optional(s.string()) },
	conversations: { conversations: s.array(conversationViewShape), active: s.optional(s.string()) },
	timeline: { conversation: s.string(), items: timelineItems, hasMoreBefore: s.boolean },
	append: { conversation: s.string(), items: timelineItems },
	prepend: { conversation: s.string(), items: timelineItems, hasMoreBefore: s.boolean },
	acknowledged: { conversation: s.string(), clientMsgId: s.string(), message: messageShape },
	members: { conversation: s.string(), members: s.array(memberViewShape) },
	focus: { conversation: s.string() },
	notice: { text: s.string(), level: s.literal('info', 'error') },
	config: { tabSize: s.integer, maxMessageLength: s.optional(s.integer) },
	result: { seq: s.integer, error: s.optional(s.string()) },
	failed: { conversation: s.string(), id: s.string(), text: s.string(), reason: s.string(), ts: s.number },
	openSwitcher: {},
	messageUpdated: { conversation: s.string(), message: messageShape },
	thread: { conversation: s.string(), root: messageShape, replies: s.array(messageShape), hasMoreBefore: s.boolean },
	threadUnread: { conversation: s.string(), threads: s.array(threadUnreadShape) },
	jumpTo: { conversation: s.string(), id: s.integer, threadRoot: s.optional(s.integer) },
	serverRole: { operator: s.boolean },
	openSearch: { query: s.optional(s.string()) },
	searchResults: { request: s.integer, hits: s.array(searchHitShape), words: s.array(s.string()), hasMore: s.boolean, error: s.optional(s.string()) },
	reveal: { conversation: s.string(), id: s.integer },
	typing: { conversation: s.string(), nicks: s.array(s.string()) },
});

const seq = s.optional(s.integer);
const reason = s.optional(s.string(500));

export const webviewMessageShape = s.tagged<WebviewMessage, 'type'>('type', {
	ready: {},
	select: { conversation: s.string(MAX_NAME) },
	send: { conversation: s.string(MAX_NAME), text: s.string(MAX_TEXT), seq },
	join: { channel: s.string(MAX_NAME), seq },
	leave: { conversation: s.string(MAX_NAME), seq },
	directMessage: { nick: s.string(MAX_NAME), text: s.optional(s.string(MAX_TEXT)), seq },
	nick: { nick: s.string(MAX_NAME), seq },
	quit: { reason, seq },
	loadOlder: { conversation: s.string(MAX_NAME), before: s.integer },
	openLink: { url: s.string(4096) },
	openSnippet: { url: s.string(4096) },
	discardFailed: { id: s.string(MAX_NAME) },
	command: {
		command: s.literal('connect', 'disconnect', 'joinChannel', 'directMessage', 'createChannel', 'invite', 'setTopic', 'showBans'),
		channel: s.optional(s.string(MAX_NAME)),
	},
	read: { conversation: s.string(MAX_NAME), id: s.integer, following: s.boolean },
	createChannel: { channel: s.string(MAX_NAME), private: s.boolean, seq },
	invite: { channel: s.string(MAX_NAME), nick: s.string(MAX_NAME), seq },
	kick: { channel: s.string(MAX_NAME), nick: s.string(MAX_NAME), reason, seq },
	ban: { channel: s.string(MAX_NAME), nick: s.string(MAX_NAME), reason, seq },
	unban: { channel: s.string(MAX_NAME), nick: s.string(MAX_NAME), seq },
	setRole: { channel: s.string(MAX_NAME), nick: s.string(MAX_NAME), role: s.literal('op', 'member'), seq },
	setTopic: { channel: s.string(MAX_NAME), topic: s.string(MAX_TEXT), seq },
	setTopicProtected: { channel: s.string(MAX_NAME), topicProtected: s.boolean, seq },
	edit: { conversation: s.string(MAX_NAME), id: s.integer, text: s.string(MAX_TEXT), seq },
	delete: { conversation: s.string(MAX_NAME), id: s.integer, seq },
	react: { conversation: s.string(MAX_NAME), id: s.integer, emoji: s.string(64), add: s.boolean, seq },
	reply: { conversation: s.string(MAX_NAME), root: s.integer, text: s.string(MAX_TEXT), alsoToChannel: s.boolean, seq },
	openThread: { conversation: s.string(MAX_NAME), id: s.integer },
	readThread: { conversation: s.string(MAX_NAME), root: s.integer },
	loadOlderReplies: { conversation: s.string(MAX_NAME), root: s.integer },
	openMessageLink: { url: s.string(4096) },
	search: { request: s.integer, query: s.string(MAX_SEARCH_TEXT), conversation: s.optional(s.string(MAX_NAME)), from: s.optional(s.string(MAX_NAME)), before: s.optional(s.integer) },
	openResult: { conversation: s.string(MAX_NAME), id: s.integer },
	typing: { conversation: s.string(MAX_NAME) },
	hasFocus: { focused: s.boolean },
});

/**
 * The WHATWG URL parser, a global of both runtimes that use this file (Node and the
 * webview's browser). Declared here because protocol/ compiles without node or DOM types.
 */
declare const URL: new (url: string) => { readonly protocol: string };

/** Only http(s) links are ever opened. */
export function isSafeLink(url: string): boolean {
	try {
		const parsed = new URL(url);
		return parsed.protocol === 'http:' || parsed.protocol === 'https:';
	} catch {
		return false;
	}
}

/**
 * Links to code in a workspace, as Share Selection writes them in a message's Markdown:
 * `[src/billing.ts:8-14](parley-snippet:src/billing.ts?lines=8-14&remote=...&commit=...)`.
 * Other clients show the readable text; Parley opens the file. Parsed by the host only.
 */
export const SNIPPET_SCHEME = 'parley-snippet:';

export function isSnippetLink(url: string): boolean {
	return url.startsWith(SNIPPET_SCHEME) && url.length > SNIPPET_SCHEME.length && !/\s/.test(url);
}

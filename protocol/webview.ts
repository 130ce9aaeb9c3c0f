/**
 * Messages between the extension host and the chat webview, declared once and used by
 * both sides (the extension host and media/). The host validates every message from the
 * webview with `isWebviewMessage` before acting on it (the webview is a trust boundary: it
 * renders text from strangers). Imports nothing but protocol types.
 */
import type { Message } from './types';

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
	memberCount?: number;
}

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
	| { type: 'members'; conversation: string; members: string[] }
	| { type: 'focus'; conversation: string }
	/** A line shown to the user only (help text, command errors). */
	| { type: 'notice'; text: string; level: 'info' | 'error' };

// ---- webview -> host ------------------------------------------------------------

export type WebviewMessage =
	| { type: 'ready' }
	| { type: 'select'; conversation: string }
	| { type: 'send'; conversation: string; text: string }
	| { type: 'join'; channel: string }
	| { type: 'leave'; conversation: string }
	| { type: 'directMessage'; nick: string; text?: string }
	| { type: 'nick'; nick: string }
	| { type: 'quit'; reason?: string }
	| { type: 'loadOlder'; conversation: string; before: number }
	| { type: 'openLink'; url: string }
	| { type: 'command'; command: 'connect' | 'disconnect' | 'joinChannel' | 'directMessage' };

const MAX_TEXT = 100_000;
const MAX_NAME = 64;

function str(value: unknown, max: number): value is string {
	return typeof value === 'string' && value.length <= max;
}

/** Validates a message posted by the webview. Anything else is dropped by the host. */
export function isWebviewMessage(value: unknown): value is WebviewMessage {
	if (typeof value !== 'object' || value === null) {
		return false;
	}
	const m = value as Record<string, unknown>;
	switch (m.type) {
		case 'ready':
			return true;
		case 'select':
			return str(m.conversation, MAX_NAME);
		case 'send':
			return str(m.conversation, MAX_NAME) && str(m.text, MAX_TEXT);
		case 'join':
			return str(m.channel, MAX_NAME);
		case 'leave':
			return str(m.conversation, MAX_NAME);
		case 'directMessage':
			return str(m.nick, MAX_NAME) && (m.text === undefined || str(m.text, MAX_TEXT));
		case 'nick':
			return str(m.nick, MAX_NAME);
		case 'quit':
			return m.reason === undefined || str(m.reason, 500);
		case 'loadOlder':
			return str(m.conversation, MAX_NAME) && Number.isSafeInteger(m.before);
		case 'openLink':
			return str(m.url, 4096);
		case 'command':
			return m.command === 'connect' || m.command === 'disconnect' || m.command === 'joinChannel' || m.command === 'directMessage';
		default:
			return false;
	}
}

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

/**
 * Loose validation of messages arriving from the extension host. Unknown types and
 * malformed fields are dropped rather than trusted: a bad item is skipped, not rendered.
 */
import type { Message } from '../protocol/types';
import type { ConnectionState, ConversationView, HostMessage, TimelineItem } from '../protocol/webview';

type Rec = Record<string, unknown>;

function isRec(value: unknown): value is Rec {
	return typeof value === 'object' && value !== null;
}

function isStr(value: unknown): value is string {
	return typeof value === 'string';
}

function isNum(value: unknown): value is number {
	return typeof value === 'number' && Number.isFinite(value);
}

function count(value: unknown): number {
	return isNum(value) && value > 0 ? Math.floor(value) : 0;
}

function message(value: unknown): Message | undefined {
	if (!isRec(value) || !isNum(value.id) || !isNum(value.ts) || !isStr(value.from) || !isStr(value.to) || !isStr(value.text)) {
		return undefined;
	}
	const m: Message = { id: value.id, ts: value.ts, from: value.from, to: value.to, text: value.text };
	if (isStr(value.clientMsgId)) {
		m.clientMsgId = value.clientMsgId;
	}
	return m;
}

function items(value: unknown): TimelineItem[] | undefined {
	if (!Array.isArray(value)) {
		return undefined;
	}
	const out: TimelineItem[] = [];
	for (const raw of value) {
		if (!isRec(raw)) {
			continue;
		}
		if (raw.kind === 'message') {
			const m = message(raw.message);
			if (m) {
				out.push(raw.pending === true ? { kind: 'message', message: m, pending: true } : { kind: 'message', message: m });
			}
		} else if (raw.kind === 'event' && isStr(raw.id) && isNum(raw.ts) && isStr(raw.text)) {
			out.push({ kind: 'event', id: raw.id, ts: raw.ts, text: raw.text });
		}
	}
	return out;
}

function conversation(raw: unknown): ConversationView | undefined {
	if (!isRec(raw) || !isStr(raw.id) || !isStr(raw.name) || (raw.kind !== 'channel' && raw.kind !== 'dm')) {
		return undefined;
	}
	const c: ConversationView = { id: raw.id, kind: raw.kind, name: raw.name, unread: count(raw.unread), mentions: count(raw.mentions) };
	if (isStr(raw.topic)) {
		c.topic = raw.topic;
	}
	if (isNum(raw.memberCount)) {
		c.memberCount = count(raw.memberCount);
	}
	return c;
}

const STATES: readonly ConnectionState[] = ['offline', 'connecting', 'connected', 'reconnecting'];

/** Returns a well-formed copy of `data`, or undefined when it is not a message this webview understands. */
export function parseHostMessage(data: unknown): HostMessage | undefined {
	if (!isRec(data) || !isStr(data.type)) {
		return undefined;
	}
	const d = data;
	switch (d.type) {
		case 'connection': {
			const state = STATES.find((s) => s === d.state);
			if (!state) {
				return undefined;
			}
			return {
				type: 'connection',
				state,
				server: isStr(d.server) ? d.server : '',
				...(isStr(d.nick) ? { nick: d.nick } : {}),
				...(isStr(d.detail) ? { detail: d.detail } : {}),
			};
		}
		case 'conversations': {
			if (!Array.isArray(d.conversations)) {
				return undefined;
			}
			const list = d.conversations.map(conversation).filter((c): c is ConversationView => c !== undefined);
			return { type: 'conversations', conversations: list, ...(isStr(d.active) ? { active: d.active } : {}) };
		}
		case 'timeline':
		case 'prepend': {
			const list = items(d.items);
			if (!isStr(d.conversation) || !list) {
				return undefined;
			}
			return { type: d.type, conversation: d.conversation, items: list, hasMoreBefore: d.hasMoreBefore === true };
		}
		case 'append': {
			const list = items(d.items);
			return isStr(d.conversation) && list ? { type: 'append', conversation: d.conversation, items: list } : undefined;
		}
		case 'acknowledged': {
			const m = message(d.message);
			return isStr(d.conversation) && isStr(d.clientMsgId) && m
				? { type: 'acknowledged', conversation: d.conversation, clientMsgId: d.clientMsgId, message: m }
				: undefined;
		}
		case 'members':
			return isStr(d.conversation) && Array.isArray(d.members)
				? { type: 'members', conversation: d.conversation, members: d.members.filter(isStr) }
				: undefined;
		case 'focus':
			return isStr(d.conversation) ? { type: 'focus', conversation: d.conversation } : undefined;
		case 'notice':
			return isStr(d.text) ? { type: 'notice', text: d.text, level: d.level === 'error' ? 'error' : 'info' } : undefined;
		default:
			return undefined;
	}
}

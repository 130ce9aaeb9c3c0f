/** Realistic host messages for webview tests. */
import type { ConversationView, HostMessage, MemberView, TimelineItem } from '../../protocol/webview';

export const ME = 'kim';
const MINUTE = 60_000;

/** A fixed "now" near the end of a working day, so times read naturally in screenshots. */
export function todayAt(hours: number, minutes = 0): number {
	const d = new Date();
	d.setHours(hours, minutes, 0, 0);
	return d.getTime();
}

export function message(id: number, from: string, text: string, ts: number, to = '#general'): TimelineItem {
	return { kind: 'message', message: { id, ts, from, to, text } };
}

export function pending(clientMsgId: string, text: string, ts: number, to = '#general'): TimelineItem {
	return { kind: 'message', message: { id: -1, ts, from: ME, to, text, clientMsgId }, pending: true };
}

export function event(id: string, text: string, ts: number): TimelineItem {
	return { kind: 'event', id, ts, text };
}

export function connected(nick = ME): HostMessage {
	return { type: 'connection', state: 'connected', nick, server: 'chat.example.com:6697' };
}

export const CONVERSATIONS: ConversationView[] = [
	{ id: '#general', kind: 'channel', name: '#general', topic: 'Company-wide chatter · be kind', unread: 0, mentions: 0, memberCount: 5 },
	{ id: '#random', kind: 'channel', name: '#random', topic: 'Anything goes', unread: 4, mentions: 0, memberCount: 3 },
	{ id: '#release', kind: 'channel', name: '#release', topic: 'Shipping v2.3', unread: 12, mentions: 2, memberCount: 8 },
	{ id: 'alice', kind: 'dm', name: 'alice', unread: 1, mentions: 1 },
	{ id: 'bob', kind: 'dm', name: 'bob', unread: 0, mentions: 0 },
];

export function conversations(active = '#general', list = CONVERSATIONS): HostMessage {
	return { type: 'conversations', conversations: list.map((c) => ({ ...c })), active };
}

/** `count` messages ending now-ish, ids 1..count, alternating senders every few messages. */
export function history(count: number, to = '#general', firstId = 1): TimelineItem[] {
	const senders = ['alice', 'bob', 'carol', ME, 'dave'];
	const end = Date.now() - MINUTE;
	const items: TimelineItem[] = [];
	for (let i = 0; i < count; i++) {
		const id = firstId + i;
		const from = senders[Math.floor(id / 3) % senders.length];
		items.push(message(id, from, `Message number ${id} from ${from}`, end - (count - i) * 2 * MINUTE, to));
	}
	return items;
}

/** A believable afternoon in #general, for rendering tests and the screenshot. */
export function generalDay(): TimelineItem[] {
	const yesterday = todayAt(17, 40) - 24 * 60 * MINUTE;
	return [
		message(101, 'carol', 'Heading out, the staging deploy is green. See you tomorrow!', yesterday, '#general'),
		event('e1', 'carol left #general', yesterday + 2 * MINUTE),
		event('e2', 'dave joined #general', todayAt(9, 2)),
		message(102, 'alice', 'Morning all! Standup in 10 minutes.', todayAt(9, 15)),
		message(103, 'alice', 'Agenda is in the usual doc: https://wiki.example.com/team/standup', todayAt(9, 16)),
		message(104, 'bob', 'I might be a couple of minutes late, still fighting the `npm ci` cache on the build agent.', todayAt(9, 21)),
		message(105, 'dave', 'Quick one @kim: does the reconnect logic retry forever or give up?', todayAt(10, 3)),
		message(106, ME, 'It backs off up to 30 s and keeps trying. The core of it:', todayAt(10, 5)),
		message(107, ME, '```ts\nconst delay = Math.min(30_000, 500 * 2 ** attempt);\nsetTimeout(connect, delay + jitter());\n```', todayAt(10, 5)),
		message(108, 'dave', 'Perfect, thanks!', todayAt(10, 7)),
		message(109, 'alice', 'Release notes draft is up, please review **before 3pm**', todayAt(11, 30)),
		message(110, 'bob', 'Looks good. One nit: the changelog still says v2.2', todayAt(11, 48)),
		message(111, 'bob', 'Also the screenshot in the README is out of date', todayAt(11, 49)),
	];
}

/** Members as the host sends them: online unless listed in `offline`, plain members unless in `roles`. */
export function members(...nicks: string[]): MemberView[] {
	return nicks.map((nick) => ({ nick, online: true, role: 'member' }));
}

export const GENERAL_MEMBERS: MemberView[] = [
	{ nick: 'alice', online: true, role: 'owner' },
	{ nick: 'bob', online: true, role: 'op' },
	{ nick: 'carol', online: false, role: 'member' },
	{ nick: 'dave', online: true, role: 'member' },
	{ nick: ME, online: true, role: 'member' },
];

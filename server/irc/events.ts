/**
 * Parley notifications as IRC lines. Delivery hands every recipient the same encoded
 * frame; the parse of a frame is cached per frame (a WeakMap keyed by the Buffer), so a
 * message reaching many IRC clients is parsed once and JSON-RPC fan-out is unchanged.
 */
import { MemberJoinedNotification, MemberLeftNotification, TopicChangedNotification } from '../../protocol/channels';
import { NoticeNotification, ResyncNotification } from '../../protocol/lifecycle';
import { MessageNewNotification } from '../../protocol/messages';
import { ChannelUpdatedNotification, InvitedNotification, RoleChangedNotification } from '../../protocol/moderation';
import type { Message } from '../../protocol/types';
import { TypingNotification } from '../../protocol/conversations';
import { AccountNotification, NickChangedNotification, PresenceNotification } from '../../protocol/users';
import { nickKey } from '../../protocol/names';
import { formatLine, splitText } from './lines';
import { userSource, type IrcSession } from './session';

interface Notification {
	method: string;
	params: Record<string, unknown>;
}

const parsed = new WeakMap<Buffer, Notification | null>();

function parse(frame: Buffer): Notification | null {
	let n = parsed.get(frame);
	if (n === undefined) {
		const body = frame.indexOf('\r\n\r\n');
		try {
			const json = JSON.parse(frame.toString('utf8', body + 4)) as Partial<Notification>;
			n = typeof json.method === 'string' && typeof json.params === 'object' && json.params !== null ? (json as Notification) : null;
		} catch {
			n = null;
		}
		parsed.set(frame, n);
	}
	return n;
}

/** Whether the nick is signed in to its account (on this server's connections). */
function signedIn(session: IrcSession, nick: string): boolean {
	return session.hub.holders(nick).some((h) => h.registered);
}

/** A line from a user, with account-tag's `account=` when the user is signed in. */
export function fromUser(session: IrcSession, nick: string, command: string, params: readonly string[], tags = ''): string {
	const account = session.caps.has('account-tag') && signedIn(session, nick) ? `account=${nick}` : '';
	return formatLine(userSource(nick), command, params, tags === '' ? account : account === '' ? tags : `${tags};${account}`);
}

/** The server-time / msgid / account tags a message carries for this client. */
function messageTags(session: IrcSession, message: Message, extra: string): string {
	const tags: string[] = extra === '' ? [] : [extra];
	if (session.caps.has('server-time')) {
		tags.push(`time=${new Date(message.ts).toISOString()}`);
	}
	if (session.caps.has('message-tags')) {
		tags.push(`msgid=${message.id}`);
	}
	if (session.caps.has('account-tag') && signedIn(session, message.from)) {
		tags.push(`account=${message.from}`);
	}
	return tags.join(';');
}

/** A Parley message as PRIVMSG (or, for a notice, NOTICE) lines: a long or multi-line text becomes several lines. */
export function messageLines(session: IrcSession, message: Message, command = message.notice ? 'NOTICE' : 'PRIVMSG', extraTags = ''): string[] {
	const me = session.nick ?? '';
	const target = message.to.startsWith('#') ? message.to : (nickKey(message.to) === nickKey(me) ? me : message.to);
	const source = userSource(message.from);
	// 512 minus CRLF, the source, command, target and separators (" :" and the leading ':').
	const room = 510 - Buffer.byteLength(`:${source} ${command} ${target} :`, 'utf8');
	const tags = messageTags(session, message, extraTags);
	return splitText(message.text, Math.max(room, 16)).map((piece) => formatLine(source, command, [target, piece], tags));
}

/**
 * A channel message's lines are the same for every IRC recipient with the same tag
 * capabilities: they are made once per frame and capability mix, and every such
 * recipient queues the very same Buffer (which the outbound queue then joins and writes
 * once for all of them, as it does for JSON-RPC frames). Null: not a channel message.
 */
const sharedLines = new WeakMap<Buffer, Map<number, Buffer> | null>();

export function sharedMessageBytes(session: IrcSession, frame: Buffer): Buffer | undefined {
	let byTags = sharedLines.get(frame);
	if (byTags === null) {
		return undefined;
	}
	const n = parse(frame);
	if (byTags === undefined) {
		const message = n?.method === MessageNewNotification.method ? (n.params.message as Message | undefined) : undefined;
		byTags = typeof message?.to === 'string' && message.to.startsWith('#') ? new Map() : null;
		sharedLines.set(frame, byTags);
		if (byTags === null) {
			return undefined;
		}
	}
	const caps = session.caps;
	const key = (caps.has('server-time') ? 1 : 0) | (caps.has('message-tags') ? 2 : 0) | (caps.has('account-tag') ? 4 : 0);
	let bytes = byTags.get(key);
	if (bytes === undefined) {
		bytes = Buffer.from(messageLines(session, n!.params.message as Message).map((l) => l + '\r\n').join(''), 'utf8');
		byTags.set(key, bytes);
	}
	return bytes;
}

function str(v: unknown): string {
	return typeof v === 'string' ? v : '';
}

export function frameToLines(session: IrcSession, frame: Buffer): string[] {
	const n = parse(frame);
	if (n === null) {
		return [];
	}
	const p = n.params;
	const name = session.server.name;
	switch (n.method) {
		case MessageNewNotification.method:
			return messageLines(session, p.message as Message);
		case MemberJoinedNotification.method:
			if (session.caps.has('away-notify')) {
				// away-notify: a joining user who is away is followed by its AWAY.
				void session.tellAwayOnJoin(str(p.nick));
			}
			return [joinLine(session, str(p.nick), str(p.channel))];
		case MemberLeftNotification.method: {
			const reason = typeof p.reason === 'string' ? p.reason : undefined;
			if (p.voluntary === true) {
				// The member's own words: shown as said, never read as a kick or a quit.
				return [fromUser(session, str(p.nick), 'PART', reason === undefined ? [str(p.channel)] : [str(p.channel), reason])];
			}
			return leftLines(session, str(p.channel), str(p.nick), reason);
		}
		case TopicChangedNotification.method:
			return [fromUser(session, str(p.by), 'TOPIC', [str(p.channel), str(p.topic)])];
		case NickChangedNotification.method:
			return [fromUser(session, str(p.oldNick), 'NICK', [str(p.newNick)])];
		case RoleChangedNotification.method: {
			const role = str(p.role);
			const mode = role === 'owner' ? '+q' : role === 'op' ? '+o' : '-o';
			return [fromUser(session, str(p.by), 'MODE', [str(p.channel), mode, str(p.nick)])];
		}
		case ChannelUpdatedNotification.method: {
			const channel = p.channel as { name: string; topicProtected?: boolean };
			return [fromUser(session, str(p.by), 'MODE', [channel.name, channel.topicProtected ? '+t' : '-t'])];
		}
		case InvitedNotification.method:
			return [fromUser(session, str(p.by), 'INVITE', [session.nick ?? '*', str(p.channel)])];
		case PresenceNotification.method:
			return presenceLines(session, str(p.nick), str(p.status), typeof p.text === 'string' ? p.text : undefined);
		case AccountNotification.method:
			session.signedOut.delete(nickKey(str(p.nick)));
			return session.caps.has('account-notify') ? [fromUser(session, str(p.nick), 'ACCOUNT', [str(p.nick)])] : [];
		case TypingNotification.method: {
			// message-tags: typing as a TAGMSG with the +typing client tag.
			if (!session.caps.has('message-tags') || typeof p.nick !== 'string') {
				return [];
			}
			const conversation = str(p.conversation);
			const target = conversation.startsWith('#') ? conversation : (session.nick ?? '*');
			return [fromUser(session, p.nick, 'TAGMSG', [target], '+typing=active')];
		}
		case NoticeNotification.method:
			return [formatLine(name, 'NOTICE', [session.nick ?? '*', str(p.text)])];
		case ResyncNotification.method:
			// An IRC client cannot be told to read again: its user is.
			return [formatLine(name, 'NOTICE', [session.nick ?? '*', 'This server lost its link to the other servers for a moment. Messages were filled in; joins, parts, topics and away states of that moment may be missing here (NAMES and TOPIC show them as they are now).'])];
		// Kicks and shutdowns are followed by the close, whose ERROR line says why.
		default:
			return [];
	}
}

/**
 * away-notify and account-notify from `user/presence`: away (with its text), back, and an
 * account's last connection ending (away "Offline", and logged out: `ACCOUNT *`) or its
 * first one starting again (`ACCOUNT nick`).
 */
function presenceLines(session: IrcSession, nick: string, status: string, text: string | undefined): string[] {
	const source = userSource(nick);
	const lines: string[] = [];
	const key = nickKey(nick);
	if (status === 'offline') {
		session.signedOut.add(key);
		if (session.caps.has('away-notify')) {
			lines.push(formatLine(source, 'AWAY', ['Offline (no connection)']));
		}
		if (session.caps.has('account-notify')) {
			lines.push(formatLine(source, 'ACCOUNT', ['*']));
		}
		return lines;
	}
	if (session.signedOut.delete(key) && session.caps.has('account-notify')) {
		lines.push(fromUser(session, nick, 'ACCOUNT', [nick]));
	}
	if (session.caps.has('away-notify')) {
		lines.push(fromUser(session, nick, 'AWAY', status === 'away' ? [awayText(text)] : []));
	}
	return lines;
}

/** The AWAY text of a Parley `away` status (which may have none; IRC's away always has one). */
export function awayText(text: string | undefined): string {
	return text === undefined || text === '' ? 'Away' : text;
}

export function joinLine(session: IrcSession, nick: string, channel: string): string {
	if (session.caps.has('extended-join')) {
		// The account name, or '*' for a guest (this server's connections tell which).
		const account = signedIn(session, nick) ? nick : '*';
		return fromUser(session, nick, 'JOIN', [channel, account, realnameOf(session, nick)]);
	}
	return fromUser(session, nick, 'JOIN', [channel]);
}

/** The realname an IRC user gave in USER; the nick for JSON-RPC users. */
export function realnameOf(session: IrcSession, nick: string): string {
	for (const holder of session.hub.holders(nick)) {
		const realname = (holder as Partial<IrcSession>).realname;
		if (typeof realname === 'string' && realname !== '') {
			return realname;
		}
	}
	return nick;
}

/** Nicks told QUIT in this turn of the event loop: a guest leaving many channels quits once. */
const quitting = new WeakMap<IrcSession, Set<string>>();

function leftLines(session: IrcSession, channel: string, nick: string, reason: string | undefined): string[] {
	const kicked = reason === undefined ? null : /^(?:kicked|banned) by ([^:]+)(?:: (.*))?$/.exec(reason);
	if (kicked) {
		return [fromUser(session, kicked[1], 'KICK', [channel, nick, kicked[2] ?? kicked[1]])];
	}
	if (reason !== undefined && /^(quit|connection lost|send queue exceeded|protocol violation|kicked:|Excess Flood)/.test(reason)) {
		let told = quitting.get(session);
		if (!told) {
			told = new Set();
			quitting.set(session, told);
			setImmediate(() => quitting.delete(session));
		}
		if (told.has(nickKey(nick))) {
			return [];
		}
		told.add(nickKey(nick));
		const text = reason === 'quit' ? 'Quit' : reason.startsWith('quit: ') ? `Quit: ${reason.slice(6)}` : reason;
		return [fromUser(session, nick, 'QUIT', [text])];
	}
	return [fromUser(session, nick, 'PART', reason === undefined ? [channel] : [channel, reason])];
}

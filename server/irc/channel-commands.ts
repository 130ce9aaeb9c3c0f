/** JOIN, PART, NAMES, TOPIC, LIST, WHO, KICK, INVITE and channel MODE, over the Parley channel methods. */
import { ChannelListRequest, ChannelMembersRequest, JoinChannelRequest, LeaveChannelRequest, MAX_LEAVE_REASON_LENGTH, SetTopicRequest } from '../../protocol/channels';
import { ChannelBanRequest, ChannelBansRequest, ChannelKickRequest, ChannelUnbanRequest, InviteRequest, SetRoleRequest, SetTopicProtectedRequest } from '../../protocol/moderation';
import type { JoinChannelResult } from '../../protocol/channels';
import type { ChannelRole, MemberDetail } from '../../protocol/types';
import { nickKey, normalizeChannel } from '../../protocol/names';
import { visibleChannel } from '../handlers/visibility';
import type { SignedIn } from '../handlers/registry';
import { formatLine, type IrcLine } from './lines';
import { joinLine, messageLines } from './events';
import { replyError } from './numerics';
import { userSource, type IrcSession } from './session';

function prefix(role: ChannelRole): string {
	return role === 'owner' ? '~' : role === 'op' ? '@' : '';
}

function signedIn(session: IrcSession): SignedIn {
	return session as SignedIn;
}

async function channelRecord(session: IrcSession, channel: string): Promise<{ private: boolean; topic?: string; topicProtected: boolean } | undefined> {
	return session.hub.store.getChannel(normalizeChannel(channel));
}

function sendTopic(session: IrcSession, channel: string, topic: string | undefined): void {
	if (topic === undefined || topic === '') {
		session.numeric('331', channel, 'No topic is set');
	} else {
		session.numeric('332', channel, topic);
	}
}

function sendNames(session: IrcSession, channel: string, isPrivate: boolean, details: readonly MemberDetail[]): void {
	const symbol = isPrivate ? '@' : '=';
	const names = details.map((d) => prefix(d.role) + d.nick);
	const room = 400;
	let chunk: string[] = [];
	let bytes = 0;
	for (const name of names) {
		if (bytes + name.length + 1 > room && chunk.length > 0) {
			session.numeric('353', symbol, channel, chunk.join(' '));
			chunk = [];
			bytes = 0;
		}
		chunk.push(name);
		bytes += name.length + 1;
	}
	if (chunk.length > 0) {
		session.numeric('353', symbol, channel, chunk.join(' '));
	}
	session.numeric('366', channel, 'End of /NAMES list');
}

/** What a client learns on joining: its JOIN, the topic, the names. */
export async function sendJoinBurst(session: IrcSession, channel: string, joined?: JoinChannelResult): Promise<void> {
	const record = joined?.channel ?? (await channelRecord(session, channel));
	const members = joined?.details ?? (await session.call(ChannelMembersRequest, { channel })).details;
	// account-notify: an offline account signing in later is an ACCOUNT.
	for (const member of members ?? []) {
		if (!member.online) {
			session.signedOut.add(nickKey(member.nick));
		}
	}
	session.send(joinLine(session, session.nick!, channel));
	if (record?.topic) {
		sendTopic(session, channel, record.topic);
	}
	sendNames(session, channel, record?.private === true, members ?? []);
	// What a JSON-RPC client gets in its join answer: the recent history, replayed (with
	// server-time, clients show when it was said).
	// A client with draft/chathistory asks for what it wants instead.
	const replay = session.caps.has('draft/chathistory') ? [] : (joined?.history.slice(-HISTORY_ON_JOIN) ?? []);
	for (const message of replay) {
		messageLines(session, message).forEach((l) => session.send(l));
	}
}

/** Messages replayed on JOIN. */
const HISTORY_ON_JOIN = 20;

function need(session: IrcSession, line: IrcLine, count: number): boolean {
	if (line.params.length < count || line.params[0] === '') {
		session.numeric('461', line.command, 'Not enough parameters');
		return false;
	}
	return true;
}

export async function join(session: IrcSession, line: IrcLine): Promise<void> {
	if (!need(session, line, 1)) {
		return;
	}
	if (line.params[0] === '0') {
		for (const { channel } of await session.hub.memberships.channelsOf(session.nick!)) {
			await partOne(session, channel, undefined);
		}
		return;
	}
	for (const raw of line.params[0].split(',')) {
		if (raw === '') {
			continue;
		}
		try {
			const result = await session.call(JoinChannelRequest, { channel: raw });
			await sendJoinBurst(session, result.channel.name, result);
		} catch (error) {
			replyError(session, error, 'JOIN', raw);
		}
	}
}

async function partOne(session: IrcSession, channel: string, reason: string | undefined): Promise<void> {
	// The PART reason is channel/leave's: the other members (IRC and JSON-RPC) see it.
	const why = reason?.trim().slice(0, MAX_LEAVE_REASON_LENGTH);
	try {
		await session.call(LeaveChannelRequest, why ? { channel, reason: why } : { channel });
		const name = normalizeChannel(channel);
		session.send(formatLine(session.source, 'PART', why ? [name, why] : [name]));
	} catch (error) {
		replyError(session, error, 'PART', channel);
	}
}

export async function part(session: IrcSession, line: IrcLine): Promise<void> {
	if (!need(session, line, 1)) {
		return;
	}
	for (const channel of line.params[0].split(',').filter((c) => c !== '')) {
		await partOne(session, channel, line.params[1]);
	}
}

export async function names(session: IrcSession, line: IrcLine): Promise<void> {
	const channel = line.params[0]?.split(',')[0];
	if (channel === undefined || channel === '') {
		return session.numeric('366', '*', 'End of /NAMES list');
	}
	try {
		const list = await session.call(ChannelMembersRequest, { channel });
		const record = await channelRecord(session, channel);
		sendNames(session, normalizeChannel(channel), record?.private === true, list.details ?? []);
	} catch {
		// A missing (or hidden) channel: just the end, as RFC 2812 says.
		session.numeric('366', channel, 'End of /NAMES list');
	}
}

export async function topic(session: IrcSession, line: IrcLine): Promise<void> {
	if (!need(session, line, 1)) {
		return;
	}
	const channel = line.params[0];
	try {
		if (line.params.length < 2) {
			const view = await visibleChannel(session.hub, signedIn(session), normalizeChannel(channel));
			return sendTopic(session, view.record.name, view.record.topic);
		}
		await session.call(SetTopicRequest, { channel, topic: line.params[1] });
	} catch (error) {
		replyError(session, error, 'TOPIC', channel);
	}
}

export async function list(session: IrcSession, line: IrcLine): Promise<void> {
	const result = await session.call(ChannelListRequest, {});
	const only = line.params[0]?.split(',').filter((c) => c.startsWith('#')).map(normalizeChannel);
	session.numeric('321', 'Channel', 'Users  Name');
	for (const c of result.channels) {
		if (only && only.length > 0 && !only.includes(c.name)) {
			continue;
		}
		session.numeric('322', c.name, String(c.memberCount), `[+${channelModes(c)}] ${c.topic ?? ''}`.trimEnd());
	}
	session.numeric('323', 'End of /LIST');
}

export function channelModes(c: { private?: boolean; topicProtected?: boolean }): string {
	return `n${c.private ? 'is' : ''}${c.topicProtected ? 't' : ''}`;
}

export async function who(session: IrcSession, line: IrcLine): Promise<void> {
	const mask = line.params[0] ?? '*';
	const name = session.server.name;
	if (mask.startsWith('#')) {
		try {
			const members = await session.call(ChannelMembersRequest, { channel: mask });
			for (const d of members.details ?? []) {
				const away = !d.online || (await session.hub.presence.get(d.nick))?.status === 'away';
				session.numeric('352', normalizeChannel(mask), d.nick, 'parley', name, d.nick, `${away ? 'G' : 'H'}${prefix(d.role)}`, `0 ${d.nick}`);
			}
		} catch {
			// Hidden or missing: an empty list.
		}
	} else if ((await session.hub.presence.get(mask)) !== undefined) {
		const nick = (await session.hub.presence.get(mask))!.nick;
		session.numeric('352', '*', nick, 'parley', name, nick, 'H', `0 ${nick}`);
	}
	session.numeric('315', mask, 'End of /WHO list');
}

export async function kick(session: IrcSession, line: IrcLine): Promise<void> {
	if (!need(session, line, 2)) {
		return;
	}
	const [channel, nicks, reason] = line.params;
	for (const nick of nicks.split(',').filter((n) => n !== '')) {
		try {
			await session.call(ChannelKickRequest, { channel, nick, ...(reason ? { reason } : {}) });
		} catch (error) {
			replyError(session, error, 'KICK', /not a member/.test(String((error as Error).message)) ? `${nick} ${channel}` : channel);
		}
	}
}

export async function invite(session: IrcSession, line: IrcLine): Promise<void> {
	if (!need(session, line, 2)) {
		return;
	}
	const [nick, channel] = line.params;
	try {
		await session.call(InviteRequest, { channel, nick });
		session.numeric('341', nick, normalizeChannel(channel));
	} catch (error) {
		replyError(session, error, 'INVITE', error instanceof Error && /no one called/i.test(error.message) ? nick : channel);
	}
}

/** Channel MODE: +o/-o (op role), +t/-t, +b/-b (bans); +n, +s and +i are fixed. */
export async function channelMode(session: IrcSession, line: IrcLine): Promise<void> {
	const channel = normalizeChannel(line.params[0]);
	const modes = line.params[1];
	try {
		const view = await visibleChannel(session.hub, signedIn(session), channel);
		if (modes === undefined) {
			session.numeric('324', channel, `+${channelModes(view.record)}`);
			return;
		}
		const args = line.params.slice(2);
		let sign = '+';
		for (const ch of modes) {
			if (ch === '+' || ch === '-') {
				sign = ch;
				continue;
			}
			switch (ch) {
				case 'b': {
					const mask = args.shift();
					if (mask === undefined) {
						const bans = await session.call(ChannelBansRequest, { channel });
						for (const b of bans.bans) {
							session.numeric('367', channel, `${b.nick}!*@*`, b.by, String(Math.floor(b.ts / 1000)));
						}
						session.numeric('368', channel, 'End of channel ban list');
						break;
					}
					const nick = mask.split('!')[0];
					if (sign === '+') {
						await session.call(ChannelBanRequest, { channel, nick });
					} else {
						await session.call(ChannelUnbanRequest, { channel, nick });
					}
					session.send(formatLine(session.source, 'MODE', [channel, `${sign}b`, `${nick}!*@*`]));
					break;
				}
				case 'o': {
					const nick = args.shift();
					if (nick === undefined) {
						session.numeric('461', 'MODE', 'Not enough parameters');
						break;
					}
					await session.call(SetRoleRequest, { channel, nick, role: sign === '+' ? 'op' : 'member' });
					break;
				}
				case 't':
					await session.call(SetTopicProtectedRequest, { channel, topicProtected: sign === '+' });
					break;
				case 'n':
				case 'i':
				case 's':
				case 'q':
					session.numeric('472', ch, `is fixed on ${channel}: +n always, +s/+i for private channels (created private), ~ for the owner`);
					break;
				default:
					session.numeric('472', ch, 'is unknown mode char to me; this server has channel modes b, o, t (and fixed n, s, i, q)');
			}
		}
	} catch (error) {
		replyError(session, error, 'MODE', channel);
	}
}

export { userSource };

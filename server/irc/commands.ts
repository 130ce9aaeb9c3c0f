/** The IRC command table, and the commands that are not about channels. */
import { AdminKickRequest } from '../../protocol/admin';
import { QuitRequest } from '../../protocol/lifecycle';
import { SendMessageRequest, type SendMessageResult } from '../../protocol/messages';
import { MAX_STATUS_TEXT_LENGTH, SetStatusRequest, UserListRequest } from '../../protocol/users';
import { TypingNotification } from '../../protocol/conversations';
import { ResponseError } from 'vscode-jsonrpc/node';
import { ErrorCodes, type RateLimitedData } from '../../protocol/errors';
import { secretMatches } from '../auth';
import { formatLine, type IrcLine } from './lines';
import { chathistory } from './chathistory';
import { awayText, messageLines, realnameOf } from './events';
import { replyError } from './numerics';
import { authenticate, cap, lusers, motd, nick, pass, registerAccount, user } from './registration';
import { channelMode, invite, join, kick, list, names, part, topic, who } from './channel-commands';
import { userSource, type CommandHandler, type IrcSession } from './session';

/** Commands after registration answer 451 before it. */
function registered(handler: CommandHandler): CommandHandler {
	return (session, line) => (session.welcomed ? handler(session, line) : session.numeric('451', 'You have not registered'));
}

async function message(session: IrcSession, line: IrcLine): Promise<void> {
	const notice = line.command === 'NOTICE';
	if (line.params.length === 0 || line.params[0] === '') {
		return notice ? undefined : session.numeric('411', `No recipient given (${line.command})`);
	}
	if (line.params.length < 2 || line.params[1] === '') {
		return notice ? undefined : session.numeric('412', 'No text to send');
	}
	const text = line.params[1];
	// CTCP: ACTION is a message ("/me"); other queries are not chat and are not stored.
	if (text.startsWith('\x01') && !text.startsWith('\x01ACTION ')) {
		return;
	}
	for (const to of line.params[0].split(',').filter((t) => t !== '').slice(0, 4)) {
		try {
			const result = await sendLagged(session, to, text, notice);
			if (session.caps.has('echo-message')) {
				messageLines(session, result.message, line.command).forEach((l) => session.send(l));
			}
			// RPL_AWAY answers a PRIVMSG to someone away; a NOTICE is never answered automatically.
			if (!notice && !to.startsWith('#')) {
				const entry = await session.hub.presence.get(to);
				if (entry?.status === 'away') {
					session.numeric('301', entry.nick, awayText(entry.statusText));
				}
			}
		} catch (error) {
			if (notice) {
				continue;
			}
			if (error instanceof ResponseError && error.code === ErrorCodes.NotInChannel) {
				session.numeric('404', to, `Cannot send to channel: ${error.message}`);
				continue;
			}
			replyError(session, error, line.command, to);
		}
	}
}

/** message/send; past the flood bucket the line waits (fake lag) instead of failing. */
async function sendLagged(session: IrcSession, to: string, text: string, notice: boolean): Promise<SendMessageResult> {
	for (let attempt = 0; ; attempt++) {
		try {
			return await session.call(SendMessageRequest, notice ? { to, text, notice } : { to, text });
		} catch (error) {
			const wait = (error instanceof ResponseError && error.code === ErrorCodes.RateLimited ? (error.data as RateLimitedData | undefined)?.retryAfterMs : undefined);
			if (wait === undefined || attempt >= 5 || !session.isOpen) {
				throw error;
			}
			await new Promise<void>((resolve) => session.hub.clock.setTimeout(resolve, wait));
		}
	}
}

async function whois(session: IrcSession, line: IrcLine): Promise<void> {
	const target = line.params[line.params.length - 1];
	if (target === undefined || target === '') {
		return session.numeric('431', 'No nickname given');
	}
	const hub = session.hub;
	const online = await hub.presence.get(target);
	if (online === undefined) {
		session.numeric('401', target, `No such nick: no one called '${target}' is online`);
		return session.numeric('318', target, 'End of /WHOIS list');
	}
	const nick = online.nick;
	const holders = hub.holders(nick);
	const realname = realnameOf(session, nick);
	session.numeric('311', nick, nick, 'parley', '*', realname);
	const users = await session.call(UserListRequest, {});
	const channels = users.users.find((u) => u.nick === nick)?.channels ?? [];
	if (channels.length > 0) {
		session.numeric('319', nick, channels.join(' '));
	}
	session.numeric('312', nick, session.server.name, 'Parley');
	if (holders.some((h) => h.operator)) {
		session.numeric('313', nick, 'is an IRC operator');
	}
	if (online.status === 'away') {
		session.numeric('301', nick, awayText(online.statusText));
	}
	if (holders.some((h) => h.registered)) {
		session.numeric('330', nick, nick, 'is logged in as');
	}
	session.numeric('318', nick, 'End of /WHOIS list');
}

/** AWAY: Parley's `user/setStatus`, so JSON-RPC users see it too (as `user/presence`). */
async function away(session: IrcSession, line: IrcLine): Promise<void> {
	const text = (line.params[0] ?? '').trim();
	if (text === '') {
		await session.call(SetStatusRequest, { status: 'online' });
		session.numeric('305', 'You are no longer marked as being away');
	} else {
		await session.call(SetStatusRequest, { status: 'away', text: text.slice(0, MAX_STATUS_TEXT_LENGTH) });
		session.numeric('306', 'You have been marked as being away');
	}
}

/**
 * TAGMSG (message-tags): only the `+typing` client tag means something here; `active`
 * is Parley's `conversation/typing`. Other tags are not relayed.
 */
function tagmsg(session: IrcSession, line: IrcLine): void {
	const target = line.params[0];
	if (target === undefined || target === '') {
		return session.numeric('461', 'TAGMSG', 'Not enough parameters');
	}
	const typing = line.tags.get('+typing');
	if (typing === 'active') {
		session.router.notification(session, TypingNotification.method, { conversation: target.split(',')[0] });
	}
	// echo-message covers TAGMSG too (with the one client tag relayed).
	if (typing === 'active' && session.caps.has('echo-message') && session.caps.has('message-tags')) {
		session.send(formatLine(session.source, 'TAGMSG', [target], '+typing=active'));
	}
}

async function quit(session: IrcSession, line: IrcLine): Promise<void> {
	if (!session.welcomed) {
		return session.close('Quit');
	}
	await session.call(QuitRequest, line.params[0] ? { reason: line.params[0] } : {});
}

function ping(session: IrcSession, line: IrcLine): void {
	if (line.params.length === 0) {
		return session.numeric('409', 'No origin specified');
	}
	session.fromServer('PONG', session.server.name, line.params[0]);
}

function oper(session: IrcSession, line: IrcLine): void {
	if (line.params.length < 2) {
		return session.numeric('461', 'OPER', 'Not enough parameters');
	}
	const token = session.hub.options.adminToken;
	if (token === undefined) {
		return session.numeric('491', 'No O-lines for your host: this server has no admin token');
	}
	if (!secretMatches(line.params[1], token)) {
		session.hub.loginThrottle.fail(session.ip);
		return session.numeric('464', 'Password incorrect');
	}
	session.operator = true;
	session.hub.log.info(`OPER ${session.label}`);
	session.numeric('381', 'You are now an IRC operator');
	session.send(formatLine(session.source, 'MODE', [session.nick!, '+o']));
}

async function kill(session: IrcSession, line: IrcLine): Promise<void> {
	if (line.params.length < 1) {
		return session.numeric('461', 'KILL', 'Not enough parameters');
	}
	if (!session.operator) {
		return session.numeric('481', 'Permission Denied- You\'re not an IRC operator');
	}
	const reason = line.params[1] ?? `by ${session.nick}`;
	try {
		await session.call(AdminKickRequest, { nick: line.params[0], reason: `Killed (${session.nick} (${reason}))` });
	} catch (error) {
		replyError(session, error, 'KILL', line.params[0]);
	}
}

async function mode(session: IrcSession, line: IrcLine): Promise<void> {
	if (line.params.length === 0) {
		return session.numeric('461', 'MODE', 'Not enough parameters');
	}
	const target = line.params[0];
	if (target.startsWith('#')) {
		return channelMode(session, line);
	}
	if (target.toLowerCase() !== session.nick!.toLowerCase()) {
		return (await session.hub.presence.get(target)) === undefined
			? session.numeric('401', target, 'No such nick')
			: session.numeric('502', 'Cannot change mode for other users');
	}
	const change = line.params[1];
	if (change === undefined) {
		return session.numeric('221', `+i${session.operator ? 'o' : ''}`);
	}
	// Everyone is invisible (+i) already; +o comes with OPER; -o gives it up.
	if (change === '-o' && session.operator) {
		session.operator = false;
		session.send(formatLine(session.source, 'MODE', [session.nick!, '-o']));
	} else if (!/^[+-][io]+$/.test(change)) {
		session.numeric('501', 'Unknown MODE flag: user modes are i and o');
	}
}

export const COMMANDS: ReadonlyMap<string, CommandHandler> = new Map<string, CommandHandler>([
	['CAP', cap],
	['PASS', pass],
	['NICK', nick],
	['USER', user],
	['AUTHENTICATE', authenticate],
	['PING', ping],
	['PONG', () => undefined],
	['QUIT', quit],
	['JOIN', registered(join)],
	['PART', registered(part)],
	['PRIVMSG', registered(message)],
	['NOTICE', registered(message)],
	['NAMES', registered(names)],
	['TOPIC', registered(topic)],
	['LIST', registered(list)],
	['WHO', registered(who)],
	['WHOIS', registered(whois)],
	['KICK', registered(kick)],
	['INVITE', registered(invite)],
	['MODE', registered(mode)],
	['AWAY', registered(away)],
	['TAGMSG', registered(tagmsg)],
	['MOTD', registered(motd)],
	['LUSERS', registered(lusers)],
	['OPER', registered(oper)],
	['KILL', registered(kill)],
	['CHATHISTORY', registered(chathistory)],
	['REGISTER', registered(registerAccount)],
]);

export { userSource };

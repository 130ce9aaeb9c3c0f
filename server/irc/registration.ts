/**
 * Registration: CAP, PASS, NICK, USER and SASL PLAIN, ending in Parley's own
 * `initialize` (same checks: server password, account password, nick rules, server
 * full), then the welcome burst (001-005, LUSERS, MOTD) and the account's channels.
 */
import { MAX_STATUS_TEXT_LENGTH, SetNickRequest } from '../../protocol/users';
import { ResponseError } from 'vscode-jsonrpc/node';
import { ErrorCodes, type AuthFailedData } from '../../protocol/errors';
import { RegisterRequest } from '../../protocol/account';
import { InitializeRequest, PROTOCOL_VERSION } from '../../protocol/lifecycle';
import { MAX_CHANNEL_NAME_LENGTH, MAX_NICK_LENGTH, nickProblem } from '../../protocol/names';
import { verifyPassword } from '../auth';
import { MAX_TOPIC_LENGTH } from '../handlers/channels';
import { SERVER_NAME, SERVER_VERSION } from '../version';
import { formatLine, type IrcLine } from './lines';
import { sendJoinBurst } from './channel-commands';
import { MAX_CHATHISTORY } from './chathistory';
import type { IrcSession } from './session';

/**
 * Capabilities offered, in CAP LS order. The set never changes while the server runs
 * (its options are read once at start, and accounts, SASL and REGISTER are always
 * there), so `CAP NEW`/`DEL` are never sent; cap-notify is accepted (and implicit for 302).
 */
export const CAPABILITIES = ['account-notify', 'account-tag', 'away-notify', 'batch', 'cap-notify', 'draft/account-registration', 'draft/chathistory', 'echo-message', 'extended-join', 'labeled-response', 'message-tags', 'multi-prefix', 'sasl', 'server-time'] as const;

function capValue(cap: string, version: number): string {
	return cap === 'sasl' && version >= 302 ? 'sasl=PLAIN' : cap;
}

export function cap(session: IrcSession, line: IrcLine): Promise<void> | void {
	const sub = (line.params[0] ?? '').toUpperCase();
	const me = session.target;
	switch (sub) {
		case 'LS': {
			const version = Number(line.params[1] ?? '0') || 0;
			session.capVersion = Math.max(session.capVersion, version);
			if (version >= 302) {
				session.caps.add('cap-notify');
			}
			if (!session.welcomed) {
				session.capNegotiating = true;
			}
			// Values only for a request that asks for 302 (the stored version stays the highest).
			session.fromServer('CAP', me, 'LS', CAPABILITIES.map((c) => capValue(c, version)).join(' '));
			return;
		}
		case 'LIST':
			session.fromServer('CAP', me, 'LIST', [...session.caps].join(' '));
			return;
		case 'REQ': {
			if (!session.welcomed) {
				session.capNegotiating = true;
			}
			const wanted = (line.params[1] ?? '').split(' ').filter((c) => c !== '');
			const known = new Set<string>(CAPABILITIES);
			// A 302 client's cap-notify cannot be disabled (capability negotiation, cap-notify).
			const lockedOn = session.capVersion >= 302 && wanted.includes('-cap-notify');
			if (wanted.length === 0 || lockedOn || !wanted.every((c) => known.has(c.replace(/^-/, '')))) {
				session.fromServer('CAP', me, 'NAK', line.params[1] ?? '');
				return;
			}
			for (const c of wanted) {
				if (c.startsWith('-')) {
					session.caps.delete(c.slice(1));
				} else {
					session.caps.add(c);
				}
			}
			session.fromServer('CAP', me, 'ACK', wanted.join(' '));
			return;
		}
		case 'END':
			if (!session.welcomed) {
				session.capNegotiating = false;
				return register(session);
			}
			return;
		default:
			session.numeric('410', sub.slice(0, 32) || '*', 'Invalid CAP subcommand: use LS, LIST, REQ or END');
	}
}

/** SASL (IRCv3 sasl-3.1): AUTHENTICATE payloads are cut into chunks of this many bytes. */
const SASL_CHUNK = 400;
/** Enough for PLAIN with the longest nick and password (256 characters of 4 UTF-8 bytes). */
const SASL_MAX_CHUNKS = 4;

const ACCOUNT_PASS = /^([A-Za-z][A-Za-z0-9_-]{0,31}):(.+)$/;

export function pass(session: IrcSession, line: IrcLine): void {
	if (session.welcomed) {
		return session.numeric('462', 'You may not reregister');
	}
	if (line.params.length === 0) {
		return session.numeric('461', 'PASS', 'Not enough parameters');
	}
	session.pass = line.params[0];
	const account = ACCOUNT_PASS.exec(session.pass);
	// On a server without a password, PASS account:password signs in to the account.
	if (account && session.hub.options.password === undefined) {
		session.account = { nick: account[1], password: account[2] };
	}
}

export async function nick(session: IrcSession, line: IrcLine): Promise<void> {
	const wanted = line.params[0];
	if (wanted === undefined || wanted === '') {
		return session.numeric('431', 'No nickname given');
	}
	const problem = nickProblem(wanted);
	if (problem) {
		return session.numeric('432', wanted.slice(0, 64), `Erroneous nickname: ${problem}`);
	}
	if (!session.welcomed) {
		session.requestedNick = wanted;
		return register(session);
	}
	const old = session.nick!;
	try {
		const result = await session.call(SetNickRequest, { nick: wanted });
		if (result.nick !== old) {
			session.send(formatLine(`${old}!${old}@parley`, 'NICK', [result.nick]));
		}
	} catch (error) {
		if (error instanceof ResponseError && error.code === ErrorCodes.Forbidden) {
			return session.numeric('433', wanted, error.message);
		}
		if (error instanceof ResponseError && error.code === ErrorCodes.AuthFailed) {
			return session.numeric('433', wanted, `${error.message} (sign in with SASL or PASS ${wanted}:password when connecting)`);
		}
		if (error instanceof ResponseError) {
			return session.numeric(error.code === ErrorCodes.NickInUse ? '433' : '432', wanted, error.message);
		}
		throw error;
	}
}

export function user(session: IrcSession, line: IrcLine): Promise<void> | void {
	if (session.welcomed) {
		return session.numeric('462', 'You may not reregister');
	}
	if (line.params.length < 4 || line.params[0] === '') {
		return session.numeric('461', 'USER', 'Not enough parameters');
	}
	session.user = line.params[0].slice(0, 16);
	session.realname = line.params[3];
	return register(session);
}

export async function authenticate(session: IrcSession, line: IrcLine): Promise<void> {
	const arg = line.params[0] ?? '';
	if (session.welcomed || session.nick !== undefined) {
		return session.numeric('907', 'You have already authenticated');
	}
	if (arg === '*') {
		session.saslMechanism = undefined;
		session.saslChunks = [];
		return session.numeric('906', 'SASL authentication aborted');
	}
	if (session.saslMechanism === undefined) {
		if (arg.toUpperCase() !== 'PLAIN') {
			session.numeric('908', 'PLAIN', 'are available SASL mechanisms');
			return session.numeric('904', 'SASL authentication failed');
		}
		session.saslMechanism = 'PLAIN';
		session.send('AUTHENTICATE +');
		return;
	}
	// The payload comes in chunks of 400 bytes; a shorter one (or '+') ends it.
	if (arg.length > SASL_CHUNK || (arg.length === SASL_CHUNK && session.saslChunks.length >= SASL_MAX_CHUNKS)) {
		session.saslMechanism = undefined;
		session.saslChunks = [];
		return session.numeric('905', 'SASL message too long');
	}
	if (arg.length === SASL_CHUNK) {
		session.saslChunks.push(arg);
		return;
	}
	const payload = session.saslChunks.join('') + (arg === '+' ? '' : arg);
	session.saslChunks = [];
	session.saslMechanism = undefined;
	const [, authcid = '', password = ''] = Buffer.from(payload, 'base64').toString('utf8').split('\0');
	const hub = session.hub;
	const wait = hub.loginThrottle.retryAfter(session.ip);
	const hash = wait > 0 ? undefined : await hub.store.getPasswordHash(authcid);
	if (hash === undefined || !(await verifyPassword(password, hash))) {
		if (wait === 0) {
			hub.loginThrottle.fail(session.ip);
		}
		hub.log.warn(`SASL refused for ${session.address} (${authcid.slice(0, 32)})`);
		return session.numeric('904', 'SASL authentication failed');
	}
	const account = (await hub.store.accountNick(authcid)) ?? authcid;
	session.account = { nick: account, password };
	session.numeric('900', `${account}!${session.user ?? account}@parley`, account, `You are now logged in as ${account}`);
	session.numeric('903', 'SASL authentication successful');
}

/**
 * REGISTER <account> <email> <password> (draft/account-registration): `account/register`
 * for the current nick, with the same password rules (`--min-password-length`).
 */
export async function registerAccount(session: IrcSession, line: IrcLine): Promise<void> {
	const [account = '', , password] = line.params;
	const me = session.nick!;
	if (password === undefined) {
		return session.fromServer('FAIL', 'REGISTER', 'NEED_MORE_PARAMS', 'REGISTER', 'Usage: REGISTER <account or *> <email or *> <password>');
	}
	if (account !== '*' && account.toLowerCase() !== me.toLowerCase()) {
		return session.fromServer('FAIL', 'REGISTER', 'ACCOUNT_NAME_MUST_BE_NICK', account, `The account is your current nick (${me}); use * or ${me}`);
	}
	try {
		const result = await session.call(RegisterRequest, { password });
		session.fromServer('REGISTER', 'SUCCESS', result.nick, `Account ${result.nick} registered; sign in with SASL PLAIN next time`);
		session.numeric('900', `${me}!${session.user ?? me}@parley`, result.nick, `You are now logged in as ${result.nick}`);
	} catch (error) {
		if (error instanceof ResponseError && error.code === ErrorCodes.InvalidParams) {
			return session.fromServer('FAIL', 'REGISTER', 'WEAK_PASSWORD', me, error.message);
		}
		if (error instanceof ResponseError) {
			return session.fromServer('FAIL', 'REGISTER', 'ACCOUNT_EXISTS', me, error.message);
		}
		throw error;
	}
}

/** Registers once NICK and USER are in and CAP negotiation is over. */
export async function register(session: IrcSession): Promise<void> {
	if (session.welcomed || session.registering || session.capNegotiating || session.requestedNick === undefined || session.user === undefined) {
		return;
	}
	const hub = session.hub;
	const wanted = session.account?.nick ?? session.requestedNick;
	const serverHasPassword = hub.options.password !== undefined;
	const params = {
		protocolVersion: PROTOCOL_VERSION,
		nick: wanted,
		clientInfo: { name: 'irc' },
		...(session.account ? { password: session.account.password } : {}),
		...(serverHasPassword && session.pass !== undefined ? { serverPassword: session.pass } : {}),
	};
	session.registering = true;
	let nick: string;
	try {
		nick = (await session.call(InitializeRequest, params)).nick;
	} catch (error) {
		if (!(error instanceof ResponseError)) {
			throw error;
		}
		switch (error.code) {
			case ErrorCodes.NickInUse:
				return session.numeric('433', wanted, 'Nickname is already in use');
			case ErrorCodes.InvalidNick:
				return session.numeric('432', wanted, `Erroneous nickname: ${error.message}`);
			case ErrorCodes.AuthFailed: {
				const secret = (error.data as AuthFailedData | undefined)?.secret;
				if (secret === 'password' && session.account === undefined) {
					return session.numeric('433', wanted, `Nickname is registered: sign in with SASL PLAIN or PASS ${wanted}:password, or pick another nickname`);
				}
				session.numeric('464', 'Password incorrect');
				return session.close(secret === 'serverPassword' ? 'Bad server password' : 'Bad account password');
			}
			default:
				return session.close(error.message);
		}
	} finally {
		session.registering = false;
	}
	session.welcomed = true;
	if (nick !== session.requestedNick) {
		session.send(formatLine(`${session.requestedNick}!${session.user}@parley`, 'NICK', [nick]));
	}
	await welcome(session);
	for (const { channel } of await hub.memberships.channelsOf(nick)) {
		await sendJoinBurst(session, channel);
	}
}

/** The ISUPPORT tokens: what this server really does. */
export function isupport(): string[] {
	return [
		`AWAYLEN=${MAX_STATUS_TEXT_LENGTH}`, 'CASEMAPPING=ascii', `CHANNELLEN=${MAX_CHANNEL_NAME_LENGTH + 1}`, 'CHANTYPES=#', 'CHANMODES=b,,,inst',
		'ELIST=', 'KICKLEN=200', 'LINELEN=512', 'MODES=4', `NETWORK=Parley`, `NICKLEN=${MAX_NICK_LENGTH}`, 'PREFIX=(qo)~@',
		'STATUSMSG=', 'TARGMAX=JOIN:,PART:,PRIVMSG:4,NOTICE:4,KICK:1,WHOIS:1,NAMES:1', `TOPICLEN=${MAX_TOPIC_LENGTH}`, 'UTF8ONLY',
		'MAXTARGETS=4', 'CLIENTTAGDENY=*,-typing', `CHATHISTORY=${MAX_CHATHISTORY}`, 'MSGREFTYPES=msgid',
	];
}

export async function welcome(session: IrcSession): Promise<void> {
	const me = session.nick!;
	const name = session.server.name;
	session.numeric('001', `Welcome to the Parley IRC network, ${me}!${session.user ?? me}@parley`);
	session.numeric('002', `Your host is ${name}, running ${SERVER_NAME} ${SERVER_VERSION}`);
	session.numeric('003', `This server was created ${session.server.createdAt.toUTCString()}`);
	session.numeric('004', name, SERVER_VERSION, 'io', 'bimnoqst', 'boq');
	const tokens = isupport();
	for (let i = 0; i < tokens.length; i += 12) {
		session.numeric('005', ...tokens.slice(i, i + 12), 'are supported by this server');
	}
	await lusers(session);
	motd(session);
}

export async function lusers(session: IrcSession): Promise<void> {
	const hub = session.hub;
	const [users, channels] = await Promise.all([hub.presence.connections(), hub.store.listChannels()]);
	const operators = [...hub.sessions].filter((s) => s.operator).length;
	session.numeric('251', `There are ${users} users and 0 invisible on 1 servers`);
	session.numeric('252', String(operators), 'operator(s) online');
	session.numeric('254', String(channels.filter((c) => !c.private).length), 'channels formed');
	session.numeric('255', `I have ${users} clients and 0 servers`);
}

export function motd(session: IrcSession): void {
	const text = session.hub.options.motd;
	if (text === undefined || text.trim() === '') {
		return session.numeric('422', 'MOTD File is missing');
	}
	session.numeric('375', `- ${session.server.name} Message of the day - `);
	for (const piece of text.split(/\r?\n/)) {
		session.numeric('372', `- ${piece}`);
	}
	session.numeric('376', 'End of /MOTD command.');
}

/**
 * Server options from command-line flags and PARLEY_* environment variables
 * (flags win). Every value is validated here, at the trust boundary, with a message
 * that says how to fix it.
 */
import { channelProblem, normalizeChannel } from '../protocol/names';
import { LOG_LEVELS, type LogLevel } from './log';

export interface ServerOptions {
	host: string;
	port: number;
	/** Directory for the SQLite database. Ignored with `memory`. */
	dataDir: string;
	/** Keep history in memory only (lost on exit). */
	memory: boolean;
	/** Most connected, initialized clients at once. 0 = no cap. */
	maxClients: number;
	/** Channels created at start (lower case, with '#'). */
	channels: string[];
	/** When true, only existing channels can be joined. */
	noCreate: boolean;
	motd?: string;
	logLevel: LogLevel;
	maxMessageLength: number;
	maxFrameBytes: number;
	/** Bytes queued for one client before it is disconnected ("send queue exceeded"). */
	maxSendQueueBytes: number;
	/** message/send token bucket refill per second per connection; 0 = off. */
	floodRate: number;
	floodBurst: number;
	/** Connections per remote address; 0 = no cap. */
	maxPerIp: number;
	/** Milliseconds a connection may take to send a successful `initialize`. */
	initTimeoutMs: number;
	/** Milliseconds of silence before the server pings a client; twice this closes it. */
	idleTimeoutMs: number;
	/** Run the operator console on stdin even when it is not a terminal. */
	console: boolean;
	/** Server password of a private server. */
	password?: string;
	/** Token that makes a session an operator (admin/kick, admin/broadcast). */
	adminToken?: string;
	/** PEM certificate and key files: when both are set the server speaks TLS. */
	tlsCert?: string;
	tlsKey?: string;
}

export const DEFAULT_OPTIONS: ServerOptions = {
	host: '127.0.0.1',
	port: 7420,
	dataDir: './.parley',
	memory: false,
	maxClients: 10_000,
	channels: [],
	noCreate: false,
	logLevel: 'info',
	maxMessageLength: 4000,
	maxFrameBytes: 1024 * 1024,
	maxSendQueueBytes: 4 * 1024 * 1024,
	floodRate: 5,
	floodBurst: 10,
	maxPerIp: 16,
	initTimeoutMs: 10_000,
	idleTimeoutMs: 25_000,
	console: false,
};

export class OptionsError extends Error {}

type Kind = 'string' | 'int' | 'bool' | 'list' | 'level';

interface Spec {
	key: keyof ServerOptions;
	kind: Kind;
	help: string;
	min?: number;
	max?: number;
}

const SPECS: Record<string, Spec> = {
	host: { key: 'host', kind: 'string', help: 'address to listen on (default 127.0.0.1; 0.0.0.0 or :: for all)' },
	port: { key: 'port', kind: 'int', min: 0, max: 65535, help: 'TCP port (default 7420; 0 picks a free one)' },
	data: { key: 'dataDir', kind: 'string', help: 'directory for history (default ./.parley)' },
	memory: { key: 'memory', kind: 'bool', help: 'keep history in memory only' },
	'max-clients': { key: 'maxClients', kind: 'int', min: 0, max: 1_000_000, help: 'most connected clients (default 10000; 0 = no cap)' },
	channels: { key: 'channels', kind: 'list', help: 'channels to create at start, e.g. general,random' },
	'no-create': { key: 'noCreate', kind: 'bool', help: 'only the existing channels can be joined' },
	motd: { key: 'motd', kind: 'string', help: 'message of the day sent on initialize' },
	'log-level': { key: 'logLevel', kind: 'level', help: `${LOG_LEVELS.join(' | ')} (default info)` },
	'max-message-length': { key: 'maxMessageLength', kind: 'int', min: 1, max: 1_000_000, help: 'longest message text in characters (default 4000)' },
	'max-frame-bytes': { key: 'maxFrameBytes', kind: 'int', min: 1024, max: 64 * 1024 * 1024, help: 'largest frame body in bytes (default 1048576)' },
	'max-send-queue': { key: 'maxSendQueueBytes', kind: 'int', min: 64 * 1024, max: 1024 * 1024 * 1024, help: 'bytes queued for a slow client before it is dropped (default 4194304)' },
	'flood-rate': { key: 'floodRate', kind: 'int', min: 0, max: 1_000_000, help: 'messages per second per connection (default 5; 0 = off)' },
	'flood-burst': { key: 'floodBurst', kind: 'int', min: 1, max: 1_000_000, help: 'burst of messages allowed at once (default 10)' },
	'max-per-ip': { key: 'maxPerIp', kind: 'int', min: 0, max: 1_000_000, help: 'connections per remote address (default 16; 0 = no cap)' },
	'init-timeout': { key: 'initTimeoutMs', kind: 'int', min: 100, max: 600_000, help: 'ms allowed before initialize (default 10000)' },
	'idle-timeout': { key: 'idleTimeoutMs', kind: 'int', min: 100, max: 3_600_000, help: 'ms of silence before a ping; twice this drops the client (default 25000)' },
	console: { key: 'console', kind: 'bool', help: 'read operator commands from stdin even if it is not a terminal' },
	password: { key: 'password', kind: 'string', help: 'server password for a private server (prefer the variable: flags show in ps)' },
	'admin-token': { key: 'adminToken', kind: 'string', help: 'token that makes a client an operator (prefer the variable)' },
	'tls-cert': { key: 'tlsCert', kind: 'string', help: 'PEM certificate file; with --tls-key the server speaks TLS' },
	'tls-key': { key: 'tlsKey', kind: 'string', help: 'PEM private key file' },
};

export function usage(): string {
	const lines = Object.entries(SPECS).map(([flag, spec]) => {
		const arg = spec.kind === 'bool' ? '' : spec.kind === 'list' ? ' A,B' : ' VALUE';
		const env = 'PARLEY_' + flag.toUpperCase().replace(/-/g, '_');
		return `  --${(flag + arg).padEnd(26)} ${spec.help} [${env}]`;
	});
	return ['Usage: node server [options]', '', 'Options (also as environment variables):', ...lines, '  --help                     show this help'].join('\n');
}

function convert(flag: string, spec: Spec, raw: string): unknown {
	switch (spec.kind) {
		case 'string':
			return raw;
		case 'bool': {
			const v = raw.toLowerCase();
			if (['1', 'true', 'yes', 'on', ''].includes(v)) {
				return true;
			}
			if (['0', 'false', 'no', 'off'].includes(v)) {
				return false;
			}
			throw new OptionsError(`--${flag} takes true or false, not '${raw}'.`);
		}
		case 'int': {
			if (!/^\d+$/.test(raw)) {
				throw new OptionsError(`--${flag} takes a whole number from ${spec.min} to ${spec.max}, not '${raw}'.`);
			}
			const n = Number(raw);
			if (n < (spec.min ?? 0) || n > (spec.max ?? Number.MAX_SAFE_INTEGER)) {
				throw new OptionsError(`--${flag} must be from ${spec.min} to ${spec.max}; got ${n}.`);
			}
			return n;
		}
		case 'level':
			if (!(LOG_LEVELS as string[]).includes(raw)) {
				throw new OptionsError(`--${flag} must be one of ${LOG_LEVELS.join(', ')}; got '${raw}'.`);
			}
			return raw;
		case 'list': {
			const names = raw.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => (s.startsWith('#') ? s : '#' + s));
			for (const name of names) {
				const problem = channelProblem(name);
				if (problem) {
					throw new OptionsError(`--${flag}: '${name}' is not a valid channel. ${problem}`);
				}
			}
			return [...new Set(names.map(normalizeChannel))];
		}
	}
}

/** Parses argv (without node and script) and env into options. Throws OptionsError. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = {}): ServerOptions | 'help' {
	const options: Record<string, unknown> = { ...DEFAULT_OPTIONS };
	for (const [flag, spec] of Object.entries(SPECS)) {
		const value = env['PARLEY_' + flag.toUpperCase().replace(/-/g, '_')];
		if (value !== undefined) {
			options[spec.key] = convert(flag, spec, value);
		}
	}
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--help' || arg === '-h') {
			return 'help';
		}
		const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
		if (!match || !(match[1] in SPECS)) {
			throw new OptionsError(`Unknown option '${arg}'. Run 'node server --help' for the list.`);
		}
		const flag = match[1];
		const spec = SPECS[flag];
		let raw = match[2];
		if (raw === undefined) {
			if (spec.kind === 'bool') {
				raw = 'true';
			} else {
				raw = argv[++i];
				if (raw === undefined) {
					throw new OptionsError(`--${flag} needs a value: ${spec.help}.`);
				}
			}
		}
		options[spec.key] = convert(flag, spec, raw);
	}
	const result = options as unknown as ServerOptions;
	if ((result.tlsCert === undefined) !== (result.tlsKey === undefined)) {
		throw new OptionsError('TLS needs both --tls-cert and --tls-key (PEM files).');
	}
	for (const key of ['password', 'adminToken'] as const) {
		if (result[key] !== undefined && result[key].length < 8) {
			throw new OptionsError(`--${key === 'password' ? 'password' : 'admin-token'} must be at least 8 characters long.`);
		}
	}
	return result;
}

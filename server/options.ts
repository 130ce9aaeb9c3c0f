/**
 * Server options from command-line flags and PARLEY_* environment variables
 * (flags win). Every value is validated here, at the trust boundary, with a message
 * that says how to fix it.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { channelProblem, normalizeChannel } from '../protocol/names';
import { LOG_LEVELS, type LogLevel } from './log';

export interface ServerOptions {
	host: string;
	port: number;
	/** Directory for the SQLite database. Ignored with `memory`. */
	dataDir: string;
	/** Keep everything in memory only (lost on exit). */
	memory: boolean;
	/** A PostgreSQL URL: keep everything there instead of the data directory (several servers may share it). */
	database?: string;
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
	/** IRC listener port (off unless given), and its TLS twin (needs tlsCert and tlsKey). */
	ircPort?: number;
	ircTlsPort?: number;
	/** Shortest account password (account/register and its IRC equivalent). */
	minPasswordLength: number;
	/** Bench only (`--bench-no-search-index`): messages are not indexed, search finds nothing. */
	noSearchIndex: boolean;
	/** Redis URL: with a shared database, this server is one node of a cluster (docs/cluster.md). */
	redis?: string;
	/** This node's name in the cluster (default: generated at start). */
	nodeId?: string;
	/** HTTP port of /healthz and /metrics (off unless given; 0 picks a free one). */
	metricsPort?: number;
	/** Address the metrics port listens on (default 127.0.0.1: not public unless asked). */
	metricsHost?: string;
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
	minPasswordLength: 8,
	noSearchIndex: false,
};

export class OptionsError extends Error {}

/** One option: its flag's help, how a raw value (flag or variable) becomes its field. */
interface Spec {
	help: string;
	/** What follows the flag in the usage text; undefined for a switch. */
	arg?: 'VALUE' | 'A,B';
	/** Left out of the usage text (options for the bench, not for operators). */
	hidden?: boolean;
	/** Its environment variable, when not PARLEY_ and the flag's name. */
	env?: string;
	apply(options: ServerOptions, flag: string, raw: string): void;
}

/** The option fields that hold exactly a V (or nothing). */
type KeysOf<V> = { [K in keyof ServerOptions]-?: ServerOptions[K] extends V | undefined ? (V extends ServerOptions[K] ? K : never) : never }[keyof ServerOptions];

function text(key: KeysOf<string>, help: string): Spec {
	return { help, arg: 'VALUE', apply: (options, _flag, raw) => { options[key] = raw; } };
}

function int(key: KeysOf<number>, min: number, max: number, help: string): Spec {
	return {
		help,
		arg: 'VALUE',
		apply: (options, flag, raw) => {
			if (!/^\d+$/.test(raw)) {
				throw new OptionsError(`--${flag} takes a whole number from ${min} to ${max}, not '${raw}'.`);
			}
			const n = Number(raw);
			if (n < min || n > max) {
				throw new OptionsError(`--${flag} must be from ${min} to ${max}; got ${n}.`);
			}
			options[key] = n;
		},
	};
}

function flag(key: KeysOf<boolean>, help: string): Spec {
	return {
		help,
		apply: (options, name, raw) => {
			const v = raw.toLowerCase();
			if (['1', 'true', 'yes', 'on', ''].includes(v)) {
				options[key] = true;
			} else if (['0', 'false', 'no', 'off'].includes(v)) {
				options[key] = false;
			} else {
				throw new OptionsError(`--${name} takes true or false, not '${raw}'.`);
			}
		},
	};
}

const SPECS: Record<string, Spec> = {
	host: text('host', 'address to listen on (default 127.0.0.1; 0.0.0.0 or :: for all)'),
	port: int('port', 0, 65535, 'TCP port (default 7420; 0 picks a free one)'),
	data: text('dataDir', 'directory for history (default ./.parley)'),
	memory: flag('memory', 'keep everything (history, accounts, memberships) in memory only'),
	database: {
		help: 'keep everything in this PostgreSQL database instead of --data: postgres://user:password@host:port/db (prefer the variable)',
		arg: 'VALUE',
		env: 'PARLEY_DATABASE_URL',
		apply: (options, name, raw) => {
			if (!/^postgres(ql)?:\/\/./.test(raw)) {
				throw new OptionsError(`--${name} takes a PostgreSQL URL such as postgres://parley:secret@127.0.0.1:5432/parley, not '${raw.replace(/:[^:@/]*@/, ':***@')}'.`);
			}
			options.database = raw;
		},
	},
	'max-clients': int('maxClients', 0, 1_000_000, 'most connected clients (default 10000; 0 = no cap)'),
	channels: {
		help: 'channels to create at start, e.g. general,random',
		arg: 'A,B',
		apply: (options, name, raw) => {
			const names = raw.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => (s.startsWith('#') ? s : '#' + s));
			for (const channel of names) {
				const problem = channelProblem(channel);
				if (problem) {
					throw new OptionsError(`--${name}: '${channel}' is not a valid channel. ${problem}`);
				}
			}
			options.channels = [...new Set(names.map(normalizeChannel))];
		},
	},
	'no-create': flag('noCreate', 'only the existing channels can be joined'),
	motd: text('motd', 'message of the day sent on initialize'),
	'log-level': {
		help: `${LOG_LEVELS.join(' | ')} (default info)`,
		arg: 'VALUE',
		apply: (options, name, raw) => {
			const level = LOG_LEVELS.find((l) => l === raw);
			if (level === undefined) {
				throw new OptionsError(`--${name} must be one of ${LOG_LEVELS.join(', ')}; got '${raw}'.`);
			}
			options.logLevel = level;
		},
	},
	'max-message-length': int('maxMessageLength', 1, 1_000_000, 'longest message text in characters (default 4000)'),
	'max-frame-bytes': int('maxFrameBytes', 1024, 64 * 1024 * 1024, 'largest frame body in bytes (default 1048576)'),
	'max-send-queue': int('maxSendQueueBytes', 64 * 1024, 1024 * 1024 * 1024, 'bytes queued for a slow client before it is dropped (default 4194304)'),
	'flood-rate': int('floodRate', 0, 1_000_000, 'messages per second per connection (default 5; 0 = off)'),
	'flood-burst': int('floodBurst', 1, 1_000_000, 'burst of messages allowed at once (default 10)'),
	'max-per-ip': int('maxPerIp', 0, 1_000_000, 'connections per remote address (default 16; 0 = no cap)'),
	'init-timeout': int('initTimeoutMs', 100, 600_000, 'ms allowed before initialize (default 10000)'),
	'idle-timeout': int('idleTimeoutMs', 100, 3_600_000, 'ms of silence before a ping; twice this drops the client (default 25000)'),
	console: flag('console', 'read operator commands from stdin even if it is not a terminal'),
	password: text('password', 'server password for a private server (prefer the variable: flags show in ps)'),
	'admin-token': text('adminToken', 'token that makes a client an operator (prefer the variable)'),
	'tls-cert': text('tlsCert', 'PEM certificate file; with --tls-key the server speaks TLS'),
	'tls-key': text('tlsKey', 'PEM private key file'),
	'irc-port': int('ircPort', 0, 65535, 'also speak IRC on this TCP port (off unless given; 0 picks a free one)'),
	'irc-tls-port': int('ircTlsPort', 0, 65535, 'also speak IRC over TLS on this port (needs --tls-cert and --tls-key)'),
	'min-password-length': int('minPasswordLength', 1, 128, 'shortest account password (default 8)'),
	// `npm run bench` measures message/send with and without the search index (docs/performance.md).
	'bench-no-search-index': { ...flag('noSearchIndex', 'bench only: do not index messages (search finds nothing)'), hidden: true },
	redis: {
		env: 'PARLEY_REDIS_URL',
		help: 'Redis URL (redis://host:port); with --database this server joins a cluster (docs/cluster.md)',
		arg: 'VALUE',
		apply: (options, name, raw) => {
			if (!/^rediss?:\/\/[^\s]+$/.test(raw)) {
				throw new OptionsError(`--${name} takes a URL such as redis://127.0.0.1:6379, not '${raw}'.`);
			}
			options.redis = raw;
		},
	},
	'node-id': {
		help: 'this node\'s name in a cluster (default: generated at start)',
		arg: 'VALUE',
		apply: (options, name, raw) => {
			if (!/^[A-Za-z0-9_.-]{1,64}$/.test(raw)) {
				throw new OptionsError(`--${name} takes 1 to 64 letters, digits, '.', '_' or '-', not '${raw}'.`);
			}
			options.nodeId = raw;
		},
	},
	'metrics-port': int('metricsPort', 0, 65535, 'serve /healthz and /metrics (Prometheus) over HTTP on this port (off unless given)'),
	'metrics-host': text('metricsHost', 'address of the metrics port (default 127.0.0.1; give an internal address for a remote load balancer)'),
};

function envName(flagName: string): string {
	return SPECS[flagName]?.env ?? 'PARLEY_' + flagName.toUpperCase().replace(/-/g, '_');
}

export function usage(): string {
	const lines = Object.entries(SPECS).filter(([, spec]) => !spec.hidden).map(([name, spec]) => {
		const arg = spec.arg ? ` ${spec.arg}` : '';
		return `  --${(name + arg).padEnd(26)} ${spec.help} [${spec.env ?? envName(name)}]`;
	});
	return [
		'Usage: node server [options]',
		'       node server migrate --from ./.parley/parley.db --to postgres://...   (copy a SQLite data directory into PostgreSQL)',
		'', 'Options (also as environment variables):', ...lines, '  --help                     show this help',
	].join('\n');
}

const PARSE_CONFIG: ParseArgsConfig['options'] = {
	help: { type: 'boolean', short: 'h' },
	...Object.fromEntries(Object.entries(SPECS).map(([name, spec]) => [name, { type: spec.arg ? 'string' : 'boolean' } as const])),
};

/** parseArgs's errors, in the words of this server's other option errors. */
function argsError(error: unknown): OptionsError {
	const code = (error as { code?: unknown }).code;
	const message = error instanceof Error ? error.message : String(error);
	const name = /'(-[^' ]+)/.exec(message)?.[1] ?? '';
	const spec = SPECS[name.replace(/^--/, '')];
	if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && spec?.arg) {
		return new OptionsError(`${name} needs a value: ${spec.help}.`);
	}
	if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && spec) {
		return new OptionsError(`${name} takes no value: give it to turn it on (or set ${envName(name.slice(2))}=false).`);
	}
	return new OptionsError(`Unknown option '${name || message}'. Run 'node server --help' for the list.`);
}

/** Parses argv (without node and script) and env into options. Throws OptionsError. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = {}): ServerOptions | 'help' {
	let parsed: ReturnType<typeof parseArgs>;
	try {
		parsed = parseArgs({ args: argv, options: PARSE_CONFIG, strict: true, allowPositionals: false });
	} catch (error) {
		throw argsError(error);
	}
	if (parsed.values.help === true) {
		return 'help';
	}
	const options: ServerOptions = { ...DEFAULT_OPTIONS };
	for (const [name, spec] of Object.entries(SPECS)) {
		const fromEnv = env[spec.env ?? envName(name)];
		if (fromEnv !== undefined) {
			spec.apply(options, name, fromEnv);
		}
	}
	for (const [name, spec] of Object.entries(SPECS)) {
		const value = parsed.values[name];
		if (value !== undefined) {
			spec.apply(options, name, String(value));
		}
	}
	if (options.memory && options.database !== undefined) {
		throw new OptionsError('--memory and --database cannot go together: choose where the history lives.');
	}
	if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) {
		throw new OptionsError('TLS needs both --tls-cert and --tls-key (PEM files).');
	}
	if (options.nodeId !== undefined && options.redis === undefined) {
		throw new OptionsError('--node-id names a cluster node: it needs --redis (and --database).');
	}
	if (options.redis !== undefined && options.database === undefined) {
		throw new OptionsError('--redis makes this server a cluster node, which needs the database the nodes share: add --database postgres://...');
	}
	if (options.metricsHost !== undefined && options.metricsPort === undefined) {
		throw new OptionsError('--metrics-host needs --metrics-port (the HTTP port of /healthz and /metrics).');
	}
	if (options.ircTlsPort !== undefined && options.tlsCert === undefined) {
		throw new OptionsError('--irc-tls-port needs --tls-cert and --tls-key (PEM files).');
	}
	for (const [key, name] of [['password', 'password'], ['adminToken', 'admin-token']] as const) {
		const secret = options[key];
		if (secret !== undefined && secret.length < 8) {
			throw new OptionsError(`--${name} must be at least 8 characters long.`);
		}
	}
	return options;
}

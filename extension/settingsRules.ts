/**
 * The `parley.*` settings and their validation. Settings are a trust boundary (a
 * workspace can set them), so every value is checked and a bad one falls back to the
 * default with a problem to log. No VS Code imports: the tests check these rules.
 */
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { nickProblem } from '../protocol/names';
import type { TraceSetting } from './client/rpcSession';

export type NotificationsSetting = 'directMessages' | 'mentions' | 'all' | 'off';

export interface ParleySettings {
	host: string;
	port: number;
	/** Speak TLS to the server. */
	tls: boolean;
	/** Absolute path of a PEM file to trust besides the system CAs; undefined when unset or invalid. */
	tlsCaFile: string | undefined;
	/** Undefined when unset or invalid: Connect asks. */
	nickname: string | undefined;
	autoConnect: boolean;
	notifications: NotificationsSetting;
	trace: TraceSetting;
}

export const DEFAULT_SETTINGS: ParleySettings = {
	host: '127.0.0.1',
	port: 7420,
	tls: false,
	tlsCaFile: undefined,
	nickname: undefined,
	autoConnect: false,
	notifications: 'mentions',
	trace: 'off',
};

/** The raw values, as `WorkspaceConfiguration.get` returns them. */
export interface RawSettings {
	'server.host'?: unknown;
	'server.port'?: unknown;
	'server.tls'?: unknown;
	'server.tlsCaFile'?: unknown;
	nickname?: unknown;
	autoConnect?: unknown;
	notifications?: unknown;
	'trace.server'?: unknown;
}

const HOST_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** Why `host` is not usable, or undefined. Accepts host names, IPv4 and IPv6 (with or without brackets). */
export function hostProblem(host: string): string | undefined {
	const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
	if (net.isIP(bare) !== 0) {
		return undefined;
	}
	if (bare.length === 0 || bare.length > 253) {
		return 'must be a host name or an IP address, such as 127.0.0.1';
	}
	const labels = bare.replace(/\.$/, '').split('.');
	if (!labels.every((l) => HOST_LABEL.test(l))) {
		return `"${host}" is not a host name or IP address (no scheme, port or path: just e.g. chat.example.com)`;
	}
	return undefined;
}

function expandHome(file: string): string {
	return file === '~' || file.startsWith('~/') || file.startsWith('~\\') ? path.join(os.homedir(), file.slice(1)) : file;
}

/** Why `file` cannot be a CA file path, or undefined. The file itself is read at connect. */
export function caFileProblem(file: string): string | undefined {
	if (!path.isAbsolute(expandHome(file))) {
		return `must be an absolute path (or start with ~/), not "${file}"`;
	}
	return undefined;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
	return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

export function validateSettings(raw: RawSettings): { settings: ParleySettings; problems: string[] } {
	const problems: string[] = [];
	const settings: ParleySettings = { ...DEFAULT_SETTINGS };

	if (typeof raw['server.host'] === 'string') {
		const host = raw['server.host'].trim();
		const problem = hostProblem(host);
		if (problem) {
			problems.push(`parley.server.host ${problem}; using ${DEFAULT_SETTINGS.host}.`);
		} else {
			settings.host = host.startsWith('[') ? host.slice(1, -1) : host;
		}
	} else if (raw['server.host'] !== undefined) {
		problems.push('parley.server.host must be a string.');
	}

	const port = raw['server.port'];
	if (typeof port === 'number' && Number.isInteger(port) && port >= 1 && port <= 65535) {
		settings.port = port;
	} else if (port !== undefined) {
		problems.push(`parley.server.port must be a whole number from 1 to 65535, not ${JSON.stringify(port)}; using ${DEFAULT_SETTINGS.port}.`);
	}

	if (typeof raw['server.tls'] === 'boolean') {
		settings.tls = raw['server.tls'];
	} else if (raw['server.tls'] !== undefined) {
		problems.push('parley.server.tls must be true or false; using false.');
	}

	const caFile = raw['server.tlsCaFile'];
	if (typeof caFile === 'string' && caFile.trim() !== '') {
		const problem = caFileProblem(caFile.trim());
		if (problem) {
			problems.push(`parley.server.tlsCaFile ${problem}; ignoring it.`);
		} else {
			settings.tlsCaFile = expandHome(caFile.trim());
			if (!settings.tls) {
				problems.push('parley.server.tlsCaFile is set but parley.server.tls is off, so the file is not used.');
			}
		}
	} else if (caFile !== undefined && typeof caFile !== 'string') {
		problems.push('parley.server.tlsCaFile must be a string (the path of a PEM file).');
	}

	if (typeof raw.nickname === 'string' && raw.nickname.trim() !== '') {
		const nick = raw.nickname.trim();
		const problem = nickProblem(nick);
		if (problem) {
			problems.push(`parley.nickname "${nick}" is not valid: ${problem} You will be asked for one.`);
		} else {
			settings.nickname = nick;
		}
	} else if (raw.nickname !== undefined && typeof raw.nickname !== 'string') {
		problems.push('parley.nickname must be a string.');
	}

	if (typeof raw.autoConnect === 'boolean') {
		settings.autoConnect = raw.autoConnect;
	} else if (raw.autoConnect !== undefined) {
		problems.push('parley.autoConnect must be true or false.');
	}

	if (oneOf(raw.notifications, ['directMessages', 'mentions', 'all', 'off'] as const)) {
		settings.notifications = raw.notifications;
	} else if (raw.notifications !== undefined) {
		problems.push(`parley.notifications must be directMessages, mentions, all or off; using ${DEFAULT_SETTINGS.notifications}.`);
	}

	if (oneOf(raw['trace.server'], ['off', 'messages', 'verbose'] as const)) {
		settings.trace = raw['trace.server'];
	} else if (raw['trace.server'] !== undefined) {
		problems.push('parley.trace.server must be off, messages or verbose; using off.');
	}
	return { settings, problems };
}

/** Whether a live message deserves a notification under `setting` (the panel being hidden is checked elsewhere). */
export function shouldNotify(setting: NotificationsSetting, message: { direct: boolean; mention: boolean }): boolean {
	switch (setting) {
		case 'all':
			return true;
		case 'mentions':
			return message.direct || message.mention;
		case 'directMessages':
			return message.direct;
		case 'off':
			return false;
	}
}

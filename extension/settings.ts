import * as vscode from 'vscode';
import { CONFIG_SECTION } from './constants';
import type { Logger } from './logger';
import { validateSettings, type ParleySettings, type RawSettings } from './settingsRules';

const KEYS: readonly (keyof RawSettings)[] = ['server.host', 'server.port', 'server.tls', 'server.tlsCaFile', 'nickname', 'autoConnect', 'notifications', 'trace.server'];

/**
 * Where the chat goes and which certificates are trusted: in an untrusted workspace
 * only the user's own values count (VS Code does the same for the manifest's
 * `restrictedConfigurations`; this also covers a manifest that misses a key).
 */
const TRUST_SENSITIVE: readonly (keyof RawSettings)[] = ['server.host', 'server.port', 'server.tls', 'server.tlsCaFile'];

/** Reads and validates the `parley.*` settings; problems are logged and the defaults used. */
export function readSettings(log: Logger): ParleySettings {
	const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
	const raw: RawSettings = {};
	for (const key of KEYS) {
		raw[key] = !vscode.workspace.isTrusted && TRUST_SENSITIVE.includes(key) ? config.inspect<unknown>(key)?.globalValue : config.get<unknown>(key);
	}
	const { settings, problems } = validateSettings(raw);
	for (const problem of problems) {
		log.warn(problem);
	}
	return settings;
}

import * as vscode from 'vscode';
import { CONFIG_SECTION } from './constants';
import type { Logger } from './logger';
import { validateSettings, type ParleySettings, type RawSettings } from './settingsRules';

const KEYS: readonly (keyof RawSettings)[] = ['server.host', 'server.port', 'nickname', 'autoConnect', 'notifications', 'trace.server'];

/** Reads and validates the `parley.*` settings; problems are logged and the defaults used. */
export function readSettings(log: Logger): ParleySettings {
	const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
	const raw: RawSettings = {};
	for (const key of KEYS) {
		raw[key] = config.get<unknown>(key);
	}
	const { settings, problems } = validateSettings(raw);
	for (const problem of problems) {
		log.warn(problem);
	}
	return settings;
}

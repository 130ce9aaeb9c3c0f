import * as os from 'node:os';
import * as vscode from 'vscode';
import { ResponseError } from 'vscode-jsonrpc/node';
import { ErrorCodes } from '../protocol/errors';
import { nickProblem } from '../protocol/names';
import { askPassword, offerToRemember } from './authFlow';
import type { ChatClient } from './client/chatClient';
import { missingSecret, type LoginSecrets, type PasswordVault } from './client/credentials';
import { errorMessage } from './client/log';
import { ConnectError, describeConnectError, formatEndpoint } from './client/transport';
import { Commands, StateKeys } from './constants';
import type { Logger } from './logger';
import type { ParleySettings } from './settingsRules';

export interface ConnectDeps {
	client: ChatClient;
	passwords: PasswordVault;
	settings: () => ParleySettings;
	/** globalState. */
	state: vscode.Memento;
	/** workspaceState: what belongs to this window (whether the user disconnected here). */
	windowState: vscode.Memento;
	log: Logger;
	showPanel: () => void;
}

/** The nick to use without asking: the setting, else the last one that worked. */
export function knownNick(deps: ConnectDeps): string | undefined {
	const fromSettings = deps.settings().nickname;
	if (fromSettings) {
		return fromSettings;
	}
	const last = deps.state.get<unknown>(StateKeys.lastNick);
	return typeof last === 'string' && !nickProblem(last) ? last : undefined;
}

function suggestedNick(): string | undefined {
	try {
		const name = os.userInfo().username.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 32);
		return nickProblem(name) ? undefined : name;
	} catch {
		return undefined;
	}
}

async function askNick(prompt: string, value?: string): Promise<string | undefined> {
	const nick = await vscode.window.showInputBox({
		title: 'Parley: Nickname',
		prompt,
		value: value ?? suggestedNick(),
		placeHolder: 'e.g. kim',
		ignoreFocusOut: true,
		validateInput: (text) => nickProblem(text.trim()),
	});
	return nick?.trim() || undefined;
}

/**
 * "Parley Chat: Connect": asks for a nick when none is known (and again on NickInUse), for a
 * password when the server or the nick needs one that is not saved (and offers to save
 * it once it worked), shows progress, explains failures, and opens the chat panel.
 */
export async function connectInteractively(deps: ConnectDeps): Promise<boolean> {
	const { client } = deps;
	if (client.isConnected) {
		deps.showPanel();
		return true;
	}
	if (client.status.state === 'reconnecting') {
		client.reconnectNow();
		deps.showPanel();
		return true;
	}
	let nick = knownNick(deps) ?? (await askNick('Choose the nickname others will see.'));
	/** Passwords typed during this connect; saved passwords are added by the client. */
	let typed: LoginSecrets = {};
	while (nick) {
		const settings = deps.settings();
		const server = formatEndpoint({ host: settings.host, port: settings.port });
		let cancelled = false;
		try {
			const as = nick;
			await vscode.window.withProgress(
				{ location: vscode.ProgressLocation.Notification, title: `Parley: connecting to ${server} as ${as}…`, cancellable: true },
				async (_progress, token) => {
					const onCancel = token.onCancellationRequested(() => {
						cancelled = true;
						void client.disconnect('cancelled');
					});
					try {
						await client.connect(as, typed);
					} finally {
						onCancel.dispose();
					}
				},
			);
			await deps.state.update(StateKeys.lastNick, nick);
			await deps.windowState.update(StateKeys.signedOut, undefined);
			deps.showPanel();
			offerToRemember(deps, typed);
			return true;
		} catch (error) {
			if (cancelled) {
				return false;
			}
			deps.log.warn(`connect to ${server} as ${nick} failed: ${errorMessage(error)}`);
			if (error instanceof ResponseError && (error.code === ErrorCodes.NickInUse || error.code === ErrorCodes.InvalidNick)) {
				const why = error.code === ErrorCodes.NickInUse ? `"${nick}" is already in use on ${server}.` : error.message;
				nick = await askNick(`${why} Choose another nickname.`, nick);
				// An account password is for the nick it was typed for.
				typed = typed.serverPassword ? { serverPassword: typed.serverPassword } : {};
				continue;
			}
			const missing = missingSecret(error);
			if (missing) {
				const password = await askPassword(missing, errorMessage(error), nick, server);
				if (!password) {
					break;
				}
				typed = { ...typed, [missing]: password };
				continue;
			}
			await client.disconnect('connect failed');
			if (error instanceof ConnectError) {
				const choice = await vscode.window.showErrorMessage(describeConnectError(error), 'Retry', 'Open Settings', 'Show Log');
				if (choice === 'Retry') {
					continue;
				}
				if (choice === 'Open Settings') {
					await vscode.commands.executeCommand('workbench.action.openSettings', 'parley.server');
				} else if (choice === 'Show Log') {
					await vscode.commands.executeCommand(Commands.showLog);
				}
				return false;
			}
			const reason = error instanceof ResponseError ? error.message : errorMessage(error);
			void vscode.window.showErrorMessage(`Parley: could not connect to ${server} as ${nick}: ${reason}`);
			return false;
		}
	}
	// The user dismissed the nickname or password prompt: drop a socket kept open for another try.
	await client.disconnect('cancelled');
	return false;
}

/** Whether `nick` has a saved account password for the server in the settings: it signed in here before. */
async function isSavedAccount(deps: ConnectDeps, nick: string): Promise<boolean> {
	const { host, port } = deps.settings();
	try {
		return (await deps.passwords.forLogin({ host, port }, nick)).password !== undefined;
	} catch (error) {
		deps.log.warn(`cannot read saved passwords: ${errorMessage(error)}`);
		return false;
	}
}

/**
 * Connects without a click when Parley starts (or the panel is restored, or opened): with
 * `parley.autoConnect`, and for an account (a nick with a saved password, which signs in the
 * same in every window) whatever that setting says; never when the user disconnected in this
 * window. Failures only show in the status bar and the log.
 */
export async function connectAutomatically(deps: ConnectDeps): Promise<void> {
	const nick = knownNick(deps);
	if (!nick || deps.client.status.state !== 'offline' || deps.windowState.get<unknown>(StateKeys.signedOut) === true) {
		return;
	}
	if (!deps.settings().autoConnect && !(await isSavedAccount(deps, nick))) {
		return;
	}
	// Checked again: another caller may have started meanwhile (connect() marks the client connecting at once).
	if (deps.client.status.state !== 'offline') {
		return;
	}
	try {
		await deps.client.connect(nick);
	} catch (error) {
		deps.log.info(`automatic connect as ${nick} failed: ${errorMessage(error)}`);
		await deps.client.disconnect('automatic connect failed');
	}
}

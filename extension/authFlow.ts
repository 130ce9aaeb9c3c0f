/**
 * Passwords in the UI: asking for one when a login is refused, offering to save it,
 * and the commands "Parley Chat: Register Nickname" and "Parley Chat: Forget Saved Passwords".
 * Passwords go to VS Code's SecretStorage (through PasswordVault), never to settings
 * or the log.
 */
import * as vscode from 'vscode';
import { MAX_PASSWORD_LENGTH } from '../protocol/account';
import type { ChatClient } from './client/chatClient';
import type { LoginSecrets, MissingSecret, PasswordVault } from './client/credentials';
import { errorMessage } from './client/log';
import { formatEndpoint, type Endpoint } from './client/transport';
import type { Logger } from './logger';

export interface AuthDeps {
	client: ChatClient;
	passwords: PasswordVault;
	log: Logger;
}

function passwordProblem(text: string, min: number): string | undefined {
	if (text.length < min) {
		return `At least ${min} characters.`;
	}
	return text.length > MAX_PASSWORD_LENGTH ? `At most ${MAX_PASSWORD_LENGTH} characters.` : undefined;
}

/** A refused login asks for the password it lacks; `why` is the server's message. Undefined: the user gave up. */
export async function askPassword(missing: MissingSecret, why: string, nick: string, server: string): Promise<string | undefined> {
	const password = await vscode.window.showInputBox({
		title: missing === 'serverPassword' ? `Parley: Server Password for ${server}` : `Parley: Password for ${nick}`,
		prompt: why,
		placeHolder: missing === 'serverPassword' ? `the password of ${server}` : `the password of ${nick} on ${server}`,
		password: true,
		ignoreFocusOut: true,
		validateInput: (text) => (text === '' ? 'Type the password, or press Escape to cancel.' : undefined),
	});
	return password || undefined;
}

/**
 * After a login that worked with typed passwords: offers to save them. Not awaited,
 * so the commands that connected first do not wait for the answer.
 */
export function offerToRemember(deps: Pick<AuthDeps, 'client' | 'log'>, typed: LoginSecrets): void {
	const { client } = deps;
	const endpoint = client.endpoint;
	const nick = client.nick;
	if (!endpoint || !nick || (!typed.password && !typed.serverPassword)) {
		return;
	}
	const what = typed.password && typed.serverPassword ? `the server password and the password for ${nick}` : typed.password ? `the password for ${nick}` : 'the server password';
	const question = `Parley: remember ${what} on ${formatEndpoint(endpoint)}? It is kept in VS Code's secret storage (your system keychain) and sent when you connect.`;
	void Promise.resolve(vscode.window.showInformationMessage(question, 'Remember', 'Not Now'))
		.then(async (choice) => {
			if (choice === 'Remember') {
				const saved = await client.rememberPasswords(typed, endpoint, nick);
				deps.log.info(`saved ${saved.join(' and ')} for ${nick} on ${formatEndpoint(endpoint)}`);
			}
		})
		.catch((error: unknown) => {
			deps.log.warn(`saving the password failed: ${errorMessage(error)}`);
			void vscode.window.showErrorMessage(`Parley: could not save the password: ${errorMessage(error)}`);
		});
}

function isLoopback(host: string): boolean {
	return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Over plain TCP to another machine a password can be read on the way: say so first. */
async function acceptPlainText(endpoint: Endpoint): Promise<boolean> {
	if (endpoint.tls || isLoopback(endpoint.host)) {
		return true;
	}
	const choice = await vscode.window.showWarningMessage(
		`Parley: the connection to ${formatEndpoint(endpoint)} is not encrypted, so the password would cross the network in plain text. If the server supports TLS, turn on parley.server.tls first.`,
		{ modal: true },
		'Register Anyway',
	);
	return choice === 'Register Anyway';
}

/** "Parley Chat: Register Nickname": reserves the current nick with a password typed twice, and saves it. */
export async function registerNickname(deps: AuthDeps): Promise<void> {
	const { client } = deps;
	const nick = client.nick;
	const endpoint = client.endpoint;
	if (!nick || !endpoint || !(await acceptPlainText(endpoint))) {
		return;
	}
	const server = formatEndpoint(endpoint);
	const title = client.isRegistered ? `Parley: New Password for ${nick}` : `Parley: Register ${nick}`;
	const first = await vscode.window.showInputBox({
		title,
		prompt: `Choose a password for "${nick}" on ${server} (${client.minPasswordLength} to ${MAX_PASSWORD_LENGTH} characters). From then on, only a login with this password can use the nickname. Parley keeps it in VS Code's secret storage.`,
		password: true,
		ignoreFocusOut: true,
		validateInput: (text) => passwordProblem(text, client.minPasswordLength),
	});
	if (!first) {
		return;
	}
	const second = await vscode.window.showInputBox({
		title,
		prompt: 'Type the same password again.',
		password: true,
		ignoreFocusOut: true,
		validateInput: (text) => (text === first ? undefined : 'The passwords do not match.'),
	});
	if (second === undefined) {
		return;
	}
	if (second !== first) {
		void vscode.window.showErrorMessage('Parley: the two passwords did not match; nothing was changed.');
		return;
	}
	const { nick: registered, saved } = await client.register(first);
	deps.log.info(`registered ${registered} on ${server}${saved ? '; password saved' : ''}`);
	void vscode.window.showInformationMessage(saved
		? `Parley: "${registered}" is registered on ${server}. The password is saved in VS Code's secret storage and sent whenever you connect as ${registered}.`
		: `Parley: "${registered}" is registered on ${server}, but the password could not be saved: you will be asked for it on the next connect.`);
}

/** "Parley Chat: Forget Saved Passwords": deletes every saved account and server password, after asking. */
export async function forgetSavedPasswords(deps: AuthDeps): Promise<void> {
	const count = await deps.passwords.count();
	if (count === 0) {
		void vscode.window.showInformationMessage('Parley: there are no saved passwords.');
		return;
	}
	const some = count === 1 ? 'the saved password' : `all ${count} saved passwords`;
	const choice = await vscode.window.showWarningMessage(`Parley: forget ${some}? Connecting to a private server or as a registered nickname will ask for them again.`, { modal: true }, 'Forget');
	if (choice !== 'Forget') {
		return;
	}
	const forgotten = await deps.passwords.forgetAll();
	deps.log.info(`forgot ${forgotten} saved password(s)`);
	void vscode.window.showInformationMessage(`Parley: forgot ${forgotten === 1 ? 'the saved password' : `${forgotten} saved passwords`}.`);
}

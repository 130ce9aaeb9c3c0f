import * as vscode from 'vscode';
import type { ChatClient } from './client/chatClient';
import { errorMessage } from './client/log';
import type { ChatController } from './chatController';
import { forgetSavedPasswords, registerNickname } from './authFlow';
import { connectInteractively, connectQuietly, type ConnectDeps } from './connectFlow';
import { Commands } from './constants';
import { pickChannel, pickConversation, pickUser } from './pickers';
import { shareSelection } from './shareSelection';

export interface CommandDeps extends ConnectDeps {
	controller: ChatController;
	channel: vscode.LogOutputChannel;
}

/** Runs a command body; an error becomes one message to the user instead of a silent rejection. */
function guarded(deps: CommandDeps, name: string, body: () => Promise<unknown>): () => Promise<void> {
	return async () => {
		try {
			await body();
		} catch (error) {
			deps.log.warn(`${name}: ${errorMessage(error)}`);
			void vscode.window.showErrorMessage(`Parley: ${errorMessage(error)}`);
		}
	};
}

/** Commands that need a session offer to connect first; true when connected. */
async function ensureConnected(client: ChatClient, deps: CommandDeps): Promise<boolean> {
	if (client.isConnected) {
		return true;
	}
	const choice = await vscode.window.showInformationMessage('Parley: you are not connected.', 'Connect');
	return choice === 'Connect' && (await connectInteractively(deps)) && client.isConnected;
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
	const { client, controller } = deps;
	const register = (id: string, body: () => Promise<unknown>) => vscode.commands.registerCommand(id, guarded(deps, id, body));
	return [
		register(Commands.connect, () => connectInteractively(deps)),
		register(Commands.disconnect, async () => {
			if (client.status.state === 'offline') {
				void vscode.window.showInformationMessage('Parley: already disconnected.');
				return;
			}
			await client.disconnect('disconnected from VS Code');
		}),
		register(Commands.openChat, async () => {
			controller.show();
			if (deps.settings().autoConnect) {
				await connectQuietly(deps);
			}
		}),
		register(Commands.joinChannel, async () => {
			if (!(await ensureConnected(client, deps))) {
				return;
			}
			const channel = await pickChannel(client);
			if (channel) {
				controller.show(await client.join(channel));
			}
		}),
		register(Commands.leaveChannel, async () => {
			const id = await pickConversation(client.store, 'Parley: Leave Channel', 'Leave which channel or conversation?');
			if (id) {
				await client.leave(id);
			}
		}),
		register(Commands.directMessage, async () => {
			if (!(await ensureConnected(client, deps))) {
				return;
			}
			const nick = await pickUser(client);
			if (nick) {
				controller.show(await client.openDirect(nick));
			}
		}),
		register(Commands.shareSelection, async () => {
			const target = await shareSelection(client);
			if (target) {
				controller.show(target, true);
			}
		}),
		// Ctrl+K / Cmd+K while the panel has focus (package.json): a keybinding, so no VS Code chord starts.
		register(Commands.switchConversation, async () => controller.openSwitcher()),
		register(Commands.showLog, async () => deps.channel.show()),
		register(Commands.registerNickname, async () => {
			if (await ensureConnected(client, deps)) {
				await registerNickname(deps);
			}
		}),
		register(Commands.forgetPasswords, () => forgetSavedPasswords(deps)),
	];
}

import * as vscode from 'vscode';
import type { ChatClient } from './client/chatClient';
import { errorMessage } from './client/log';
import type { ChatController } from './chatController';
import { forgetSavedPasswords, registerNickname } from './authFlow';
import { connectAutomatically, connectInteractively, type ConnectDeps } from './connectFlow';
import { Commands } from './constants';
import { pickChannel, pickConversation, pickUser } from './pickers';
import { shareSelection } from './shareSelection';
import { banMember, createChannel, inviteToChannel, kickMember, setMemberRole, setTopic, unbanMember } from './channelCommands';

export interface CommandDeps extends ConnectDeps {
	controller: ChatController;
	channel: vscode.LogOutputChannel;
	/** Disconnects and keeps this window offline until Connect. */
	signOut: (reason: string) => Promise<void>;
}

/** Runs a command body; an error becomes one message to the user instead of a silent rejection. */
function guarded(deps: CommandDeps, name: string, body: (...args: unknown[]) => Promise<unknown>): (...args: unknown[]) => Promise<void> {
	return async (...args) => {
		try {
			await body(...args);
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
	const register = (id: string, body: (...args: unknown[]) => Promise<unknown>) => vscode.commands.registerCommand(id, guarded(deps, id, body));
	/** Needs a session; the panel's menus pass the channel (and the member) as arguments. */
	const channelCommand = (id: string, body: (client: ChatClient, ...args: unknown[]) => Promise<unknown>) =>
		register(id, async (...args) => (await ensureConnected(client, deps)) && body(client, ...args));
	return [
		register(Commands.connect, () => connectInteractively(deps)),
		register(Commands.disconnect, async () => {
			if (client.status.state === 'offline') {
				void vscode.window.showInformationMessage('Parley: already disconnected.');
				return;
			}
			await deps.signOut('disconnected from VS Code');
		}),
		register(Commands.openChat, async () => {
			controller.show();
			await connectAutomatically(deps);
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
		register(Commands.switchConversation, async (where) => controller.openSwitcher(where === 'view' ? 'view' : undefined)),
		register(Commands.showLog, async () => deps.channel.show()),
		register(Commands.registerNickname, async () => {
			if (await ensureConnected(client, deps)) {
				await registerNickname(deps);
			}
		}),
		register(Commands.forgetPasswords, () => forgetSavedPasswords(deps)),
		channelCommand(Commands.createChannel, async () => {
			const id = await createChannel(client);
			if (id) {
				controller.show(id);
			}
		}),
		channelCommand(Commands.invite, (c, channel) => inviteToChannel(c, channel)),
		channelCommand(Commands.setTopic, (c, channel) => setTopic(c, channel)),
		channelCommand(Commands.kick, (c, channel, nick) => kickMember(c, channel, nick)),
		channelCommand(Commands.ban, (c, channel, nick) => banMember(c, channel, nick)),
		channelCommand(Commands.unban, (c, channel) => unbanMember(c, channel)),
		channelCommand(Commands.setRole, (c, channel, nick) => setMemberRole(c, channel, nick)),
	];
}

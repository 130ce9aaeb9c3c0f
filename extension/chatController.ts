import * as vscode from 'vscode';
import { isSafeLink, type HostMessage, type WebviewRequest } from '../protocol/webview';
import type { ChatClient } from './client/chatClient';
import { Disposable } from './client/disposable';
import { askPassword, offerToRemember } from './authFlow';
import { missingSecret } from './client/credentials';
import { errorMessage } from './client/log';
import { formatEndpoint } from './client/transport';
import { ChatPanel, type ChatPanelHost } from './chatPanel';
import { Commands } from './constants';
import type { Logger } from './logger';
import { connectionMessage, storeChangeMessage } from './webviewMessages';

/**
 * Connects the chat panel to the client: forwards store and connection changes to the
 * webview and carries out what the user does there (send, join, /nick, ...).
 */
export class ChatController extends Disposable implements ChatPanelHost {
	constructor(
		private readonly client: ChatClient,
		private readonly extensionUri: vscode.Uri,
		private readonly log: Logger,
		/** /quit: disconnects and keeps this window offline until Connect. */
		private readonly signOut: (reason: string) => Promise<void>,
	) {
		super();
		this._register(client.store.onDidChange((change) => this.post(storeChangeMessage(change))));
		this._register(client.onDidChangeStatus((status) => this.post(connectionMessage(status))));
		this._register(client.onDidFailToSend(({ entry, reason }) => this.notice(`Not sent to ${entry.to}: ${reason}`, 'error')));
		this._register(client.onDidReceiveServerEvent((event) => {
			const text = event.kind === 'kicked' ? `You were kicked: ${event.text}` : event.kind === 'shutdown' ? `The server is shutting down: ${event.text}` : event.text;
			this.notice(text, event.kind === 'notice' ? 'info' : 'error');
		}));
		this._register({ dispose: () => ChatPanel.currentPanel?.dispose() });
	}

	get panelVisible(): boolean {
		return ChatPanel.currentPanel?.visible ?? false;
	}

	/** Opens the panel (or brings it forward), optionally on one conversation. */
	show(conversation?: string, preserveFocus = false): void {
		if (conversation) {
			this.client.store.setActive(conversation);
		}
		ChatPanel.createOrShow(this.extensionUri, this, this.log, preserveFocus);
		if (conversation) {
			this.post({ type: 'focus', conversation });
		}
	}

	revive(panel: vscode.WebviewPanel): void {
		ChatPanel.revive(panel, this.extensionUri, this, this.log);
	}

	onReady(panel: ChatPanel): void {
		panel.post(connectionMessage(this.client.status));
		for (const change of this.client.store.snapshot()) {
			panel.post(storeChangeMessage(change));
		}
	}

	onVisibilityChanged(visible: boolean): void {
		this.client.store.setVisible(visible);
	}

	/**
	 * /nick: a registered nick without a saved password asks for it (again when wrong),
	 * then offers to remember the one that worked.
	 */
	private async changeNick(nick: string): Promise<void> {
		let typed: string | undefined;
		for (;;) {
			try {
				const now = await this.client.setNick(nick, typed);
				this.notice(`You are now known as ${now}.`, 'info');
				if (typed) {
					offerToRemember({ client: this.client, log: this.log }, { password: typed });
				}
				return;
			} catch (error) {
				if (missingSecret(error) !== 'password') {
					throw error;
				}
				const server = this.client.endpoint ? formatEndpoint(this.client.endpoint) : 'the server';
				typed = await askPassword('password', errorMessage(error), nick, server);
				if (!typed) {
					this.notice(`Still ${this.client.nick ?? 'unchanged'}: "${nick}" is registered and needs its password.`, 'info');
					return;
				}
			}
		}
	}

	onMessage(message: WebviewRequest): void {
		void this.handle(message).catch((error: unknown) => {
			this.log.warn(`${message.type}: ${errorMessage(error)}`);
			this.notice(errorMessage(error), 'error');
		});
	}

	private async handle(message: WebviewRequest): Promise<void> {
		const client = this.client;
		switch (message.type) {
			case 'select':
				client.store.setActive(message.conversation);
				return;
			case 'send':
				client.send(message.conversation, message.text);
				return;
			case 'join': {
				const channel = message.channel.startsWith('#') ? message.channel : `#${message.channel}`;
				const id = await client.join(channel);
				this.post({ type: 'focus', conversation: id });
				return;
			}
			case 'leave':
				await client.leave(message.conversation);
				return;
			case 'directMessage': {
				const id = await client.openDirect(message.nick);
				this.post({ type: 'focus', conversation: id });
				if (message.text?.trim()) {
					client.send(id, message.text);
				}
				return;
			}
			case 'nick':
				await this.changeNick(message.nick);
				return;
			case 'quit':
				await this.signOut(message.reason ?? 'leaving');
				return;
			case 'loadOlder':
				await client.loadOlder(message.conversation, message.before);
				return;
			case 'openLink':
				if (isSafeLink(message.url)) {
					await vscode.env.openExternal(vscode.Uri.parse(message.url, true));
				} else {
					this.log.warn(`refused to open a link that is not http(s): ${message.url.slice(0, 200)}`);
				}
				return;
			case 'command': {
				const commands: Record<typeof message.command, string> = {
					connect: Commands.connect,
					disconnect: Commands.disconnect,
					joinChannel: Commands.joinChannel,
					directMessage: Commands.directMessage,
				};
				await vscode.commands.executeCommand(commands[message.command]);
				return;
			}
		}
	}

	private notice(text: string, level: 'info' | 'error'): void {
		this.post({ type: 'notice', text, level });
	}

	private post(message: HostMessage): void {
		ChatPanel.currentPanel?.post(message);
	}
}

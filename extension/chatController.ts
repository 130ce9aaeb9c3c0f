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
import { FailedSends } from './failedSends';
import type { Logger } from './logger';
import { openSnippet } from './snippetLinks';
import { connectionMessage, storeChangeMessage } from './webviewMessages';

const DEFAULT_TAB_SIZE = 4;

/** The editor's tab size, for code blocks in the panel. */
function editorTabSize(): number {
	const value = vscode.workspace.getConfiguration('editor').get<unknown>('tabSize');
	return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 16 ? value : DEFAULT_TAB_SIZE;
}

/**
 * Connects the chat panel to the client: forwards store and connection changes to the
 * webview and carries out what the user does there (send, join, /nick, ...).
 */
export class ChatController extends Disposable implements ChatPanelHost {
	private readonly failed = new FailedSends();
	/** The quick switcher was asked for before the panel was ready: opened once it is. */
	private switcherWanted = false;
	private lastConfig = '';

	constructor(private readonly client: ChatClient, private readonly extensionUri: vscode.Uri, private readonly log: Logger) {
		super();
		this._register(client.store.onDidChange((change) => this.post(storeChangeMessage(change))));
		this._register(client.onDidChangeStatus((status) => {
			this.post(connectionMessage(status));
			this.postConfig(false);
		}));
		this._register(client.onDidFailToSend(({ entry, reason }) => {
			const failed = { conversation: entry.conversation, id: entry.clientMsgId, text: entry.text, reason, ts: Date.now() };
			this.failed.add(failed);
			this.post({ type: 'failed', ...failed });
		}));
		this._register(vscode.workspace.onDidChangeConfiguration((event) => {
			if (event.affectsConfiguration('editor.tabSize')) {
				this.postConfig(false);
			}
		}));
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

	/** Ctrl+K in the panel (a keybinding, so VS Code starts no chord): the quick switcher. */
	openSwitcher(): void {
		const panel = ChatPanel.currentPanel;
		if (panel?.isReady && panel.visible) {
			panel.reveal();
			panel.post({ type: 'openSwitcher' });
			return;
		}
		this.switcherWanted = true;
		this.show();
	}

	onReady(panel: ChatPanel): void {
		panel.post(connectionMessage(this.client.status));
		this.postConfig(true);
		for (const change of this.client.store.snapshot()) {
			panel.post(storeChangeMessage(change));
		}
		for (const failed of this.failed.all()) {
			panel.post({ type: 'failed', ...failed });
		}
		if (this.switcherWanted) {
			this.switcherWanted = false;
			panel.post({ type: 'openSwitcher' });
		}
	}

	/** Tab size and the server's message limit, when they changed (or always, for a new page). */
	private postConfig(always: boolean): void {
		const max = this.client.limits?.maxMessageLength;
		const config: HostMessage = { type: 'config', tabSize: editorTabSize(), ...(max !== undefined ? { maxMessageLength: max } : {}) };
		const key = JSON.stringify(config);
		if (always || key !== this.lastConfig) {
			this.lastConfig = key;
			this.post(config);
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

	/**
	 * Carries out a webview message. One that carries `seq` (the composer's) is answered with
	 * a `result`: the composer clears its box only when the host took the line.
	 */
	onMessage(message: WebviewRequest): void {
		const seq = 'seq' in message ? message.seq : undefined;
		void this.handle(message).then(
			() => {
				if (seq !== undefined) {
					this.post({ type: 'result', seq });
				}
			},
			(error: unknown) => {
				this.log.warn(`${message.type}: ${errorMessage(error)}`);
				this.notice(errorMessage(error), 'error');
				if (seq !== undefined) {
					this.post({ type: 'result', seq, error: errorMessage(error) });
				}
			},
		);
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
				await client.disconnect(message.reason);
				return;
			case 'loadOlder':
				await client.loadOlder(message.conversation, message.before);
				return;
			case 'openSnippet':
				await openSnippet(message.url, this.log);
				return;
			case 'discardFailed':
				this.failed.remove(message.id);
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

import type * as vscode from 'vscode';
import type { HostMessage, WebviewRequest } from '../protocol/webview';
import type { ChatClient } from './client/chatClient';
import { Disposable } from './client/disposable';
import { askPassword, offerToRemember } from './authFlow';
import { missingSecret } from './client/credentials';
import { errorMessage } from './client/log';
import { formatEndpoint } from './client/transport';
import { ChatPanel, type ChatPanelHost } from './chatPanel';
import type { Logger } from './logger';
import { carryOut, type PanelActionDeps } from './panelActions';
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
		this._register(client.store.onDidChange((change) => {
			this.post(storeChangeMessage(change));
			if (change.kind === 'conversations') {
				ChatPanel.currentPanel?.setUnread(client.store.totals().unread);
			}
		}));
		this._register(client.onDidChangeStatus((status) => this.post(connectionMessage(status))));
		this._register(client.onDidFailToSend(({ entry, reason }) => {
			this.notice(`Not sent to ${entry.to}: ${reason}. The message is back in the message box.`, 'error');
			this.post({ type: 'restore', conversation: entry.conversation, text: entry.text });
		}));
		this._register(client.onDidReceiveServerEvent((event) => {
			const text = event.kind === 'kicked' ? `You were kicked: ${event.text}` : event.kind === 'shutdown' ? `The server is shutting down: ${event.text}` : event.text;
			this.notice(text, event.kind === 'notice' || event.kind === 'invited' ? 'info' : 'error');
		}));
		this._register({ dispose: () => ChatPanel.currentPanel?.dispose() });
	}

	get panelVisible(): boolean {
		return ChatPanel.currentPanel?.visible ?? false;
	}

	/** Opens the panel (or brings it forward), optionally on one conversation. */
	show(conversation?: string, preserveFocus = false): void {
		if (conversation) {
			void this.client.select(conversation).catch((error: unknown) => this.log.warn(`loading ${conversation}: ${errorMessage(error)}`));
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
		panel.setUnread(this.client.store.totals().unread);
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
		const seq = 'seq' in message ? message.seq : undefined;
		const deps: PanelActionDeps = {
			client: this.client,
			log: this.log,
			focus: (conversation) => this.post({ type: 'focus', conversation }),
			changeNick: (nick) => this.changeNick(nick),
			signOut: this.signOut,
			notice: (text, level) => this.notice(text, level),
		};
		void carryOut(message, deps).then(
			() => seq !== undefined && this.post({ type: 'done', seq }),
			(error: unknown) => {
				this.log.warn(`${message.type}: ${errorMessage(error)}`);
				this.notice(errorMessage(error), 'error');
				if (seq !== undefined) {
					this.post({ type: 'done', seq, error: errorMessage(error) });
				}
			},
		);
	}

	private notice(text: string, level: 'info' | 'error'): void {
		this.post({ type: 'notice', text, level });
	}

	private post(message: HostMessage): void {
		ChatPanel.currentPanel?.post(message);
	}
}

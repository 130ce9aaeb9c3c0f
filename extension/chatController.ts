import * as vscode from 'vscode';
import type { HostMessage, WebviewRequest } from '../protocol/webview';
import type { ChatClient } from './client/chatClient';
import { Disposable } from './client/disposable';
import { askPassword, offerToRemember } from './authFlow';
import { missingSecret } from './client/credentials';
import { errorMessage } from './client/log';
import { formatEndpoint } from './client/transport';
import { ChatPanel, type ChatPanelHost } from './chatPanel';
import { FailedSends } from './failedSends';
import type { Logger } from './logger';
import { carryOut, type PanelActionDeps } from './panelActions';
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
		this._register(client.onDidChangeStatus((status) => {
			this.post(connectionMessage(status));
			this.postConfig(false);
			this.post({ type: 'serverRole', operator: client.isOperator });
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
		panel.setUnread(this.client.store.totals().unread);
		panel.post(connectionMessage(this.client.status));
		this.postConfig(true);
		for (const change of this.client.store.snapshot()) {
			panel.post(storeChangeMessage(change));
		}
		panel.post({ type: 'serverRole', operator: this.client.isOperator });
		for (const thread of this.client.messages.threads.snapshot()) {
			panel.post({ type: 'thread', conversation: thread.conversation, root: thread.root, replies: thread.replies, hasMoreBefore: thread.hasMoreBefore });
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
		const deps: PanelActionDeps = {
			client: this.client,
			log: this.log,
			focus: (conversation) => this.post({ type: 'focus', conversation }),
			changeNick: (nick) => this.changeNick(nick),
			signOut: this.signOut,
			notice: (text, level) => this.notice(text, level),
			discardFailed: (id) => this.failed.remove(id),
			post: (m) => this.post(m),
		};
		void carryOut(message, deps).then(
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

	private notice(text: string, level: 'info' | 'error'): void {
		this.post({ type: 'notice', text, level });
	}

	private post(message: HostMessage): void {
		ChatPanel.currentPanel?.post(message);
	}
}

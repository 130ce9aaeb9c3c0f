import * as vscode from 'vscode';
import type { HostMessage } from '../protocol/webview';
import { checkWebviewMessage, type ChatSurface, type ChatSurfaceHost } from './chatSurface';
import { Disposable } from './client/disposable';
import { VIEW_TYPE } from './constants';
import type { Logger } from './logger';
import { createNonce, renderChatHtml, webviewOptions } from './webviewHtml';

const TITLE = 'Parley Chat';

/** What the panel needs from the rest of the extension. */
export type ChatPanelHost = ChatSurfaceHost;

/**
 * The chat webview panel in the editor area; there is at most one. It owns the webview,
 * checks every message from it, and posts host messages only after the page said it is ready.
 */
export class ChatPanel extends Disposable implements ChatSurface {
	private static current: ChatPanel | undefined;
	private ready = false;

	static get currentPanel(): ChatPanel | undefined {
		return ChatPanel.current;
	}

	static createOrShow(extensionUri: vscode.Uri, host: ChatPanelHost, log: Logger, preserveFocus = false): ChatPanel {
		if (ChatPanel.current) {
			ChatPanel.current.panel.reveal(undefined, preserveFocus);
			return ChatPanel.current;
		}
		const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
		const panel = vscode.window.createWebviewPanel(VIEW_TYPE, TITLE, { viewColumn: column, preserveFocus }, webviewOptions(extensionUri));
		return new ChatPanel(panel, extensionUri, host, log);
	}

	/** A panel VS Code restored after a restart (registerWebviewPanelSerializer). */
	static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, host: ChatPanelHost, log: Logger): ChatPanel {
		ChatPanel.current?.dispose();
		return new ChatPanel(panel, extensionUri, host, log);
	}

	private constructor(private readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private readonly host: ChatPanelHost, private readonly log: Logger) {
		super();
		ChatPanel.current = this;
		panel.webview.options = webviewOptions(extensionUri);
		panel.webview.html = renderChatHtml(panel.webview, extensionUri, createNonce());
		this._register(panel.onDidDispose(() => this.dispose()));
		this._register(panel.onDidChangeViewState(() => {
			// A hidden webview is torn down; it posts `ready` again when shown.
			if (!panel.visible) {
				this.ready = false;
			}
			host.onVisibilityChanged();
		}));
		this._register(panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)));
		host.onVisibilityChanged();
	}

	get visible(): boolean {
		return this.panel.visible;
	}

	/** The tab says how many messages are unread: "Parley Chat (3)". */
	setUnread(unread: number): void {
		const title = unread > 0 ? `${TITLE} (${unread > 999 ? '999+' : unread})` : TITLE;
		if (this.panel.title !== title) {
			this.panel.title = title;
		}
	}

	/** The page said it is ready: posted messages reach it. */
	get isReady(): boolean {
		return this.ready;
	}

	reveal(preserveFocus = false): void {
		this.panel.reveal(undefined, preserveFocus);
	}

	/** Dropped until the page is ready; it gets the full state then. */
	post(message: HostMessage): void {
		if (this.ready) {
			void this.panel.webview.postMessage(message);
		}
	}

	override dispose(): void {
		if (this.isDisposed) {
			return;
		}
		if (ChatPanel.current === this) {
			ChatPanel.current = undefined;
		}
		super.dispose();
		this.panel.dispose();
		this.host.onVisibilityChanged();
	}

	private receive(message: unknown): void {
		const checked = checkWebviewMessage(message, this.log);
		if (checked?.type === 'ready') {
			this.ready = true;
			this.host.onReady(this);
		} else if (checked) {
			this.host.onMessage(checked, this);
		}
	}
}

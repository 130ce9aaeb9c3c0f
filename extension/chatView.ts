/**
 * The chat as a view (WebviewViewProvider) in Parley's own view container, which the user
 * can move to the secondary side bar to chat beside the code. The same webview app as the
 * editor panel, served by the same controller: both show the same state and may be open
 * at once.
 */
import * as vscode from 'vscode';
import type { HostMessage } from '../protocol/webview';
import { checkWebviewMessage, type ChatSurface, type ChatSurfaceHost } from './chatSurface';
import { Disposable } from './client/disposable';
import type { Logger } from './logger';
import { createNonce, renderChatHtml, webviewOptions } from './webviewHtml';

/** The view's id, as package.json contributes it (`views.parley`). */
export const CHAT_VIEW_ID = 'parley.chatView';

export class ChatView extends Disposable implements vscode.WebviewViewProvider, ChatSurface {
	private view: vscode.WebviewView | undefined;
	/** Listeners of the current view, dropped with it. */
	private viewDisposables: vscode.Disposable[] = [];
	private ready = false;
	private unread = 0;

	constructor(private readonly extensionUri: vscode.Uri, private readonly host: ChatSurfaceHost, private readonly log: Logger) {
		super();
		this._register({ dispose: () => this.dropView() });
	}

	/** VS Code shows the view (the first time, or again after it was closed or moved). */
	resolveWebviewView(view: vscode.WebviewView): void {
		this.dropView();
		this.view = view;
		this.ready = false;
		view.webview.options = webviewOptions(this.extensionUri);
		view.webview.html = renderChatHtml(view.webview, this.extensionUri, createNonce());
		this.viewDisposables.push(
			view.onDidDispose(() => {
				if (this.view === view) {
					this.dropView();
					this.host.onVisibilityChanged();
				}
			}),
			view.onDidChangeVisibility(() => {
				// A hidden webview view is torn down; it posts `ready` again when shown.
				if (!view.visible) {
					this.ready = false;
				}
				this.host.onVisibilityChanged();
			}),
			view.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
		);
		this.setUnread(this.unread);
		this.host.onVisibilityChanged();
	}

	get isReady(): boolean {
		return this.ready && this.view !== undefined;
	}

	get visible(): boolean {
		return this.view?.visible ?? false;
	}

	post(message: HostMessage): void {
		if (this.view && this.ready) {
			void this.view.webview.postMessage(message);
		}
	}

	reveal(preserveFocus = false): void {
		if (this.view) {
			this.view.show(preserveFocus);
		} else {
			void vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
		}
	}

	/** The view's badge counts unread messages. */
	setUnread(unread: number): void {
		this.unread = unread;
		if (this.view) {
			this.view.badge = unread > 0 ? { value: unread, tooltip: `${unread} unread message${unread === 1 ? '' : 's'}` } : undefined;
		}
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

	private dropView(): void {
		for (const disposable of this.viewDisposables.splice(0)) {
			disposable.dispose();
		}
		this.view = undefined;
		this.ready = false;
	}
}

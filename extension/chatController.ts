import * as vscode from 'vscode';
import { Emitter, type Event } from 'vscode-jsonrpc/node';
import type { HostMessage, WebviewRequest } from '../protocol/webview';
import type { ChatClient } from './client/chatClient';
import { Disposable } from './client/disposable';
import { askPassword, offerToRemember } from './authFlow';
import { missingSecret } from './client/credentials';
import { errorMessage } from './client/log';
import { formatEndpoint } from './client/transport';
import { handleChatFeature, searchErrorText } from './chatFeatures';
import { ChatPanel } from './chatPanel';
import type { ChatSurface, ChatSurfaceHost } from './chatSurface';
import { ChatView } from './chatView';
import { FailedSends } from './failedSends';
import type { Logger } from './logger';
import { carryOut, type PanelActionDeps } from './panelActions';
import { connectionMessage, storeChangeMessage } from './webviewMessages';

const DEFAULT_TAB_SIZE = 4;
/** Context key: the chat side view has keyboard focus (its Ctrl+F is the chat's search). */
const VIEW_FOCUS_CONTEXT = 'parley.chatViewFocused';

/** The editor's tab size, for code blocks in the panel. */
function editorTabSize(): number {
	const value = vscode.workspace.getConfiguration('editor').get<unknown>('tabSize');
	return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 16 ? value : DEFAULT_TAB_SIZE;
}

/** Posted to a surface once it is ready: it was asked for before the page could take it. */
type Wanted = { type: 'openSwitcher' } | { type: 'openSearch'; query?: string } | { type: 'reveal'; conversation: string; id: number };

/**
 * Connects the chat surfaces (the editor panel and the side view, either or both open) to
 * the client: forwards store and connection changes to each and carries out what the user
 * does there (send, join, /nick, search, ...).
 */
export class ChatController extends Disposable implements ChatSurfaceHost {
	private readonly failed = new FailedSends();
	/** The side view; VS Code creates its webview when the user first shows it. */
	readonly view: ChatView;
	/** Per surface: what to post once it is ready. */
	private readonly wanted = new Map<ChatSurface | 'panel', Wanted>();
	private lastConfig = '';
	private readonly interactEmitter = this._register(new Emitter<void>());
	/** The user did something in a chat surface (typed, clicked, focused it): activity, for away. */
	readonly onDidInteract: Event<void> = this.interactEmitter.event;

	constructor(
		private readonly client: ChatClient,
		private readonly extensionUri: vscode.Uri,
		private readonly log: Logger,
		/** /quit: disconnects and keeps this window offline until Connect. */
		private readonly signOut: (reason: string) => Promise<void>,
	) {
		super();
		this.view = this._register(new ChatView(extensionUri, this, log));
		this._register(client.store.onDidChange((change) => {
			this.post(storeChangeMessage(change));
			if (change.kind === 'conversations') {
				const { unread } = client.store.totals();
				for (const surface of this.surfaces()) {
					surface.setUnread(unread);
				}
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
		this._register(client.onDidDelaySend(({ entry }) => {
			this.notice(`The server cannot store messages right now (it cannot reach its database). Your message to ${entry.to} is kept and sent as soon as it can; nothing you typed is lost.`, 'info');
		}));
		this._register(client.typing.onDidChange((change) => this.post({ type: 'typing', conversation: change.conversation, nicks: change.nicks })));
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

	/** The editor panel and the side view, those that exist. */
	private surfaces(): ChatSurface[] {
		const panel = ChatPanel.currentPanel;
		return panel ? [panel, this.view] : [this.view];
	}

	/** Whether the chat is on screen anywhere (the panel or the side view). */
	get panelVisible(): boolean {
		return this.surfaces().some((s) => s.visible);
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
	openSwitcher(where?: 'view'): void {
		this.ask(where === 'view' ? this.view : this.preferredSurface(), { type: 'openSwitcher' });
	}

	/** Ctrl+F in the panel or the side view (`where`), or the search box wherever the chat is shown. */
	openSearch(where?: 'panel' | 'view', query?: string): void {
		const surface = where === 'view' ? this.view : where === 'panel' ? ChatPanel.currentPanel ?? 'panel' : this.preferredSurface();
		this.ask(surface, { type: 'openSearch', ...(query ? { query } : {}) });
	}

	/**
	 * Opens a conversation at message `id` (a search result chosen in the palette), with what
	 * was said around it, in the visible side view or else the panel.
	 */
	async openAt(conversation: string, id: number): Promise<void> {
		const surface = this.preferredSurface();
		this.ask(surface, undefined);
		try {
			await this.client.openAt(conversation, id);
		} catch (error) {
			void vscode.window.showErrorMessage(`Parley: could not open that message: ${searchErrorText(error)}`);
			return;
		}
		this.ask(surface === 'panel' ? ChatPanel.currentPanel ?? 'panel' : surface, { type: 'reveal', conversation, id });
	}

	/** The visible side view, else the panel (which may not exist yet: 'panel'). */
	private preferredSurface(): ChatSurface | 'panel' {
		const panel = ChatPanel.currentPanel;
		if (this.view.visible && !panel?.visible) {
			return this.view;
		}
		return panel ?? 'panel';
	}

	/** Shows `surface` (creating the panel if need be) and posts `message` once it is ready. */
	private ask(surface: ChatSurface | 'panel', message: Wanted | undefined): void {
		if (surface !== 'panel' && surface.isReady && surface.visible) {
			surface.reveal();
			if (message) {
				surface.post(message);
			}
			return;
		}
		if (message) {
			this.wanted.set(surface === this.view ? this.view : 'panel', message);
		}
		if (surface === this.view) {
			this.view.reveal();
		} else {
			this.show();
		}
	}

	onReady(surface: ChatSurface): void {
		surface.setUnread(this.client.store.totals().unread);
		surface.post(connectionMessage(this.client.status));
		this.postConfig(true, surface);
		for (const change of this.client.store.snapshot()) {
			surface.post(storeChangeMessage(change));
		}
		surface.post({ type: 'serverRole', operator: this.client.isOperator });
		for (const thread of this.client.messages.threads.snapshot()) {
			surface.post({ type: 'thread', conversation: thread.conversation, root: thread.root, replies: thread.replies, hasMoreBefore: thread.hasMoreBefore });
		}
		for (const conversation of this.client.messages.unread.conversations()) {
			surface.post({ type: 'threadUnread', conversation, threads: this.client.messages.unread.counts(conversation) });
		}
		for (const failed of this.failed.all()) {
			surface.post({ type: 'failed', ...failed });
		}
		for (const typing of this.client.typing.snapshot()) {
			surface.post({ type: 'typing', ...typing });
		}
		const key = surface === this.view ? this.view : 'panel';
		const wanted = this.wanted.get(key);
		if (wanted) {
			this.wanted.delete(key);
			surface.post(wanted);
		}
	}

	/** Tab size and the server's message limit, when they changed (or always, for a new page). */
	private postConfig(always: boolean, to?: ChatSurface): void {
		const max = this.client.limits?.maxMessageLength;
		const config: HostMessage = { type: 'config', tabSize: editorTabSize(), ...(max !== undefined ? { maxMessageLength: max } : {}) };
		const key = JSON.stringify(config);
		if (always || key !== this.lastConfig) {
			this.lastConfig = key;
			if (to) {
				to.post(config);
			} else {
				this.post(config);
			}
		}
	}

	onVisibilityChanged(): void {
		this.client.store.setVisible(this.panelVisible);
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
	 * a `result` to the surface that sent it: the composer clears its box only when the host took the line.
	 */
	onMessage(message: WebviewRequest, from: ChatSurface): void {
		if (message.type !== 'read' && (message.type !== 'hasFocus' || message.focused)) {
			this.interactEmitter.fire();
		}
		if (message.type === 'hasFocus') {
			if (from === this.view) {
				void vscode.commands.executeCommand('setContext', VIEW_FOCUS_CONTEXT, message.focused);
			}
			return;
		}
		if (handleChatFeature(message, from, this.client, this.log)) {
			return;
		}
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
					from.post({ type: 'result', seq });
				}
			},
			(error: unknown) => {
				this.log.warn(`${message.type}: ${errorMessage(error)}`);
				this.notice(errorMessage(error), 'error');
				if (seq !== undefined) {
					from.post({ type: 'result', seq, error: errorMessage(error) });
				}
			},
		);
	}

	private notice(text: string, level: 'info' | 'error'): void {
		this.post({ type: 'notice', text, level });
	}

	private post(message: HostMessage): void {
		for (const surface of this.surfaces()) {
			surface.post(message);
		}
	}
}

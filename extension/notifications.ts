import * as vscode from 'vscode';
import type { ChatClient, IncomingMessage } from './client/chatClient';
import { Disposable } from './client/disposable';
import { errorMessage } from './client/log';
import { Commands } from './constants';
import { shouldNotify, type ParleySettings } from './settingsRules';

/** Per conversation, at most one notification in this many milliseconds. */
const QUIET_MS = 5000;
const MAX_PREVIEW = 200;

/**
 * VS Code notifications for DMs and mentions while the chat panel is not visible
 * (per `parley.notifications`), and for kicks and server shutdowns.
 */
export class Notifier extends Disposable {
	private readonly lastShown = new Map<string, number>();

	constructor(
		client: ChatClient,
		private readonly settings: () => ParleySettings,
		private readonly panelVisible: () => boolean,
		private readonly open: (conversation: string) => void,
		/** Joins a channel one was invited to, and opens it. */
		private readonly join: (channel: string) => Promise<void>,
	) {
		super();
		this._register(client.onDidReceiveMessage((incoming) => this.onMessage(incoming)));
		this._register(client.onDidReceiveServerEvent((event) => {
			switch (event.kind) {
				case 'kicked':
					void vscode.window.showWarningMessage(`Parley: you were disconnected by the server: ${event.text}`, 'Connect').then((choice) => {
						if (choice) {
							void vscode.commands.executeCommand(Commands.connect);
						}
					});
					break;
				case 'shutdown':
					void vscode.window.showInformationMessage(`Parley: the server is shutting down (${event.text}). Reconnecting when it is back.`);
					break;
				case 'notice':
					if (!this.panelVisible()) {
						void vscode.window.showInformationMessage(`Parley server: ${event.text}`);
					}
					break;
				case 'invited': {
					const channel = event.channel;
					if (channel && this.settings().notifications !== 'off') {
						void vscode.window.showInformationMessage(`Parley: ${event.text}`, 'Join').then((choice) => {
							if (choice) {
								this.join(channel).catch((error: unknown) => void vscode.window.showErrorMessage(`Parley: ${errorMessage(error)}`));
							}
						});
					}
					break;
				}
			}
		}));
		this._register(client.onDidFailToSend(({ entry, reason }) => {
			if (!this.panelVisible()) {
				const why = /[.!?]$/.test(reason) ? reason : `${reason}.`;
				void vscode.window.showErrorMessage(`Parley: your message to ${entry.to} was not sent: ${why} Its text is kept in the chat panel.`, 'Open Chat').then((choice) => {
					if (choice) {
						this.open(entry.conversation);
					}
				});
			}
		}));
	}

	private onMessage(incoming: IncomingMessage): void {
		if (this.panelVisible() || !shouldNotify(this.settings().notifications, incoming)) {
			return;
		}
		const now = Date.now();
		if (now - (this.lastShown.get(incoming.conversation) ?? 0) < QUIET_MS) {
			return;
		}
		this.lastShown.set(incoming.conversation, now);
		const { from, text } = incoming.message;
		const where = incoming.direct ? `${from} (direct message)` : `${from} in ${incoming.conversation}`;
		const preview = text.length > MAX_PREVIEW ? `${text.slice(0, MAX_PREVIEW)}…` : text;
		void vscode.window.showInformationMessage(`${where}: ${preview}`, 'Open Chat').then((choice) => {
			if (choice) {
				this.open(incoming.conversation);
			}
		});
	}
}

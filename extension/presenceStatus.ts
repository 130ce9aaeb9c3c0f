/**
 * The user's away status in VS Code: "Parley Chat: Set Status" (online or away, with an
 * optional text), and automatic away after `parley.presence.awayAfterMinutes` without
 * activity (window focus, typing or moving the caret in an editor, anything done in the
 * chat), back online at the next activity. Only an automatic away ends by itself: one the
 * user chose stays until they change it.
 */
import * as vscode from 'vscode';
import type { Event } from 'vscode-jsonrpc/node';
import { MAX_STATUS_TEXT_LENGTH } from '../protocol/users';
import type { ChatClient } from './client/chatClient';
import { systemClientClock, type ClientClock, type ClientTimer } from './client/clientClock';
import { Disposable } from './client/disposable';
import { errorMessage } from './client/log';
import type { OwnStatusValue } from './client/ownStatus';
import { CONFIG_SECTION, Commands } from './constants';
import type { Logger } from './logger';

export const AWAY_AFTER_SETTING = 'presence.awayAfterMinutes';
export const DEFAULT_AWAY_AFTER_MINUTES = 10;
/** A day: more than that is surely a mistake. */
const MAX_AWAY_AFTER_MINUTES = 24 * 60;

/** The setting as a number of minutes (0: never), the default when it is not a sensible one. */
export function awayAfterMinutes(raw: unknown): number {
	return typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= MAX_AWAY_AFTER_MINUTES ? raw : DEFAULT_AWAY_AFTER_MINUTES;
}

interface StatusChoice extends vscode.QuickPickItem {
	status: OwnStatusValue;
	askText: boolean;
}

export class PresenceStatus extends Disposable {
	/** The away status was set by inactivity, so activity ends it. */
	private autoAway = false;
	private lastActivity: number;
	private timer: ClientTimer | undefined;
	private minutes: number;

	constructor(
		private readonly client: ChatClient,
		/** Activity in the chat surfaces (ChatController.onDidInteract). */
		chatActivity: Event<void>,
		private readonly log: Logger,
		private readonly clock: ClientClock = systemClientClock,
	) {
		super();
		this.lastActivity = clock.now();
		this.minutes = this.readSetting();
		this._register(chatActivity(() => this.activity()));
		this._register(vscode.window.onDidChangeWindowState((state) => state.focused && this.activity()));
		this._register(vscode.window.onDidChangeTextEditorSelection(() => this.activity()));
		this._register(vscode.workspace.onDidChangeTextDocument((event) => event.document.uri.scheme !== 'output' && this.activity()));
		this._register(vscode.workspace.onDidChangeConfiguration((event) => {
			if (event.affectsConfiguration(`${CONFIG_SECTION}.${AWAY_AFTER_SETTING}`)) {
				this.minutes = this.readSetting();
				this.schedule();
			}
		}));
		this._register(client.onDidChangeStatus(() => this.schedule()));
		this._register(client.ownStatus.onDidChange((state) => {
			if (state.status === 'online') {
				this.autoAway = false;
			}
			// Online again (here or in another window): the inactivity timer runs; away: it stops.
			this.schedule();
		}));
		this._register({ dispose: () => this.timer?.cancel() });
		this._register(vscode.commands.registerCommand(Commands.setStatus, (status?: unknown, text?: unknown) => this.setStatusCommand(status, text)));
		this.schedule();
	}

	/** The user did something: a new period of inactivity starts; an automatic away ends. */
	activity(): void {
		this.lastActivity = this.clock.now();
		if (this.autoAway && this.client.ownStatus.state.status === 'away') {
			this.autoAway = false;
			void this.client.ownStatus.set('online').catch((error: unknown) => this.log.warn(`back online: ${errorMessage(error)}`));
		}
		if (!this.timer) {
			this.schedule();
		}
	}

	/** Sets the status as the user chose it (no longer automatic). */
	async setStatus(status: OwnStatusValue, text?: string): Promise<void> {
		this.autoAway = false;
		this.lastActivity = this.clock.now();
		await this.client.ownStatus.set(status, text);
		this.schedule();
	}

	private readSetting(): number {
		return awayAfterMinutes(vscode.workspace.getConfiguration(CONFIG_SECTION).get<unknown>(AWAY_AFTER_SETTING));
	}

	/** Arms the inactivity timer for what is left of the period, while it can matter. */
	private schedule(): void {
		this.timer?.cancel();
		this.timer = undefined;
		if (this.minutes === 0 || !this.client.isConnected || this.client.ownStatus.state.status === 'away') {
			return;
		}
		const due = this.lastActivity + this.minutes * 60_000;
		this.timer = this.clock.setTimeout(() => this.inactive(), Math.max(0, due - this.clock.now()));
	}

	private inactive(): void {
		this.timer = undefined;
		const idle = this.clock.now() - this.lastActivity;
		if (idle < this.minutes * 60_000) {
			// Activity came in meanwhile: wait for the rest of the new period.
			this.schedule();
			return;
		}
		if (!this.client.isConnected || this.client.ownStatus.state.status === 'away') {
			return;
		}
		this.autoAway = true;
		this.log.info(`away after ${this.minutes} min without activity`);
		void this.client.ownStatus.set('away').catch((error: unknown) => {
			this.autoAway = false;
			this.log.warn(`setting away: ${errorMessage(error)}`);
		});
	}

	/** The command: with arguments (status, text) from a link or a keybinding, else asks. */
	private async setStatusCommand(status?: unknown, text?: unknown): Promise<void> {
		try {
			if (status === 'online' || status === 'away') {
				await this.setStatus(status, typeof text === 'string' ? text : undefined);
				return;
			}
			const current = this.client.ownStatus.state;
			const choices: StatusChoice[] = [
				{ label: '$(circle-filled) Online', description: current.status === 'online' ? 'now' : undefined, status: 'online', askText: false },
				{ label: '$(circle-outline) Away', description: current.status === 'away' ? 'now' : undefined, status: 'away', askText: false },
				{ label: '$(edit) Away with a message…', description: 'what others see next to your name', status: 'away', askText: true },
			];
			const chosen = await vscode.window.showQuickPick(choices, { title: 'Parley: Set Status', placeHolder: 'Your status, as others see it' });
			if (!chosen) {
				return;
			}
			let message: string | undefined;
			if (chosen.askText) {
				message = await vscode.window.showInputBox({
					title: 'Parley: Away Message',
					prompt: 'What others see while you are away (optional)',
					value: current.text ?? '',
					placeHolder: 'in a meeting',
					validateInput: (value) => (value.trim().length > MAX_STATUS_TEXT_LENGTH ? `At most ${MAX_STATUS_TEXT_LENGTH} characters.` : undefined),
				});
				if (message === undefined) {
					return;
				}
			}
			await this.setStatus(chosen.status, message);
		} catch (error) {
			this.log.warn(`set status: ${errorMessage(error)}`);
			void vscode.window.showErrorMessage(`Parley: could not set your status: ${errorMessage(error)}`);
		}
	}
}

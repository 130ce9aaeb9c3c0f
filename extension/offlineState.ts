/**
 * Keeps the offline cache (client/offlineCache.ts) in VS Code's storage: a login's
 * conversations in globalState, per server and nick (its windows share them), and in
 * workspaceState what is this window's own: its unsent messages and the conversation it had
 * open. Restored at activation, saved a moment after each change and when VS Code closes.
 */
import type * as vscode from 'vscode';
import { channelProblem, nickKey } from '../protocol/names';
import type { ChatClient } from './client/chatClient';
import { Disposable, toDisposable } from './client/disposable';
import { errorMessage } from './client/log';
import { parseCache, parseOutbox, restoreCache, snapshotCache, snapshotOutbox } from './client/offlineCache';
import { formatEndpoint } from './client/transport';
import { StateKeys } from './constants';
import type { Logger } from './logger';

const SAVE_DELAY_MS = 1000;

export class OfflineState extends Disposable {
	private timer: NodeJS.Timeout | undefined;
	/** The nick whose cache was restored, until the client signs in. */
	private restoredNick: string | undefined;

	constructor(
		private readonly global: vscode.Memento,
		private readonly workspace: vscode.Memento,
		private readonly client: ChatClient,
		/** host:port the settings point to (the cache of a live session is filed under its own server). */
		private readonly settingsServer: () => string,
		private readonly log: Logger,
	) {
		super();
		this._register(client.store.onDidChange(() => this.schedule()));
		this._register(client.onDidChangeStatus(() => this.schedule()));
		this._register(toDisposable(() => clearTimeout(this.timer)));
	}

	/** Shows what `nick` had on the settings' server last time (no nick known: nothing). */
	restore(nick: string | undefined): void {
		const server = this.settingsServer();
		const active = this.workspace.get<unknown>(StateKeys.active(server));
		if (nick) {
			const cache = parseCache(this.global.get<unknown>(StateKeys.cache(server, nickKey(nick))));
			if (cache && nickKey(cache.nick) === nickKey(nick)) {
				restoreCache(this.client.store, cache);
				this.restoredNick = cache.nick;
				this.log.info(`restored ${cache.conversations.length} conversation(s) of ${cache.nick} on ${server}`);
			}
		}
		if (!this.restoredNick) {
			const channels = this.global.get<unknown>(StateKeys.channels(server));
			if (Array.isArray(channels)) {
				this.client.store.restoreChannels(channels.filter((name): name is string => typeof name === 'string' && channelProblem(name) === undefined));
			}
		}
		if (typeof active === 'string' && this.client.store.get(active)) {
			this.client.store.setActive(active);
		}
		if (nick) {
			this.client.restoreOutbox(parseOutbox(this.workspace.get<unknown>(StateKeys.outbox(server, nickKey(nick)))));
		}
	}

	/** Saves now (VS Code is closing). */
	async flush(): Promise<void> {
		clearTimeout(this.timer);
		this.timer = undefined;
		const nick = this.client.nick ?? this.restoredNick;
		if (!nick) {
			return;
		}
		const server = this.client.endpoint ? formatEndpoint(this.client.endpoint) : this.settingsServer();
		const store = this.client.store;
		try {
			await Promise.all([
				this.global.update(StateKeys.cache(server, nickKey(nick)), snapshotCache(store, nick)),
				this.workspace.update(StateKeys.outbox(server, nickKey(nick)), snapshotOutbox(this.client.outbox.list())),
				this.workspace.update(StateKeys.active(server), store.active),
			]);
		} catch (error) {
			this.log.warn(`saving the offline cache failed: ${errorMessage(error)}`);
		}
	}

	private schedule(): void {
		if (this.timer === undefined && !this.isDisposed) {
			this.timer = setTimeout(() => {
				this.timer = undefined;
				void this.flush();
			}, SAVE_DELAY_MS);
		}
	}
}

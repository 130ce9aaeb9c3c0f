/**
 * The user's own status (user/setStatus): online or away, with an optional text. The
 * server forgets it when the account's last connection ends (every sign-in starts online),
 * so an away status is set again after each reconnect; a change made in another window of
 * the account arrives as the user's own user/presence and is followed here.
 */
import { Emitter, type Event, type MessageConnection } from 'vscode-jsonrpc/node';
import { nickKey } from '../../protocol/names';
import { MAX_STATUS_TEXT_LENGTH, SetStatusRequest, type PresenceStatus } from '../../protocol/users';
import { request } from './checkedRpc';
import { Disposable } from './disposable';
import { errorMessage, type ClientLog } from './log';

export type OwnStatusValue = 'online' | 'away';

export interface OwnStatusState {
	status: OwnStatusValue;
	/** What the user said ("at lunch"), if anything. */
	text?: string;
}

export class OwnStatus extends Disposable {
	private readonly changeEmitter = this._register(new Emitter<OwnStatusState>());
	readonly onDidChange: Event<OwnStatusState> = this.changeEmitter.event;
	private current: OwnStatusState = { status: 'online' };

	constructor(
		/** The live, synchronized connection, if any. */
		private readonly connection: () => MessageConnection | undefined,
		private readonly selfNick: () => string | undefined,
		private readonly log: ClientLog,
	) {
		super();
	}

	get state(): OwnStatusState {
		return this.current;
	}

	/**
	 * Sets the status, on the server too when connected (else it is set once connected).
	 * Rejects in words when the text is too long or the server refuses.
	 */
	async set(status: OwnStatusValue, text?: string): Promise<void> {
		const trimmed = text?.trim() ?? '';
		if (trimmed.length > MAX_STATUS_TEXT_LENGTH) {
			throw new Error(`A status text is at most ${MAX_STATUS_TEXT_LENGTH} characters; that one is ${trimmed.length}.`);
		}
		const next: OwnStatusState = { status, ...(trimmed ? { text: trimmed } : {}) };
		const connection = this.connection();
		if (connection) {
			await request(connection, SetStatusRequest, next);
		}
		this.update(next);
	}

	/** Signed in again: the server starts every sign-in online, so an away status is set again. */
	resynchronized(): void {
		const connection = this.connection();
		if (connection && this.current.status === 'away') {
			void request(connection, SetStatusRequest, this.current).catch((error: unknown) => this.log.warn(`setting the status again: ${errorMessage(error)}`));
		}
	}

	/** user/presence about someone; the user's own (from another window of the account) is followed. */
	presence(nick: string, status: PresenceStatus, text: string | undefined): void {
		const self = this.selfNick();
		if (self === undefined || nickKey(nick) !== nickKey(self) || status === 'offline') {
			return;
		}
		this.update({ status, ...(text ? { text } : {}) });
	}

	private update(next: OwnStatusState): void {
		if (next.status !== this.current.status || next.text !== this.current.text) {
			this.current = next;
			this.changeEmitter.fire(next);
		}
	}
}

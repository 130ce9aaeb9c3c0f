/**
 * Typing indicators, both ways. Out: `typing(conversation)` is called on every keystroke of
 * the composer and sends `conversation/typing` at most once per TYPING_INTERVAL_MS per
 * conversation (the server drops extras anyway). In: who is typing where, each entry kept
 * TYPING_SHOWN_MS after that person's last notification and dropped as soon as a message of
 * theirs arrives there.
 */
import { Emitter, type Event, type MessageConnection } from 'vscode-jsonrpc/node';
import { TYPING_INTERVAL_MS, TypingNotification } from '../../protocol/conversations';
import { nickKey } from '../../protocol/names';
import type { ClientClock, ClientTimer } from './clientClock';
import type { ConversationStore } from './conversationStore';
import { conversationId } from './conversationStore';
import { Disposable, toDisposable } from './disposable';

/** How long "bob is typing…" stays after bob's last typing notification. */
export const TYPING_SHOWN_MS = 5000;

export interface TypingChange {
	/** The store's conversation id. */
	conversation: string;
	/** Who is typing there now, in the order they started; empty when nobody is. */
	nicks: string[];
}

interface Typist {
	nick: string;
	timer: ClientTimer;
}

export class TypingIndicators extends Disposable {
	private readonly changeEmitter = this._register(new Emitter<TypingChange>());
	readonly onDidChange: Event<TypingChange> = this.changeEmitter.event;
	/** Who is typing: conversation id -> nick key -> typist. */
	private readonly typists = new Map<string, Map<string, Typist>>();
	/** When a typing notification was last sent, per conversation id. */
	private readonly lastSent = new Map<string, number>();

	constructor(
		/** The live, synchronized connection, if any. */
		private readonly connection: () => MessageConnection | undefined,
		private readonly store: ConversationStore,
		private readonly clock: ClientClock,
	) {
		super();
		this._register(toDisposable(() => this.clearAll()));
	}

	/** The user typed in `conversation`: tells its other members, at most once per interval. */
	typing(conversationKey: string): void {
		const conversation = this.store.get(conversationKey);
		const connection = this.connection();
		if (!conversation || !connection || (conversation.kind === 'channel' && !conversation.joined)) {
			return;
		}
		const now = this.clock.now();
		const last = this.lastSent.get(conversation.id);
		if (last !== undefined && now - last < TYPING_INTERVAL_MS) {
			return;
		}
		this.lastSent.set(conversation.id, now);
		const target = conversation.kind === 'channel' ? conversation.id : conversation.name;
		void connection.sendNotification(TypingNotification.type, { conversation: target }).catch(() => undefined);
	}

	/** The server says `nick` is typing in `target` (a channel, or for a DM the typist's nick). */
	received(target: string, nick: string): void {
		const id = conversationId(target);
		if (!this.store.get(id) || nickKey(nick) === nickKey(this.store.selfNick)) {
			return;
		}
		let typists = this.typists.get(id);
		if (!typists) {
			typists = new Map();
			this.typists.set(id, typists);
		}
		const key = nickKey(nick);
		const known = typists.get(key);
		known?.timer.cancel();
		typists.set(key, { nick, timer: this.clock.setTimeout(() => this.stopped(id, key), TYPING_SHOWN_MS) });
		if (!known || known.nick !== nick) {
			this.fire(id);
		}
	}

	/** A message from `nick` arrived in conversation `id`: they are done typing it. */
	messageArrived(id: string, nick: string): void {
		this.stopped(id, nickKey(nick));
	}

	/** Who is typing in conversation `id` now. */
	typingIn(id: string): string[] {
		return [...(this.typists.get(id)?.values() ?? [])].map((t) => t.nick);
	}

	/** Everyone typing anywhere, for a panel that opens now. */
	snapshot(): TypingChange[] {
		return [...this.typists.keys()].map((conversation) => ({ conversation, nicks: this.typingIn(conversation) }));
	}

	/** The connection ended: nobody's notifications can arrive, and throttling starts over. */
	clearAll(): void {
		this.lastSent.clear();
		for (const [id, typists] of [...this.typists]) {
			for (const typist of typists.values()) {
				typist.timer.cancel();
			}
			this.typists.delete(id);
			this.changeEmitter.fire({ conversation: id, nicks: [] });
		}
	}

	private stopped(id: string, key: string): void {
		const typists = this.typists.get(id);
		const typist = typists?.get(key);
		if (!typists || !typist) {
			return;
		}
		typist.timer.cancel();
		typists.delete(key);
		if (typists.size === 0) {
			this.typists.delete(id);
		}
		this.fire(id);
	}

	private fire(id: string): void {
		this.changeEmitter.fire({ conversation: id, nicks: this.typingIn(id) });
	}
}

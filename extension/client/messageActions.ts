/**
 * What a user does to messages already sent: edit, delete, react, reply in a thread, open a
 * thread or a link to a message; and what the server says others did (message/edited,
 * message/deleted, message/reactions, message/threadUpdated, replies). Changes reach the
 * conversation store (timelines) and the loaded threads (threads.ts). Knows nothing of VS Code.
 */
import { randomUUID } from 'node:crypto';
import { ResponseError, type MessageConnection } from 'vscode-jsonrpc/node';
import { MarkReadRequest } from '../../protocol/conversations';
import { DeleteMessageRequest, EditMessageRequest } from '../../protocol/edits';
import { isReactionEmoji } from '../../protocol/emoji';
import { ErrorCodes } from '../../protocol/errors';
import { MAX_HISTORY_LIMIT, SendMessageRequest } from '../../protocol/messages';
import { isChannelTarget, nickKey } from '../../protocol/names';
import { ReactRequest } from '../../protocol/reactions';
import { ThreadRequest } from '../../protocol/threads';
import type { Message, Reaction, ServerLimits } from '../../protocol/types';
import { request } from './checkedRpc';
import type { IncomingMessage } from './clientTypes';
import { mentionsNick } from '../../protocol/mentions';
import type { ConversationStore } from './conversationStore';
import { requestHistory } from './history';
import { errorMessage, type ClientLog } from './log';
import { ThreadUnread } from './threadUnread';
import { Threads } from './threads';

/** Most messages per conversation checked for edits, deletions and reactions after a reconnect. */
const REFRESH_LIMIT = Math.min(200, MAX_HISTORY_LIMIT);

/** The server's notifications about existing messages, already checked (see rpcSession.ts). */
export interface MessageChangeHandlers {
	edited(message: Message): void;
	deleted(conversation: string, id: number): void;
	reactions(conversation: string, id: number, reactions: Reaction[]): void;
	threadUpdated(conversation: string, id: number, replyCount: number, lastReplyTs: number): void;
	/** Another connection of the account read thread `thread` up to reply `id`. */
	threadRead(conversation: string, thread: number, id: number): void;
}

/** Where a message link leads: a conversation, and the thread when the message is a reply. */
export interface MessageLocation {
	conversation: string;
	id: number;
	/** The thread's root, when the message is a reply. */
	threadRoot?: number;
}

export interface MessageActionsHost {
	store: ConversationStore;
	/** The live, synchronized connection, or undefined offline. */
	connection(): MessageConnection | undefined;
	limits(): ServerLimits | undefined;
	log: ClientLog;
}

export class MessageActions {
	readonly threads: Threads;
	/** Unread replies of the threads the user takes part in. */
	readonly unread: ThreadUnread;
	private readonly store: ConversationStore;

	constructor(private readonly host: MessageActionsHost) {
		this.store = host.store;
		this.threads = new Threads(host.store);
		this.unread = new ThreadUnread(host.store, (conversation, id) => this.find(conversation, id));
	}

	/** message/edit: the author's new text; the stored message replaces the shown one at once. */
	async edit(conversation: string, id: number, text: string): Promise<void> {
		if (text.trim() === '') {
			throw new Error('A message cannot be edited to nothing; delete it instead.');
		}
		this.checkLength(text);
		const current = this.find(conversation, id);
		if (current && current.text === text) {
			return;
		}
		const { message } = await this.call(() => request(this.live('edit the message'), EditMessageRequest, { id, text }));
		this.replace(this.targetOf(message), message.id, (old) => ({ ...old, ...message, ...(old.clientMsgId ? { clientMsgId: old.clientMsgId } : {}) }));
	}

	/** message/delete: the author, a channel's owner or ops, or a server operator. */
	async remove(conversation: string, id: number): Promise<void> {
		await this.call(() => request(this.live('delete the message'), DeleteMessageRequest, { id }));
		this.deleted(conversation, id);
	}

	/** message/react: adds or takes back the user's reaction; the server's message/reactions shows it. */
	async react(id: number, emoji: string, add: boolean): Promise<void> {
		if (!isReactionEmoji(emoji)) {
			throw new Error(`"${emoji.slice(0, 20)}" is not an emoji the server accepts: pick one from the list.`);
		}
		await this.call(() => request(this.live('react'), ReactRequest, { id, emoji, add }));
	}

	/** A reply in the thread of `rootId`; with `alsoToChannel` it goes into the conversation too. */
	async reply(conversation: string, rootId: number, text: string, alsoToChannel: boolean): Promise<Message> {
		if (text.trim() === '') {
			throw new Error('Nothing to send.');
		}
		this.checkLength(text);
		const c = this.store.get(conversation);
		if (!c) {
			throw new Error(`No conversation "${conversation}".`);
		}
		if (c.kind === 'channel' && !c.joined) {
			throw new Error(`You are not in ${c.name}; join it first.`);
		}
		const to = c.kind === 'channel' ? c.id : c.name;
		const params = { to, text, clientMsgId: randomUUID(), replyTo: rootId, ...(alsoToChannel ? { alsoToChannel: true } : {}) };
		const { message } = await this.call(() => request(this.live('send the reply'), SendMessageRequest, params));
		this.threads.addReply(message);
		this.unread.replyArrived(c.id, message);
		if (message.alsoToChannel) {
			this.store.addMessages([message], false);
		}
		return message;
	}

	/** Loads (again) the newest replies of the thread of message `id`. */
	async openThread(id: number): Promise<void> {
		const thread = await this.call(() => this.threads.open(this.live('open the thread'), id, (root) => this.conversationIdOf(root, false)));
		// message/thread moved the user's marker to the newest reply: all read.
		this.unread.read(thread.conversation, thread.root.id);
	}

	/**
	 * The user sees the loaded thread of `rootId` (its panel is open): its unread replies are
	 * read, here and on the server (conversation/markRead with `thread`, up to the newest loaded reply).
	 */
	async readThread(conversation: string, rootId: number): Promise<void> {
		const c = this.store.get(conversation);
		const newest = this.threads.get(rootId)?.replies.at(-1)?.id;
		if (!c || newest === undefined || !this.unread.counts(c.id).some((t) => t.id === rootId)) {
			return;
		}
		this.unread.read(c.id, rootId, newest);
		const connection = this.host.connection();
		if (connection) {
			await request(connection, MarkReadRequest, { conversation: c.kind === 'channel' ? c.id : c.name, id: newest, thread: rootId });
		}
	}

	async loadOlderReplies(rootId: number): Promise<void> {
		await this.call(() => this.threads.loadOlder(this.live('load older replies'), rootId));
	}

	/**
	 * Where message `id` is (a `parley-message:` link): its conversation, opened if it is a DM
	 * not open yet, and its thread when it is a reply.
	 */
	async locate(id: number): Promise<MessageLocation> {
		const connection = this.live('open the link');
		const page = await this.call(() => request(connection, ThreadRequest, { id, limit: 1 }));
		const conversation = this.conversationIdOf(page.root, true);
		if (conversation === undefined) {
			throw new Error(`You are not in ${page.root.to}; join it to see that message.`);
		}
		return { conversation, id, ...(page.root.id !== id ? { threadRoot: page.root.id } : {}) };
	}

	/** What the server pushes about messages (see rpcSession.ts). */
	handlers(current: () => boolean): MessageChangeHandlers {
		return {
			edited: (message) => current() && this.replace(this.targetOf(message), message.id, (old) => ({ ...old, ...message, ...(old.clientMsgId ? { clientMsgId: old.clientMsgId } : {}) })),
			deleted: (conversation, id) => current() && this.deleted(conversation, id),
			reactions: (conversation, id, reactions) => current() && this.replace(conversation, id, (old) => withReactions(old, reactions)),
			// A thread's count only grows; an older count arriving late (from another server of a cluster) is stale.
			threadUpdated: (conversation, id, replyCount, lastReplyTs) => current() && this.replace(conversation, id, (old) => ((old.replyCount ?? 0) > replyCount ? old : { ...old, replyCount, lastReplyTs })),
			threadRead: (conversation, thread, id) => {
				const c = current() ? this.store.get(conversation) : undefined;
				if (c) {
					this.unread.read(c.id, thread, id);
				}
			},
		};
	}

	/**
	 * A reply arrived (message/new with replyTo): into its thread, if loaded. Returns what to
	 * notify for one that is only in its thread: a reply from someone else that mentions the
	 * user, or any in a DM (a reply also in the channel is notified as a channel message).
	 */
	replyArrived(message: Message): IncomingMessage | undefined {
		this.threads.addReply(message);
		const self = this.store.selfNick;
		const conversation = this.store.get(this.targetOf(message));
		if (conversation) {
			this.unread.replyArrived(conversation.id, message);
		}
		if (message.alsoToChannel || !conversation || nickKey(message.from) === nickKey(self)) {
			return undefined;
		}
		const direct = conversation.kind === 'dm';
		const mention = !direct && mentionsNick(message.text, self);
		return direct || mention ? { message, conversation: conversation.id, direct, mention } : undefined;
	}

	/**
	 * Called as a (re)connect starts, before catch-up; the function it returns, once caught
	 * up, applies what changed meanwhile in what was shown. Catch-up only fetches newer
	 * messages, so the newest page of each conversation loaded before is read again and its
	 * edits, deletions and reactions applied (a conversation first loaded now is fresh);
	 * loaded threads are fetched again.
	 */
	prepareRefresh(): (connection: MessageConnection) => Promise<void> {
		const before = new Set(this.store.list().filter((c) => c.loaded && c.lastSeenId > 0).map((c) => c.id));
		return (connection) => this.refresh(connection, before);
	}

	private async refresh(connection: MessageConnection, loadedBefore: ReadonlySet<string>): Promise<void> {
		this.threads.prune((id) => this.store.get(id) !== undefined);
		const conversations = this.store.list().filter((c) => loadedBefore.has(c.id) && (c.kind === 'dm' || c.joined) && c.messageIds().length > 0);
		await Promise.all([
			...conversations.map(async (c) => {
				try {
					const page = await requestHistory(connection, { conversation: c.kind === 'channel' ? c.id : c.name, limit: Math.min(REFRESH_LIMIT, c.messageIds().length) });
					const stored = new Map(c.messages().map((m) => [m.id, m]));
					for (const fresh of page.messages) {
						const old = stored.get(fresh.id);
						if (old && changed(old, fresh)) {
							this.replace(c.id, fresh.id, () => ({ ...fresh, ...(old.clientMsgId ? { clientMsgId: old.clientMsgId } : {}) }));
						}
					}
				} catch (error) {
					this.host.log.warn(`[messages] refreshing ${c.name} failed: ${errorMessage(error)}`);
				}
			}),
			...this.threads.loaded().map((id) => this.threads.open(connection, id, (root) => this.conversationIdOf(root, false)).then((thread) => this.unread.read(thread.conversation, thread.root.id), (error: unknown) => {
				this.host.log.warn(`[messages] refreshing thread ${id} failed: ${errorMessage(error)}`);
			})),
		]);
	}

	private deleted(conversation: string, id: number): void {
		this.replace(conversation, id, (old) => ({
			id: old.id, ts: old.ts, from: old.from, to: old.to, text: '', deleted: true,
			...(old.replyTo !== undefined ? { replyTo: old.replyTo } : {}),
			...(old.replyCount !== undefined ? { replyCount: old.replyCount, lastReplyTs: old.lastReplyTs } : {}),
		}));
	}

	private replace(conversation: string, id: number, change: (message: Message) => Message): void {
		this.store.updateMessage(conversation, id, change);
		this.threads.update(id, change);
	}

	private find(conversation: string, id: number): Message | undefined {
		return this.store.get(conversation)?.messages().find((m) => m.id === id) ?? this.threadsMessage(id);
	}

	private threadsMessage(id: number): Message | undefined {
		for (const rootId of this.threads.loaded()) {
			const thread = this.threads.get(rootId)!;
			const found = thread.root.id === id ? thread.root : thread.replies.find((m) => m.id === id);
			if (found) {
				return found;
			}
		}
		return undefined;
	}

	/** The conversation a message notification names: `#channel`, or the other party of a DM. */
	private targetOf(message: Message): string {
		if (isChannelTarget(message.to)) {
			return message.to;
		}
		return nickKey(message.from) === nickKey(this.store.selfNick) ? message.to : message.from;
	}

	/** The store's conversation of `message`; with `open`, a DM not listed yet is opened. */
	private conversationIdOf(message: Message, open: boolean): string | undefined {
		const target = this.targetOf(message);
		const existing = this.store.get(target);
		if (existing && (existing.kind === 'dm' || existing.joined)) {
			return existing.id;
		}
		if (!isChannelTarget(target) && open) {
			return this.store.ensureDirect(target).id;
		}
		return undefined;
	}

	private checkLength(text: string): void {
		const max = this.host.limits()?.maxMessageLength;
		if (max !== undefined && text.length > max) {
			throw new Error(`The message is ${text.length} characters long; the server accepts at most ${max}.`);
		}
	}

	private live(what: string): MessageConnection {
		const connection = this.host.connection();
		if (!connection) {
			throw new Error(`You are offline: cannot ${what} until Parley reconnects.`);
		}
		return connection;
	}

	/** Runs a request; the server's "no such message" becomes words a user understands. */
	private async call<T>(run: () => Promise<T>): Promise<T> {
		try {
			return await run();
		} catch (error) {
			if (error instanceof ResponseError && error.code === ErrorCodes.NoSuchMessage) {
				throw new Error('That message is gone: it was deleted, or you can no longer see it.', { cause: error });
			}
			throw error;
		}
	}
}

function withReactions(message: Message, reactions: Reaction[]): Message {
	const { reactions: _old, ...rest } = message;
	return reactions.length > 0 ? { ...rest, reactions } : rest;
}

/** Whether a history page shows `fresh` differently from the stored `old`. */
function changed(old: Message, fresh: Message): boolean {
	return old.text !== fresh.text || old.editedTs !== fresh.editedTs || old.deleted !== fresh.deleted
		|| JSON.stringify(old.reactions ?? []) !== JSON.stringify(fresh.reactions ?? [])
		|| old.replyCount !== fresh.replyCount || old.lastReplyTs !== fresh.lastReplyTs;
}

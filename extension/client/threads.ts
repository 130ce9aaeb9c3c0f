/**
 * Threads the user opened: each root with its replies, paged back like a conversation's
 * history, kept up to date by live replies, edits, deletions and reactions. Reported through
 * the conversation store as whole `thread` changes (threads are short). Knows nothing of
 * VS Code.
 */
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { DEFAULT_HISTORY_LIMIT } from '../../protocol/messages';
import { ThreadRequest } from '../../protocol/threads';
import type { Message } from '../../protocol/types';
import { request } from './checkedRpc';
import type { ConversationStore } from './conversationStore';

/** Most threads kept loaded; the least recently opened goes first. */
const MAX_THREADS = 20;

export interface ThreadState {
	/** The store's conversation id. */
	conversation: string;
	root: Message;
	/** Oldest first, each id once. */
	replies: Message[];
	hasMoreBefore: boolean;
}

export class Threads {
	private readonly threads = new Map<number, ThreadState>();

	constructor(private readonly store: ConversationStore) {}

	get(rootId: number): ThreadState | undefined {
		return this.threads.get(rootId);
	}

	/** Root ids of the loaded threads. */
	loaded(): number[] {
		return [...this.threads.keys()];
	}

	/**
	 * Loads the newest page of the thread of message `id` (its root or any reply) and
	 * reports it; returns the thread. A loaded thread is fetched again (it may have missed replies).
	 */
	async open(connection: MessageConnection, id: number, conversationOf: (root: Message) => string | undefined): Promise<ThreadState> {
		const page = await request(connection, ThreadRequest, { id, limit: DEFAULT_HISTORY_LIMIT });
		const conversation = conversationOf(page.root);
		if (conversation === undefined) {
			throw new Error('That message is not in any of your conversations.');
		}
		const previous = this.threads.get(page.root.id);
		// Replies that arrived live while the page was on its way stay.
		const newest = page.messages.reduce((top, m) => Math.max(top, m.id), 0);
		const live = previous?.replies.filter((m) => m.id > newest) ?? [];
		const thread: ThreadState = { conversation, root: page.root, replies: merge(page.messages, live), hasMoreBefore: page.hasMore };
		this.threads.delete(page.root.id);
		this.threads.set(page.root.id, thread);
		for (const old of [...this.threads.keys()].slice(0, Math.max(0, this.threads.size - MAX_THREADS))) {
			this.threads.delete(old);
		}
		this.report(thread);
		return thread;
	}

	/** Pages back: the replies before the oldest one loaded. */
	async loadOlder(connection: MessageConnection, rootId: number): Promise<void> {
		const thread = this.threads.get(rootId);
		if (!thread || !thread.hasMoreBefore) {
			return;
		}
		const before = thread.replies[0]?.id;
		const page = await request(connection, ThreadRequest, { id: rootId, ...(before !== undefined ? { before } : {}), limit: DEFAULT_HISTORY_LIMIT });
		thread.replies = merge(page.messages, thread.replies);
		thread.hasMoreBefore = page.hasMore;
		this.report(thread);
	}

	/** A reply (live, or the answer to the user's own): added to its thread if that is loaded. */
	addReply(reply: Message): void {
		const thread = reply.replyTo === undefined ? undefined : this.threads.get(reply.replyTo);
		if (thread && !thread.replies.some((m) => m.id === reply.id)) {
			thread.replies = merge(thread.replies, [reply]);
			this.report(thread);
		}
	}

	/** Message `id` changed (an edit, a deletion, reactions): replaced wherever a loaded thread shows it. */
	update(id: number, change: (message: Message) => Message): void {
		for (const thread of this.threads.values()) {
			if (thread.root.id === id) {
				thread.root = change(thread.root);
				this.report(thread);
			} else {
				const index = thread.replies.findIndex((m) => m.id === id);
				if (index >= 0) {
					thread.replies[index] = change(thread.replies[index]);
					this.report(thread);
				}
			}
		}
	}

	/** Threads whose conversation is gone (left, or another nick's DMs) are forgotten. */
	prune(exists: (conversation: string) => boolean): void {
		for (const [id, thread] of this.threads) {
			if (!exists(thread.conversation)) {
				this.threads.delete(id);
			}
		}
	}

	/** Re-sends every loaded thread (a webview that just became ready). */
	snapshot(): ThreadState[] {
		return [...this.threads.values()];
	}

	private report(thread: ThreadState): void {
		this.store.publish({ kind: 'thread', conversation: thread.conversation, root: thread.root, replies: [...thread.replies], hasMoreBefore: thread.hasMoreBefore });
	}
}

/** Both lists' messages, oldest first, each id once (the later copy wins). */
function merge(a: readonly Message[], b: readonly Message[]): Message[] {
	const byId = new Map<number, Message>();
	for (const message of [...a, ...b]) {
		byId.set(message.id, message);
	}
	return [...byId.values()].sort((x, y) => x.id - y.id);
}

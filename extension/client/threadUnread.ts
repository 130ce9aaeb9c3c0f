/**
 * Unread replies of the threads the user takes part in (wrote the root, replied, or was
 * named in a reply; in a DM, every thread): per thread root, how many replies from others
 * the user has not read and how many of them name the user. The server counts them for an
 * account (`initialize`'s `threads`); this keeps the count live between sign-ins: +1 for
 * each reply, cleared when the user reads the thread here or in another window
 * (`conversation/threadRead`). Guests take part in no thread, so nothing is counted for
 * them. Reported through the conversation store as `threadUnread` changes. Knows nothing of VS Code.
 */
import { mentionsNick } from '../../protocol/mentions';
import { isChannelTarget, nickKey } from '../../protocol/names';
import type { ConversationState, Message } from '../../protocol/types';
import type { ConversationStore } from './conversationStore';
import type { ThreadUnreadCount } from './storeChanges';

interface Unread {
	/** Unread replies the server counted at sign-in (their ids are not known). */
	base: number;
	baseMentions: number;
	/** Replies counted live since, oldest first. */
	live: { id: number; mention: boolean }[];
}

export class ThreadUnread {
	/** Store conversation id -> thread root -> its unread replies. */
	private readonly unread = new Map<string, Map<number, Unread>>();
	/** Roots of threads the user takes part in. */
	private readonly takingPart = new Set<number>();
	/** False for a guest (no thread markers on the server). */
	private counting = false;

	/**
	 * `find`: the message `id` of a conversation, when the client has it (a thread's root,
	 * to tell whether the user wrote it).
	 */
	constructor(private readonly store: ConversationStore, private readonly find: (conversation: string, id: number) => Message | undefined) {}

	/** An account signed in: the server's counts replace the ones kept. `undefined`: a guest. */
	signedIn(states: readonly ConversationState[] | undefined): void {
		const before = [...this.unread.keys()];
		this.unread.clear();
		this.counting = states !== undefined;
		for (const state of states ?? []) {
			const conversation = this.store.get(state.conversation)?.id;
			if (conversation === undefined || !state.threads?.length) {
				continue;
			}
			const threads = new Map<number, Unread>();
			for (const thread of state.threads) {
				this.takingPart.add(thread.id);
				if (thread.unread > 0) {
					threads.set(thread.id, { base: thread.unread, baseMentions: thread.mentions, live: [] });
				}
			}
			this.unread.set(conversation, threads);
		}
		for (const conversation of new Set([...before, ...this.unread.keys()])) {
			this.report(conversation);
		}
	}

	/** The guest registered its nick: from now on it takes part in threads. */
	registered(): void {
		this.counting = true;
	}

	/** A reply (message/new with `replyTo`, or the answer to the user's own) in store conversation `conversation`. */
	replyArrived(conversation: string, reply: Message): void {
		const root = reply.replyTo;
		if (root === undefined || !this.counting) {
			return;
		}
		const self = this.store.selfNick;
		if (nickKey(reply.from) === nickKey(self)) {
			// Replying moves the user's marker to the reply: what came before is read.
			this.takingPart.add(root);
			this.read(conversation, root, reply.id);
			return;
		}
		const direct = !isChannelTarget(reply.to);
		const mention = direct || mentionsNick(reply.text, self);
		const rootMessage = this.find(conversation, root);
		const takesPart = direct || mention || this.takingPart.has(root) || (rootMessage !== undefined && nickKey(rootMessage.from) === nickKey(self));
		if (!takesPart) {
			return;
		}
		this.takingPart.add(root);
		let threads = this.unread.get(conversation);
		if (!threads) {
			threads = new Map();
			this.unread.set(conversation, threads);
		}
		const entry = threads.get(root) ?? { base: 0, baseMentions: 0, live: [] };
		if (entry.live.some((r) => r.id === reply.id)) {
			return;
		}
		entry.live.push({ id: reply.id, mention });
		threads.set(root, entry);
		this.report(conversation);
	}

	/**
	 * The user read thread `root` up to reply `upTo` (undefined: all of it): opened here
	 * (message/thread moves the marker), or read in another window (conversation/threadRead).
	 */
	read(conversation: string, root: number, upTo?: number): void {
		const entry = this.unread.get(conversation)?.get(root);
		if (!entry) {
			return;
		}
		entry.base = 0;
		entry.baseMentions = 0;
		entry.live = upTo === undefined ? [] : entry.live.filter((r) => r.id > upTo);
		if (entry.live.length === 0) {
			this.unread.get(conversation)!.delete(root);
		}
		this.report(conversation);
	}

	/** The counts of `conversation`'s threads with unread replies, oldest root first. */
	counts(conversation: string): ThreadUnreadCount[] {
		return [...(this.unread.get(conversation) ?? new Map<number, Unread>()).entries()]
			.map(([id, u]) => ({ id, unread: u.base + u.live.length, mentions: u.baseMentions + u.live.filter((r) => r.mention).length }))
			.filter((c) => c.unread > 0)
			.sort((a, b) => a.id - b.id);
	}

	/** Conversations with unread thread replies (a webview that just became ready). */
	conversations(): string[] {
		return [...this.unread.keys()].filter((c) => this.counts(c).length > 0);
	}

	private report(conversation: string): void {
		this.store.publish({ kind: 'threadUnread', conversation, threads: this.counts(conversation) });
	}
}

/**
 * What the webview knows: connection, conversations, their timelines and members.
 * Plain data and updates; the views read it and app.ts decides what to redraw.
 */
import { nickKey } from '../protocol/names';
import type { ConnectionState, ConversationView, MemberView, ThreadUnreadView, TimelineItem } from '../protocol/webview';
import type { Message } from '../protocol/types';
import type { CommandSpec } from './slashCommands';

/** A line only this user sees (help, command errors, host notices). */
export interface NoticeItem {
	kind: 'notice';
	id: string;
	ts: number;
	text: string;
	level: 'info' | 'error';
	/** For /help: the commands, shown as a table under `text`. */
	commands?: readonly CommandSpec[];
	hint?: string;
}

/** A message the server refused after it was queued: kept with its text until the user is done with it. */
export interface FailedItem {
	kind: 'failed';
	id: string;
	ts: number;
	conversation: string;
	text: string;
	reason: string;
}

export type ViewItem = TimelineItem | NoticeItem | FailedItem;

/** Items the webview keeps itself: a timeline from the host does not replace them. */
type LocalItem = NoticeItem | FailedItem;

function isLocal(item: ViewItem): item is LocalItem {
	return item.kind === 'notice' || item.kind === 'failed';
}

export interface Timeline {
	items: ViewItem[];
	keys: Set<string>;
	hasMoreBefore: boolean;
	/** A loadOlder request is outstanding; no second one until it is answered. */
	loadingOlder: boolean;
}

export interface Connection {
	state: ConnectionState;
	server: string;
	nick?: string;
	detail?: string;
}

/** A stable identity for an item, used to de-duplicate and to remember scroll positions. */
export function itemKey(item: ViewItem): string {
	switch (item.kind) {
		case 'message':
			if (item.pending) {
				return item.message.clientMsgId !== undefined ? `p:${item.message.clientMsgId}` : `p:${item.message.id}:${item.message.ts}`;
			}
			return `m:${item.message.id}`;
		case 'event':
			return `e:${item.id}`;
		case 'notice':
			return `n:${item.id}`;
		case 'failed':
			return `f:${item.id}`;
	}
}

function timelineOf(items: ViewItem[], hasMoreBefore: boolean): Timeline {
	const unique: ViewItem[] = [];
	const keys = new Set<string>();
	for (const item of items) {
		const key = itemKey(item);
		if (!keys.has(key)) {
			keys.add(key);
			unique.push(item);
		}
	}
	return { items: unique, keys, hasMoreBefore, loadingOlder: false };
}

function itemTs(item: ViewItem): number {
	return item.kind === 'message' ? item.message.ts : item.ts;
}

let noticeSeq = 0;

export class Store {
	connection: Connection = { state: 'connecting', server: '' };
	conversations: ConversationView[] = [];
	active: string | undefined;
	readonly timelines = new Map<string, Timeline>();
	readonly members = new Map<string, MemberView[]>();
	/** Per conversation, the threads the user takes part in with unread replies, by root id. */
	readonly threadUnread = new Map<string, Map<number, ThreadUnreadView>>();

	conversation(id: string | undefined): ConversationView | undefined {
		return id === undefined ? undefined : this.conversations.find((c) => c.id === id);
	}

	/** Sidebar order: channels, then direct messages, each alphabetical. */
	ordered(): ConversationView[] {
		const byName = (a: ConversationView, b: ConversationView) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' });
		return [...this.conversations.filter((c) => c.kind === 'channel').sort(byName), ...this.conversations.filter((c) => c.kind === 'dm').sort(byName)];
	}

	/** The unread replies of the thread rooted at message `id` (ids are unique across conversations). */
	threadUnreadOf(id: number): ThreadUnreadView | undefined {
		for (const threads of this.threadUnread.values()) {
			const found = threads.get(id);
			if (found) {
				return found;
			}
		}
		return undefined;
	}

	isSelf(nick: string): boolean {
		return this.connection.nick !== undefined && nickKey(nick) === nickKey(this.connection.nick);
	}

	private mentionPattern: { nick: string; re: RegExp } | undefined;

	/** True when `text` names the user as a whole word (`kim`, `@kim`, `kim:`). */
	mentionsSelf(text: string): boolean {
		const nick = this.connection.nick;
		if (!nick) {
			return false;
		}
		if (this.mentionPattern?.nick !== nick) {
			const escaped = nick.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
			this.mentionPattern = { nick, re: new RegExp(`(^|[^A-Za-z0-9_-])@?${escaped}($|[^A-Za-z0-9_-])`, 'i') };
		}
		return this.mentionPattern.re.test(text);
	}

	/** Replaces a timeline, keeping local notices and failed messages where they were in time. */
	replaceTimeline(conversation: string, items: ViewItem[], hasMoreBefore: boolean): Timeline {
		const merged = [...items];
		for (const notice of this.timelines.get(conversation)?.items.filter(isLocal) ?? []) {
			let at = merged.length;
			while (at > 0 && itemTs(merged[at - 1]) > notice.ts) {
				at--;
			}
			merged.splice(at, 0, notice);
		}
		const timeline = timelineOf(merged, hasMoreBefore);
		this.timelines.set(conversation, timeline);
		return timeline;
	}

	/** Adds new items at the end, skipping ones already present; returns how many were added. */
	append(conversation: string, items: ViewItem[]): number {
		let timeline = this.timelines.get(conversation);
		if (!timeline) {
			// Not opened yet: keep what arrives; the host sends the full timeline on open.
			timeline = this.replaceTimeline(conversation, [], true);
		}
		let added = 0;
		for (const item of items) {
			const key = itemKey(item);
			if (!timeline.keys.has(key)) {
				timeline.keys.add(key);
				timeline.items.push(item);
				added++;
			}
		}
		return added;
	}

	/** Adds older items at the start; returns how many were added. */
	prepend(conversation: string, items: ViewItem[], hasMoreBefore: boolean): number {
		const timeline = this.timelines.get(conversation);
		if (!timeline) {
			this.replaceTimeline(conversation, items, hasMoreBefore);
			return items.length;
		}
		const fresh = items.filter((item) => !timeline.keys.has(itemKey(item)));
		for (const item of fresh) {
			timeline.keys.add(itemKey(item));
		}
		timeline.items.unshift(...fresh);
		timeline.hasMoreBefore = hasMoreBefore;
		timeline.loadingOlder = false;
		return fresh.length;
	}

	/**
	 * Replaces a pending message by the stored one. Returns the index changed, or removed
	 * when the stored copy was already there, or undefined when nothing matched.
	 */
	acknowledge(conversation: string, clientMsgId: string, message: Message): { index: number; removed: boolean } | undefined {
		const timeline = this.timelines.get(conversation);
		if (!timeline) {
			return undefined;
		}
		const index = timeline.items.findIndex((i) => i.kind === 'message' && i.pending === true && i.message.clientMsgId === clientMsgId);
		if (index < 0) {
			return undefined;
		}
		timeline.keys.delete(itemKey(timeline.items[index]));
		const stored: ViewItem = { kind: 'message', message };
		const key = itemKey(stored);
		if (timeline.keys.has(key)) {
			timeline.items.splice(index, 1);
			return { index, removed: true };
		}
		timeline.keys.add(key);
		timeline.items[index] = stored;
		return { index, removed: false };
	}

	/** A failed message: its conversation and index there. */
	findFailed(id: string): { item: FailedItem; conversation: string; index: number } | undefined {
		for (const [conversation, timeline] of this.timelines) {
			const index = timeline.items.findIndex((i) => i.kind === 'failed' && i.id === id);
			if (index >= 0) {
				return { item: timeline.items[index] as FailedItem, conversation, index };
			}
		}
		return undefined;
	}

	removeFailed(id: string): { conversation: string; index: number } | undefined {
		const found = this.findFailed(id);
		if (found) {
			const timeline = this.timelines.get(found.conversation)!;
			timeline.items.splice(found.index, 1);
			timeline.keys.delete(itemKey(found.item));
		}
		return found;
	}

	/** Nicks to offer after `@`: the open conversation's members, then everyone else known; not the user. */
	knownNicks(): string[] {
		const seen = new Set<string>();
		const nicks: string[] = [];
		const add = (nick: string) => {
			const key = nickKey(nick);
			if (!seen.has(key) && !this.isSelf(nick)) {
				seen.add(key);
				nicks.push(nick);
			}
		};
		const active = this.conversation(this.active);
		if (active?.kind === 'dm') {
			add(active.name);
		}
		for (const nick of (this.members.get(this.active ?? '') ?? []).map((m) => m.nick).sort((a, b) => a.localeCompare(b))) {
			add(nick);
		}
		const rest = [...this.conversations.filter((c) => c.kind === 'dm').map((c) => c.name), ...[...this.members.values()].flat().map((m) => m.nick)];
		for (const nick of rest.sort((a, b) => a.localeCompare(b))) {
			add(nick);
		}
		return nicks;
	}

	notice(text: string, level: 'info' | 'error', extra: Pick<NoticeItem, 'commands' | 'hint'> = {}): NoticeItem {
		return { kind: 'notice', id: `${Date.now()}-${++noticeSeq}`, ts: Date.now(), text, level, ...extra };
	}

	/** The id to pass as `before` when asking for older history. */
	oldestMessageId(conversation: string): number | undefined {
		const timeline = this.timelines.get(conversation);
		for (const item of timeline?.items ?? []) {
			if (item.kind === 'message' && !item.pending) {
				return item.message.id;
			}
		}
		return undefined;
	}
}

import { Emitter, type Event } from 'vscode-jsonrpc/node';
import type { ChannelInfo, ChannelRole, MemberDetail, Message } from '../../protocol/types';
import { isChannelTarget, nickKey, normalizeChannel } from '../../protocol/names';
import { Conversation } from './conversation';
import type { ConversationState } from '../../protocol/types';
import { countInserted, countMissed, moveMarker } from './readState';
import { describeRole, findMember, toDetails, updated, withJoined, without, withPresence } from './memberList';
import type { ConversationSummary, StoreChange } from './storeChanges';

export type { StoreChange } from './storeChanges';

/** The conversation id of a message target: `#channel` in lower case, or the nick key. */
export function conversationId(target: string): string {
	return isChannelTarget(target) ? normalizeChannel(target) : nickKey(target);
}

/** A conversation as the offline cache keeps it. */
export interface RestoredConversation {
	id: string;
	kind: 'channel' | 'dm';
	name: string;
	topic?: string;
	joined: boolean;
	hasMoreBefore: boolean;
	messages: readonly Message[];
}

export interface ReadMarkerMoved {
	/** The store's id. */
	conversation: string;
	/** As the protocol names it: `#channel`, or the other party's nick. */
	target: string;
	id: number;
}

export interface PendingSettled {
	clientMsgId: string;
	message: Message;
}

/**
 * Every conversation of the session: messages (each at most once, in id order),
 * pending outbox items, members, unread and mention counts, and which conversation
 * is active. Knows nothing of sockets or VS Code; it reports changes through
 * `onDidChange` (see storeChanges.ts).
 */
export class ConversationStore {
	private readonly conversations = new Map<string, Conversation>();
	private self = '';
	private activeId: string | undefined;
	private visible = false;
	/** A restored panel's open conversation, not known yet (restoreActive). */
	private wantedActive: string | undefined;
	/** The conversation whose newest messages the panel shows as they come (the webview says). */
	private followingId: string | undefined;
	/** Read markers are the server's (an account): see readState.ts. */
	private serverMarkers = false;
	/** Who is online, as far as member lists and user/presence have told (nick key -> online). */
	private readonly presence = new Map<string, boolean>();
	private readonly changeEmitter = new Emitter<StoreChange>();
	readonly onDidChange: Event<StoreChange> = this.changeEmitter.event;
	private readonly readEmitter = new Emitter<ReadMarkerMoved>();
	/** The user read up to a message here (not when the server said so): tell the server. */
	readonly onDidRead: Event<ReadMarkerMoved> = this.readEmitter.event;
	private readonly settleEmitter = new Emitter<PendingSettled>();
	/**
	 * A pending item's message arrived by another way than the message/send answer
	 * (history after a reconnect whose answer was lost): the outbox entry is done.
	 * Fired before the change that shows it.
	 */
	readonly onDidSettlePending: Event<PendingSettled> = this.settleEmitter.event;

	/** The user's own nick: it decides which side of a DM is "the other" and what a mention is. */
	setSelf(nick: string): void {
		this.self = nick;
	}

	get selfNick(): string {
		return this.self;
	}

	get(id: string): Conversation | undefined {
		return this.conversations.get(conversationId(id));
	}

	list(): Conversation[] {
		return [...this.conversations.values()].sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'channel' ? -1 : 1));
	}

	joinedChannels(): Conversation[] {
		return this.list().filter((c) => c.kind === 'channel' && c.joined);
	}

	directConversations(): Conversation[] {
		return this.list().filter((c) => c.kind === 'dm');
	}

	get active(): string | undefined {
		return this.activeId;
	}

	/** Opens a channel conversation (empty, not yet loaded) if there is none. */
	ensureChannel(name: string): Conversation {
		return this.ensure(normalizeChannel(name), 'channel', normalizeChannel(name));
	}

	ensureDirect(nick: string): Conversation {
		const conversation = this.ensure(nickKey(nick), 'dm', nick);
		conversation.name = nick;
		conversation.peerOnline ??= this.presence.get(nickKey(nick));
		return conversation;
	}

	/** Channels the user was in last session; rejoined on the next connect. */
	restoreChannels(names: readonly string[]): void {
		for (const name of names) {
			this.ensureChannel(name).joined = true;
		}
		this.emitConversations();
	}

	/**
	 * Conversations kept from an earlier session (the offline cache): shown with their
	 * latest messages, and caught up after the newest one on the next connect.
	 */
	restore(conversations: readonly RestoredConversation[]): void {
		for (const saved of conversations) {
			if (this.get(saved.id)) {
				continue;
			}
			const conversation = saved.kind === 'channel' ? this.ensureChannel(saved.name) : this.ensureDirect(saved.name);
			conversation.topic = saved.topic || undefined;
			conversation.joined = saved.kind === 'channel' && saved.joined;
			conversation.reset(saved.messages, saved.hasMoreBefore);
			this.fireTimeline(conversation);
		}
		this.emitConversations();
	}

	/** Signed in as another nick: the DMs were the other nick's, so they go. */
	dropDirectConversations(): void {
		for (const conversation of this.directConversations()) {
			this.conversations.delete(conversation.id);
		}
		if (this.activeId !== undefined && !this.conversations.has(this.activeId)) {
			this.activeId = this.list()[0]?.id;
		}
		this.emitConversations();
	}

	views(): ConversationSummary[] {
		return this.list().map((c) => c.view());
	}

	totals(): { unread: number; mentions: number } {
		let unread = 0;
		let mentions = 0;
		for (const c of this.conversations.values()) {
			unread += c.unread;
			mentions += c.mentions;
		}
		return { unread, mentions };
	}

	setActive(id: string | undefined): void {
		const conversation = id === undefined ? undefined : this.get(id);
		if (this.activeId !== conversation?.id) {
			this.followingId = undefined;
		}
		this.activeId = conversation?.id;
		this.wantedActive = undefined;
		this.emitConversations();
	}

	/**
	 * The conversation a restored panel had open: active now if it is known, else as soon as
	 * it is (the server lists it once signed in), unless something else is opened first.
	 */
	restoreActive(id: string): void {
		if (this.get(id)) {
			this.setActive(id);
		} else {
			this.wantedActive = conversationId(id);
		}
	}

	/** Whether the chat panel is visible: only then can the user be following a conversation. */
	setVisible(visible: boolean): void {
		this.visible = visible;
	}

	/** Whether new messages of `id` are read as they arrive: the visible panel shows its newest ones. */
	isFollowed(id: string): boolean {
		return this.visible && this.followingId !== undefined && this.followingId === this.activeId && this.followingId === conversationId(id);
	}

	/** Read markers come from the server (an account signed in) or are kept here (a guest). */
	setServerMarkers(serverMarkers: boolean): void {
		this.serverMarkers = serverMarkers;
	}

	/** A guest became an account: what it read as a guest is reported, so the server starts from there. */
	reportReadMarkers(): void {
		for (const conversation of this.conversations.values()) {
			if (conversation.lastReadId > 0) {
				this.fireRead(conversation);
			}
		}
	}

	/**
	 * An account's conversations as `initialize` reports them: each channel it is a member of
	 * and each DM, with the server's read marker and counts. Channels it is no longer in
	 * (left in another window, kicked meanwhile) go. Returns the channels that went.
	 */
	applyServerState(states: readonly ConversationState[]): string[] {
		this.serverMarkers = true;
		const channels = new Set<string>();
		for (const state of states) {
			const conversation = isChannelTarget(state.conversation) ? this.ensureChannel(state.conversation) : this.ensureDirect(state.conversation);
			if (conversation.kind === 'channel') {
				conversation.joined = true;
				channels.add(conversation.id);
			}
			conversation.lastReadId = state.lastReadId;
			conversation.countedUpTo = state.lastMessageId;
			conversation.unread = state.unread;
			conversation.mentions = state.mentions;
			if (conversation.kind === 'dm' && state.status !== undefined) {
				// Current servers say where the other party is, away included, at sign-in.
				this.notePresence(conversation.name, state.status !== 'offline', state.status === 'away', state.statusText);
			}
		}
		const gone = this.joinedChannels().filter((c) => !channels.has(c.id)).map((c) => c.id);
		for (const id of gone) {
			this.conversations.delete(id);
		}
		if (this.activeId !== undefined && !this.conversations.has(this.activeId)) {
			this.activeId = this.list()[0]?.id;
		}
		this.emitConversations();
		return gone;
	}

	/**
	 * The panel showed messages up to `id` in conversation `conversationKey`; `following`: it
	 * shows its newest ones as they come. Moves the read marker (never back).
	 */
	markSeen(conversationKey: string, id: number, following: boolean): void {
		const conversation = this.get(conversationKey);
		if (!conversation) {
			return;
		}
		if (following) {
			this.followingId = conversation.id;
		} else if (this.followingId === conversation.id) {
			this.followingId = undefined;
		}
		if (id > 0 && moveMarker(conversation, Math.min(id, conversation.lastSeenId), this.self)) {
			this.fireRead(conversation);
			this.emitConversations();
		}
	}

	/** Another window of the account read up to `id` (conversation/read). */
	applyRead(target: string, id: number): void {
		const conversation = this.get(target);
		if (conversation && moveMarker(conversation, id, this.self)) {
			this.emitConversations();
		}
	}
	/** Which conversation a message belongs to: its channel, or the other party of a DM. */
	conversationOf(message: Message): Conversation {
		if (isChannelTarget(message.to)) {
			return this.ensureChannel(message.to);
		}
		const other = nickKey(message.from) === nickKey(this.self) ? message.to : message.from;
		return this.ensureDirect(other);
	}

	/**
	 * Adds messages (live or fetched), skipping ids already stored. `countUnread` is false
	 * for history the user is merely shown (first join, paging back). Returns the new ones.
	 */
	addMessages(messages: readonly Message[], countUnread: boolean): Message[] {
		const byConversation = new Map<Conversation, Message[]>();
		for (const message of messages) {
			const conversation = this.conversationOf(message);
			byConversation.set(conversation, [...(byConversation.get(conversation) ?? []), message]);
		}
		const added: Message[] = [];
		for (const [conversation, batch] of byConversation) {
			added.push(...this.insertInto(conversation, batch, countUnread));
		}
		if (added.length > 0) {
			this.emitConversations();
		}
		return added;
	}

	/**
	 * Applies a channel/join answer. The first time, its history becomes the timeline;
	 * on a rejoin it is merged, and what is newer than the last id seen counts as unread.
	 */
	applyJoin(channel: ChannelInfo, members: readonly (string | MemberDetail)[], history: readonly Message[], hasMoreBefore: boolean, role?: ChannelRole): Conversation {
		const conversation = this.ensureChannel(channel.name);
		conversation.joined = true;
		this.applyChannelInfo(conversation, channel);
		this.setMembers(conversation, members, role);
		if (conversation.loaded) {
			const seen = conversation.lastSeenId;
			this.insertInto(conversation, history.filter((m) => m.id > seen), true);
			this.insertInto(conversation, history.filter((m) => m.id <= seen), false);
		} else {
			conversation.reset(history, hasMoreBefore);
			this.countShown(conversation, history);
			this.resolvePending(conversation, history);
			this.fireTimeline(conversation);
		}
		this.fireMembers(conversation);
		this.emitConversations();
		return conversation;
	}

	/** A channel's settings and members as read again (server/resync), without a join. */
	refreshChannel(id: string, channel: ChannelInfo | undefined, members: readonly MemberDetail[]): void {
		const conversation = this.get(id);
		if (!conversation || conversation.kind !== 'channel') {
			return;
		}
		if (channel) {
			this.applyChannelInfo(conversation, channel);
		}
		this.setMembers(conversation, members);
		this.fireMembers(conversation);
		this.emitConversations();
	}

	/** A channel's member list as the server answered it, the user's role in it, and what it says of each member's presence. */
	private setMembers(conversation: Conversation, members: readonly (string | MemberDetail)[], role?: ChannelRole): void {
		conversation.members = toDetails(members);
		conversation.role = role ?? findMember(conversation.members, this.self)?.role ?? conversation.role;
		for (const member of conversation.members) {
			this.notePresence(member.nick, member.online, member.away === true, member.statusText);
		}
	}

	/**
	 * Replaces a conversation's timeline by `latest` (too much was missed to fetch it
	 * all), keeping anything newer that already arrived live. The user pages back for more.
	 */
	resetTo(id: string, latest: readonly Message[], missed: readonly Message[]): void {
		const conversation = this.get(id);
		if (!conversation) {
			return;
		}
		const newest = latest.reduce((top, m) => Math.max(top, m.id), 0);
		conversation.reset([...latest, ...conversation.messagesAfter(newest)], true);
		this.resolvePending(conversation, latest);
		if (this.isFollowed(conversation.id)) {
			this.readTo(conversation, conversation.lastSeenId);
		} else {
			countMissed(conversation, missed, this.self);
		}
		this.fireTimeline(conversation);
		this.emitConversations();
	}

	/** Sets a DM's first page of history. */
	applyDirectHistory(nick: string, messages: readonly Message[], hasMoreBefore: boolean): Conversation {
		const conversation = this.ensureDirect(nick);
		if (conversation.loaded) {
			this.insertInto(conversation, messages, false);
		} else {
			conversation.reset(messages, hasMoreBefore);
			this.countShown(conversation, messages);
			this.fire({ kind: 'timeline', conversation: conversation.id, entries: conversation.timeline(), hasMoreBefore });
		}
		return conversation;
	}

	/** Older messages from paging back; reported as `prepend` with what was new. */
	prependOlder(id: string, messages: readonly Message[], hasMoreBefore: boolean): void {
		const conversation = this.get(id);
		if (!conversation) {
			return;
		}
		const { inserted } = conversation.insert(messages);
		conversation.hasMoreBefore = hasMoreBefore;
		const items = inserted.map((message) => ({ kind: 'message' as const, message }));
		this.fire({ kind: 'prepended', conversation: conversation.id, entries: items, hasMoreBefore });
	}

	addPending(conversationKey: string, to: string, text: string, clientMsgId: string): void {
		const conversation = this.get(conversationKey);
		if (!conversation) {
			return;
		}
		const item = conversation.addPending(this.self, to, text, clientMsgId);
		this.fire({ kind: 'appended', conversation: conversation.id, entries: [item] });
	}

	/**
	 * The server stored an outbox message: replace the pending item by it, where its id puts
	 * it (after what others said meanwhile), so every member sees the same order.
	 */
	acknowledge(clientMsgId: string, message: Message): void {
		const conversation = this.conversationOf(message);
		// In place only when the pending item is the first one and the message goes last.
		const first = conversation.firstPending === clientMsgId;
		const wasPending = conversation.removePending(clientMsgId);
		const { inserted, atEnd, trimmed } = conversation.insert([message]);
		if (wasPending && first && inserted.length === 1 && atEnd && !trimmed) {
			this.fire({ kind: 'acknowledged', conversation: conversation.id, clientMsgId, message });
		} else if (wasPending || inserted.length > 0) {
			this.fireTimeline(conversation);
		}
	}

	/** The server refused an outbox message for good: drop its pending item. */
	dropPending(conversationKey: string, clientMsgId: string): void {
		const conversation = this.get(conversationKey);
		if (conversation?.removePending(clientMsgId)) {
			this.fireTimeline(conversation);
		}
	}

	addEvent(id: string, text: string): void {
		const conversation = this.get(id);
		if (conversation) {
			const item = conversation.addEvent(text);
			this.fire({ kind: 'appended', conversation: conversation.id, entries: [item] });
		}
	}

	memberJoined(channel: string, nick: string): void {
		const conversation = this.get(channel);
		if (!conversation || conversation.kind !== 'channel') {
			return;
		}
		conversation.members = withJoined(conversation.members, nick);
		this.notePresence(nick, true);
		this.fireMembers(conversation);
		this.addEvent(conversation.id, `${nick} joined ${conversation.name}`);
		this.emitConversations();
	}

	memberLeft(channel: string, nick: string, reason?: string): void {
		const conversation = this.get(channel);
		if (!conversation || conversation.kind !== 'channel') {
			return;
		}
		conversation.members = without(conversation.members, nick);
		this.fireMembers(conversation);
		this.addEvent(conversation.id, `${nick} left ${conversation.name}${reason ? ` (${reason})` : ''}`);
		this.emitConversations();
	}

	/** The user was kicked or banned from a channel: it stays, saying why, but takes no messages. */
	removedFrom(channel: string, reason: string): void {
		const conversation = this.get(channel);
		if (!conversation || conversation.kind !== 'channel') {
			return;
		}
		conversation.joined = false;
		conversation.role = undefined;
		conversation.members = without(conversation.members, this.self);
		this.fireMembers(conversation);
		this.addEvent(conversation.id, `You were removed from ${conversation.name} (${reason})`);
		this.emitConversations();
	}

	/** user/presence: a member comes online, goes away or offline (an account's disconnect is not a leave). */
	presenceChanged(nick: string, status: 'online' | 'away' | 'offline', text?: string): void {
		const online = status !== 'offline';
		const away = status === 'away';
		const statusText = online && text ? text : undefined;
		this.notePresence(nick, online, away, statusText);
		for (const conversation of this.conversations.values()) {
			const list = withPresence(conversation.members, nick, online, away, statusText);
			if (list) {
				conversation.members = list;
				this.fireMembers(conversation);
			}
		}
		this.emitConversations();
	}

	roleChanged(channel: string, nick: string, role: ChannelRole, by: string): void {
		const conversation = this.get(channel);
		if (!conversation || conversation.kind !== 'channel') {
			return;
		}
		const mine = nickKey(nick) === nickKey(this.self);
		if (mine) {
			conversation.role = role;
		}
		conversation.members = updated(conversation.members, nick, { role }) ?? conversation.members;
		this.fireMembers(conversation);
		this.addEvent(conversation.id, `${by} made ${mine ? 'you' : nick} ${describeRole(role)}`);
		this.emitConversations();
	}

	topicChanged(channel: string, topic: string, by: string): void {
		const conversation = this.get(channel);
		if (!conversation) {
			return;
		}
		conversation.topic = topic || undefined;
		this.addEvent(conversation.id, topic ? `${by} set the topic: ${topic}` : `${by} cleared the topic`);
		this.emitConversations();
	}

	/** channel/updated: the channel's settings (topic protection) changed. */
	channelUpdated(channel: ChannelInfo, by: string): void {
		const conversation = this.get(channel.name);
		if (!conversation || conversation.kind !== 'channel') {
			return;
		}
		const wasProtected = conversation.topicProtected;
		this.applyChannelInfo(conversation, channel);
		if (wasProtected !== conversation.topicProtected) {
			this.addEvent(conversation.id, conversation.topicProtected ? `${by} protected the topic: only ops set it now` : `${by} lifted the topic protection: any member may set it`);
		}
		this.emitConversations();
	}

	/** Someone (maybe the user) changed nick: update member lists and say so where they are. */
	nickChanged(oldNick: string, newNick: string): void {
		const mine = nickKey(oldNick) === nickKey(this.self);
		if (mine) {
			this.self = newNick;
		}
		const online = this.presence.get(nickKey(oldNick));
		if (online !== undefined) {
			this.presence.delete(nickKey(oldNick));
			this.presence.set(nickKey(newNick), online);
		}
		for (const conversation of this.conversations.values()) {
			const renamed = updated(conversation.members, oldNick, { nick: newNick });
			const isMember = findMember(conversation.members, oldNick) !== undefined;
			const isPeer = conversation.kind === 'dm' && conversation.id === nickKey(oldNick);
			if (renamed) {
				conversation.members = renamed;
				this.fireMembers(conversation);
			}
			if (isMember || isPeer || mine) {
				this.addEvent(conversation.id, `${oldNick} is now known as ${newNick}`);
			}
		}
		this.emitConversations();
	}

	/** The user left a channel or closed a DM. */
	remove(id: string): void {
		const conversation = this.get(id);
		if (!conversation) {
			return;
		}
		this.conversations.delete(conversation.id);
		if (this.activeId === conversation.id) {
			this.activeId = this.list()[0]?.id;
		}
		this.emitConversations();
	}

	/**
	 * Replaces stored message `id` of conversation `target` by `update(message)` (an edit, a
	 * deletion, reactions, thread counts): reported as `messageUpdated`. False when not stored.
	 */
	updateMessage(target: string, id: number, update: (message: Message) => Message): boolean {
		const conversation = this.get(target);
		const message = conversation?.replaceMessage(id, update);
		if (!conversation || !message) {
			return false;
		}
		this.fire({ kind: 'messageUpdated', conversation: conversation.id, message });
		return true;
	}

	/** Reports a change kept elsewhere (threads.ts) to whoever listens to this store. */
	publish(change: StoreChange): void {
		this.fire(change);
	}

	/** Re-sends every timeline (a webview that just became ready). */
	snapshot(): StoreChange[] {
		return [
			{ kind: 'conversations', conversations: this.views(), ...(this.activeId ? { active: this.activeId } : {}) },
			// A conversation not loaded yet has no timeline to show (not an empty one: that would read "the beginning").
			...this.list().filter((c) => c.loaded || c.timeline().length > 0)
				.map((c): StoreChange => ({ kind: 'timeline', conversation: c.id, entries: c.timeline(), hasMoreBefore: c.hasMoreBefore || !c.loaded })),
			...this.list().flatMap((c): StoreChange[] => (c.members ? [{ kind: 'members', conversation: c.id, members: c.members.map((m) => ({ ...m })) }] : [])),
		];
	}

	dispose(): void {
		this.changeEmitter.dispose();
		this.settleEmitter.dispose();
		this.readEmitter.dispose();
	}

	private ensure(id: string, kind: 'channel' | 'dm', name: string): Conversation {
		let conversation = this.conversations.get(id);
		if (!conversation) {
			conversation = new Conversation(id, kind, name);
			this.conversations.set(id, conversation);
			if (this.wantedActive === id) {
				this.wantedActive = undefined;
				this.activeId = id;
			}
			this.activeId ??= id;
			this.emitConversations();
		}
		return conversation;
	}

	private insertInto(conversation: Conversation, messages: readonly Message[], countUnread: boolean): Message[] {
		if (messages.length === 0) {
			return [];
		}
		const { inserted, atEnd, trimmed } = conversation.insert(messages);
		const resolved = this.resolvePending(conversation, inserted);
		const readTo = countInserted(conversation, inserted, this.self, { countUnread, followed: this.isFollowed(conversation.id), serverMarker: this.serverMarkers });
		if (readTo !== undefined) {
			this.fireRead(conversation);
		}
		if (inserted.length > 0) {
			// `appended` adds after everything shown, pending messages included: with some
			// pending, new messages go before them, so the whole timeline is sent.
			if (atEnd && !trimmed && !resolved && conversation.pendingCount === 0) {
				this.fire({ kind: 'appended', conversation: conversation.id, entries: inserted.map((message) => ({ kind: 'message', message })) });
			} else {
				this.fireTimeline(conversation);
			}
		}
		return inserted;
	}

	/** Drops pending items whose message arrived by another way (history after a lost answer). */
	private resolvePending(conversation: Conversation, messages: readonly Message[]): boolean {
		let resolved = false;
		for (const message of messages) {
			if (message.clientMsgId !== undefined && nickKey(message.from) === nickKey(this.self) && conversation.removePending(message.clientMsgId)) {
				resolved = true;
				this.settleEmitter.fire({ clientMsgId: message.clientMsgId, message });
			}
		}
		return resolved;
	}

	/**
	 * History shown on first load: read for a guest, or if the user follows the conversation.
	 * For an account, what the server counted stays unread; a conversation it has no state
	 * for was just joined, and the server marked its history read then.
	 */
	private countShown(conversation: Conversation, messages: readonly Message[]): void {
		const justJoined = this.serverMarkers && conversation.countedUpTo === 0;
		const readTo = countInserted(conversation, messages, this.self, { countUnread: false, followed: this.isFollowed(conversation.id), serverMarker: this.serverMarkers && !justJoined });
		if (readTo !== undefined && !justJoined) {
			this.fireRead(conversation);
		}
	}

	private readTo(conversation: Conversation, id: number): void {
		if (moveMarker(conversation, id, this.self)) {
			this.fireRead(conversation);
		}
	}

	private fireRead(conversation: Conversation): void {
		this.readEmitter.fire({ conversation: conversation.id, target: conversation.kind === 'channel' ? conversation.id : conversation.name, id: conversation.lastReadId });
	}

	private applyChannelInfo(conversation: Conversation, channel: ChannelInfo): void {
		conversation.topic = channel.topic || undefined;
		conversation.isPrivate = channel.private === true;
		conversation.topicProtected = channel.topicProtected === true;
	}

	private notePresence(nick: string, online: boolean, away = false, statusText?: string): void {
		this.presence.set(nickKey(nick), online);
		const dm = this.conversations.get(nickKey(nick));
		if (dm?.kind === 'dm') {
			dm.peerOnline = online;
			dm.peerAway = away;
			dm.peerStatusText = statusText;
		}
	}

	private fireMembers(conversation: Conversation): void {
		this.fire({ kind: 'members', conversation: conversation.id, members: (conversation.members ?? []).map((m) => ({ ...m })) });
	}

	private fireTimeline(conversation: Conversation): void {
		this.fire({ kind: 'timeline', conversation: conversation.id, entries: conversation.timeline(), hasMoreBefore: conversation.hasMoreBefore || !conversation.loaded });
	}

	private emitConversations(): void {
		this.fire({ kind: 'conversations', conversations: this.views(), ...(this.activeId ? { active: this.activeId } : {}) });
	}

	private fire(change: StoreChange): void {
		this.changeEmitter.fire(change);
	}
}

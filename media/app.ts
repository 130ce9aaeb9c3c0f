/**
 * The chat panel: lays out the views, applies host messages to the store and redraws what
 * they touch, and turns user actions into WebviewMessages.
 */
import { Banner } from './banner';
import { COMMANDS, HELP_HINT, interpret } from './slashCommands';
import { Composer, type SubmitOutcome } from './composer';
import { FailedMessages } from './failedMessages';
import { el } from './dom';
import { Header } from './header';
import { installKeyboard } from './keyboard';
import { installLinkHandling } from './links';
import { MemberList } from './members';
import { PopupMenu, type MenuItem } from './menu';
import type { ConversationView, HostMessage, WebviewMessage } from '../protocol/webview';
import { Sidebar } from './sidebar';
import { Store, type NoticeItem } from './state';
import { Switcher } from './switcher';
import { installSearchKey, SearchBox } from './search';
import { TypingIndicator, TypingSender } from './typing';
import { TimelineView, type ShowAnchor } from './timeline';
import { loadState, post, saveState, type PersistedState } from './vscodeApi';
import { MessageFeatures, isMessageHostMessage } from './messageFeatures';
import { welcome } from './welcome';

/** Key for notices shown while no conversation is open. */
const NOWHERE = '';
/** A loadOlder request unanswered this long may be sent again. */
const LOAD_OLDER_RETRY_MS = 10_000;

export class App {
	private readonly store = new Store();
	private readonly state: PersistedState = loadState();
	private readonly root: HTMLElement;
	private readonly sidebar: Sidebar;
	private readonly header: Header;
	private readonly banner: Banner;
	private readonly timeline: TimelineView;
	private readonly composer: Composer;
	private readonly members: MemberList;
	private readonly switcher: Switcher;
	private readonly menu = new PopupMenu();
	private firstConversations = true;
	/** Below this width the member list is an overlay, closed unless toggled open. */
	private readonly narrow = window.matchMedia('(max-width: 760px)');
	private membersOverlayOpen = false;
	/** The conversation the timeline view currently shows. */
	private shown: string | undefined;
	/** Per conversation opened with unread messages: the read marker then (the "New messages" line goes after it). */
	private readonly unreadAfter = new Map<string, number>();
	/** What was last reported read, per conversation. */
	private readonly reported = new Map<string, { id: number; following: boolean }>();
	/** Numbers what the composer posts, so that the host's answer finds its line. */
	private seq = 0;
	/** The composer's lines waiting for the host's answer: where they were typed, and what. */
	private readonly lines = new Map<number, { conversation: string; text: string }>();
	private readonly failed: FailedMessages;
	/** Message actions and the thread panel (messageFeatures.ts). */
	private readonly messages: MessageFeatures;
	private readonly search: SearchBox;
	private readonly typing = new TypingIndicator();
	private readonly typingSender = new TypingSender(post);
	/** A search result to show once its conversation's timeline holds it. */
	private pendingReveal: { conversation: string; id: number } | undefined;

	constructor(root: HTMLElement) {
		this.root = root;
		this.sidebar = new Sidebar({
			select: (id) => this.open(id, { notify: true, focus: true }),
			joinChannel: () => post({ type: 'command', command: 'joinChannel' }),
			createChannel: () => post({ type: 'command', command: 'createChannel' }),
			newDirectMessage: () => post({ type: 'command', command: 'directMessage' }),
			connect: () => post({ type: 'command', command: 'connect' }),
		});
		this.sidebar.element.id = 'sidebar';
		this.header = new Header({
			toggleMembers: () => this.toggleMembers(),
			toggleSidebar: () => this.root.classList.toggle('sidebar-open'),
			leave: () => {
				if (this.store.active) {
					post({ type: 'leave', conversation: this.store.active });
				}
			},
			channelActions: (anchor) => this.channelActions(anchor),
			search: () => this.search.open(),
		});
		this.banner = new Banner(() => post({ type: 'command', command: 'connect' }));
		this.timeline = new TimelineView({
			isSelf: (nick) => this.store.isSelf(nick),
			mentionsSelf: (text) => this.store.mentionsSelf(text),
			failedAction: (id, action) => this.failed.action(id, action),
			loadOlder: () => this.loadOlder(),
			scrolled: () => this.rememberPosition(),
			welcome: () => welcome(),
			connected: () => this.store.connection.state === 'connected',
			seen: (id, following) => this.seen(id, following),
			editorFor: (id) => this.messages.editorFor(id),
			threadUnread: (id) => this.store.threadUnreadOf(id),
		});
		this.composer = new Composer({
			submit: (text) => this.submit(text),
			measure: (text) => measure(text, this.store.active),
			draftChanged: (text) => {
				this.saveDraft(text);
				this.typingSender.typed(this.store.active, text);
			},
			page: (direction) => this.timeline.page(direction),
			nicks: () => this.store.knownNicks(),
			channels: () => this.store.conversations.filter((c) => c.kind === 'channel').map((c) => c.name),
			editLast: () => this.messages.editLast(),
		});
		this.messages = new MessageFeatures({
			store: this.store,
			root,
			timeline: this.timeline,
			rowContext: { isSelf: (nick) => this.store.isSelf(nick), mentionsSelf: (text) => this.store.mentionsSelf(text), failedAction: (id, action) => this.failed.action(id, action) },
			postWithSeq: (message) => this.postWithSeq(message),
			shown: () => this.shown,
			showsLoaded: (id) => this.showsLoaded(id),
			open: (id) => this.open(id, { notify: true, focus: false }),
			notice: (text, level) => this.notice(text, level),
			focusComposer: () => this.composer.focus(),
			threadUnreadChanged: () => this.renderSidebar(),
		});
		this.members = new MemberList({
			openDirectMessage: (nick) => post({ type: 'directMessage', nick }),
			isSelf: (nick) => this.store.isSelf(nick),
			memberActions: (nick, anchor) => this.memberActions(nick, anchor),
		});
		this.failed = new FailedMessages({
			store: this.store,
			postWithSeq: (message) => this.postWithSeq(message),
			edit: (conversation, text) => {
				if (this.store.active !== conversation) {
					this.open(conversation, { notify: true, focus: true });
				}
				this.composer.restore(text);
			},
			focusComposer: () => this.composer.focus(),
			appended: (conversation, count) => {
				if (this.showsLoaded(conversation)) {
					this.timeline.appended(count, true);
				}
			},
			removed: (conversation, index) => {
				if (this.showsLoaded(conversation)) {
					this.timeline.removed(index);
				}
			},
		});
		this.search = new SearchBox({
			post,
			conversations: () => this.store.ordered(),
			nicks: () => this.store.knownNicks(),
			cancelled: () => this.composer.focus(),
		});
		this.switcher = new Switcher({
			conversations: () => this.store.ordered(),
			select: (id) => this.open(id, { notify: true, focus: true }),
			cancelled: () => this.composer.focus(),
		});
		const main = el(
			'main',
			'main',
			undefined,
			this.banner.element,
			this.header.element,
			el('div', 'timeline-wrap', undefined, this.timeline.element, this.timeline.jumpButton),
			this.composer.element,
		);
		const scrim = el('div', 'sidebar-scrim', { 'aria-hidden': 'true' });
		scrim.addEventListener('click', () => this.root.classList.remove('sidebar-open'));
		root.classList.add('parley');
		root.replaceChildren(this.sidebar.element, main, this.members.element, scrim, this.switcher.element, this.search.element, this.menu.element, ...this.messages.elements);
		this.typing.attachTo(this.composer.element);
		installSearchKey(() => this.search.open());
		window.addEventListener('focus', () => post({ type: 'hasFocus', focused: true }));
		window.addEventListener('blur', () => post({ type: 'hasFocus', focused: false }));
		installLinkHandling(this.timeline.element);
		installLinkHandling(this.messages.thread.surface.element);
		installKeyboard({
			root,
			switcher: this.switcher,
			move: (delta, unreadOnly) => this.move(delta, unreadOnly),
			focusComposer: () => {
				this.root.classList.remove('sidebar-open');
				if (this.membersOverlayOpen) {
					this.membersOverlayOpen = false;
					this.renderMembers();
					this.renderHeader();
				}
				this.composer.focus();
			},
			composer: this.composer.textarea,
		});
		this.narrow.addEventListener('change', () => {
			this.membersOverlayOpen = false;
			this.renderMembers();
			this.renderHeader();
		});
		// Notices typed before any conversation is open land here.
		this.store.replaceTimeline(NOWHERE, [], false);
		this.renderAll();
		const save = () => {
			this.rememberPosition();
			saveState(this.state, true);
		};
		window.addEventListener('pagehide', save);
		document.addEventListener('visibilitychange', () => {
			if (document.visibilityState === 'hidden') {
				save();
			} else {
				this.timeline.reportSeen();
			}
		});
	}

	handle(msg: HostMessage): void {
		const store = this.store;
		if (isMessageHostMessage(msg)) {
			this.messages.handle(msg);
			return;
		}
		switch (msg.type) {
			case 'connection': {
				const nickChanged = store.connection.nick !== msg.nick;
				store.connection = { state: msg.state, server: msg.server, nick: msg.nick, detail: msg.detail };
				this.banner.render(store.connection);
				this.sidebar.renderConnection(store.connection);
				this.root.dataset.connection = msg.state;
				if (nickChanged) {
					this.timeline.refresh();
					this.renderMembers();
				}
				this.timeline.connectionChanged();
				break;
			}
			case 'conversations':
				this.conversations(msg.conversations, msg.active);
				break;
			case 'timeline': {
				const anchor = this.showsLoaded(msg.conversation) ? this.timeline.anchor() : this.openingAnchor(msg.conversation);
				const timeline = store.replaceTimeline(msg.conversation, msg.items, msg.hasMoreBefore);
				if (msg.conversation === store.active) {
					this.timeline.show(store.conversation(msg.conversation), timeline, anchor, this.unreadAfter.get(msg.conversation));
					this.shown = msg.conversation;
				}
				this.revealPending();
				break;
			}
			case 'append': {
				const added = store.append(msg.conversation, msg.items);
				if (this.showsLoaded(msg.conversation)) {
					const mine = msg.items.some((i) => i.kind === 'message' && (i.pending === true || store.isSelf(i.message.from)));
					this.timeline.appended(added, mine);
				}
				break;
			}
			case 'prepend': {
				const added = store.prepend(msg.conversation, msg.items, msg.hasMoreBefore);
				if (this.showsLoaded(msg.conversation)) {
					this.timeline.prepended(added);
				}
				this.revealPending();
				break;
			}
			case 'acknowledged': {
				const result = store.acknowledge(msg.conversation, msg.clientMsgId, msg.message);
				if (result && this.showsLoaded(msg.conversation)) {
					if (result.removed) {
						this.timeline.removed(result.index);
					} else {
						this.timeline.changed(result.index);
					}
				}
				break;
			}
			case 'members':
				store.members.set(msg.conversation, msg.members);
				if (msg.conversation === store.active) {
					this.renderMembers();
					this.renderHeader();
				}
				break;
			case 'focus':
				// Move the caret only when the panel already has focus: taking focus from the
				// workbench would close whatever the user is in (a quick pick, an editor).
				this.open(msg.conversation, { notify: false, focus: document.hasFocus() });
				break;
			case 'notice':
				this.notice(msg.text, msg.level);
				break;
			case 'config':
				document.documentElement.style.setProperty('--parley-tab-size', String(Math.min(16, Math.max(1, msg.tabSize))));
				this.composer.setMaxLength(msg.maxMessageLength);
				break;
			case 'result': {
				const line = this.lines.get(msg.seq);
				this.lines.delete(msg.seq);
				if (!this.failed.answered(msg.seq, msg.error === undefined) && !this.messages.answered(msg.seq, msg.error)) {
					this.composer.answered(msg.seq, msg.error === undefined);
				}
				// Taken while another conversation is shown (/join, /create and /msg open one): the
				// line is still the draft of the one it was typed in; it goes there too.
				if (line && msg.error === undefined && line.conversation !== this.store.active && this.state.drafts[line.conversation] === line.text) {
					delete this.state.drafts[line.conversation];
					saveState(this.state);
				}
				break;
			}
			case 'failed':
				this.failed.add(msg);
				break;
			case 'openSwitcher':
				this.search.close();
				this.switcher.open();
				break;
			case 'openSearch':
				this.switcher.close();
				this.search.open(msg.query);
				break;
			case 'searchResults':
				this.search.received(msg);
				break;
			case 'reveal':
				this.pendingReveal = { conversation: msg.conversation, id: msg.id };
				this.open(msg.conversation, { notify: false, focus: false });
				this.revealPending();
				break;
			case 'typing':
				this.typing.set(msg.conversation, msg.nicks);
				break;
		}
	}

	/** Shows the search result asked for, once the open conversation's timeline has it. */
	private revealPending(): void {
		const wanted = this.pendingReveal;
		if (wanted && wanted.conversation === this.store.active && this.showsLoaded(wanted.conversation) && this.timeline.reveal(`m:${wanted.id}`)) {
			this.pendingReveal = undefined;
		}
	}

	/** Reports what has been on screen in the open conversation, when it moved on. */
	private seen(id: number, following: boolean): void {
		const conversation = this.shown;
		if (conversation === undefined || conversation !== this.store.active) {
			return;
		}
		const last = this.reported.get(conversation);
		if (last && last.id >= id && last.following === following) {
			return;
		}
		const report = { id: Math.max(id, last?.id ?? 0), following };
		this.reported.set(conversation, report);
		post({ type: 'read', conversation, id: report.id, following });
	}

	/** Where a conversation opens: at its first unread message, else where the reader left it, else the newest. */
	private openingAnchor(id: string): ShowAnchor {
		return this.unreadAfter.has(id) ? 'unread' : this.state.scroll[id] ?? 'bottom';
	}

	// ---- conversations --------------------------------------------------------------

	private conversations(list: ConversationView[], active: string | undefined): void {
		const store = this.store;
		store.conversations = list;
		const exists = (id: string | undefined) => id !== undefined && list.some((c) => c.id === id);
		let target = active;
		let notify = false;
		if (!exists(target)) {
			target = undefined;
			if (exists(store.active)) {
				target = store.active;
			} else if (this.firstConversations && exists(this.state.active)) {
				target = this.state.active;
				notify = true;
			} else if (list.length > 0) {
				target = store.ordered()[0].id;
				notify = true;
			}
		}
		this.firstConversations = false;
		if (target !== store.active) {
			this.open(target, { notify, focus: false });
		} else {
			this.renderSidebar();
			this.renderHeader();
			// The user's role may have changed: what the member list offers follows it.
			this.renderMembers();
		}
	}

	/** Opens a conversation (or none). `notify` tells the host, which then sends its timeline. */
	private open(id: string | undefined, options: { notify: boolean; focus: boolean }): void {
		const store = this.store;
		this.root.classList.remove('sidebar-open');
		if (id === store.active) {
			if (options.focus) {
				this.composer.focus();
			}
			return;
		}
		this.rememberPosition();
		store.active = id;
		this.state.active = id;
		this.messages.conversationOpened(id);
		const c = store.conversation(id);
		if (c && id !== undefined) {
			// Opened with unread messages: a "New messages" line above the first, and the view opens there.
			if (c.unread > 0 && c.lastReadId !== undefined) {
				this.unreadAfter.set(id, c.lastReadId);
			} else {
				this.unreadAfter.delete(id);
			}
			this.reported.delete(id);
		}
		if (options.notify && id !== undefined) {
			post({ type: 'select', conversation: id });
		}
		this.renderAll();
		saveState(this.state);
		if (options.focus) {
			this.composer.focus();
		}
	}

	/** Alt+Up/Down: the previous/next conversation in sidebar order (only unread ones with Shift). */
	private move(delta: -1 | 1, unreadOnly: boolean): void {
		const list = this.store.ordered();
		if (list.length === 0) {
			return;
		}
		const current = list.findIndex((c) => c.id === this.store.active);
		for (let step = 1; step <= list.length; step++) {
			const next = list[(current + delta * step + list.length * 2) % list.length];
			if (!unreadOnly || next.unread > 0 || next.mentions > 0) {
				this.open(next.id, { notify: true, focus: document.activeElement === this.composer.textarea });
				if (document.activeElement !== this.composer.textarea) {
					this.sidebar.focus();
				}
				return;
			}
		}
	}

	private toggleMembers(): void {
		if (this.narrow.matches) {
			this.membersOverlayOpen = !this.membersOverlayOpen;
		} else {
			this.state.showMembers = !this.state.showMembers;
			saveState(this.state);
		}
		this.renderMembers();
		this.renderHeader();
	}

	private loadOlder(): void {
		const id = this.store.active;
		const timeline = id === undefined ? undefined : this.store.timelines.get(id);
		const before = id === undefined ? undefined : this.store.oldestMessageId(id);
		if (id === undefined || !timeline || before === undefined || timeline.loadingOlder) {
			return;
		}
		timeline.loadingOlder = true;
		post({ type: 'loadOlder', conversation: id, before });
		setTimeout(() => {
			if (timeline.loadingOlder && this.store.timelines.get(id) === timeline && this.store.oldestMessageId(id) === before) {
				timeline.loadingOlder = false;
			}
		}, LOAD_OLDER_RETRY_MS);
	}

	// ---- menus ----------------------------------------------------------------------

	/** Whether the user may moderate the open channel (its owner or an op). */
	private moderates(c: ConversationView | undefined): boolean {
		return c?.kind === 'channel' && c.joined !== false && (c.role === 'owner' || c.role === 'op');
	}

	private channelActions(anchor: HTMLElement): void {
		const c = this.store.conversation(this.store.active);
		if (!c || c.kind !== 'channel') {
			return;
		}
		const channel = c.id;
		const items: MenuItem[] = [];
		if (c.joined !== false) {
			items.push({ label: 'Invite someone…', icon: 'person-add', run: () => post({ type: 'command', command: 'invite', channel }) });
			if (!c.topicProtected || this.moderates(c)) {
				items.push({ label: 'Set the topic…', icon: 'edit', run: () => post({ type: 'command', command: 'setTopic', channel }) });
			}
			if (c.role === 'owner') {
				items.push(c.topicProtected
					? { label: 'Let every member set the topic', icon: 'unlock', run: () => post({ type: 'setTopicProtected', channel, topicProtected: false }) }
					: { label: 'Let only ops set the topic', icon: 'lock', run: () => post({ type: 'setTopicProtected', channel, topicProtected: true }) });
			}
			if (this.moderates(c)) {
				items.push({ label: 'Bans…', icon: 'circle-slash', run: () => post({ type: 'command', command: 'showBans', channel }) });
			}
		}
		items.push({ label: c.joined === false ? 'Close' : 'Leave the channel', icon: 'sign-out', danger: c.joined !== false, run: () => post({ type: 'leave', conversation: channel }) });
		this.menu.toggle(anchor, `Actions for ${c.name}`, items);
	}

	private memberActions(nick: string, anchor: HTMLElement): void {
		const c = this.store.conversation(this.store.active);
		if (!c || !this.moderates(c)) {
			return;
		}
		const channel = c.id;
		const member = this.store.members.get(channel)?.find((m) => m.nick === nick);
		const items: MenuItem[] = [
			{ label: `Message ${nick}`, icon: 'comment', run: () => post({ type: 'directMessage', nick }) },
			member?.role === 'op'
				? { label: 'Make a plain member', icon: 'arrow-down', run: () => post({ type: 'setRole', channel, nick, role: 'member' }) }
				: { label: 'Make an op', icon: 'star-full', run: () => post({ type: 'setRole', channel, nick, role: 'op' }) },
			{ label: `Kick from ${c.name}`, icon: 'sign-out', danger: true, run: () => post({ type: 'kick', channel, nick }) },
			{ label: `Ban from ${c.name}`, icon: 'circle-slash', danger: true, run: () => post({ type: 'ban', channel, nick }) },
		];
		this.menu.toggle(anchor, `Actions for ${nick}`, items);
	}

	// ---- composer -------------------------------------------------------------------

	/** Posts a message the host answers with a `result` carrying its `seq`. */
	private postWithSeq(message: Extract<WebviewMessage, { seq?: number }>): number {
		const seq = ++this.seq;
		post({ ...message, seq });
		return seq;
	}

	private submit(text: string): SubmitOutcome {
		const outcome = this.interpretLine(text);
		if (outcome.kind === 'posted') {
			this.lines.set(outcome.seq, { conversation: this.store.active ?? NOWHERE, text });
		}
		return outcome;
	}

	private interpretLine(text: string): SubmitOutcome {
		const result = interpret(text, this.store.active);
		switch (result.kind) {
			case 'none':
				return { kind: 'kept' };
			case 'send':
				this.typingSender.sent(this.store.active!);
				return { kind: 'posted', seq: this.postWithSeq({ type: 'send', conversation: this.store.active!, text: result.text }) };
			case 'post':
				if (isAnswered(result.message)) {
					return { kind: 'posted', seq: this.postWithSeq(result.message) };
				}
				post(result.message);
				return { kind: 'done' };
			case 'notice':
				this.notice(result.text, result.level);
				// An error leaves the line in place to be corrected.
				return { kind: result.level === 'info' ? 'done' : 'kept' };
			case 'help':
				this.notice('Commands you can type:', 'info', { commands: COMMANDS, hint: HELP_HINT });
				return { kind: 'done' };
			case 'showTopic': {
				const c = this.store.conversation(this.store.active);
				this.notice(c?.topic ? `The topic of ${c.name}: ${c.topic}` : `${c?.name ?? 'This channel'} has no topic. Set one with /topic text.`, 'info');
				return { kind: 'done' };
			}
		}
	}

	private saveDraft(text: string): void {
		const key = this.store.active ?? NOWHERE;
		if (text.length > 0) {
			this.state.drafts[key] = text;
		} else {
			delete this.state.drafts[key];
		}
		saveState(this.state);
	}

	private notice(text: string, level: 'info' | 'error', extra: Pick<NoticeItem, 'commands' | 'hint'> = {}): void {
		const key = this.store.active ?? NOWHERE;
		const added = this.store.append(key, [this.store.notice(text, level, extra)]);
		if (this.shown !== this.store.active) {
			return;
		}
		const timeline = this.store.timelines.get(key)!;
		if (this.timeline.shows(timeline)) {
			this.timeline.appended(added, true);
		} else {
			// The conversation's history has not arrived yet: show the notice on its own meanwhile.
			this.timeline.show(this.store.conversation(this.store.active), timeline, 'bottom');
		}
	}

	/** True when the log shows `id` with its history (not the loading placeholder). */
	private showsLoaded(id: string | undefined): boolean {
		const timeline = id === undefined ? undefined : this.store.timelines.get(id);
		return id !== undefined && this.shown === id && timeline !== undefined && this.timeline.shows(timeline);
	}

	private rememberPosition(): void {
		const id = this.shown;
		if (id !== undefined && id === this.store.active && this.showsLoaded(id)) {
			this.state.scroll[id] = this.timeline.anchor();
			saveState(this.state);
		}
	}

	// ---- rendering ------------------------------------------------------------------

	private renderAll(): void {
		const id = this.store.active;
		this.renderSidebar();
		this.renderHeader();
		this.renderMembers();
		this.composer.setConversation(this.store.conversation(id), this.state.drafts[id ?? NOWHERE] ?? '');
		const key = id ?? NOWHERE;
		this.timeline.show(this.store.conversation(id), this.store.timelines.get(key), id === undefined ? 'bottom' : this.openingAnchor(id), id === undefined ? undefined : this.unreadAfter.get(id));
		this.shown = id;
		this.typing.show(id);
		this.root.classList.toggle('no-conversation', id === undefined);
	}

	private renderSidebar(): void {
		this.sidebar.render(this.store.ordered(), this.store.active, (id) => (this.store.threadUnread.get(id)?.size ?? 0) > 0);
	}

	private renderHeader(): void {
		const c = this.store.conversation(this.store.active);
		const members = this.store.members.get(this.store.active ?? NOWHERE);
		this.header.render(c, c?.memberCount ?? members?.length, this.membersVisible());
	}

	private membersVisible(): boolean {
		const shown = this.narrow.matches ? this.membersOverlayOpen : this.state.showMembers;
		return shown && this.store.conversation(this.store.active)?.kind === 'channel';
	}

	private renderMembers(): void {
		const visible = this.membersVisible();
		this.root.classList.toggle('members-hidden', !visible);
		this.members.element.hidden = !visible;
		if (visible) {
			this.members.render(this.store.members.get(this.store.active!), this.moderates(this.store.conversation(this.store.active)));
		}
	}
}

/** Messages the host answers with a `result` when they carry a `seq`. */
function isAnswered(message: WebviewMessage): message is Extract<WebviewMessage, { seq?: number }> {
	return ['send', 'join', 'leave', 'directMessage', 'nick', 'quit', 'createChannel', 'invite', 'kick', 'ban', 'unban', 'setRole', 'setTopic', 'setTopicProtected', 'edit', 'delete', 'react', 'reply'].includes(message.type);
}

/** Characters a composer line would send as a message (its text part), or undefined. */
function measure(text: string, active: string | undefined): number | undefined {
	const result = interpret(text, active);
	if (result.kind === 'send') {
		return result.text.length;
	}
	if (result.kind === 'post' && result.message.type === 'directMessage') {
		return result.message.text?.length;
	}
	return undefined;
}

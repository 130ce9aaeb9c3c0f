/**
 * Read state: conversation/markRead, and the `conversations` an account finds in its
 * `initialize` answer (each channel it is in and each DM it has, with unread counts).
 */
import { MarkReadRequest, ReadNotification } from '../../protocol/conversations';
import { mentionsNick } from '../../protocol/mentions';
import { isChannelTarget, isValidNick, nickKey } from '../../protocol/names';
import type { ConversationState } from '../../protocol/types';
import { fail } from '../errors';
import type { Hub } from '../hub';
import type { UserStatus } from '../state/presence';
import { dmConversation } from '../state/store';
import { encodeNotification } from '../transport/frames';
import { channelName } from './channels';
import { route, type Route, type SignedIn } from './registry';
import { readThread, threadStates } from './thread-reads';
import { joinedChannel } from './visibility';

/**
 * Unread messages are counted up to this many per conversation (the oldest after the
 * marker), so that signing in reads a bounded amount of history however much was missed.
 */
export const UNREAD_CAP = 1000;

/** Every conversation of the account with its read state: its channels in join order, then its DMs. */
export async function conversationStates(hub: Hub, account: string): Promise<ConversationState[]> {
	const key = nickKey(account);
	const [channels, directs, markers, threadMarkers] = await Promise.all([
		hub.memberships.channelsOf(account),
		hub.store.directConversations(account),
		hub.readMarkers.all(account),
		hub.threadMarkers.all(account),
	]);
	const partners = await hub.presence.statuses(directs.map((d) => d.peer));
	const state = async (conversation: string, shownAs: string, isDm: boolean): Promise<ConversationState> => {
		const lastReadId = markers.get(conversation) ?? 0;
		const [lastMessageId, unread, threads] = await Promise.all([
			hub.store.latestId(conversation),
			hub.store.unread(conversation, lastReadId, key, isDm ? undefined : key, UNREAD_CAP),
			threadStates(hub, account, threadMarkers.filter((t) => t.conversation === conversation), isDm),
		]);
		// Every unread DM is for the account; in a channel, those that name it.
		const mentions = isDm ? unread.count : unread.candidates.filter((text) => mentionsNick(text, account)).length;
		const state: ConversationState = { conversation: shownAs, lastReadId, unread: unread.count, mentions, lastMessageId };
		return threads.length === 0 ? state : { ...state, threads };
	};
	return Promise.all([
		...channels.map((c) => state(c.channel, c.channel, false)),
		...directs.map(async (d, i) => ({ ...(await state(d.conversation, d.peer, true)), ...partnerStatus(partners[i]) })),
	]);
}

/** A DM partner's status as ConversationState carries it. */
function partnerStatus(status: UserStatus | undefined): Pick<ConversationState, 'status' | 'statusText'> {
	if (status === undefined) {
		return { status: 'offline' };
	}
	return status.text === undefined ? { status: status.status } : { status: status.status, statusText: status.text };
}

/** How the account's connections name a DM it has (as `initialize` lists it), else `fallback`. */
export async function dmShownAs(hub: Hub, session: SignedIn, key: string, fallback: string): Promise<string> {
	const known = (await hub.store.directConversations(session.nick)).find((d) => d.conversation === key);
	return known?.peer ?? fallback;
}

/** The stored key of a conversation the caller names, and how the account's connections name it. */
async function conversationOf(hub: Hub, session: SignedIn, raw: string): Promise<{ key: string; shownAs: string }> {
	if (isChannelTarget(raw)) {
		const name = channelName(raw);
		await joinedChannel(hub, session, name);
		return { key: name, shownAs: name };
	}
	if (!isValidNick(raw)) {
		throw fail.invalidParams('conversation', `Field 'conversation' must be '#channel' or a nick; '${raw.slice(0, 40)}' is neither.`);
	}
	if (nickKey(raw) === nickKey(session.nick)) {
		throw fail.noSelfConversation();
	}
	const key = dmConversation(session.nick, raw);
	// As `initialize` lists it, so that every connection names it alike.
	return { key, shownAs: await dmShownAs(hub, session, key, raw) };
}

export const conversationRoutes: readonly Route[] = [
	route(MarkReadRequest, async (params, session, hub) => {
		if (!session.registered) {
			// A guest keeps no read state.
			return null;
		}
		if (params.id < 0) {
			throw fail.invalidParams('id', `Field 'id' must be a message id (0 or more); got ${params.id}.`);
		}
		const { key, shownAs } = await conversationOf(hub, session, params.conversation);
		if (params.thread !== undefined) {
			await markThreadRead(hub, session, key, shownAs, params.thread, params.id);
			return null;
		}
		const nick = session.nick;
		// Not past the newest message: a marker ahead of it would hide what comes next.
		const target = Math.min(params.id, await hub.store.latestId(key));
		const before = await hub.readMarkers.get(nick, key);
		const now = await hub.readMarkers.advance(nick, key, target);
		if (now > before) {
			hub.delivery.toNick(nick, encodeNotification(ReadNotification.type, { conversation: shownAs, id: now }), session.id);
		}
		return null;
	}),
];

/** conversation/markRead with `thread`: the thread's root must be a message of the conversation. */
async function markThreadRead(hub: Hub, session: SignedIn, key: string, shownAs: string, rootId: number, id: number): Promise<void> {
	const root = await hub.store.getMessage(rootId);
	if (root === undefined || root.conversation !== key) {
		// What is in a conversation the caller cannot read is as absent as what does not exist.
		throw fail.noSuchMessage(rootId);
	}
	if (root.message.replyTo !== undefined) {
		throw fail.invalidParams('thread', `Message ${rootId} is a reply; 'thread' is the id of the thread's root, ${root.message.replyTo}.`);
	}
	// Not past the newest reply: a marker ahead of it would hide what comes next.
	const newest = (await hub.store.thread(rootId, { limit: 1 })).messages[0]?.id ?? rootId;
	await readThread(hub, session, shownAs, rootId, Math.min(id, newest));
}

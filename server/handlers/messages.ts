/** message/send and message/history. */
import { DEFAULT_HISTORY_LIMIT, HistoryRequest, MAX_CLIENT_MSG_ID_LENGTH, MAX_HISTORY_LIMIT, MessageNewNotification, SendMessageRequest } from '../../protocol/messages';
import { isChannelTarget, isValidNick, nickKey } from '../../protocol/names';
import { ThreadUpdatedNotification } from '../../protocol/threads';
import type { Message } from '../../protocol/types';
import { fail } from '../errors';
import type { Hub } from '../hub';
import { dmConversation, type AppendResult } from '../state/store';
import { encodeNotification } from '../transport/frames';
import { toMessageAudience, withReactions } from './audience';
import { channelName } from './channels';
import { route, type Route, type SignedIn } from './registry';
import { followReply } from './thread-reads';
import { forViewer, joinedChannel, readableMessage } from './visibility';

/** A message text the server accepts (send and edit). */
export function checkText(hub: Hub, text: string): void {
	if (text.trim() === '') {
		throw fail.invalidParams('text', `Field 'text' is empty; type something to send.`);
	}
	if (text.length > hub.options.maxMessageLength) {
		throw fail.messageTooLong(text.length, hub.options.maxMessageLength);
	}
}

/**
 * Resolves a DM target to the nick as its owner writes it: someone online, or an account
 * (online or not: what it is sent waits for it).
 */
async function dmTarget(hub: Hub, sender: string, to: string): Promise<string> {
	if (nickKey(to) === nickKey(sender)) {
		throw fail.cannotMessageSelf();
	}
	if (!isValidNick(to)) {
		throw fail.noSuchNick(to);
	}
	const target = (await hub.presence.get(to))?.nick ?? (await hub.store.accountNick(to));
	if (target === undefined) {
		throw fail.noSuchNick(to);
	}
	return target;
}

/** Whether a stored message is the one a retry describes (same text, same target). */
function sameMessage(stored: Message, to: string, text: string): boolean {
	const target = isChannelTarget(to) ? to.toLowerCase() : nickKey(to);
	return stored.text === text && (isChannelTarget(to) ? stored.to : nickKey(stored.to)) === target;
}

/** Where a reply goes: the root of the thread of `replyTo`, which must be a message of the conversation. */
async function threadRoot(hub: Hub, session: SignedIn, replyTo: number, conversation: string, to: string): Promise<number> {
	const parent = await readableMessage(hub, session, replyTo);
	if (parent.conversation !== conversation) {
		throw fail.invalidParams('replyTo', `Message ${replyTo} is not in ${to}: a reply goes to the conversation of the message it answers.`);
	}
	if (parent.message.deleted) {
		throw fail.messageDeleted(replyTo, 'reply to it');
	}
	return parent.message.replyTo ?? parent.message.id;
}

/** Tells everyone who can see a thread's root its new counters. */
async function announceThread(hub: Hub, rootId: number): Promise<void> {
	const root = await hub.store.getMessage(rootId);
	if (root?.message.replyCount !== undefined) {
		const { replyCount, lastReplyTs } = root.message;
		toMessageAudience(hub, root, (conversation) => encodeNotification(ThreadUpdatedNotification.type, { conversation, id: rootId, replyCount, lastReplyTs: lastReplyTs! }));
	}
}

interface Outgoing {
	to: string;
	text: string;
	clientMsgId?: string;
	replyTo?: number;
	alsoToChannel?: boolean;
	notice?: boolean;
}

/**
 * How many of a connection's sends may wait for their commit at once. More would let one
 * fast client put hundreds of messages into one database batch, and so into every
 * member's output (and its own answers) in one go, past the send-queue cap of clients
 * that read.
 */
const SEND_WINDOW = 8;

/**
 * A send between its checks and its commit: the append under way and what its delivery
 * needs, or the message a retry already stored.
 */
type Prepared =
	| { earlier: Message }
	| { appending: Promise<AppendResult>; target: string; conversation: string; from: string; text: string; clientMsgId: string | undefined; rootId: number | undefined };

/**
 * The checks of a send, ending with the append call itself (not its commit): a
 * connection's sends run this one after another, so their appends are made in the order
 * sent, and the stores give ids in the order of the calls.
 */
async function prepare(hub: Hub, session: SignedIn, { to, text, clientMsgId, replyTo, alsoToChannel, notice }: Outgoing): Promise<Prepared> {
	const from = session.nick;
	if (clientMsgId !== undefined) {
		// A retry is answered with what was stored, even if the recipient left meanwhile.
		const earlier = await hub.store.findSent(from, clientMsgId);
		if (earlier) {
			if (!sameMessage(earlier, to, text)) {
				throw fail.clientMsgIdReused(clientMsgId);
			}
			return { earlier };
		}
	}
	let target: string;
	let conversation: string;
	if (isChannelTarget(to)) {
		target = channelName(to);
		// Every connection of a member is subscribed: that in-memory check is the fast path.
		if (!hub.delivery.isSubscribed(target, session)) {
			await joinedChannel(hub, session, target);
		}
		conversation = target;
	} else {
		target = await dmTarget(hub, from, to);
		conversation = dmConversation(from, target);
	}
	const rootId = replyTo === undefined ? undefined : await threadRoot(hub, session, replyTo, conversation, target);
	const thread = rootId === undefined ? {} : { replyTo: rootId, alsoToChannel: alsoToChannel === true };
	const appending = hub.store.append({ ts: hub.clock.now(), from, to: target, conversation, text, clientMsgId, ...thread, ...(notice ? { notice } : {}) });
	return { appending, target, conversation, from, text, clientMsgId, rootId };
}

/** Waits for the commit of a prepared send, then delivers it. */
async function complete(hub: Hub, session: SignedIn, prepared: Prepared): Promise<Message> {
	if ('earlier' in prepared) {
		return prepared.earlier;
	}
	const { target, conversation, from, text, clientMsgId, rootId } = prepared;
	const { message, duplicate, previousId } = await prepared.appending;
	if (duplicate && !sameMessage(message, target, text)) {
		// The same id for another message is a client bug; answering with the old one would hide it.
		throw fail.clientMsgIdReused(clientMsgId!);
	}
	if (!duplicate) {
		hub.counters.messagesStored++;
		const frame = encodeNotification(MessageNewNotification.type, { message });
		const about = { conversation, message: { id: message.id, previousId: previousId ?? 0 } };
		// The sender's other connections get it too; this one has its answer.
		if (conversation === target) {
			hub.delivery.toChannel(target, frame, session.id, 'chat', about);
		} else {
			hub.delivery.toNick(target, frame, undefined, 'chat', about);
			hub.delivery.toNick(from, frame, session.id, 'chat', about);
		}
		if (rootId !== undefined) {
			// After the connection's earlier replies did theirs: their commits overlap, and
			// the answers to their reads may come back in any order, but a thread's counters
			// must not go back for its readers, nor a mention's marker skip the earlier reply.
			const followUp = session.threadFollowUps.then(async () => {
				await announceThread(hub, rootId);
				await followReply(hub, session, conversation, message);
			});
			session.threadFollowUps = followUp.catch(() => undefined);
			await followUp;
		}
	}
	return message;
}

/**
 * The store key of a conversation the caller may read, as `message/history` names it: a
 * channel they are a member of, or the DM with a nick.
 */
export async function readableConversation(hub: Hub, session: SignedIn, name: string): Promise<string> {
	if (isChannelTarget(name)) {
		const channel = channelName(name);
		await joinedChannel(hub, session, channel);
		return channel;
	}
	if (!isValidNick(name)) {
		throw fail.invalidParams('conversation', `Field 'conversation' must be '#channel' or a nick; '${name.slice(0, 40)}' is neither.`);
	}
	if (nickKey(name) === nickKey(session.nick)) {
		throw fail.noSelfConversation();
	}
	return dmConversation(session.nick, name);
}

export const messageRoutes: readonly Route[] = [
	route(SendMessageRequest, async (params, session, hub) => {
		checkText(hub, params.text);
		if (params.clientMsgId !== undefined && (params.clientMsgId.length === 0 || params.clientMsgId.length > MAX_CLIENT_MSG_ID_LENGTH)) {
			throw fail.invalidParams('clientMsgId', `Field 'clientMsgId' must be 1 to ${MAX_CLIENT_MSG_ID_LENGTH} characters; a UUID fits.`);
		}
		const wait = session.sendBucket.take();
		if (wait > 0) {
			throw fail.rateLimited(wait);
		}
		// A connection's sends are checked and appended one after another, which keeps its
		// messages in the order sent; the next does not wait for this one's commit, so a
		// client sending fast is not held to one message per database round trip.
		const prepared = session.sendChain.then(async () => {
			while (session.sendsInFlight.size >= SEND_WINDOW) {
				await Promise.race(session.sendsInFlight);
			}
			const ready = await prepare(hub, session, params);
			if ('appending' in ready) {
				const settled = ready.appending.then(() => undefined, () => undefined);
				session.sendsInFlight.add(settled);
				void settled.then(() => session.sendsInFlight.delete(settled));
			}
			return ready;
		});
		session.sendChain = prepared.catch(() => undefined);
		const message = await complete(hub, session, await prepared);
		return { message: params.clientMsgId === undefined ? message : { ...message, clientMsgId: params.clientMsgId } };
	}),

	route(HistoryRequest, async (params, session, hub) => {
		const nick = session.nick;
		const limit = params.limit ?? DEFAULT_HISTORY_LIMIT;
		if (limit < 1 || limit > MAX_HISTORY_LIMIT) {
			throw fail.invalidParams('limit', `Field 'limit' must be from 1 to ${MAX_HISTORY_LIMIT}; got ${limit}.`);
		}
		for (const field of ['before', 'after'] as const) {
			const value = params[field];
			if (value !== undefined && value < 0) {
				throw fail.invalidParams(field, `Field '${field}' must be a message id (0 or more); got ${value}.`);
			}
		}
		const conversation = await readableConversation(hub, session, params.conversation);
		const page = await hub.store.page(conversation, { before: params.before, after: params.after, limit });
		return { messages: await withReactions(hub, forViewer(page.messages, nick)), hasMore: page.hasMore };
	}),
];

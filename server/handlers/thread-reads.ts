/**
 * Unread replies: a thread's participants (its root's author, everyone who replied, and
 * everyone a reply names; in a DM both parties) count its replies as unread until they
 * read the thread. Everyone else sees them only as the root's reply count. Accounts only:
 * guests keep no read state.
 */
import { ThreadReadNotification } from '../../protocol/conversations';
import { mentionsNick } from '../../protocol/mentions';
import { nickKey } from '../../protocol/names';
import type { Message, ThreadState } from '../../protocol/types';
import type { Hub } from '../hub';
import { isDmConversation } from '../state/store';
import type { ThreadMarker } from '../state/thread-markers';
import { encodeNotification } from '../transport/frames';
import type { SignedIn } from './registry';

/** Replies counted as unread per thread, as UNREAD_CAP (conversations.ts) for conversations. */
const THREAD_UNREAD_CAP = 1000;

/** After a new reply is stored: makes its thread's participants follow it. */
export async function followReply(hub: Hub, session: SignedIn, conversation: string, reply: Message): Promise<void> {
	const rootId = reply.replyTo!;
	const root = (await hub.store.getMessage(rootId))?.message;
	if (root === undefined) {
		return;
	}
	// The root's author has read the root; someone named (new to the thread) has read what came before.
	if ((await hub.store.accountNick(root.from)) !== undefined) {
		await hub.threadMarkers.follow(root.from, conversation, rootId, rootId);
	}
	if (isDmConversation(conversation)) {
		const other = reply.to;
		if ((await hub.store.accountNick(other)) !== undefined) {
			await hub.threadMarkers.follow(other, conversation, rootId, mentionsNick(reply.text, other) ? reply.id - 1 : rootId);
		}
	} else {
		// A substring test first: the mention rule builds a pattern, too dear for every member of a big channel.
		const lower = reply.text.toLowerCase();
		for (const member of await hub.memberships.members(conversation)) {
			const key = nickKey(member.nick);
			if (!member.guest && key !== nickKey(reply.from) && lower.includes(key) && mentionsNick(reply.text, member.nick)) {
				await hub.threadMarkers.follow(member.nick, conversation, rootId, reply.id - 1);
			}
		}
	}
	if (session.registered) {
		// The replier has read the thread up to its own reply.
		await hub.threadMarkers.follow(reply.from, conversation, rootId, reply.id);
		await hub.threadMarkers.advance(reply.from, rootId, reply.id);
	}
}

/**
 * The threads of one conversation with unread replies for the account, from its markers
 * of that conversation (`markers`).
 */
export async function threadStates(hub: Hub, account: string, markers: ThreadMarker[], isDm: boolean): Promise<ThreadState[]> {
	const key = nickKey(account);
	const states = await Promise.all(markers.map(async (marker): Promise<ThreadState> => {
		const page = await hub.store.thread(marker.rootId, { after: marker.lastReadId, limit: THREAD_UNREAD_CAP });
		const unread = page.messages.filter((m) => !m.deleted && nickKey(m.from) !== key);
		const mentions = isDm ? unread.length : unread.filter((m) => mentionsNick(m.text, account)).length;
		return { id: marker.rootId, lastReadId: marker.lastReadId, unread: unread.length, mentions };
	}));
	return states.filter((s) => s.unread > 0);
}

/**
 * Moves the account's marker of a thread forward to `id` (a reply of it, or the root); the
 * account's other connections get `conversation/threadRead` when it moved. Nothing
 * for guests or accounts that take no part in the thread.
 */
export async function readThread(hub: Hub, session: SignedIn, shownAs: string, rootId: number, id: number): Promise<void> {
	if (session.registered && (await hub.threadMarkers.advance(session.nick, rootId, id))) {
		hub.delivery.toNick(session.nick, encodeNotification(ThreadReadNotification.type, { conversation: shownAs, thread: rootId, id }), session.id);
	}
}

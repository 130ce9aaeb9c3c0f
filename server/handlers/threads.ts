/** message/thread: a page of a thread's replies (reading it, for the thread's participants). */
import { DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT } from '../../protocol/messages';
import { nickKey } from '../../protocol/names';
import { ThreadRequest } from '../../protocol/threads';
import type { Message } from '../../protocol/types';
import { fail } from '../errors';
import { isDmConversation } from '../state/store';
import { withReactions } from './audience';
import { dmShownAs } from './conversations';
import { route, type Route } from './registry';
import { readThread } from './thread-reads';
import { forViewer, readableMessage } from './visibility';

/** The party of a DM message that is not `nick`. */
function otherParty(message: Message, nick: string): string {
	return nickKey(message.from) === nickKey(nick) ? message.to : message.from;
}

export const threadRoutes: readonly Route[] = [
	route(ThreadRequest, async (params, session, hub) => {
		const limit = params.limit ?? DEFAULT_HISTORY_LIMIT;
		if (limit < 1 || limit > MAX_HISTORY_LIMIT) {
			throw fail.invalidParams('limit', `Field 'limit' must be from 1 to ${MAX_HISTORY_LIMIT}; got ${limit}.`);
		}
		const view = await readableMessage(hub, session, params.id);
		// A reply's thread is its root's; the root is in the same conversation.
		const root = view.message.replyTo === undefined ? view.message : (await hub.store.getMessage(view.message.replyTo))!.message;
		const page = await hub.store.thread(root.id, { before: params.before, after: params.after, limit });
		const [rootForViewer, ...messages] = await withReactions(hub, forViewer([root, ...page.messages], session.nick));
		// Reading a thread reads its replies: the newest of the page (for participants).
		const newest = page.messages.at(-1)?.id;
		if (newest !== undefined && session.registered) {
			const shownAs = isDmConversation(view.conversation) ? await dmShownAs(hub, session, view.conversation, otherParty(root, session.nick)) : view.conversation;
			await readThread(hub, session, shownAs, root.id, newest);
		}
		return { root: rootForViewer, messages, hasMore: page.hasMore };
	}),
];

/** What a user is doing now: typing (conversation/typing) and away (user/setStatus). Nothing is stored. */
import { TYPING_INTERVAL_MS, TypingNotification } from '../../protocol/conversations';
import { isChannelTarget, isValidNick, nickKey } from '../../protocol/names';
import { MAX_STATUS_TEXT_LENGTH, PresenceNotification, SetStatusRequest } from '../../protocol/users';
import { fail } from '../errors';
import type { Hub } from '../hub';
import type { Session } from '../session';
import { encodeNotification } from '../transport/frames';
import { route, routeNotification, type Route, type SignedIn } from './registry';

/** Per connection: conversation key -> when its last typing notification was passed on. */
const lastTyping = new WeakMap<Session, Map<string, number>>();

/** Whether the connection may pass on a typing notification for `key` now (one per interval). */
function takeTypingSlot(hub: Hub, session: Session, key: string): boolean {
	let seen = lastTyping.get(session);
	if (!seen) {
		seen = new Map();
		lastTyping.set(session, seen);
	}
	const now = hub.clock.now();
	const last = seen.get(key);
	if (last !== undefined && now - last < TYPING_INTERVAL_MS) {
		return false;
	}
	seen.set(key, now);
	return true;
}

async function typing(conversation: string, session: SignedIn, hub: Hub): Promise<void> {
	const nick = session.nick;
	if (isChannelTarget(conversation)) {
		const channel = conversation.toLowerCase();
		// Only a member's connections are subscribed: anything else is dropped unseen.
		if (hub.delivery.isSubscribed(channel, session) && takeTypingSlot(hub, session, channel)) {
			const frame = encodeNotification(TypingNotification.type, { conversation: channel, nick });
			hub.delivery.toAudience([channel], [], frame, nick);
		}
		return;
	}
	if (!isValidNick(conversation) || nickKey(conversation) === nickKey(nick) || !takeTypingSlot(hub, session, nickKey(conversation))) {
		return;
	}
	hub.delivery.toNick(conversation, encodeNotification(TypingNotification.type, { conversation: nick, nick }));
}

export const activityRoutes: readonly Route[] = [
	routeNotification(TypingNotification, (params, session, hub) => typing(params.conversation, session, hub)),

	route(SetStatusRequest, async (params, session, hub) => {
		const text = params.text === '' ? undefined : params.text;
		if (text !== undefined && text.length > MAX_STATUS_TEXT_LENGTH) {
			throw fail.invalidParams('text', `Field 'text' is ${text.length} characters long; a status text has at most ${MAX_STATUS_TEXT_LENGTH}.`);
		}
		if (await hub.presence.setStatus(session.nick, params.status, text)) {
			await hub.announcePresence(session.nick, params.status, text);
			// The account's other connections show it too.
			const frame = encodeNotification(PresenceNotification.type, text === undefined ? { nick: session.nick, status: params.status } : { nick: session.nick, status: params.status, text });
			hub.delivery.toNick(session.nick, frame, session.id);
		}
		return null;
	}),
];

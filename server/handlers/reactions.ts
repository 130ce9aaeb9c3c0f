/** message/react. */
import { isReactionEmoji } from '../../protocol/emoji';
import { ReactionsNotification, ReactRequest } from '../../protocol/reactions';
import { fail } from '../errors';
import { encodeNotification } from '../transport/frames';
import { toMessageAudience } from './audience';
import { route, type Route } from './registry';
import { readableMessage } from './visibility';

export const reactionRoutes: readonly Route[] = [
	route(ReactRequest, async (params, session, hub) => {
		if (!isReactionEmoji(params.emoji)) {
			throw fail.invalidParams('emoji', `Field 'emoji' must be one emoji (like 👍 or 🎉) or a shortcode from the list, like :thumbsup: or :tada:; got '${params.emoji.slice(0, 40)}'.`);
		}
		const view = await readableMessage(hub, session, params.id);
		if (view.message.deleted) {
			throw fail.messageDeleted(params.id, 'react to it');
		}
		if (await hub.reactions.set(params.id, params.emoji, session.nick, params.add)) {
			const reactions = (await hub.reactions.of([params.id])).get(params.id) ?? [];
			// The reacting connection is told too: its notification orders it among others'.
			toMessageAudience(hub, view, (conversation) => encodeNotification(ReactionsNotification.type, { conversation, id: params.id, reactions }));
		}
		return null;
	}),
];

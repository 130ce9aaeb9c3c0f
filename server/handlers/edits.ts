/** message/edit and message/delete. */
import { DeleteMessageRequest, EditMessageRequest, MessageDeletedNotification, MessageEditedNotification } from '../../protocol/edits';
import { nickKey } from '../../protocol/names';
import { fail } from '../errors';
import { encodeNotification } from '../transport/frames';
import { forOthers, toMessageAudience, withReactions } from './audience';
import { checkText } from './messages';
import { route, type Route } from './registry';
import { moderates, readableMessage } from './visibility';

export const editRoutes: readonly Route[] = [
	route(EditMessageRequest, async (params, session, hub) => {
		checkText(hub, params.text);
		const view = await readableMessage(hub, session, params.id);
		const before = view.message;
		if (nickKey(before.from) !== nickKey(session.nick)) {
			throw fail.notAuthor(params.id, 'edit it');
		}
		if (before.deleted) {
			throw fail.messageDeleted(params.id, 'edit it');
		}
		if (before.text === params.text) {
			return { message: before };
		}
		const editedTs = hub.clock.now();
		await hub.store.edit(params.id, params.text, editedTs);
		const [message] = await withReactions(hub, [{ ...before, text: params.text, editedTs }]);
		const frame = encodeNotification(MessageEditedNotification.type, { message: forOthers(message) });
		toMessageAudience(hub, view, () => frame, session.id);
		return { message };
	}),

	route(DeleteMessageRequest, async (params, session, hub) => {
		const view = await readableMessage(hub, session, params.id, { operator: true });
		const author = nickKey(view.message.from) === nickKey(session.nick);
		if (!author && !(view.channel && moderates(view.channel, session))) {
			throw fail.cannotDelete(params.id, view.channel?.record.name);
		}
		if (view.message.deleted) {
			return null;
		}
		await hub.store.remove(params.id);
		await hub.reactions.clear(params.id);
		toMessageAudience(hub, view, (conversation) => encodeNotification(MessageDeletedNotification.type, { conversation, id: params.id }), session.id);
		return null;
	}),
];

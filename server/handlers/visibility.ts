/** What of a stored message each viewer may see. */
import { nickKey } from '../../protocol/names';
import type { Message } from '../../protocol/types';

/** Keeps `clientMsgId` only on the viewer's own messages. */
export function forViewer(messages: Message[], viewer: string): Message[] {
	const key = nickKey(viewer);
	return messages.map((m) => {
		if (m.clientMsgId === undefined || nickKey(m.from) === key) {
			return m;
		}
		const { clientMsgId: _hidden, ...rest } = m;
		return rest;
	});
}

/** Applying a host's `messageUpdated` to the webview's copy of a timeline. */
import type { Message } from '../protocol/types';
import type { Store } from './state';

/** Replaces stored message `message.id` in `conversation`; returns its index, or -1 when not there. */
export function replaceMessage(store: Store, conversation: string, message: Message): number {
	const items = store.timelines.get(conversation)?.items ?? [];
	const index = items.findIndex((i) => i.kind === 'message' && !i.pending && i.message.id === message.id);
	if (index >= 0) {
		items[index] = { kind: 'message', message };
	}
	return index;
}

/** Message `id` of a conversation's timeline, if the webview has it. */
export function findMessage(store: Store, conversation: string | undefined, id: number): Message | undefined {
	const items = conversation === undefined ? [] : store.timelines.get(conversation)?.items ?? [];
	for (const item of items) {
		if (item.kind === 'message' && !item.pending && item.message.id === id) {
			return item.message;
		}
	}
	return undefined;
}

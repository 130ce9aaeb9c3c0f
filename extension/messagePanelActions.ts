/**
 * The chat panel's message actions (edit, delete, react, reply, threads, message links),
 * carried out against the client. Each request already has its declared shape.
 */
import type { HostMessage, WebviewRequest } from '../protocol/webview';
import { parseMessageLink } from '../protocol/messageLinks';
import type { ChatClient } from './client/chatClient';
import type { Logger } from './logger';

/** Most pages of history read back to reach a linked message. */
const MAX_PAGES_BACK = 20;

export type MessageRequest = Extract<WebviewRequest, { type: 'edit' | 'delete' | 'react' | 'reply' | 'openThread' | 'readThread' | 'loadOlderReplies' | 'openMessageLink' }>;

const MESSAGE_REQUESTS: ReadonlySet<string> = new Set(['edit', 'delete', 'react', 'reply', 'openThread', 'readThread', 'loadOlderReplies', 'openMessageLink']);

export function isMessageRequest(message: WebviewRequest): message is MessageRequest {
	return MESSAGE_REQUESTS.has(message.type);
}

export interface MessageActionDeps {
	client: ChatClient;
	log: Logger;
	post(message: HostMessage): void;
}

export async function carryOutMessageAction(message: MessageRequest, deps: MessageActionDeps): Promise<void> {
	const { messages } = deps.client;
	switch (message.type) {
		case 'edit':
			await messages.edit(message.conversation, message.id, message.text);
			return;
		case 'delete':
			await messages.remove(message.conversation, message.id);
			return;
		case 'react':
			await messages.react(message.id, message.emoji, message.add);
			return;
		case 'reply':
			await messages.reply(message.conversation, message.root, message.text, message.alsoToChannel);
			return;
		case 'openThread':
			await messages.openThread(message.id);
			return;
		case 'readThread':
			await messages.readThread(message.conversation, message.root);
			return;
		case 'loadOlderReplies':
			await messages.loadOlderReplies(message.root);
			return;
		case 'openMessageLink':
			await openMessageLink(message.url, deps);
			return;
	}
}

/** Opens the conversation of a linked message, loads history back to it, and shows it. */
async function openMessageLink(url: string, deps: MessageActionDeps): Promise<void> {
	const link = parseMessageLink(url);
	if (!link) {
		throw new Error('That message link is not valid.');
	}
	const { client } = deps;
	const place = await client.messages.locate(link.id);
	await client.select(place.conversation);
	const shown = place.threadRoot ?? place.id;
	for (let page = 0; page < MAX_PAGES_BACK; page++) {
		const conversation = client.store.get(place.conversation);
		const oldest = conversation?.oldestId;
		if (!conversation || !conversation.hasMoreBefore || (oldest !== undefined && oldest <= shown)) {
			break;
		}
		await client.loadOlder(place.conversation);
	}
	if (place.threadRoot !== undefined) {
		await client.messages.openThread(place.threadRoot);
	}
	deps.post({ type: 'focus', conversation: place.conversation });
	deps.post({ type: 'jumpTo', conversation: place.conversation, id: place.id, ...(place.threadRoot !== undefined ? { threadRoot: place.threadRoot } : {}) });
}

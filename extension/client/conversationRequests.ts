/**
 * The requests behind what a user does in a conversation: join, leave, open a DM,
 * page back, list channels and users. Each stores what it got in the store.
 */
import { ResponseError, type MessageConnection } from 'vscode-jsonrpc/node';
import { ChannelListRequest, JoinChannelRequest, LeaveChannelRequest, type ChannelListResult } from '../../protocol/channels';
import { ErrorCodes } from '../../protocol/errors';
import { DEFAULT_HISTORY_LIMIT } from '../../protocol/messages';
import { UserListRequest, type UserListResult } from '../../protocol/users';
import type { Conversation } from './conversation';
import type { ConversationStore } from './conversationStore';
import { request } from './checkedRpc';
import { requestHistory } from './history';
import type { Outbox } from './outbox';

/** Joins a channel and stores the answer: the first join, or a rejoin merged into what is there. */
export async function joinChannel(connection: MessageConnection, store: ConversationStore, channel: string): Promise<Conversation> {
	const result = await request(connection, JoinChannelRequest, { channel });
	return store.applyJoin(result.channel, result.details ?? result.members, result.history, result.history.length >= DEFAULT_HISTORY_LIMIT, result.role);
}

/** Leaves a channel (on the server too, when connected) or closes a DM, and drops its unsent messages. */
export async function leaveConversation(connection: MessageConnection | undefined, store: ConversationStore, outbox: Outbox, id: string): Promise<void> {
	const conversation = store.get(id);
	if (!conversation) {
		throw new Error(`No conversation "${id}".`);
	}
	if (conversation.kind === 'channel' && conversation.joined && connection) {
		try {
			await connection.sendRequest(LeaveChannelRequest.type, { channel: conversation.id });
		} catch (error) {
			if (!(error instanceof ResponseError && error.code === ErrorCodes.NotInChannel)) {
				throw error;
			}
		}
	}
	conversation.joined = false;
	outbox.removeConversation(conversation.id);
	store.remove(conversation.id);
}

/** Opens the DM conversation with `nick`, with its latest page of history when connected. */
export async function openDirect(connection: MessageConnection | undefined, store: ConversationStore, nick: string): Promise<Conversation> {
	const conversation = store.ensureDirect(nick);
	if (!conversation.loaded && connection) {
		const page = await requestHistory(connection, { conversation: nick, limit: DEFAULT_HISTORY_LIMIT });
		store.applyDirectHistory(nick, page.messages, page.hasMore);
	}
	return conversation;
}

/** Pages back: the messages before `before` (default: the oldest one stored). */
export async function loadOlder(connection: MessageConnection, store: ConversationStore, id: string, before?: number): Promise<void> {
	const conversation = store.get(id);
	if (!conversation) {
		return;
	}
	const target = conversation.kind === 'channel' ? conversation.id : conversation.name;
	const page = await requestHistory(connection, { conversation: target, before: before ?? conversation.oldestId, limit: DEFAULT_HISTORY_LIMIT });
	store.prependOlder(conversation.id, page.messages, page.hasMore);
}

export async function listChannels(connection: MessageConnection): Promise<ChannelListResult['channels']> {
	return (await request(connection, ChannelListRequest, {})).channels;
}

export async function listUsers(connection: MessageConnection): Promise<UserListResult['users']> {
	return (await request(connection, UserListRequest, {})).users;
}

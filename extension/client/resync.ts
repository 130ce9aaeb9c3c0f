import { ResponseError, type MessageConnection } from 'vscode-jsonrpc/node';
import { ChannelListRequest, ChannelMembersRequest } from '../../protocol/channels';
import { ErrorCodes } from '../../protocol/errors';
import { nickKey } from '../../protocol/names';
import { DEFAULT_HISTORY_LIMIT } from '../../protocol/messages';
import type { Conversation } from './conversation';
import { request } from './checkedRpc';
import { joinChannel } from './conversationRequests';
import type { ConversationStore } from './conversationStore';
import { fetchAfter, requestHistory } from './history';
import { errorMessage, type ClientLog } from './log';

export interface ResyncOptions {
	/** Messages per message/history page while catching up. */
	pageSize: number;
	/** Past this many missed messages in one conversation, show the latest and let the user page back. */
	maxCatchUp: number;
}

/**
 * After a (re)connect: rejoins every channel the user was in and fetches, per
 * conversation, everything after the last id seen. Messages that also arrive live
 * meanwhile are deduplicated by id in the store, so there are no gaps and no doubles.
 */
export async function resync(connection: MessageConnection, store: ConversationStore, options: ResyncOptions, log: ClientLog): Promise<void> {
	await Promise.all([
		...store.joinedChannels().map((c) => rejoin(connection, store, c, options, log)),
		...store.directConversations().filter((c) => c.loaded).map((c) => catchUp(connection, store, c, c.name, options, log)),
	]);
}

/**
 * While connected, when the server says events may have been missed (server/resync):
 * reads again what each channel is now, without joining it again (a leave or kick lost
 * with those events must not be undone), then fetches what came after the last message
 * seen. A channel the user is no longer in goes to `gone`.
 */
export async function recheck(connection: MessageConnection, store: ConversationStore, options: ResyncOptions, log: ClientLog, gone: (channel: string) => void): Promise<void> {
	const listed = await request(connection, ChannelListRequest, {}).then((r) => r.channels, (error: unknown) => {
		log.warn(`[resync] channel/list failed: ${errorMessage(error)}`);
		return [];
	});
	const info = new Map(listed.map((c) => [c.name.toLowerCase(), c]));
	await Promise.all([
		...store.joinedChannels().map(async (conversation) => {
			try {
				const { details } = await request(connection, ChannelMembersRequest, { channel: conversation.id });
				// A public channel lists its members to anyone: the user among them or not.
				if (!details.some((m) => nickKey(m.nick) === nickKey(store.selfNick))) {
					gone(conversation.id);
					return;
				}
				store.refreshChannel(conversation.id, info.get(conversation.id.toLowerCase()), details);
			} catch (error) {
				if (error instanceof ResponseError && (error.code === ErrorCodes.NotInChannel || error.code === ErrorCodes.NoSuchChannel)) {
					gone(conversation.id);
				} else {
					log.warn(`[resync] reading ${conversation.name} again failed: ${errorMessage(error)}`);
				}
				return;
			}
			if (conversation.loaded) {
				await catchUp(connection, store, conversation, conversation.id, options, log);
			}
		}),
		...store.directConversations().filter((c) => c.loaded).map((c) => catchUp(connection, store, c, c.name, options, log)),
	]);
}

async function rejoin(connection: MessageConnection, store: ConversationStore, conversation: Conversation, options: ResyncOptions, log: ClientLog): Promise<void> {
	const wasLoaded = conversation.loaded;
	// Read before the join: its history may move lastSeenId past messages still missing.
	const after = conversation.lastSeenId;
	try {
		// Join before fetching: from the join on, new messages arrive live, so none falls between.
		await joinChannel(connection, store, conversation.id);
	} catch (error) {
		if (error instanceof ResponseError && (error.code === ErrorCodes.NoSuchChannel || error.code === ErrorCodes.InvalidChannelName)) {
			conversation.joined = false;
			store.addEvent(conversation.id, `Could not rejoin ${conversation.name}: ${error.message}`);
		}
		log.warn(`[resync] rejoin ${conversation.id} failed: ${errorMessage(error)}`);
		return;
	}
	if (wasLoaded) {
		await catchUpFrom(connection, store, conversation, conversation.id, after, options, log);
	}
}

function catchUp(connection: MessageConnection, store: ConversationStore, conversation: Conversation, target: string, options: ResyncOptions, log: ClientLog): Promise<void> {
	return catchUpFrom(connection, store, conversation, target, conversation.lastSeenId, options, log);
}

async function catchUpFrom(connection: MessageConnection, store: ConversationStore, conversation: Conversation, target: string, after: number, options: ResyncOptions, log: ClientLog): Promise<void> {
	try {
		const caught = await fetchAfter(connection, target, after, options.pageSize, options.maxCatchUp);
		if (caught.truncated) {
			const latest = await requestHistory(connection, { conversation: target, limit: DEFAULT_HISTORY_LIMIT });
			store.resetTo(conversation.id, latest.messages, caught.messages);
			store.addEvent(conversation.id, `More than ${options.maxCatchUp} messages arrived while you were away; scroll up to read them.`);
		} else {
			store.addMessages(caught.messages, true);
		}
		log.info(`[resync] ${conversation.name}: ${caught.messages.length}${caught.truncated ? '+' : ''} missed after #${after}`);
	} catch (error) {
		log.warn(`[resync] catching up ${conversation.name} failed: ${errorMessage(error)}`);
	}
}

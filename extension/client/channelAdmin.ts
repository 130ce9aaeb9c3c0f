/**
 * Creating and moderating channels: channel/create, invitations, kicks, bans, roles, the
 * topic and its protection. Input is checked before anything is sent; what the server
 * refuses (ChannelExists, Forbidden, ...) rejects with its message, which says why and who
 * may. The effects come back as notifications (memberLeft, roleChanged, ...) and reach the
 * store from there; only a new channel is stored from the answer.
 */
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { CreateChannelRequest, SetTopicRequest } from '../../protocol/channels';
import { DEFAULT_HISTORY_LIMIT } from '../../protocol/messages';
import {
	ChannelBanRequest, ChannelBansRequest, ChannelKickRequest, ChannelUnbanRequest, InviteRequest, SetRoleRequest, SetTopicProtectedRequest,
	type BanEntry,
} from '../../protocol/moderation';
import { channelProblem, nickProblem, normalizeChannel } from '../../protocol/names';
import { request } from './checkedRpc';
import type { ConversationStore } from './conversationStore';

function checkChannel(channel: string): string {
	const problem = channelProblem(channel);
	if (problem) {
		throw new Error(problem);
	}
	return normalizeChannel(channel);
}

function checkNick(nick: string): string {
	const problem = nickProblem(nick);
	if (problem) {
		throw new Error(problem);
	}
	return nick;
}

/** A reason as the server takes it: trimmed, absent when empty. */
function withReason<T extends object>(params: T, reason: string | undefined): T & { reason?: string } {
	const trimmed = reason?.trim();
	return trimmed ? { ...params, reason: trimmed } : params;
}

export class ChannelAdmin {
	constructor(
		/** The live connection; throws when offline. */
		private readonly connection: () => MessageConnection,
		private readonly store: ConversationStore,
	) {}

	/** Creates a channel (the user its owner), joins it and makes it the active conversation. */
	async create(channel: string, options: { private: boolean; topic?: string }): Promise<string> {
		const name = checkChannel(channel);
		const topic = options.topic?.trim();
		const result = await request(this.connection(), CreateChannelRequest, { channel: name, private: options.private, ...(topic ? { topic } : {}) });
		const conversation = this.store.applyJoin(result.channel, result.details ?? result.members, result.history, result.history.length >= DEFAULT_HISTORY_LIMIT, result.role ?? 'owner');
		this.store.setActive(conversation.id);
		return conversation.id;
	}

	async invite(channel: string, nick: string): Promise<void> {
		await request(this.connection(), InviteRequest, { channel: checkChannel(channel), nick: checkNick(nick) });
	}

	async kick(channel: string, nick: string, reason?: string): Promise<void> {
		await request(this.connection(), ChannelKickRequest, withReason({ channel: checkChannel(channel), nick: checkNick(nick) }, reason));
	}

	async ban(channel: string, nick: string, reason?: string): Promise<void> {
		await request(this.connection(), ChannelBanRequest, withReason({ channel: checkChannel(channel), nick: checkNick(nick) }, reason));
	}

	async unban(channel: string, nick: string): Promise<void> {
		await request(this.connection(), ChannelUnbanRequest, { channel: checkChannel(channel), nick: checkNick(nick) });
	}

	async bans(channel: string): Promise<BanEntry[]> {
		return (await request(this.connection(), ChannelBansRequest, { channel: checkChannel(channel) })).bans;
	}

	async setRole(channel: string, nick: string, role: 'op' | 'member'): Promise<void> {
		await request(this.connection(), SetRoleRequest, { channel: checkChannel(channel), nick: checkNick(nick), role });
	}

	/** An empty topic clears it. */
	async setTopic(channel: string, topic: string): Promise<void> {
		await request(this.connection(), SetTopicRequest, { channel: checkChannel(channel), topic: topic.trim() });
	}

	async setTopicProtected(channel: string, topicProtected: boolean): Promise<void> {
		await request(this.connection(), SetTopicProtectedRequest, { channel: checkChannel(channel), topicProtected });
	}
}

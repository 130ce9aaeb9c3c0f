/** channel/list, channel/join, channel/leave, channel/members, channel/setTopic. */
import {
	ChannelListRequest, ChannelMembersRequest, JoinChannelRequest, LeaveChannelRequest,
	MemberJoinedNotification, MemberLeftNotification, SetTopicRequest, TopicChangedNotification,
} from '../../protocol/channels';
import { DEFAULT_HISTORY_LIMIT } from '../../protocol/messages';
import { channelProblem, normalizeChannel } from '../../protocol/names';
import type { ChannelInfo } from '../../protocol/types';
import { fail } from '../errors';
import type { Hub } from '../hub';
import type { ChannelRecord } from '../state/store';
import { encodeNotification } from '../transport/frames';
import { route, type Route } from './registry';
import { forViewer } from './visibility';

export const MAX_TOPIC_LENGTH = 300;

/** Validates and normalizes a channel name from a client. */
export function channelName(raw: string): string {
	const problem = channelProblem(raw);
	if (problem) {
		throw fail.invalidChannelName(problem);
	}
	return normalizeChannel(raw);
}

function info(record: ChannelRecord): ChannelInfo {
	return record.topic === undefined ? { name: record.name } : { name: record.name, topic: record.topic };
}

async function existing(hub: Hub, name: string): Promise<ChannelRecord> {
	const record = await hub.store.getChannel(name);
	if (!record) {
		throw fail.noSuchChannel(name);
	}
	return record;
}

export async function requireMember(hub: Hub, channel: string, nick: string): Promise<void> {
	if (!(await hub.membership.isMember(channel, nick))) {
		await existing(hub, channel);
		throw fail.notInChannel(channel);
	}
}

export const channelRoutes: readonly Route[] = [
	route(ChannelListRequest, async (_params, _session, hub) => {
		const records = await hub.store.listChannels();
		const channels = await Promise.all(records.map(async (r) => ({ ...info(r), memberCount: await hub.membership.count(r.name) })));
		return { channels };
	}),

	route(JoinChannelRequest, async (params, session, hub) => {
		const nick = session.nick;
		const name = channelName(params.channel);
		let record = await hub.store.getChannel(name);
		if (!record) {
			if (hub.options.noCreate) {
				throw fail.noSuchChannel(name);
			}
			record = await hub.store.ensureChannel(name);
			hub.log.info(`channel ${name} created by ${nick}`);
		}
		if (await hub.membership.join(name, nick)) {
			// Subscribe before reading history: a message stored meanwhile may arrive
			// twice (clients dedupe by id) but never goes missing.
			hub.delivery.subscribe(name, session);
			hub.delivery.toChannel(name, encodeNotification(MemberJoinedNotification.type, { channel: name, nick }), session.id, 'presence');
			hub.log.info(`join ${nick} ${name}`);
		}
		const [members, page] = await Promise.all([
			hub.membership.members(name),
			hub.store.page(name, { limit: DEFAULT_HISTORY_LIMIT }),
		]);
		return { channel: info(record), members, history: forViewer(page.messages, nick) };
	}),

	route(LeaveChannelRequest, async (params, session, hub) => {
		const nick = session.nick;
		const name = channelName(params.channel);
		if (!(await hub.membership.leave(name, nick))) {
			await existing(hub, name);
			throw fail.notInChannel(name);
		}
		hub.delivery.unsubscribe(name, session);
		hub.delivery.toChannel(name, encodeNotification(MemberLeftNotification.type, { channel: name, nick }), undefined, 'presence');
		hub.log.info(`leave ${nick} ${name}`);
		return null;
	}),

	route(ChannelMembersRequest, async (params, _session, hub) => {
		const name = channelName(params.channel);
		await existing(hub, name);
		return { members: await hub.membership.members(name) };
	}),

	route(SetTopicRequest, async (params, session, hub) => {
		const nick = session.nick;
		const name = channelName(params.channel);
		const topic = params.topic.trim();
		if (topic.length > MAX_TOPIC_LENGTH) {
			throw fail.invalidParams('topic', `The topic is ${topic.length} characters long; the limit is ${MAX_TOPIC_LENGTH}.`);
		}
		await requireMember(hub, name, nick);
		await hub.store.setTopic(name, topic);
		hub.delivery.toChannel(name, encodeNotification(TopicChangedNotification.type, { channel: name, topic, by: nick }));
		hub.log.info(`topic ${name} set by ${nick}`);
		return null;
	}),
];

/** channel/list, channel/join, channel/create, channel/leave, channel/members, channel/setTopic. */
import {
	ChannelListRequest, ChannelMembersRequest, CreateChannelRequest, JoinChannelRequest, LeaveChannelRequest, MAX_LEAVE_REASON_LENGTH,
	SetTopicRequest, TopicChangedNotification, type JoinChannelResult,
} from '../../protocol/channels';
import { DEFAULT_HISTORY_LIMIT } from '../../protocol/messages';
import { channelProblem, normalizeChannel } from '../../protocol/names';
import type { ChannelRole } from '../../protocol/types';
import { fail } from '../errors';
import type { Hub } from '../hub';
import type { ChannelRecord } from '../state/store';
import { encodeNotification } from '../transport/frames';
import { route, type Route, type SignedIn } from './registry';
import { addMember, memberList, removeMember } from './roster';
import { canSee, channelInfo, forViewer, joinedChannel, moderates, visibleChannel } from './visibility';

export const MAX_TOPIC_LENGTH = 300;

/** Validates and normalizes a channel name from a client. */
export function channelName(raw: string): string {
	const problem = channelProblem(raw);
	if (problem) {
		throw fail.invalidChannelName(problem);
	}
	return normalizeChannel(raw);
}

function topicText(raw: string): string {
	const topic = raw.trim();
	if (topic.length > MAX_TOPIC_LENGTH) {
		throw fail.invalidParams('topic', `The topic is ${topic.length} characters long; the limit is ${MAX_TOPIC_LENGTH}.`);
	}
	return topic;
}

/** Joins (a member already: joins again, unannounced) and answers with the channel as a member sees it. */
async function enter(hub: Hub, session: SignedIn, record: ChannelRecord, role: ChannelRole): Promise<JoinChannelResult> {
	const name = record.name;
	await addMember(hub, session, name, role);
	const [list, page, me] = await Promise.all([
		memberList(hub, name),
		hub.store.page(name, { limit: DEFAULT_HISTORY_LIMIT }),
		hub.memberships.get(name, session.nick),
	]);
	return { channel: channelInfo(record), ...list, history: forViewer(page.messages, session.nick), role: me?.role ?? role };
}

/** Whether the session may join: a private channel needs an invitation, a ban refuses. Members and server operators pass. */
async function checkAdmission(hub: Hub, session: SignedIn, record: ChannelRecord): Promise<void> {
	const name = record.name;
	if (session.operator || (await hub.memberships.get(name, session.nick)) !== undefined) {
		return;
	}
	if (record.private && !(await hub.access.isInvited(name, session.nick))) {
		throw fail.inviteOnly(name);
	}
	if (await hub.access.isBanned(name, session.nick)) {
		throw fail.banned(name);
	}
}

export const channelRoutes: readonly Route[] = [
	route(ChannelListRequest, async (_params, session, hub) => {
		const [records, counts, mine] = await Promise.all([
			hub.store.listChannels(),
			hub.memberships.counts(),
			hub.memberships.channelsOf(session.nick),
		]);
		const joined = new Set(mine.map((m) => m.channel));
		const channels = records
			.filter((r) => canSee(r, joined.has(r.name), session))
			.map((r) => ({ ...channelInfo(r), memberCount: counts.get(r.name) ?? 0 }));
		return { channels };
	}),

	route(JoinChannelRequest, async (params, session, hub) => {
		const name = channelName(params.channel);
		let record = await hub.store.getChannel(name);
		let role: ChannelRole = 'member';
		if (!record) {
			if (hub.options.noCreate) {
				throw fail.noSuchChannel(name);
			}
			// Whoever creates a channel owns it; new channels are topic-protected.
			const created = await hub.store.createChannel({ name, private: false, topicProtected: true });
			if (created) {
				hub.log.info(`channel ${name} created by ${session.nick}`);
				role = 'owner';
			}
			record = created ?? (await hub.store.getChannel(name))!;
		}
		await checkAdmission(hub, session, record);
		if (record.private) {
			await hub.access.takeInvite(name, session.nick);
		}
		return enter(hub, session, record, role);
	}),

	route(CreateChannelRequest, async (params, session, hub) => {
		const name = channelName(params.channel);
		const topic = params.topic === undefined ? undefined : topicText(params.topic);
		if (hub.options.noCreate && !session.operator) {
			throw fail.fixedChannels();
		}
		const record = await hub.store.createChannel({ name, private: params.private === true, topicProtected: true, topic });
		if (!record) {
			throw fail.channelExists(name);
		}
		hub.log.info(`channel ${name} created by ${session.nick}${record.private ? ' (private)' : ''}`);
		return enter(hub, session, record, 'owner');
	}),

	route(LeaveChannelRequest, async (params, session, hub) => {
		const name = channelName(params.channel);
		await joinedChannel(hub, session, name);
		const reason = params.reason?.trim().slice(0, MAX_LEAVE_REASON_LENGTH);
		// The account's other connections are told; this one asked.
		await removeMember(hub, name, session.nick, reason === undefined || reason === '' ? undefined : { reason, voluntary: true }, session.id);
		return null;
	}),

	route(ChannelMembersRequest, async (params, session, hub) => {
		const name = channelName(params.channel);
		await visibleChannel(hub, session, name);
		return memberList(hub, name);
	}),

	route(SetTopicRequest, async (params, session, hub) => {
		const name = channelName(params.channel);
		const topic = topicText(params.topic);
		const view = session.operator ? await visibleChannel(hub, session, name) : await joinedChannel(hub, session, name);
		if (view.record.topicProtected && !moderates(view, session)) {
			throw fail.notModerator(name, 'set its topic while it is protected');
		}
		await hub.store.setTopic(name, topic);
		hub.delivery.toChannel(name, encodeNotification(TopicChangedNotification.type, { channel: name, topic, by: session.nick }));
		hub.log.info(`topic ${name} set by ${session.nick}`);
		return null;
	}),
];

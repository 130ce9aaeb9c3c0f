/**
 * Channel moderation: channel/invite, channel/kick, channel/ban, channel/unban,
 * channel/bans, channel/setRole, channel/setTopicProtected. The channel's owner and ops
 * may use them (only the owner turns topic protection on or off), server operators in
 * every channel. Each first resolves the channel as the caller may see it, so that to an
 * outsider a private channel answers as a missing one; only then are rights checked.
 */
import {
	ChannelBanRequest, ChannelBansRequest, ChannelKickRequest, ChannelUnbanRequest, ChannelUpdatedNotification,
	InvitedNotification, InviteRequest, RoleChangedNotification, SetRoleRequest, SetTopicProtectedRequest,
} from '../../protocol/moderation';
import { isValidNick, nickProblem } from '../../protocol/names';
import { fail } from '../errors';
import type { Hub } from '../hub';
import { encodeNotification } from '../transport/frames';
import { channelName } from './channels';
import { route, type Route, type SignedIn } from './registry';
import { removeMember } from './roster';
import { channelInfo, moderates, visibleChannel, type ChannelView } from './visibility';

/** The channel, when the caller may moderate it; `what` completes "Only the owner or an op of #x can ...". */
async function moderated(hub: Hub, session: SignedIn, raw: string, what: string): Promise<ChannelView> {
	const name = channelName(raw);
	const view = await visibleChannel(hub, session, name);
	if (!moderates(view, session)) {
		throw fail.notModerator(name, what);
	}
	return view;
}

/** "kicked by ana: spam", or "kicked by ana" without a reason. */
function removal(verb: 'kicked' | 'banned', by: string, reason: string | undefined): string {
	const why = reason?.trim().slice(0, 200);
	return why ? `${verb} by ${by}: ${why}` : `${verb} by ${by}`;
}

/** A nick as its owner writes it: online, or registered; undefined for neither. */
async function knownNick(hub: Hub, nick: string): Promise<{ nick: string; account: boolean } | undefined> {
	if (!isValidNick(nick)) {
		return undefined;
	}
	const account = await hub.store.accountNick(nick);
	if (account !== undefined) {
		return { nick: account, account: true };
	}
	const online = await hub.presence.get(nick);
	return online && { nick: online.nick, account: false };
}

export const moderationRoutes: readonly Route[] = [
	route(InviteRequest, async (params, session, hub) => {
		const { record } = await moderated(hub, session, params.channel, 'invite people');
		const name = record.name;
		const target = await knownNick(hub, params.nick);
		if (!target) {
			throw fail.noSuchNick(params.nick);
		}
		if ((await hub.memberships.get(name, target.nick)) !== undefined) {
			// A member already: nothing to let in.
			return null;
		}
		if (await hub.access.isBanned(name, target.nick)) {
			throw fail.memberBanned(target.nick, name);
		}
		if (record.private) {
			await hub.access.invite(name, target.nick, !target.account);
		}
		hub.delivery.toNick(target.nick, encodeNotification(InvitedNotification.type, { channel: name, by: session.nick }));
		hub.log.info(`${session.nick} invited ${target.nick} to ${name}`);
		return null;
	}),

	route(ChannelKickRequest, async (params, session, hub) => {
		const { record } = await moderated(hub, session, params.channel, 'kick members');
		const target = await hub.memberships.get(record.name, params.nick);
		if (!target) {
			throw fail.memberNotInChannel(params.nick, record.name);
		}
		if (target.role === 'owner') {
			throw fail.ownerImmune(record.name, 'kicked');
		}
		await removeMember(hub, record.name, target.nick, removal('kicked', session.nick, params.reason));
		return null;
	}),

	route(ChannelBanRequest, async (params, session, hub) => {
		const { record } = await moderated(hub, session, params.channel, 'ban members');
		const problem = nickProblem(params.nick);
		if (problem) {
			throw fail.invalidNick(problem);
		}
		const target = await hub.memberships.get(record.name, params.nick);
		if (target?.role === 'owner') {
			throw fail.ownerImmune(record.name, 'banned');
		}
		const nick = target?.nick ?? (await knownNick(hub, params.nick))?.nick ?? params.nick;
		const reason = params.reason?.trim().slice(0, 200);
		await hub.access.ban(record.name, { nick, by: session.nick, ...(reason ? { reason } : {}), ts: Date.now() });
		hub.log.info(`${session.nick} banned ${nick} from ${record.name}`);
		if (target) {
			await removeMember(hub, record.name, target.nick, removal('banned', session.nick, reason));
		}
		return null;
	}),

	route(ChannelUnbanRequest, async (params, session, hub) => {
		const { record } = await moderated(hub, session, params.channel, 'lift bans');
		if (await hub.access.unban(record.name, params.nick)) {
			hub.log.info(`${session.nick} unbanned ${params.nick} from ${record.name}`);
		}
		return null;
	}),

	route(ChannelBansRequest, async (params, session, hub) => {
		const { record } = await moderated(hub, session, params.channel, 'see its bans');
		return { bans: await hub.access.bans(record.name) };
	}),

	route(SetRoleRequest, async (params, session, hub) => {
		const { record } = await moderated(hub, session, params.channel, 'change roles');
		const target = await hub.memberships.get(record.name, params.nick);
		if (!target) {
			throw fail.memberNotInChannel(params.nick, record.name);
		}
		if (target.role === 'owner') {
			throw fail.ownerImmune(record.name, params.role === 'op' ? 'made an op' : 'made a plain member');
		}
		if (target.role !== params.role) {
			await hub.memberships.setRole(record.name, target.nick, params.role);
			const changed = { channel: record.name, nick: target.nick, role: params.role, by: session.nick };
			hub.delivery.toChannel(record.name, encodeNotification(RoleChangedNotification.type, changed));
			hub.log.info(`${session.nick} made ${target.nick} ${params.role} of ${record.name}`);
		}
		return null;
	}),

	route(SetTopicProtectedRequest, async (params, session, hub) => {
		const name = channelName(params.channel);
		const { record, member } = await visibleChannel(hub, session, name);
		if (!session.operator && member?.role !== 'owner') {
			throw fail.notOwner(name, 'turn topic protection on or off');
		}
		if (record.topicProtected !== params.topicProtected) {
			await hub.store.setTopicProtected(name, params.topicProtected);
			const channel = channelInfo({ ...record, topicProtected: params.topicProtected });
			hub.delivery.toChannel(name, encodeNotification(ChannelUpdatedNotification.type, { channel, by: session.nick }));
			hub.log.info(`${session.nick} turned topic protection of ${name} ${params.topicProtected ? 'on' : 'off'}`);
		}
		return null;
	}),
];

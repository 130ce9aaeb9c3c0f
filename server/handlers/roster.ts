/**
 * Channel membership with its effects: the stored membership, the subscriptions of every
 * connection of the member, and the announcements. Joins, leaves, kicks, bans and nick
 * changes all go through here.
 */
import { MemberJoinedNotification, MemberLeftNotification, type ChannelMembersResult } from '../../protocol/channels';
import type { ChannelRole } from '../../protocol/types';
import type { Hub } from '../hub';
import type { UserStatus } from '../state/presence';
import { encodeNotification } from '../transport/frames';
import type { SignedIn } from './registry';

/**
 * Makes the session's nick a member (an account's membership lasts, a guest's ends with
 * its connection). Every connection of the nick is subscribed; the other members, and the
 * account's other connections, get `channel/memberJoined`. False when it was a member.
 */
export async function addMember(hub: Hub, session: SignedIn, channel: string, role: ChannelRole): Promise<boolean> {
	const nick = session.nick;
	if (!(await hub.memberships.add(channel, { nick, role, guest: !session.registered }))) {
		return false;
	}
	// Subscribed before history is read: a message stored meanwhile may arrive twice
	// (clients dedupe by id) but never goes missing.
	hub.delivery.subscribeNick(channel, nick);
	if (session.registered) {
		// What was said before the account joined is not unread.
		await hub.readMarkers.advance(nick, channel, await hub.store.latestId(channel));
	}
	hub.delivery.toChannel(channel, encodeNotification(MemberJoinedNotification.type, { channel, nick }), session.id, 'presence');
	hub.log.info(`join ${nick} ${channel}${role === 'member' ? '' : ` as ${role}`}`);
	return true;
}

/**
 * Ends a membership. Every member's connections are told (`why` absent for a plain
 * leave; the member's own words as `{ reason, voluntary }`), except the connection `exceptId`; then the member's connections are unsubscribed.
 * False when the nick was not a member.
 */
export async function removeMember(hub: Hub, channel: string, nick: string, why?: string | { reason: string; voluntary: true }, exceptId?: number): Promise<boolean> {
	if (!(await hub.memberships.remove(channel, nick))) {
		return false;
	}
	const reason = typeof why === 'string' ? why : why?.reason;
	const params = why === undefined ? { channel, nick } : typeof why === 'string' ? { channel, nick, reason: why } : { channel, nick, ...why };
	hub.delivery.toChannel(channel, encodeNotification(MemberLeftNotification.type, params), exceptId, 'presence');
	hub.delivery.unsubscribeNick(channel, nick);
	hub.log.info(`leave ${nick} ${channel}${reason === undefined ? '' : `: ${reason}`}`);
	return true;
}

/** Every member, online or not, with presence and role. */
export async function memberList(hub: Hub, channel: string): Promise<ChannelMembersResult> {
	const members = await hub.memberships.members(channel);
	const statuses = await hub.presence.statuses(members.map((m) => m.nick));
	return {
		members: members.map((m) => m.nick),
		details: members.map((m, i) => ({ nick: m.nick, online: statuses[i] !== undefined, role: m.role, ...awayFields(statuses[i]) })),
	};
}

/**
 * `status` and `statusText` for a user list entry or member detail: only while away, so
 * that the lists of big channels stay as small as they were.
 */
export function awayFields(status: UserStatus | undefined): { status?: 'away'; statusText?: string } {
	if (status?.status !== 'away') {
		return {};
	}
	return status.text === undefined ? { status: 'away' } : { status: 'away', statusText: status.text };
}

/**
 * What each viewer may see. A private channel is visible only to its members (and server
 * operators); to anyone else it is answered exactly as a channel that does not exist:
 * same code, same message, and the same lookups on the way, so that neither the answer
 * nor its timing tells them it is there.
 */
import { nickKey } from '../../protocol/names';
import type { ChannelInfo, Message } from '../../protocol/types';
import { fail } from '../errors';
import type { Hub } from '../hub';
import type { MemberRecord } from '../state/memberships';
import type { ChannelRecord } from '../state/store';
import type { SignedIn } from './registry';

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

export function channelInfo(record: ChannelRecord): ChannelInfo {
	const info: ChannelInfo = { name: record.name };
	if (record.topic !== undefined) {
		info.topic = record.topic;
	}
	info.private = record.private;
	info.topicProtected = record.topicProtected;
	return info;
}

/** Whether the viewer may know that the channel exists. */
export function canSee(record: ChannelRecord, isMember: boolean, viewer: SignedIn): boolean {
	return !record.private || isMember || viewer.operator;
}

export interface ChannelView {
	record: ChannelRecord;
	/** The viewer's membership, if any. */
	member: MemberRecord | undefined;
}

/**
 * The channel `name` (normalized) as the viewer may see it. Throws NoSuchChannel, the one
 * error for a missing channel, when it does not exist or is private and the viewer is not
 * a member: every method that names a channel goes through here.
 */
export async function visibleChannel(hub: Hub, viewer: SignedIn, name: string): Promise<ChannelView> {
	// Both lookups always run, whether the channel exists or not.
	const [record, member] = await Promise.all([hub.store.getChannel(name), hub.memberships.get(name, viewer.nick)]);
	if (record === undefined || !canSee(record, member !== undefined, viewer)) {
		throw fail.noSuchChannel(name);
	}
	return { record, member };
}

/** As visibleChannel, and the viewer must be a member (NotInChannel). */
export async function joinedChannel(hub: Hub, viewer: SignedIn, name: string): Promise<ChannelView & { member: MemberRecord }> {
	const view = await visibleChannel(hub, viewer, name);
	if (view.member === undefined) {
		throw fail.notInChannel(name);
	}
	return { record: view.record, member: view.member };
}

/** Owners, ops and server operators moderate a channel. */
export function moderates(view: ChannelView, viewer: SignedIn): boolean {
	return viewer.operator || view.member?.role === 'owner' || view.member?.role === 'op';
}

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
import { isDmConversation, type ChannelRecord, type StoredMessage } from '../state/store';
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

/** A message the viewer may read, and where it lives. */
export interface MessageView extends StoredMessage {
	/** For a channel message: the channel and the viewer's membership. */
	channel?: ChannelView;
}

/**
 * The message `id` as the viewer may see it: one of a channel they are a member of, or of
 * one of their DMs. Otherwise NoSuchMessage, exactly as for an id that does not exist,
 * after the same lookups. With `operator`, server operators also reach messages of
 * channels they are not in (deleting them); never someone else's DM.
 */
export async function readableMessage(hub: Hub, viewer: SignedIn, id: number, options: { operator?: boolean } = {}): Promise<MessageView> {
	const stored = await hub.store.getMessage(id);
	const conversation = stored?.conversation ?? '#';
	if (stored === undefined || isDmConversation(conversation)) {
		// The channel lookups run for a missing id too, so that it answers like a hidden one.
		await Promise.all([hub.store.getChannel(conversation), hub.memberships.get(conversation, viewer.nick)]);
		if (stored === undefined || !conversation.slice(1).split(' ').includes(nickKey(viewer.nick))) {
			throw fail.noSuchMessage(id);
		}
		return stored;
	}
	const [record, member] = await Promise.all([hub.store.getChannel(conversation), hub.memberships.get(conversation, viewer.nick)]);
	if (record === undefined || (member === undefined && !(options.operator && viewer.operator))) {
		throw fail.noSuchMessage(id);
	}
	return { ...stored, channel: { record, member } };
}

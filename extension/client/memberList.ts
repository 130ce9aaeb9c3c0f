/**
 * A channel's member list as the client keeps it: every member with presence and role,
 * changed by joins, leaves, presence, role changes and nick changes. Lists are replaced, never
 * changed in place, so what was reported stays as it was.
 */
import { nickKey } from '../../protocol/names';
import type { ChannelRole, MemberDetail } from '../../protocol/types';
import type { MemberState } from './storeChanges';

/**
 * Members as a join answer gives them: with details (a current server, `status: 'away'`
 * for those who set it) or as bare nicks (online, plain members).
 */
export function toDetails(members: readonly (string | MemberDetail)[]): MemberState[] {
	return members.map((m) => {
		if (typeof m === 'string') {
			return { nick: m, online: true, role: 'member' };
		}
		const { status, ...member } = m;
		return status === 'away' && m.online ? { ...member, away: true } : member;
	});
}

export function findMember(list: readonly MemberState[] | undefined, nick: string): MemberState | undefined {
	return list?.find((m) => nickKey(m.nick) === nickKey(nick));
}

/** Adds `nick` (online, a plain member) unless present; a member who was offline comes online. */
export function withJoined(list: readonly MemberState[] | undefined, nick: string): MemberState[] {
	const known = findMember(list, nick);
	return known ? (list ?? []).map((m) => (m === known ? { ...m, online: true } : m)) : [...(list ?? []), { nick, online: true, role: 'member' }];
}

export function without(list: readonly MemberState[] | undefined, nick: string): MemberState[] {
	return (list ?? []).filter((m) => nickKey(m.nick) !== nickKey(nick));
}

/** The list with `nick` changed by `change`, or undefined when `nick` is not in it or nothing changed. */
export function updated(list: readonly MemberState[] | undefined, nick: string, change: Partial<MemberState>): MemberState[] | undefined {
	const known = findMember(list, nick);
	if (!list || !known || Object.entries(change).every(([k, v]) => known[k as keyof MemberState] === v)) {
		return undefined;
	}
	return list.map((m) => (m === known ? { ...m, ...change } : m));
}

/**
 * The list with `nick`'s presence set, with a status text only while they have one, or
 * undefined when `nick` is not in it or nothing changed.
 */
export function withPresence(list: readonly MemberState[] | undefined, nick: string, online: boolean, away: boolean, statusText: string | undefined): MemberState[] | undefined {
	const known = findMember(list, nick);
	if (!list || !known || (known.online === online && known.away === away && known.statusText === statusText)) {
		return undefined;
	}
	return list.map((m) => {
		if (m !== known) {
			return m;
		}
		const { statusText: _old, ...rest } = m;
		return { ...rest, online, away, ...(statusText !== undefined ? { statusText } : {}) };
	});
}

/** How a role change reads in the channel: "bob made kim an op". */
export function describeRole(role: ChannelRole): string {
	return role === 'op' ? 'an op' : role === 'owner' ? 'the owner' : 'a plain member';
}

/**
 * user/list and user/setNick.
 *
 * A nick change moves a guest's connection, with its channels, to the new nick; to a
 * registered nick (with its password) the connection signs in to that account, its
 * channels becoming the account's. A connection signed in to an account keeps the
 * account's nick: only its case may change, and only while no other connection of the
 * account is signed in.
 */
import { MemberJoinedNotification } from '../../protocol/channels';
import { nickKey, nickProblem } from '../../protocol/names';
import { NickChangedNotification, SetNickRequest, UserListRequest } from '../../protocol/users';
import { fail } from '../errors';
import type { Hub } from '../hub';
import { encodeNotification } from '../transport/frames';
import { checkAccount } from './login';
import { awayFields } from './roster';
import { route, type Route, type SignedIn } from './registry';

/** Everyone who shares a channel of `channels` with the user hears it once; the user's own connections do not. */
function announceNick(hub: Hub, channels: string[], oldNick: string, newNick: string): void {
	const frame = encodeNotification(NickChangedNotification.type, { oldNick, newNick });
	hub.delivery.toAudience(channels, [], frame, newNick);
}

/** A guest signs in to the account `account` (its password checked) by changing nick. */
async function signInByNick(hub: Hub, session: SignedIn, account: string): Promise<void> {
	const oldNick = session.nick;
	const claim = await hub.presence.claim({ nick: account, address: session.address, since: session.connectedAt }, true);
	if (claim === 'taken') {
		throw fail.nickInUse(account);
	}
	await hub.presence.release(oldNick);
	await hub.access.dropGuestInvites(oldNick);
	const channels = (await hub.memberships.channelsOf(oldNick)).map((c) => c.channel);
	const gained = await hub.memberships.rename(oldNick, account, false);
	hub.renamed(session, oldNick, account);
	session.registered = true;
	// Every connection of the account is in every channel of the account.
	for (const channel of gained) {
		hub.delivery.subscribeNick(channel, account);
		await hub.readMarkers.advance(account, channel, await hub.store.latestId(channel));
		hub.delivery.toNick(account, encodeNotification(MemberJoinedNotification.type, { channel, nick: account }), session.id, 'presence');
	}
	for (const { channel } of await hub.memberships.channelsOf(account)) {
		if (!hub.delivery.isSubscribed(channel, session)) {
			hub.delivery.subscribe(channel, session);
			session.notify(MemberJoinedNotification.type, { channel, nick: account });
		}
	}
	announceNick(hub, channels, oldNick, account);
	await hub.announceAccount(account);
	if (claim === 'first') {
		await hub.announcePresence(account, 'online');
	}
}

export const userRoutes: readonly Route[] = [
	route(UserListRequest, async (_params, session, hub) => {
		const [users, records, mine] = await Promise.all([hub.users(), hub.store.listChannels(), hub.memberships.channelsOf(session.nick)]);
		// Private channels show only to their members.
		const hidden = new Set(records.filter((r) => r.private).map((r) => r.name));
		if (!session.operator) {
			mine.forEach((m) => hidden.delete(m.channel));
		} else {
			hidden.clear();
		}
		return { users: users.map((u) => ({ nick: u.nick, channels: u.channels.filter((c) => !hidden.has(c)), ...awayFields(u.status) })) };
	}),

	route(SetNickRequest, async (params, session, hub) => {
		const oldNick = session.nick;
		const newNick = params.nick;
		const problem = nickProblem(newNick);
		if (problem) {
			throw fail.invalidNick(problem);
		}
		if (newNick === oldNick) {
			return { nick: oldNick };
		}
		const sameKey = nickKey(newNick) === nickKey(oldNick);
		if (session.registered) {
			if (!sameKey) {
				throw fail.accountNickFixed(oldNick);
			}
			const others = hub.holders(oldNick).length - 1;
			if (others > 0) {
				throw fail.accountHasOtherConnections(oldNick, others);
			}
		}
		if (!sameKey && (await checkAccount(hub, session, newNick, params.password))) {
			const account = (await hub.store.accountNick(newNick)) ?? newNick;
			await signInByNick(hub, session, account);
			hub.log.info(`nick ${oldNick} is now ${account} (signed in)`);
			return { nick: account };
		}
		if (!(await hub.presence.rename(oldNick, newNick))) {
			throw fail.nickInUse(newNick);
		}
		const channels = (await hub.memberships.channelsOf(oldNick)).map((c) => c.channel);
		await hub.memberships.rename(oldNick, newNick, !session.registered);
		if (session.registered) {
			await hub.store.setAccountNick(newNick);
		}
		hub.renamed(session, oldNick, newNick);
		announceNick(hub, channels, oldNick, newNick);
		hub.log.info(`nick ${oldNick} is now ${newNick}`);
		return { nick: newNick };
	}),
];

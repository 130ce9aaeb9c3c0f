/** user/list and user/setNick. */
import { nickKey, nickProblem } from '../../protocol/names';
import { NickChangedNotification, SetNickRequest, UserListRequest } from '../../protocol/users';
import { fail } from '../errors';
import { encodeNotification } from '../transport/frames';
import { checkAccount } from './login';
import { route, type Route } from './registry';

export const userRoutes: readonly Route[] = [
	route(UserListRequest, async (_params, _session, hub) => {
		const users = await hub.users();
		return { users: users.map((u) => ({ nick: u.nick, channels: u.channels })) };
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
		const sameAccount = nickKey(newNick) === nickKey(oldNick);
		const registered = sameAccount ? session.registered : await checkAccount(hub, session, newNick, params.password);
		if (!(await hub.presence.rename(oldNick, newNick))) {
			throw fail.nickInUse(newNick);
		}
		session.registered = registered;
		const channels = await hub.membership.channelsOf(oldNick);
		await hub.membership.rename(oldNick, newNick);
		hub.renamed(session, oldNick, newNick);
		// Everyone who shares a channel hears it once, however many channels they share.
		const told = new Set<string>([nickKey(newNick)]);
		const frame = encodeNotification(NickChangedNotification.type, { oldNick, newNick });
		for (const channel of channels) {
			for (const member of await hub.membership.members(channel)) {
				if (!told.has(nickKey(member))) {
					told.add(nickKey(member));
					hub.delivery.toNick(member, frame);
				}
			}
		}
		hub.log.info(`nick ${oldNick} is now ${newNick}`);
		return { nick: newNick };
	}),
];

/** account/register, and the operator methods admin/kick and admin/broadcast. */
import { MAX_PASSWORD_LENGTH, RegisterRequest } from '../../protocol/account';
import { AdminBroadcastRequest, AdminKickRequest } from '../../protocol/admin';
import { hashPassword } from '../auth';
import { fail } from '../errors';
import { route, type Route } from './registry';

export const accountRoutes: readonly Route[] = [
	route(RegisterRequest, async (params, session, hub) => {
		const nick = session.nick;
		const length = params.password.length;
		const min = hub.options.minPasswordLength;
		if (length < min || length > MAX_PASSWORD_LENGTH) {
			throw fail.invalidParams('password', `A password must be ${min} to ${MAX_PASSWORD_LENGTH} characters long; this one is ${length}.`);
		}
		if (!session.registered && (await hub.store.getPasswordHash(nick)) !== undefined) {
			// Only possible if the nick was registered elsewhere meanwhile (several servers).
			throw fail.accountPasswordRequired(nick);
		}
		await hub.store.setPasswordHash(nick, await hashPassword(params.password));
		hub.log.info(`${session.registered ? 'password changed' : 'registered'} for ${nick}`);
		if (!session.registered) {
			// The guest is an account now: its channels last, and it may sign in more than once.
			await hub.memberships.keep(nick);
			await hub.presence.promote(nick);
			session.registered = true;
			await hub.announceAccount(nick);
		}
		return { nick };
	}),

	route(AdminKickRequest, (params, session, hub) => {
		if (!session.operator) {
			throw fail.forbidden(AdminKickRequest.method);
		}
		const reason = params.reason?.trim() || `by ${session.nick}`;
		// Every connection of an account.
		if (!hub.kick(params.nick, reason)) {
			throw fail.notOnline(params.nick);
		}
		return null;
	}),

	route(AdminBroadcastRequest, (params, session, hub) => {
		if (!session.operator) {
			throw fail.forbidden(AdminBroadcastRequest.method);
		}
		if (params.text.trim() === '') {
			throw fail.invalidParams('text', `Field 'text' is empty; type the notice to send.`);
		}
		if (params.text.length > hub.options.maxMessageLength) {
			throw fail.messageTooLong(params.text.length, hub.options.maxMessageLength);
		}
		return { recipients: hub.broadcast(params.text) };
	}),
];

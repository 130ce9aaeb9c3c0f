/** account/register, and the operator methods admin/kick and admin/broadcast. */
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, RegisterRequest } from '../../protocol/account';
import { AdminBroadcastRequest, AdminKickRequest } from '../../protocol/admin';
import { hashPassword } from '../auth';
import { fail } from '../errors';
import type { Hub } from '../hub';
import type { Session } from '../session';
import { register } from './registry';

export function registerAccountHandlers(hub: Hub, session: Session): void {
	register(hub, session, RegisterRequest, async (params) => {
		const nick = session.nick!;
		const length = params.password.length;
		if (length < MIN_PASSWORD_LENGTH || length > MAX_PASSWORD_LENGTH) {
			throw fail.invalidParams('password', `A password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters long; this one is ${length}.`);
		}
		if (!session.registered && (await hub.store.getPasswordHash(nick)) !== undefined) {
			// Only possible if the nick was registered elsewhere meanwhile (several servers).
			throw fail.accountPasswordRequired(nick);
		}
		await hub.store.setPasswordHash(nick, await hashPassword(params.password));
		hub.log.info(`${session.registered ? 'password changed' : 'registered'} for ${nick}`);
		session.registered = true;
		return { nick };
	});

	register(hub, session, AdminKickRequest, (params) => {
		if (!session.operator) {
			throw fail.forbidden(AdminKickRequest.method);
		}
		const reason = params.reason?.trim() || `by ${session.nick}`;
		if (!hub.kick(params.nick, reason)) {
			throw fail.noSuchNick(params.nick);
		}
		return null;
	});

	register(hub, session, AdminBroadcastRequest, (params) => {
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
	});
}

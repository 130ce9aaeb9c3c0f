/**
 * The checks a login must pass before it gets a nick: server password, admin token
 * and account password, with failed attempts throttled per address.
 */
import { fail } from '../errors';
import { secretMatches, verifyPassword } from '../auth';
import type { Hub } from '../hub';
import type { Session } from '../session';

export interface Credentials {
	password?: string;
	serverPassword?: string;
	adminToken?: string;
}

export interface LoginGrant {
	operator: boolean;
	registered: boolean;
}

/** Checks the password a registered nick needs; resolves whether the nick is registered. */
export async function checkAccount(hub: Hub, session: Session, nick: string, password: string | undefined): Promise<boolean> {
	const hash = await hub.store.getPasswordHash(nick);
	if (hash === undefined) {
		return false;
	}
	if (password === undefined) {
		throw fail.accountPasswordRequired(nick);
	}
	const wait = hub.loginThrottle.retryAfter(session.ip);
	if (wait > 0) {
		throw fail.tooManyFailedLogins(wait);
	}
	if (!(await verifyPassword(password, hash))) {
		refuse(hub, session, `wrong password for ${nick}`);
		throw fail.wrongPassword(nick);
	}
	return true;
}

function refuse(hub: Hub, session: Session, why: string): void {
	hub.loginThrottle.fail(session.ip);
	hub.log.warn(`login refused for ${session.address}: ${why}`);
}

export async function checkLogin(hub: Hub, session: Session, nick: string, credentials: Credentials): Promise<LoginGrant> {
	const wait = hub.loginThrottle.retryAfter(session.ip);
	if (wait > 0) {
		throw fail.tooManyFailedLogins(wait);
	}
	const { password: serverPassword, adminToken } = hub.options;
	let accountPassword = credentials.password;
	if (serverPassword !== undefined) {
		const given = credentials.serverPassword ?? credentials.password;
		if (!secretMatches(given, serverPassword)) {
			refuse(hub, session, 'wrong server password');
			throw fail.serverPasswordRequired();
		}
		if (credentials.serverPassword === undefined) {
			// `password` carried the server password.
			accountPassword = undefined;
		}
	}
	let operator = false;
	if (credentials.adminToken !== undefined) {
		if (adminToken === undefined || !secretMatches(credentials.adminToken, adminToken)) {
			refuse(hub, session, 'wrong admin token');
			throw fail.wrongAdminToken();
		}
		operator = true;
	}
	const registered = await checkAccount(hub, session, nick, accountPassword);
	return { operator, registered };
}

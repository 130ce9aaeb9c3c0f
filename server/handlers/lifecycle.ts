/** initialize, session/quit and session/ping. */
import { nickProblem } from '../../protocol/names';
import { InitializeRequest, PingRequest, PROTOCOL_VERSION, QuitRequest } from '../../protocol/lifecycle';
import { fail } from '../errors';
import { SERVER_NAME, SERVER_VERSION } from '../version';
import { randomToken, secretMatches } from '../auth';
import { checkLogin } from './login';
import { route, routeBeforeInit, type Route } from './registry';

export const lifecycleRoutes: readonly Route[] = [
	routeBeforeInit(InitializeRequest, async (params, session, hub) => {
		if (session.nick !== undefined) {
			throw fail.alreadyInitialized(session.nick);
		}
		if (params.protocolVersion !== PROTOCOL_VERSION) {
			throw fail.unsupportedVersion(params.protocolVersion, PROTOCOL_VERSION);
		}
		const problem = nickProblem(params.nick);
		if (problem) {
			throw fail.invalidNick(problem);
		}
		const grant = await checkLogin(hub, session, params.nick, params);
		// A client back on a new connection before its old one was noticed dead takes
		// over that session (and its place on a full server).
		const holder = params.resumeToken === undefined ? undefined : hub.holder(params.nick);
		if (holder?.resumeToken !== undefined && secretMatches(params.resumeToken, holder.resumeToken)) {
			await hub.evict(holder, 'connection lost (reconnected)');
			hub.log.info(`${params.nick} resumed from ${session.address}`);
		}
		const max = hub.options.maxClients;
		if (max > 0 && (await hub.presence.count()) >= max) {
			throw fail.serverFull(max);
		}
		if (!session.isOpen) {
			return Promise.reject(fail.internal('initialize a closed connection'));
		}
		const user = { nick: params.nick, address: session.address, since: session.connectedAt };
		if (!(await hub.presence.claim(user))) {
			throw fail.nickInUse(params.nick);
		}
		hub.attach(session, params.nick);
		session.resumeToken = randomToken();
		session.operator = grant.operator;
		session.registered = grant.registered;
		const client = params.clientInfo ? ` with ${params.clientInfo.name} ${params.clientInfo.version ?? ''}`.trimEnd() : '';
		const roles = [grant.operator ? 'operator' : '', grant.registered ? 'registered' : ''].filter(Boolean).join(', ');
		hub.log.info(`nick ${params.nick} set by ${session.address}${client}${roles ? ` (${roles})` : ''}`);
		return {
			protocolVersion: PROTOCOL_VERSION,
			serverInfo: { name: SERVER_NAME, version: SERVER_VERSION },
			nick: params.nick,
			...(hub.options.motd !== undefined ? { motd: hub.options.motd } : {}),
			limits: { maxMessageLength: hub.options.maxMessageLength, maxFrameBytes: hub.options.maxFrameBytes },
			...(grant.operator ? { operator: true } : {}),
			...(grant.registered ? { registered: true } : {}),
			resumeToken: session.resumeToken,
		};
	}),

	route(QuitRequest, (params, session) => {
		const reason = params.reason?.trim() ? `quit: ${params.reason.trim().slice(0, 200)}` : 'quit';
		// Close after the null answer has been queued (it is written by the close).
		setImmediate(() => session.close(reason));
		return null;
	}),

	routeBeforeInit(PingRequest, (params) => (params.token === undefined ? {} : { token: params.token })),
];

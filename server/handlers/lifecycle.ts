/** initialize, session/quit and session/ping. */
import { nickProblem } from '../../protocol/names';
import { InitializeRequest, PingRequest, PROTOCOL_VERSION, QuitRequest, type InitializeResult } from '../../protocol/lifecycle';
import { fail } from '../errors';
import { SERVER_NAME, SERVER_VERSION } from '../version';
import { randomToken, secretMatches } from '../auth';
import { conversationStates } from './conversations';
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
		const account = grant.registered;
		// An account is shown as it was registered, whatever the case typed.
		const nick = account ? ((await hub.store.accountNick(params.nick)) ?? params.nick) : params.nick;
		// A client back on a new connection before its old one was noticed dead takes over
		// that session (and its place on a full server). A guest's nick is freed first; an
		// account's old connection goes once the new one holds the nick, so that the account
		// does not flicker offline.
		const stale = params.resumeToken === undefined ? undefined
			: hub.holders(nick).find((h) => h.resumeToken !== undefined && secretMatches(params.resumeToken, h.resumeToken));
		if (stale && !account) {
			await hub.evict(stale, 'connection lost (reconnected)');
			hub.log.info(`${nick} resumed from ${session.address}`);
		} else if (!stale && !account && params.resumeToken !== undefined && hub.state.cluster
			&& await hub.state.cluster.resumeGuest(nick, params.resumeToken)) {
			// Its connection was on a node that died: the nick is free now, not once that node is reaped.
			hub.log.info(`${nick} resumed from ${session.address} (its node died)`);
		}
		const max = hub.options.maxClients;
		if (max > 0 && (await hub.presence.connections()) >= max) {
			throw fail.serverFull(max);
		}
		if (!session.isOpen) {
			return Promise.reject(fail.internal('initialize a closed connection'));
		}
		const resumeToken = randomToken();
		const claim = await hub.presence.claim({ nick, address: session.address, since: session.connectedAt }, account, account ? undefined : resumeToken);
		if (claim === 'taken') {
			throw fail.nickInUse(params.nick);
		}
		hub.attach(session, nick);
		session.resumeToken = resumeToken;
		session.operator = grant.operator;
		session.registered = account;
		const client = params.clientInfo ? ` with ${params.clientInfo.name} ${params.clientInfo.version ?? ''}`.trimEnd() : '';
		const roles = [grant.operator ? 'operator' : '', account ? 'registered' : ''].filter(Boolean).join(', ');
		hub.log.info(`nick ${nick} set by ${session.address}${client}${roles ? ` (${roles})` : ''}${claim === 'another' ? ' (another connection)' : ''}`);
		const result: InitializeResult = {
			protocolVersion: PROTOCOL_VERSION,
			serverInfo: { name: SERVER_NAME, version: SERVER_VERSION },
			nick,
			...(hub.options.motd !== undefined ? { motd: hub.options.motd } : {}),
			limits: {
				maxMessageLength: hub.options.maxMessageLength,
				maxFrameBytes: hub.options.maxFrameBytes,
				minPasswordLength: hub.options.minPasswordLength,
			},
			...(grant.operator ? { operator: true } : {}),
			...(account ? { registered: true } : {}),
			resumeToken: session.resumeToken,
		};
		if (!account) {
			return result;
		}
		// The account's channels are the connection's: subscribed before the counts are read.
		for (const { channel } of await hub.memberships.channelsOf(nick)) {
			hub.delivery.subscribe(channel, session);
		}
		if (stale) {
			await hub.evict(stale, 'connection lost (reconnected)');
			hub.log.info(`${nick} resumed from ${session.address}`);
		}
		if (claim === 'first') {
			await hub.announcePresence(nick, 'online');
		}
		return { ...result, conversations: await conversationStates(hub, nick) };
	}),

	route(QuitRequest, (params, session) => {
		const reason = params.reason?.trim() ? `quit: ${params.reason.trim().slice(0, 200)}` : 'quit';
		// Close after the null answer has been queued (it is written by the close).
		setImmediate(() => session.close(reason));
		return null;
	}),

	routeBeforeInit(PingRequest, (params) => (params.token === undefined ? {} : { token: params.token })),
];

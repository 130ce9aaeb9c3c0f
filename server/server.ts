/**
 * Starts a Parley server: a TCP listener whose connections become sessions, the
 * embedded state (presence, membership, delivery in memory; channels and history in
 * SQLite, PostgreSQL or memory) and the liveness sweep.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { ResponseError } from 'vscode-jsonrpc/node';
import { InitializeRequest, NoticeNotification, PingRequest } from '../protocol/lifecycle';
import { accountRoutes } from './handlers/account';
import { channelRoutes } from './handlers/channels';
import { conversationRoutes } from './handlers/conversations';
import { editRoutes } from './handlers/edits';
import { messageRoutes } from './handlers/messages';
import { reactionRoutes } from './handlers/reactions';
import { searchRoutes } from './handlers/search';
import { threadRoutes } from './handlers/threads';
import { activityRoutes } from './handlers/activity';
import { moderationRoutes } from './handlers/moderation';
import { Router } from './handlers/registry';
import { lifecycleRoutes } from './handlers/lifecycle';
import { userRoutes } from './handlers/users';
import { systemClock, type Clock } from './clock';
import { Hub } from './hub';
import { RpcLinks } from './rpc-links';
import { createLogger, type LogSink } from './log';
import { DEFAULT_OPTIONS, type ServerOptions } from './options';
import { Session, type RpcHost } from './session';
import { startIrcListeners, type IrcListeners } from './irc/listener';
import { LocalDelivery } from './state/delivery';
import { openState } from './state/open';
import { describeDatabase } from './state/pg-schema';
import { LocalPresence } from './state/presence';
import { joinCluster, type ClusterNode } from './cluster/cluster';
import type { LeaseTimings } from './cluster/lease';
import type { HealthTimings } from './metrics/health';
import { serveMetrics, type ServedMetrics } from './metrics/serve';

export interface StartOptions extends Partial<ServerOptions> {
	/** Where log lines go (default stderr). */
	logSink?: LogSink;
	/** Quiet time after which a session gives its vscode-jsonrpc link back (tests shorten it). */
	linkQuietMs?: number;
	/** The clock of the server's timeouts (default the system clock; tests pass one they advance). */
	clock?: Clock;
	/** A cluster node's lease timings (default cluster/lease.ts DEFAULT_LEASE). */
	lease?: LeaseTimings;
	/** How often health is checked and how long a round trip may take (default metrics/health.ts DEFAULT_HEALTH). */
	health?: HealthTimings;
}

export interface ParleyServer {
	readonly host: string;
	readonly port: number;
	/** The IRC ports, when --irc-port / --irc-tls-port are on. */
	readonly ircPort?: number;
	readonly ircTlsPort?: number;
	/** The /healthz and /metrics port, when --metrics-port is on. */
	readonly metricsPort?: number;
	readonly hub: Hub;
	readonly options: ServerOptions;
	/** The vscode-jsonrpc connections held by active sessions, and the spares. */
	readonly links: RpcLinks;
	/** This server as a cluster node (`--redis`). */
	readonly cluster?: ClusterNode;
	/** Tells every client, closes every connection, commits history, stops listening. */
	stop(reason?: string): Promise<void>;
}

export async function startServer(start: StartOptions = {}): Promise<ParleyServer> {
	const { logSink, linkQuietMs, clock = systemClock, lease, health, ...given } = start;
	const options: ServerOptions = { ...DEFAULT_OPTIONS, ...given };
	const log = createLogger(options.logLevel, 'server', logSink);
	// A cluster node's id names the guests it holds in the shared database: chosen before it opens.
	const nodeId = options.redis === undefined ? options.nodeId : (options.nodeId ?? `node-${randomBytes(4).toString('hex')}`);
	const stored = await openState({ ...options, nodeId, cluster: options.redis !== undefined, onDatabaseError: (error) => log.warn(`database connection lost: ${error.message} (the next query reconnects)`) });
	const store = stored.store;
	for (const channel of options.channels) {
		await store.ensureChannel(channel);
	}
	if (options.noCreate && (await store.listChannels()).length === 0) {
		log.warn('--no-create is set but no channel exists: add some with --channels general,random');
	}
	let cluster: ClusterNode | undefined;
	if (options.redis !== undefined) {
		try {
			cluster = await joinCluster({ redis: options.redis, nodeId, lease }, stored, log);
		} catch (error) {
			await stored.close();
			throw error;
		}
	}
	const hub = new Hub(options, {
		cluster: cluster?.link,
		presence: cluster?.presence ?? new LocalPresence(),
		delivery: cluster?.delivery ?? new LocalDelivery(),
		store,
		memberships: stored.memberships,
		access: stored.access,
		readMarkers: stored.readMarkers,
		threadMarkers: stored.threadMarkers,
		reactions: stored.reactions,
	}, log, clock);

	await cluster?.attach(hub);
	const router = new Router(hub, [activityRoutes, lifecycleRoutes, channelRoutes, moderationRoutes, messageRoutes, editRoutes, reactionRoutes, searchRoutes, threadRoutes, conversationRoutes, userRoutes, accountRoutes]);
	const links = new RpcLinks(linkQuietMs, clock);
	const rpc: RpcHost = {
		dispatch: (session, method, params) => router.dispatch(session, method, params),
		notification: (session, method, params) => router.notification(session, method, params),
		acquireLink: (session) => links.acquire(session),
		closed: (session, link) => links.closed(session, link),
	};
	let listener: net.Server;
	try {
		listener = createListener(options, (socket) => accept(hub, rpc, socket));
	} catch (error) {
		await cluster?.close();
		await stored.close();
		throw error;
	}
	listener.maxConnections = options.maxClients > 0 ? options.maxClients + 1024 : 0;
	try {
		await new Promise<void>((resolve, reject) => {
			listener.once('error', reject);
			listener.listen(options.port, options.host, () => {
				listener.off('error', reject);
				resolve();
			});
		});
	} catch (error) {
		await cluster?.close();
		await stored.close();
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'EADDRINUSE') {
			throw new Error(`Port ${options.port} on ${options.host} is already in use (another Parley server?). Stop it or pick another port with --port.`, { cause: error });
		}
		if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
			throw new Error(`Cannot listen on ${options.host}: no such address on this machine. Use --host 127.0.0.1 or --host 0.0.0.0.`, { cause: error });
		}
		throw error;
	}
	listener.on('error', (error) => log.error(`listener: ${error.message}`));
	let irc: IrcListeners;
	try {
		irc = await startIrcListeners(hub, router);
	} catch (error) {
		await new Promise<void>((resolve) => listener.close(() => resolve()));
		await cluster?.close();
		await stored.close();
		throw error;
	}
	let stopReason: string | undefined;
	let metrics: ServedMetrics | undefined;
	if (options.metricsPort !== undefined) {
		try {
			metrics = await serveMetrics(options, {
				hub, stored, cluster, nodeId,
				notAccepting: () => (stopReason !== undefined ? `shutting down: ${stopReason}` : listener.listening ? undefined : 'its listener is closed'),
			}, log, health);
		} catch (error) {
			await Promise.all([new Promise<void>((resolve) => listener.close(() => resolve())), irc.close()]);
			await cluster?.close();
			await stored.close();
			throw error;
		}
	}
	const address = listener.address() as net.AddressInfo;
	const sweep = clock.setInterval(() => sweepSessions(hub), Math.max(50, Math.min(5000, Math.floor(Math.min(options.idleTimeoutMs, options.initTimeoutMs) / 4))));
	log.info(`started (protocol v1${options.tlsCert ? ', TLS' : ''}${irc.port !== undefined ? `, IRC on ${irc.port}` : ''}${irc.tlsPort !== undefined ? `, IRC+TLS on ${irc.tlsPort}` : ''}${metrics ? `, metrics on ${metrics.host}:${metrics.port}` : ''}, history ${options.memory ? 'in memory' : options.database !== undefined ? `in PostgreSQL at ${describeDatabase(options.database)}` : `in ${options.dataDir}`})`);

	let stopping: Promise<void> | undefined;
	return {
		host: address.address,
		port: address.port,
		ircPort: irc.port,
		ircTlsPort: irc.tlsPort,
		metricsPort: metrics?.port,
		hub,
		options,
		links,
		cluster,
		stop(reason = 'server shutting down') {
			// /healthz says 503 from now on (the load balancer stops sending clients), until the end.
			stopReason ??= reason;
			stopping ??= (async () => {
				sweep.cancel();
				links.dispose();
				const closed = Promise.all([new Promise<void>((resolve) => listener.close(() => resolve())), irc.close()]);
				const open = [...hub.sessions];
				hub.closeAll(reason);
				await Promise.race([
					Promise.all(open.map((s) => new Promise<void>((resolve) => (s.isFinished ? resolve() : s.onClose(() => resolve()))))),
					new Promise<void>((resolve) => clock.setTimeout(resolve, 3000)),
				]);
				await closed;
				await cluster?.close();
				await stored.close();
				await metrics?.close();
				log.info(`stopped: ${reason}`);
			})();
			return stopping;
		},
	};
}

/** A plain TCP listener, or TLS when a certificate and key are configured. */
function createListener(options: ServerOptions, onSocket: (socket: net.Socket) => void): net.Server {
	if (options.tlsCert === undefined || options.tlsKey === undefined) {
		return net.createServer({ noDelay: true }, onSocket);
	}
	const read = (file: string, what: string): Buffer => {
		try {
			return fs.readFileSync(file);
		} catch (error) {
			throw new Error(`Cannot read the TLS ${what} '${file}': ${(error as Error).message}. Check --tls-${what === 'certificate' ? 'cert' : 'key'}.`, { cause: error });
		}
	};
	let context: tls.TlsOptions;
	try {
		context = { cert: read(options.tlsCert, 'certificate'), key: read(options.tlsKey, 'key'), minVersion: 'TLSv1.2' };
		tls.createSecureContext(context);
	} catch (error) {
		throw new Error(error instanceof Error && error.message.startsWith('Cannot read') ? error.message : `The TLS certificate or key is not valid PEM, or they do not match: ${(error as Error).message}.`, { cause: error });
	}
	const server = tls.createServer({ ...context, handshakeTimeout: options.initTimeoutMs }, (socket) => {
		socket.setNoDelay(true);
		onSocket(socket);
	});
	server.on('tlsClientError', () => undefined);
	return server;
}

function accept(hub: Hub, rpc: RpcHost, socket: net.Socket): void {
	const options = hub.options;
	const session = new Session(socket, options, hub.log, rpc, hub.clock);
	if (options.maxPerIp > 0 && hub.connectionsFrom(session.ip) >= options.maxPerIp) {
		session.notify(NoticeNotification.type, { text: `Too many connections from ${session.ip} (limit ${options.maxPerIp}); close some and try again.` });
		session.close('too many connections from this address');
		hub.log.warn(`refused ${session.address}: more than ${options.maxPerIp} connections from ${session.ip}`);
		return;
	}
	hub.add(session);
	session.onClose((reason) => {
		hub.detach(session, reason).catch((error: unknown) => hub.log.error(`cleanup of ${session.label} failed: ${String(error)}`));
	});
	hub.log.info(`connect ${session.address}; ${hub.sessions.size} connected`);
}

/** Closes connections that never initialized, pings quiet ones and drops dead ones. */
function sweepSessions(hub: Hub): void {
	const now = hub.clock.now();
	const { initTimeoutMs, idleTimeoutMs } = hub.options;
	hub.loginThrottle.prune();
	for (const session of hub.sessions) {
		if (!session.isOpen) {
			continue;
		}
		if (session.nick === undefined && now - session.connectedAt > initTimeoutMs) {
			session.notify(NoticeNotification.type, { text: `No successful '${InitializeRequest.method}' within ${initTimeoutMs / 1000} s; closing the connection.` });
			session.close('initialize timeout');
			continue;
		}
		const idle = now - session.lastActivity;
		if (idle > 2 * idleTimeoutMs) {
			session.close('connection lost (no answer to ping)');
		} else if (idle > idleTimeoutMs && !session.pingOutstanding) {
			session.pingOutstanding = true;
			session.request(PingRequest.type, { token: String(now) }).catch((error: unknown) => {
				// A closed connection rejects pending requests; an error answer still shows life.
				if (!(error instanceof ResponseError)) {
					hub.log.debug(`ping ${session.label}: ${String(error)}`);
				}
			});
		}
	}
}

/**
 * The IRC listeners (`--irc-port`, `--irc-tls-port`): their connections become
 * IrcSessions in the same hub as the JSON-RPC ones, under the same per-IP cap.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { Hub } from '../hub';
import type { Router } from '../handlers/registry';
import { COMMANDS } from './commands';
import { IrcSession, type IrcServerInfo } from './session';

export interface IrcListeners {
	/** The bound ports (undefined when off). */
	port?: number;
	tlsPort?: number;
	close(): Promise<void>;
}

function listen(server: net.Server, port: number, host: string): Promise<number> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			server.off('error', reject);
			resolve((server.address() as net.AddressInfo).port);
		});
	});
}

export async function startIrcListeners(hub: Hub, router: Router): Promise<IrcListeners> {
	const options = hub.options;
	const servers: net.Server[] = [];
	const result: IrcListeners = {
		close: () => Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(() => undefined),
	};
	const info = (isTls: boolean): IrcServerInfo => ({ name: 'parley.irc', createdAt: new Date(hub.clock.now()), tls: isTls });
	const accept = (socket: net.Socket, isTls: boolean): void => {
		const session = new IrcSession(socket, hub, router, info(isTls), COMMANDS);
		if (options.maxPerIp > 0 && hub.connectionsFrom(session.ip) >= options.maxPerIp) {
			session.close(`Too many connections from ${session.ip} (limit ${options.maxPerIp})`);
			hub.log.warn(`refused IRC ${session.address}: more than ${options.maxPerIp} connections from ${session.ip}`);
			return;
		}
		hub.add(session);
		session.onClose((reason) => {
			hub.detach(session, reason).catch((error: unknown) => hub.log.error(`cleanup of ${session.label} failed: ${String(error)}`));
		});
		hub.log.info(`connect IRC ${session.address}${isTls ? ' (TLS)' : ''}; ${hub.sessions.size} connected`);
	};
	try {
		if (options.ircPort !== undefined) {
			const server = net.createServer({ noDelay: true }, (socket) => accept(socket, false));
			servers.push(server);
			result.port = await listen(server, options.ircPort, options.host);
		}
		if (options.ircTlsPort !== undefined) {
			if (options.tlsCert === undefined || options.tlsKey === undefined) {
				throw new Error('--irc-tls-port needs --tls-cert and --tls-key.');
			}
			const server = tls.createServer({
				cert: fs.readFileSync(options.tlsCert), key: fs.readFileSync(options.tlsKey), minVersion: 'TLSv1.2', handshakeTimeout: options.initTimeoutMs,
			}, (socket) => accept(socket, true));
			server.on('tlsClientError', () => undefined);
			servers.push(server);
			result.tlsPort = await listen(server, options.ircTlsPort, options.host);
		}
	} catch (error) {
		await result.close();
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'EADDRINUSE') {
			throw new Error(`The IRC port is already in use on ${options.host}; pick another with --irc-port / --irc-tls-port.`, { cause: error });
		}
		throw error;
	}
	for (const server of servers) {
		server.on('error', (error) => hub.log.error(`IRC listener: ${error.message}`));
	}
	return result;
}

import * as net from 'node:net';

export interface Endpoint {
	host: string;
	port: number;
}

export function formatEndpoint(endpoint: Endpoint): string {
	return net.isIPv6(endpoint.host) ? `[${endpoint.host}]:${endpoint.port}` : `${endpoint.host}:${endpoint.port}`;
}

/** The socket could not be opened. `code` is the system error code (ECONNREFUSED, ETIMEDOUT, ...). */
export class ConnectError extends Error {
	constructor(readonly endpoint: Endpoint, readonly code: string, cause: string) {
		super(`Cannot reach the Parley server at ${formatEndpoint(endpoint)}: ${cause}`);
		this.name = 'ConnectError';
	}
}

const KEEP_ALIVE_MS = 15_000;

/**
 * Opens a TCP socket to the server. Nagle is off (chat frames are small and latency
 * matters) and TCP keep-alive is on, so a peer that vanished is noticed.
 */
export function openSocket(endpoint: Endpoint, timeoutMs: number): Promise<net.Socket> {
	return new Promise((resolve, reject) => {
		const socket = net.connect({ host: endpoint.host, port: endpoint.port });
		const timer = setTimeout(() => {
			socket.destroy();
			reject(new ConnectError(endpoint, 'ETIMEDOUT', `no answer within ${Math.round(timeoutMs / 1000)} s`));
		}, timeoutMs);
		const onError = (error: NodeJS.ErrnoException) => {
			clearTimeout(timer);
			socket.destroy();
			reject(new ConnectError(endpoint, error.code ?? 'EUNKNOWN', error.code ?? error.message));
		};
		socket.once('error', onError);
		socket.once('connect', () => {
			clearTimeout(timer);
			socket.off('error', onError);
			socket.setNoDelay(true);
			socket.setKeepAlive(true, KEEP_ALIVE_MS);
			resolve(socket);
		});
	});
}

/** A sentence for a person: what went wrong and what to do about it. */
export function describeConnectError(error: ConnectError): string {
	const address = formatEndpoint(error.endpoint);
	const start = 'Start one with `node server` (or `npm start`) in the Parley folder, or point the settings parley.server.host and parley.server.port at a running server.';
	switch (error.code) {
		case 'ECONNREFUSED':
			return `No Parley server is listening at ${address}. ${start}`;
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return `The host name "${error.endpoint.host}" could not be resolved. Check parley.server.host.`;
		case 'ETIMEDOUT':
			return `The Parley server at ${address} did not answer in time. Check that it is running and reachable (firewall, VPN). ${start}`;
		case 'EHOSTUNREACH':
		case 'ENETUNREACH':
			return `The network cannot reach ${address}. Check parley.server.host and your connection.`;
		default:
			return `Cannot reach the Parley server at ${address} (${error.code}). ${start}`;
	}
}

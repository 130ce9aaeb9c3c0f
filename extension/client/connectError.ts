import * as net from 'node:net';

export interface TlsSettings {
	/** A PEM file with a CA or self-signed certificate to trust besides the system CAs. */
	caFile?: string;
}

export interface Endpoint {
	host: string;
	port: number;
	/** Present: speak TLS (1.2 or newer) and verify the server's certificate. */
	tls?: TlsSettings;
}

export function formatEndpoint(endpoint: Pick<Endpoint, 'host' | 'port'>): string {
	return net.isIPv6(endpoint.host) ? `[${endpoint.host}]:${endpoint.port}` : `${endpoint.host}:${endpoint.port}`;
}

/**
 * The connection could not be set up. `code` is the system or TLS error code
 * (ECONNREFUSED, ETIMEDOUT, DEPTH_ZERO_SELF_SIGNED_CERT, ...), ECAFILE for an unusable
 * CA file, ECLOSED when the server closed before answering `initialize`.
 */
export class ConnectError extends Error {
	constructor(
		readonly endpoint: Endpoint,
		readonly code: string,
		cause: string,
		/** Where it failed: opening TCP, the TLS handshake, or the first exchange. */
		readonly phase: 'tcp' | 'tls' | 'login' = 'tcp',
		readonly caFile?: string,
	) {
		super(`Cannot reach the Parley server at ${formatEndpoint(endpoint)}: ${cause}`);
		this.name = 'ConnectError';
	}
}

/** Certificate checks that trusting the right CA (parley.server.tlsCaFile) fixes. */
const UNTRUSTED_CERTIFICATE = new Set([
	'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_SIGNATURE_FAILURE', 'CERT_UNTRUSTED',
]);

/** A sentence for a person: what went wrong and what to do about it. */
export function describeConnectError(error: ConnectError): string {
	const address = formatEndpoint(error.endpoint);
	if (error.phase === 'tls') {
		return describeTlsError(error, address);
	}
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
		case 'ECLOSED':
			return error.endpoint.tls
				? `The server at ${address} closed the connection before answering. Check that it is a Parley server.`
				: `The server at ${address} closed the connection before answering. If it uses TLS (started with --tls-cert and --tls-key), turn on parley.server.tls.`;
		default:
			return `Cannot reach the Parley server at ${address} (${error.code}). ${start}`;
	}
}

function describeTlsError(error: ConnectError, address: string): string {
	if (error.code === 'ECAFILE') {
		return `${error.message.replace(/^[^:]*: /, 'Parley ')}. Fix the path in parley.server.tlsCaFile (a PEM certificate file), or clear that setting to trust only the system CAs.`;
	}
	if (UNTRUSTED_CERTIFICATE.has(error.code)) {
		return `The TLS certificate of the Parley server at ${address} is not trusted (${error.code}). If the server uses a self-signed certificate or a private CA, set parley.server.tlsCaFile to that certificate (a PEM file).`;
	}
	if (error.code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
		return `The TLS certificate of the Parley server at ${address} is not issued for "${error.endpoint.host}". Set parley.server.host to a name or address listed in the certificate.`;
	}
	if (error.code === 'CERT_HAS_EXPIRED' || error.code === 'CERT_NOT_YET_VALID') {
		return `The TLS certificate of the Parley server at ${address} is not valid now (${error.code}). Ask the operator to renew it.`;
	}
	return `The TLS handshake with ${address} failed (${error.code}). Check that the server runs with --tls-cert and --tls-key; if it speaks plain TCP, turn off parley.server.tls.`;
}

import * as fs from 'node:fs';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { ConnectError, type Endpoint } from './connectError';

export { ConnectError, describeConnectError, formatEndpoint, type Endpoint, type TlsSettings } from './connectError';

const KEEP_ALIVE_MS = 15_000;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Opens a connection to the server: TCP, or TLS over it when `endpoint.tls` is set.
 * Nagle is off on the TCP socket (chat frames are small and latency matters) and TCP
 * keep-alive is on, so a peer that vanished is noticed.
 */
export async function openSocket(endpoint: Endpoint, timeoutMs: number): Promise<net.Socket> {
	const ca = endpoint.tls?.caFile ? [...tls.rootCertificates, ...readCaFile(endpoint, endpoint.tls.caFile)] : undefined;
	return new Promise((resolve, reject) => {
		const raw = net.connect({ host: endpoint.host, port: endpoint.port });
		raw.setNoDelay(true);
		raw.setKeepAlive(true, KEEP_ALIVE_MS);
		// Server identity is checked against `host` (an IP is matched against the IP SANs); SNI takes names only.
		const secure = endpoint.tls ? tls.connect({ socket: raw, host: endpoint.host, ...(net.isIP(endpoint.host) ? {} : { servername: endpoint.host }), ...(ca ? { ca } : {}), minVersion: 'TLSv1.2' }) : undefined;
		let tcpUp = false;
		let settled = false;
		const finish = (error?: ConnectError) => {
			if (settled) {
				return;
			}
			settled = true;
			clearTimeout(timer);
			raw.off('error', onError);
			secure?.off('error', onError);
			if (error) {
				(secure ?? raw).destroy();
				raw.destroy();
				reject(error);
			} else {
				resolve(secure ?? raw);
			}
		};
		const phase = () => (secure && tcpUp ? 'tls' : 'tcp');
		const timer = setTimeout(() => finish(new ConnectError(endpoint, 'ETIMEDOUT', `no answer within ${Math.round(timeoutMs / 1000)} s`, phase())), timeoutMs);
		const onError = (error: NodeJS.ErrnoException) => finish(new ConnectError(endpoint, error.code ?? 'EUNKNOWN', error.code ? `${error.code}: ${error.message}` : error.message, phase()));
		raw.once('error', onError);
		secure?.once('error', onError);
		raw.once('connect', () => {
			tcpUp = true;
			if (!secure) {
				finish();
			}
		});
		secure?.once('secureConnect', () => finish());
		// A server that closes during the handshake (e.g. a TLS client refused by a plain server).
		secure?.once('close', () => finish(new ConnectError(endpoint, 'ECONNRESET', 'the server closed the connection during the TLS handshake', 'tls')));
	});
}

/** The certificates in the file of `parley.server.tlsCaFile`; a clear ConnectError when it is unusable. */
function readCaFile(endpoint: Endpoint, file: string): string[] {
	let text: string;
	try {
		text = fs.readFileSync(file, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
		throw new ConnectError(endpoint, 'ECAFILE', `cannot read the CA file "${file}" (${code})`, 'tls', file);
	}
	const certificates = text.match(PEM_CERTIFICATE) ?? [];
	if (certificates.length === 0) {
		throw new ConnectError(endpoint, 'ECAFILE', `the CA file "${file}" holds no PEM certificate`, 'tls', file);
	}
	return certificates;
}

/**
 * The metrics listener (`--metrics-port`, `--metrics-host`): plain HTTP on a port of its
 * own, for a load balancer's health check and a Prometheus scraper.
 *
 * - `GET /healthz`: 200 while every health check passes, else 503; the body (text) says
 *   each check's verdict, failing ones first.
 * - `GET /metrics`: the Prometheus text format (0.0.4).
 * - `HEAD` of either: the same status and headers without the body.
 * - Any other path: 404; any other method: 405.
 *
 * Both answer from memory at once (health is checked on a timer): a hung database never
 * hangs a request.
 */
import * as http from 'node:http';
import type * as net from 'node:net';
import type { Logger } from '../log';
import type { Health } from './health';
import { CONTENT_TYPE } from './registry';

export interface MetricsListener {
	readonly host: string;
	readonly port: number;
	close(): Promise<void>;
}

export interface MetricsEndpoints {
	health: Health;
	/** The /metrics body. */
	metrics(): string;
}

function answer(req: http.IncomingMessage, res: http.ServerResponse, status: number, body: string, headers: http.OutgoingHttpHeaders = {}): void {
	res.writeHead(status, {
		'Content-Type': 'text/plain; charset=utf-8',
		'Content-Length': Buffer.byteLength(body),
		'Cache-Control': 'no-store',
		...headers,
	});
	res.end(req.method === 'HEAD' ? undefined : body);
}

function handle(endpoints: MetricsEndpoints, req: http.IncomingMessage, res: http.ServerResponse, log: Logger): void {
	const path = (req.url ?? '').split('?')[0];
	if (path !== '/healthz' && path !== '/metrics') {
		answer(req, res, 404, `Not found: this port serves GET /healthz and GET /metrics.\n`);
		return;
	}
	if (req.method !== 'GET' && req.method !== 'HEAD') {
		answer(req, res, 405, `Method ${req.method ?? ''} not allowed: use GET ${path}.\n`, { Allow: 'GET, HEAD' });
		return;
	}
	if (path === '/healthz') {
		const report = endpoints.health.report();
		answer(req, res, report.healthy ? 200 : 503, report.text);
		return;
	}
	let text: string;
	try {
		text = endpoints.metrics();
	} catch (error) {
		log.error(`metrics: writing /metrics failed: ${String(error)}`);
		answer(req, res, 500, 'The metrics could not be read; see the server log.\n');
		return;
	}
	answer(req, res, 200, text, { 'Content-Type': CONTENT_TYPE });
}

/** Listens on host:port; rejects with an operator's message when it cannot. */
export async function startMetricsListener(host: string, port: number, endpoints: MetricsEndpoints, log: Logger): Promise<MetricsListener> {
	const server = http.createServer({ requestTimeout: 5000, headersTimeout: 5000, keepAliveTimeout: 5000 }, (req, res) => {
		// A request body (a POST) is not read: drop it.
		req.resume();
		try {
			handle(endpoints, req, res, log);
		} catch (error) {
			log.error(`metrics: ${String(error)}`);
			if (!res.headersSent) {
				answer(req, res, 500, 'Internal error; see the server log.\n');
			} else {
				res.destroy();
			}
		}
	});
	server.on('clientError', (_error, socket: net.Socket) => {
		if (socket.writable) {
			socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
		} else {
			socket.destroy();
		}
	});
	try {
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(port, host, () => {
				server.off('error', reject);
				resolve();
			});
		});
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'EADDRINUSE') {
			throw new Error(`Metrics port ${port} on ${host} is already in use. Stop what uses it or pick another port with --metrics-port.`, { cause: error });
		}
		if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
			throw new Error(`Cannot serve metrics on ${host}: no such address on this machine. Use --metrics-host 127.0.0.1 (or an address of this machine).`, { cause: error });
		}
		if (code === 'EACCES') {
			throw new Error(`Not allowed to listen on metrics port ${port} on ${host} (ports below 1024 need privileges). Pick another with --metrics-port.`, { cause: error });
		}
		throw error;
	}
	server.on('error', (error) => log.error(`metrics listener: ${error.message}`));
	const address = server.address() as net.AddressInfo;
	return {
		host: address.address,
		port: address.port,
		close: () => new Promise<void>((resolve) => {
			server.close(() => resolve());
			server.closeAllConnections();
		}),
	};
}

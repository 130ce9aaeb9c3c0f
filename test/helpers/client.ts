/**
 * A protocol client for tests: vscode-jsonrpc over a real TCP socket, recording every
 * notification and server request so a test can await the one it expects (bounded
 * wait, no sleeps). It answers the server's pings, as a real client does.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import {
	createMessageConnection, ResponseError, StreamMessageReader, StreamMessageWriter,
	type MessageConnection, type NotificationType, type RequestType,
} from 'vscode-jsonrpc/node';
import { InitializeRequest, PingRequest, PROTOCOL_VERSION, type InitializeResult } from '../../protocol/lifecycle';

export interface Received {
	method: string;
	params: unknown;
}

let syncCount = 0;

export class TestClient {
	readonly notifications: Received[] = [];
	/** Requests the server sent this client (its keepalive pings). */
	readonly serverRequests: Received[] = [];
	private waiters: { list: Received[]; test: (n: Received) => boolean; resolve: (n: Received) => void }[] = [];
	readonly closed: Promise<void>;
	nick: string | undefined;

	private constructor(readonly socket: net.Socket, readonly connection: MessageConnection) {
		this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
		connection.onNotification((method, params) => this.record(this.notifications, { method, params }));
		connection.onRequest(PingRequest.type, (params) => {
			this.record(this.serverRequests, { method: PingRequest.method, params });
			return params.token === undefined ? {} : { token: params.token };
		});
		connection.onError(() => undefined);
		connection.listen();
	}

	private record(list: Received[], n: Received): void {
		list.push(n);
		this.waiters = this.waiters.filter((w) => {
			if (w.list === list && w.test(n)) {
				w.resolve(n);
				return false;
			}
			return true;
		});
	}

	static async connect(port: number, host = '127.0.0.1'): Promise<TestClient> {
		const socket = await new Promise<net.Socket>((resolve, reject) => {
			const s = net.connect({ port, host, noDelay: true }, () => resolve(s));
			s.once('error', reject);
		});
		socket.on('error', () => undefined);
		const connection = createMessageConnection(new StreamMessageReader(socket), new StreamMessageWriter(socket));
		return new TestClient(socket, connection);
	}

	/** Connects over TLS, trusting `ca` (PEM). */
	static async connectTls(port: number, ca: string | Buffer): Promise<TestClient> {
		const socket = await new Promise<tls.TLSSocket>((resolve, reject) => {
			const s = tls.connect({ port, host: '127.0.0.1', ca, servername: 'localhost' }, () => resolve(s));
			s.once('error', reject);
		});
		socket.setNoDelay(true);
		socket.on('error', () => undefined);
		const connection = createMessageConnection(new StreamMessageReader(socket), new StreamMessageWriter(socket));
		return new TestClient(socket, connection);
	}

	/** Connects and initializes as `nick`. */
	static async login(port: number, nick: string, extra: Record<string, unknown> = {}): Promise<TestClient> {
		const client = await TestClient.connect(port);
		await client.initialize(nick, extra);
		return client;
	}

	async initialize(nick: string, extra: Record<string, unknown> = {}): Promise<InitializeResult> {
		const result = await this.connection.sendRequest(InitializeRequest.type, { protocolVersion: PROTOCOL_VERSION, nick, ...extra });
		this.nick = result.nick;
		return result;
	}

	/** Resolves with the first notification (already received or future) that matches. */
	waitFor<P>(type: NotificationType<P>, match: (params: P) => boolean = () => true, timeoutMs = 5000): Promise<P> {
		return this.await(this.notifications, 'notification', type.method, match, timeoutMs);
	}

	/** Resolves with the first request from the server (already received or future) that matches. */
	waitForRequest<P, R>(type: RequestType<P, R, void>, match: (params: P) => boolean = () => true, timeoutMs = 5000): Promise<P> {
		return this.await(this.serverRequests, 'request', type.method, match, timeoutMs);
	}

	/**
	 * A barrier: pings the server and waits for the answer. The server writes a
	 * connection's output in the order it queued it (docs/protocol.md §1.3), so
	 * whatever it queued for this client before it handled the ping has arrived by then.
	 */
	async sync(): Promise<void> {
		const token = `sync-${++syncCount}`;
		const answer = await this.connection.sendRequest(PingRequest.type, { token });
		if (answer.token !== token) {
			throw new Error(`ping answered with ${JSON.stringify(answer)}, not token ${token}`);
		}
	}

	private await<P>(list: Received[], kind: string, method: string, match: (params: P) => boolean, timeoutMs: number): Promise<P> {
		const test = (n: Received): boolean => n.method === method && match(n.params as P);
		const seen = list.find(test);
		if (seen) {
			return Promise.resolve(seen.params as P);
		}
		return new Promise<P>((resolve, reject) => {
			const timer = setTimeout(() => {
				this.waiters = this.waiters.filter((w) => w.test !== test);
				reject(new Error(`${this.nick ?? 'client'}: no '${method}' ${kind} matching within ${timeoutMs} ms; got ${JSON.stringify(list.map((x) => x.method))}`));
			}, timeoutMs);
			this.waiters.push({ list, test, resolve: (n) => { clearTimeout(timer); resolve(n.params as P); } });
		});
	}

	/** Notifications of one type received so far. */
	received<P>(type: NotificationType<P>): P[] {
		return this.notifications.filter((n) => n.method === type.method).map((n) => n.params as P);
	}

	close(): void {
		this.connection.dispose();
		this.socket.destroy();
	}
}

/** Awaits a promise expected to fail with a JSON-RPC error and returns that error. */
export async function rpcError(promise: Promise<unknown>): Promise<ResponseError<unknown>> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof ResponseError) {
			return error;
		}
		throw error;
	}
	throw new Error('expected a JSON-RPC error, but the request succeeded');
}

/** Resolves when `condition` holds, polling briefly; for state with no event to await. */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await condition())) {
		if (Date.now() > deadline) {
			throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
		}
		await new Promise((r) => setTimeout(r, 10));
	}
}

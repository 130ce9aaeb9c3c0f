/**
 * A protocol client for tests: vscode-jsonrpc over a real TCP socket, recording every
 * notification so a test can await the one it expects (bounded wait, no sleeps).
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import {
	createMessageConnection, ResponseError, StreamMessageReader, StreamMessageWriter,
	type MessageConnection, type NotificationType,
} from 'vscode-jsonrpc/node';
import { InitializeRequest, PROTOCOL_VERSION, type InitializeResult } from '../../protocol/lifecycle';

export interface Received {
	method: string;
	params: unknown;
}

export class TestClient {
	readonly notifications: Received[] = [];
	private waiters: { test: (n: Received) => boolean; resolve: (n: Received) => void }[] = [];
	readonly closed: Promise<void>;
	nick: string | undefined;

	private constructor(readonly socket: net.Socket, readonly connection: MessageConnection) {
		this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
		connection.onNotification((method, params) => {
			const n = { method, params };
			this.notifications.push(n);
			this.waiters = this.waiters.filter((w) => {
				if (w.test(n)) {
					w.resolve(n);
					return false;
				}
				return true;
			});
		});
		connection.onError(() => undefined);
		connection.listen();
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
		const test = (n: Received): boolean => n.method === type.method && match(n.params as P);
		const seen = this.notifications.find(test);
		if (seen) {
			return Promise.resolve(seen.params as P);
		}
		return new Promise<P>((resolve, reject) => {
			const timer = setTimeout(() => {
				this.waiters = this.waiters.filter((w) => w.test !== test);
				reject(new Error(`${this.nick ?? 'client'}: no '${type.method}' notification matching within ${timeoutMs} ms; got ${JSON.stringify(this.notifications.map((x) => x.method))}`));
			}, timeoutMs);
			this.waiters.push({ test, resolve: (n) => { clearTimeout(timer); resolve(n.params as P); } });
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

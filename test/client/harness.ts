/**
 * Test harness for the extension's client modules: real servers (in-process, TCP on
 * 127.0.0.1, SQLite in a temp dir) and ChatClients, all closed after each test.
 * Waiting is on events with a bound, never on sleeps.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Event } from 'vscode-jsonrpc/node';
import { startServer, type ParleyServer } from '../../server/server';
import { ChatClient, type ChatClientOptions } from '../../extension/client/chatClient';

export interface Harness {
	/** Starts a server; with `port`/`dataDir` it restarts one that was stopped. */
	server(options?: { port?: number; dataDir?: string }): Promise<ParleyServer & { dataDir: string }>;
	client(port: number, options?: Partial<ChatClientOptions>): ChatClient;
	/** Connects a new client as `nick`. */
	login(port: number, nick: string, options?: Partial<ChatClientOptions>): Promise<ChatClient>;
	cleanup(): Promise<void>;
}

export function createHarness(): Harness {
	const servers: ParleyServer[] = [];
	const clients: ChatClient[] = [];
	const dirs: string[] = [];
	const harness: Harness = {
		async server(options = {}) {
			const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'parley-client-test-'));
			if (!options.dataDir) {
				dirs.push(dataDir);
			}
			const server = await startServer({ host: '127.0.0.1', port: options.port ?? 0, dataDir, logLevel: 'silent', floodRate: 0, maxPerIp: 0 });
			servers.push(server);
			return Object.assign(server, { dataDir });
		},
		client(port, options = {}) {
			const client = new ChatClient({
				endpoint: () => ({ host: '127.0.0.1', port }),
				clientInfo: { name: 'parley-client-test' },
				connectTimeoutMs: 2000,
				...options,
			});
			clients.push(client);
			return client;
		},
		async login(port, nick, options = {}) {
			const client = harness.client(port, options);
			await client.connect(nick);
			return client;
		},
		async cleanup() {
			for (const client of clients.splice(0)) {
				client.dispose();
			}
			await Promise.all(servers.splice(0).map((s) => s.stop('test over')));
			for (const dir of dirs.splice(0)) {
				fs.rmSync(dir, { recursive: true, force: true });
			}
		},
	};
	return harness;
}

/** Resolves with the first event value that matches; rejects after `timeoutMs`. */
export function waitFor<T>(event: Event<T>, match: (value: T) => boolean = () => true, what = 'event', timeoutMs = 5000): Promise<T> {
	return new Promise<T>((resolve, reject) => {
		const timer = setTimeout(() => {
			listener.dispose();
			reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
		}, timeoutMs);
		const listener = event((value) => {
			if (match(value)) {
				clearTimeout(timer);
				listener.dispose();
				resolve(value);
			}
		});
	});
}

/** Resolves once `condition` holds, checking now and after each `event`. */
export async function until(event: Event<unknown>, condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
	if (!condition()) {
		await waitFor(event, () => condition(), what, timeoutMs);
	}
}

/** Sends `texts` in order through the client's outbox and waits until all are stored. */
export async function sendAll(client: ChatClient, conversation: string, texts: string[], timeoutMs = 10_000): Promise<void> {
	for (const text of texts) {
		client.send(conversation, text);
	}
	await until(client.store.onDidChange, () => client.outbox.size === 0, `${texts.length} messages to be acknowledged`, timeoutMs);
}

/** The message texts of a conversation in timeline order (stored messages only). */
export function texts(client: ChatClient, conversation: string): string[] {
	return (client.store.get(conversation)?.timeline() ?? []).flatMap((i) => (i.kind === 'message' && !i.pending ? [i.message.text] : []));
}

export function assertStrictlyIncreasing(ids: number[]): void {
	for (let i = 1; i < ids.length; i++) {
		if (ids[i] <= ids[i - 1]) {
			throw new Error(`ids not strictly increasing at ${i}: ${ids[i - 1]} then ${ids[i]}`);
		}
	}
}

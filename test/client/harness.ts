/**
 * Test harness for the extension's client modules: real servers from the shared
 * fixture (test/helpers/fixture.ts) and ChatClients, all closed after each test, temp
 * directories removed. Waiting is on events with a bound, never on sleeps.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import type { Event } from 'vscode-jsonrpc/node';
import type { StartOptions } from '../../server/server';
import { ChatClient, type ChatClientOptions } from '../../extension/client/chatClient';
import { ServerFixture, type TestServer } from '../helpers/fixture';

export interface Harness {
	/** Starts a server; with `port`/`dataDir` it restarts one that was stopped. Other options go to startServer. */
	server(options?: StartOptions): Promise<TestServer>;
	/** A temporary directory removed at cleanup. */
	tempDir(): string;
	client(port: number, options?: Partial<ChatClientOptions>): ChatClient;
	/** Connects a new client as `nick`. */
	login(port: number, nick: string, options?: Partial<ChatClientOptions>): Promise<ChatClient>;
	cleanup(): Promise<void>;
}

export function createHarness(): Harness {
	const fixture = new ServerFixture();
	const clients: ChatClient[] = [];
	const harness: Harness = {
		server: (options) => fixture.start(options),
		tempDir: () => fixture.tempDir(),
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
			await fixture.cleanup();
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

/** An in-memory stand-in for vscode.SecretStorage. */
export class MemorySecretStore {
	readonly values = new Map<string, string>();
	get(key: string): Promise<string | undefined> {
		return Promise.resolve(this.values.get(key));
	}
	store(key: string, value: string): Promise<void> {
		this.values.set(key, value);
		return Promise.resolve();
	}
	delete(key: string): Promise<void> {
		this.values.delete(key);
		return Promise.resolve();
	}
}

/** A self-signed certificate for localhost and 127.0.0.1, made as docs/extension.md tells operators to. */
export function selfSigned(dir: string): { cert: string; key: string } {
	const cert = path.join(dir, 'cert.pem');
	const key = path.join(dir, 'key.pem');
	execFileSync('openssl', [
		'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
		'-keyout', key, '-out', cert, '-subj', '/CN=localhost',
		'-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-days', '2',
	], { stdio: 'ignore' });
	return { cert, key };
}

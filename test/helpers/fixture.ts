/**
 * A mocha fixture: a fresh server per test (in the describe block that calls it) and
 * clients that are closed after each test.
 */
import type { StartOptions } from '../../server/server';
import { TestClient } from './client';
import { testServer, type TestServer } from './server';

export interface Fixture {
	readonly server: TestServer;
	/** Connects and initializes as `nick`. */
	login(nick: string, extra?: Record<string, unknown>): Promise<TestClient>;
	/** Connects without initializing. */
	connect(): Promise<TestClient>;
}

export function useServer(options: StartOptions = {}): Fixture {
	let server: TestServer | undefined;
	const clients: TestClient[] = [];
	const track = (client: TestClient): TestClient => {
		clients.push(client);
		return client;
	};
	beforeEach(async () => {
		server = await testServer(options);
	});
	afterEach(async () => {
		clients.splice(0).forEach((c) => c.close());
		await server?.stop();
		server = undefined;
	});
	return {
		get server(): TestServer {
			if (!server) {
				throw new Error('the fixture server exists only inside a test');
			}
			return server;
		},
		login: async (nick, extra) => track(await TestClient.login(server!.port, nick, extra)),
		connect: async () => track(await TestClient.connect(server!.port)),
	};
}

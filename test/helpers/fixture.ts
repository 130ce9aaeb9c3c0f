/**
 * The one server fixture of the test suites: real Parley servers (in-process, TCP on
 * 127.0.0.1 port 0, SQLite in a temporary directory), `node server` processes, the
 * clients connected to them and the temporary directories of a test, all closed and
 * removed after it, whether it passed or not.
 *
 * With PARLEY_TEST_DATABASE=postgres (`npm run test:postgres`) every server it starts
 * keeps its state in PostgreSQL instead (test/helpers/postgres.ts): a fresh database per
 * data directory, so a server restarted on the same `dataDir` finds its state again.
 * Servers started with `memory` or their own `database`, and `node server` processes
 * (`spawn`, which take their own flags), are left as they are.
 *
 * `useServer()` installs it as mocha hooks around each test of a describe block;
 * `ServerFixture` is the same thing without hooks, for helpers that add their own
 * clients (test/client/harness.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startServer, type ParleyServer, type StartOptions } from '../../server/server';
import { TestClient } from './client';
import { ManualClock } from './clock';
import { ServerProcess } from './process';
import { sharedPostgres, startedPostgres, testingPostgres } from './postgres';
import { initializeFrame, RawPeer } from './raw';

/** The PostgreSQL database of each data directory (PARLEY_TEST_DATABASE=postgres). */
const databases = new Map<string, string>();

async function databaseFor(dataDir: string): Promise<string> {
	if (!databases.has(dataDir)) {
		const url = await (await sharedPostgres()).createDatabase();
		if (!databases.has(dataDir)) {
			databases.set(dataDir, url);
		}
	}
	return databases.get(dataDir)!;
}

export interface TestServer extends ParleyServer {
	/** The data directory (a temporary one unless the test gave one). */
	readonly dataDir: string;
	/** Every log line so far (level debug unless the test set another). */
	readonly logs: string[];
	/** Resolves with the first log line, so far or to come, that matches. */
	waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

export class ServerFixture {
	private readonly servers: ParleyServer[] = [];
	private readonly processes: ServerProcess[] = [];
	private readonly dirs: string[] = [];
	private readonly disposers: (() => void)[] = [];

	/** @param defaults options for every server this fixture starts (a test's own win). */
	constructor(private readonly defaults: StartOptions = {}) {}

	/**
	 * Starts a server with flood control and the per-IP cap off unless the options set
	 * them. Given the `dataDir` (and `port`) of a stopped one, it restarts that server.
	 */
	async start(options: StartOptions = {}): Promise<TestServer> {
		const logs: string[] = [];
		let waiters: (() => void)[] = [];
		const dataDir = options.dataDir ?? this.defaults.dataDir ?? this.tempDir();
		const memory = options.memory ?? this.defaults.memory ?? false;
		const database = options.database ?? this.defaults.database ?? (testingPostgres() && !memory ? await databaseFor(dataDir) : undefined);
		const server = await startServer({
			host: '127.0.0.1',
			port: 0,
			logLevel: 'debug',
			floodRate: 0,
			maxPerIp: 0,
			...this.defaults,
			...options,
			dataDir,
			database,
			logSink: (line) => {
				logs.push(line);
				const woken = waiters;
				waiters = [];
				woken.forEach((wake) => wake());
			},
		});
		this.servers.push(server);
		const waitForLog = async (pattern: RegExp, timeoutMs = 5000): Promise<string> => {
			let timer: NodeJS.Timeout | undefined;
			const timeout = new Promise<never>((_, reject) => {
				timer = setTimeout(() => reject(new Error(`the server logged no line matching ${pattern} within ${timeoutMs} ms; last lines: ${logs.slice(-5).join(' | ')}`)), timeoutMs);
			});
			try {
				for (;;) {
					const line = logs.find((l) => pattern.test(l));
					if (line !== undefined) {
						return line;
					}
					await Promise.race([new Promise<void>((resolve) => waiters.push(resolve)), timeout]);
				}
			} finally {
				clearTimeout(timer);
			}
		};
		return Object.assign(server, { dataDir, logs, waitForLog });
	}

	/**
	 * Runs `node server ARGS` as a child process, killed after the test. With
	 * PARLEY_TEST_DATABASE=postgres, `--data DIR` (without --memory or --database) gets
	 * `--database` of that directory's database, as `start` does.
	 */
	spawn(args: string[], env: NodeJS.ProcessEnv = {}): ServerProcess {
		const data = args.indexOf('--data');
		const pg = startedPostgres();
		if (testingPostgres() && pg && data >= 0 && !args.includes('--memory') && !args.includes('--database')) {
			const dataDir = args[data + 1];
			if (!databases.has(dataDir)) {
				databases.set(dataDir, pg.createDatabaseSync());
			}
			args = [...args, '--database', databases.get(dataDir)!];
		}
		const proc = ServerProcess.start(args, env);
		this.processes.push(proc);
		return proc;
	}

	/** A new temporary directory, removed after the test. */
	tempDir(): string {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-test-'));
		this.dirs.push(dir);
		return dir;
	}

	/** Closes `thing` after the test (before the servers stop). */
	closeLater<T>(thing: T, close: (thing: T) => void): T {
		this.disposers.push(() => close(thing));
		return thing;
	}

	/**
	 * Closes every client, stops every server and process, then removes every temporary
	 * directory, whatever failed before; throws the first failure after.
	 */
	async cleanup(): Promise<void> {
		const failures: unknown[] = [];
		for (const dispose of this.disposers.splice(0).reverse()) {
			try {
				dispose();
			} catch (error) {
				failures.push(error);
			}
		}
		const stopped = await Promise.allSettled([
			...this.servers.splice(0).map((server) => bounded(server.stop('test over'), `server on port ${server.port} to stop`)),
			...this.processes.splice(0).map((proc) => {
				proc.kill('SIGKILL');
				return bounded(proc.exited, `server process ${proc.child.pid} to exit`);
			}),
		]);
		for (const result of stopped) {
			if (result.status === 'rejected') {
				failures.push(result.reason);
			}
		}
		for (const dir of this.dirs.splice(0)) {
			fs.rmSync(dir, { recursive: true, force: true });
		}
		if (failures.length > 0) {
			throw failures[0];
		}
	}
}

/** `promise`, or a failure naming `what` after 10 s (so that cleanup always finishes). */
async function bounded<T>(promise: Promise<T>, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	try {
		return await Promise.race([
			promise,
			new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`cleanup: timed out waiting for the ${what}`)), 10_000); }),
		]);
	} finally {
		clearTimeout(timer);
	}
}

export interface FixtureOptions {
	/** Start a server before each test (default true); else tests call `start`. */
	start?: boolean;
	/** Give each test a fresh ManualClock (`clock`) that every server it starts runs on. */
	manualClock?: boolean;
}

export interface Fixture {
	/** The server started last in this test. */
	readonly server: TestServer;
	/** This test's clock (with `manualClock`). */
	readonly clock: ManualClock;
	/** Starts a server (see ServerFixture.start); it becomes `server`. */
	start(options?: StartOptions): Promise<TestServer>;
	/** Runs `node server ARGS`, killed after the test. */
	spawn(args: string[], env?: NodeJS.ProcessEnv): ServerProcess;
	/** A temporary directory removed after the test. */
	tempDir(): string;
	/** Connects to `server` and initializes as `nick`. */
	login(nick: string, extra?: Record<string, unknown>): Promise<TestClient>;
	/** Connects to `server` without initializing. */
	connect(): Promise<TestClient>;
	/** A raw socket to `server`; with `nick`, initialized (request id 0). */
	raw(nick?: string): Promise<RawPeer>;
	/** Closes `thing` after the test, before the servers stop. */
	closeLater<T>(thing: T, close: (thing: T) => void): T;
}

/** Installs a ServerFixture around each test of the calling describe block. */
export function useServer(defaults: StartOptions = {}, options: FixtureOptions = {}): Fixture {
	let fixture: ServerFixture | undefined;
	let clock: ManualClock | undefined;
	let current: TestServer | undefined;
	const inTest = (): ServerFixture => {
		if (!fixture) {
			throw new Error('the server fixture exists only inside a test');
		}
		return fixture;
	};
	const start = async (startOptions: StartOptions = {}): Promise<TestServer> => {
		current = await inTest().start(startOptions);
		return current;
	};
	const port = (): number => {
		if (!current) {
			throw new Error('no server started in this test');
		}
		return current.port;
	};
	const connect = async (): Promise<TestClient> => inTest().closeLater(await TestClient.connect(port()), (c) => c.close());
	beforeEach(async () => {
		clock = options.manualClock ? new ManualClock() : undefined;
		fixture = new ServerFixture(clock ? { ...defaults, clock } : defaults);
		current = undefined;
		if (options.start ?? true) {
			await start();
		}
	});
	afterEach(async () => {
		const done = fixture;
		fixture = undefined;
		current = undefined;
		await done?.cleanup();
	});
	return {
		get server(): TestServer {
			inTest();
			if (!current) {
				throw new Error('no server started in this test');
			}
			return current;
		},
		get clock(): ManualClock {
			if (!clock) {
				throw new Error('this fixture has no manual clock: useServer(..., { manualClock: true })');
			}
			return clock;
		},
		start,
		spawn: (args, env) => inTest().spawn(args, env),
		tempDir: () => inTest().tempDir(),
		closeLater: (thing, close) => inTest().closeLater(thing, close),
		connect,
		login: async (nick, extra) => {
			const client = await connect();
			await client.initialize(nick, extra);
			return client;
		},
		raw: async (nick) => {
			const peer = inTest().closeLater(await RawPeer.connect(port()), (p) => p.destroy());
			if (nick !== undefined) {
				peer.send(initializeFrame(0, nick));
				const answer = await peer.response(0);
				if (!('result' in answer)) {
					throw new Error(`initialize as ${nick} failed: ${JSON.stringify(answer)}`);
				}
			}
			return peer;
		},
	};
}

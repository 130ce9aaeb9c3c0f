/**
 * A real PostgreSQL for the tests: Debian's PostgreSQL 15 (`postgresql` package, binaries
 * in /usr/lib/postgresql/15/bin or $PARLEY_PG_BIN), a throwaway cluster in a fresh
 * temporary directory, listening on 127.0.0.1 on a free port (its unix socket in that
 * directory), stopped by pid and removed after. initdb and postgres refuse to run as root:
 * as root they run as the `postgres` user (runuser).
 *
 * `sharedPostgres()` starts one instance per mocha run, lazily, stopped by the root hook
 * of test/helpers/postgres-hooks.ts (and, failing that, when the process exits);
 * `createDatabase()` gives each test file or suite a fresh database of its own.
 * `PostgresServer.start()` gives a test an instance of its own (to stop and start it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { freePort } from './ports';

const BIN = process.env.PARLEY_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** Whether PostgreSQL's server binaries are installed here. */
export function postgresInstalled(): boolean {
	return fs.existsSync(path.join(BIN, 'postgres')) && fs.existsSync(path.join(BIN, 'initdb'));
}

/** The command line as the postgres user when this process is root. */
function asPostgres(command: string, args: string[]): [string, string[]] {
	return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}


let databases = 0;

function kill(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(pid, signal);
	} catch {
		// Gone already.
	}
}

/** The pids whose parent is `pid` (the postmaster's backends and workers). */
function childrenOf(pid: number): number[] {
	const children: number[] = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (/^\d+$/.test(entry)) {
			try {
				// Field 4 of /proc/PID/stat, after the command name in parentheses.
				const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
				if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) {
					children.push(Number(entry));
				}
			} catch {
				// Exited meanwhile.
			}
		}
	}
	return children;
}

export class PostgresServer {
	private child: ChildProcess | undefined;
	private output = '';

	private constructor(
		/** The temporary directory: the cluster in `data`, the unix socket beside it. */
		readonly dir: string,
		readonly port: number,
	) {}

	readonly host = '127.0.0.1';

	/** A new cluster in a fresh temporary directory, started. */
	static async start(): Promise<PostgresServer> {
		if (!postgresInstalled()) {
			throw new Error(`PostgreSQL 15 is not installed (no ${BIN}/postgres): apt-get install postgresql postgresql-contrib, or set PARLEY_PG_BIN`);
		}
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-pg-'));
		if (process.getuid?.() === 0) {
			const pw = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
			const gw = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
			fs.chownSync(dir, Number(pw.stdout.trim()), Number(gw.stdout.trim()));
		}
		const [cmd, args] = asPostgres(path.join(BIN, 'initdb'), ['-D', path.join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
		const init = spawnSync(cmd, args, { encoding: 'utf8' });
		if (init.status !== 0) {
			fs.rmSync(dir, { recursive: true, force: true });
			throw new Error(`initdb failed (${init.status}): ${init.stderr || init.stdout}`);
		}
		const server = new PostgresServer(dir, await freePort());
		try {
			await server.resume();
		} catch (error) {
			await server.stop();
			throw error;
		}
		return server;
	}

	/** The URL of a database of this server. */
	url(database = 'postgres'): string {
		return `postgres://postgres@${this.host}:${this.port}/${database}`;
	}

	/** The databases created since the last `dropCreated`. */
	private created: string[] = [];

	/**
	 * Drops every database created since the last call, closing what is still connected to
	 * them (the root hook's afterEach: a test's databases go with it, keeping the cluster
	 * small and its removal quick).
	 */
	async dropCreated(): Promise<void> {
		const names = this.created.splice(0);
		if (names.length === 0 || !this.running) {
			return;
		}
		const client = new Client({ connectionString: this.url() });
		await client.connect();
		try {
			for (const name of names) {
				await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
			}
		} finally {
			await client.end();
		}
	}

	/** Creates a fresh, empty database; returns its URL. */
	async createDatabase(): Promise<string> {
		const name = `parley_${process.pid}_${++databases}`;
		this.created.push(name);
		const client = new Client({ connectionString: this.url() });
		await client.connect();
		try {
			await client.query(`CREATE DATABASE ${name}`);
		} finally {
			await client.end();
		}
		return this.url(name);
	}

	/** `createDatabase`, synchronously (with the createdb program): for code that cannot wait. */
	createDatabaseSync(): string {
		const name = `parley_${process.pid}_${++databases}`;
		this.created.push(name);
		const made = spawnSync(path.join(BIN, 'createdb'), ['-h', this.host, '-p', String(this.port), '-U', 'postgres', name], { encoding: 'utf8' });
		if (made.status !== 0) {
			throw new Error(`createdb failed (${made.status}): ${made.stderr}`);
		}
		return this.url(name);
	}

	/** Whether the postmaster runs (started and not stopped). */
	get running(): boolean {
		return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
	}

	/** Starts the postmaster of this cluster (again, after `pause`) and waits until it accepts connections. */
	async resume(): Promise<void> {
		if (this.running) {
			return;
		}
		this.output = '';
		const [cmd, args] = asPostgres(path.join(BIN, 'postgres'), [
			'-D', path.join(this.dir, 'data'), '-p', String(this.port), '-k', this.dir,
			'-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300',
		]);
		const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
		this.child = child;
		child.stdout.on('data', (d: Buffer) => { this.output += d.toString(); });
		child.stderr.on('data', (d: Buffer) => { this.output += d.toString(); });
		const deadline = Date.now() + 30_000;
		for (;;) {
			if (!this.running) {
				throw new Error(`PostgreSQL did not start: ${this.output.slice(-2000)}`);
			}
			const client = new Client({ connectionString: this.url(), connectionTimeoutMillis: 2000 });
			try {
				await client.connect();
				await client.end();
				return;
			} catch (error) {
				await client.end().catch(() => undefined);
				if (Date.now() > deadline) {
					throw new Error(`PostgreSQL did not accept connections within 30 s: ${String(error)}; ${this.output.slice(-2000)}`, { cause: error });
				}
				await new Promise((resolve) => setTimeout(resolve, 100));
			}
		}
	}

	/** The postmaster's pid, from its pid file (the child is runuser when running as root). */
	private postmasterPid(): number | undefined {
		try {
			const pid = Number(fs.readFileSync(path.join(this.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
			return Number.isInteger(pid) && pid > 0 ? pid : undefined;
		} catch {
			return undefined;
		}
	}

	/** Stops the postmaster (fast shutdown: clients are disconnected), keeping the cluster to `resume`. */
	pause(): Promise<void> {
		return this.shutdown('SIGINT');
	}

	/** Stops the postmaster with `signal` (SIGINT fast, SIGQUIT immediate), SIGKILL after 15 s. */
	private async shutdown(signal: NodeJS.Signals): Promise<void> {
		const child = this.child;
		if (!child || !this.running) {
			return;
		}
		const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
		const waitExit = async (ms: number): Promise<void> => {
			let timer: NodeJS.Timeout | undefined;
			await Promise.race([exited, new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); })]);
			clearTimeout(timer);
		};
		const pid = this.postmasterPid() ?? child.pid!;
		kill(pid, signal);
		await waitExit(10_000);
		if (this.running) {
			process.stderr.write(`test PostgreSQL (pid ${pid}) did not stop on ${signal} within 10 s: killing it and its processes\n`);
			for (const p of [pid, ...childrenOf(pid)]) {
				kill(p, 'SIGKILL');
			}
			kill(child.pid!, 'SIGKILL');
			await waitExit(5000);
		}
	}

	/** Stops the postmaster (immediate shutdown: the cluster goes anyway) and removes the cluster. */
	async stop(): Promise<void> {
		await this.shutdown('SIGQUIT');
		this.child = undefined;
		fs.rmSync(this.dir, { recursive: true, force: true });
	}

	/** For an exit handler: asks the postmaster to stop at once and removes the directory, synchronously. */
	stopNow(): void {
		const pid = this.postmasterPid();
		if (pid !== undefined && this.running) {
			kill(pid, 'SIGQUIT');
		}
		fs.rmSync(this.dir, { recursive: true, force: true });
	}
}

let shared: Promise<PostgresServer> | undefined;
let sharedStarted: PostgresServer | undefined;

/** The instance of this mocha run, started on first use. */
export function sharedPostgres(): Promise<PostgresServer> {
	if (!shared) {
		shared = PostgresServer.start();
		shared.then((server) => {
			sharedStarted = server;
			process.once('exit', () => server.stopNow());
		}, () => undefined);
	}
	return shared;
}

/** The shared instance if it has started (the root hook's beforeAll starts it in `npm run test:postgres`). */
export function startedPostgres(): PostgresServer | undefined {
	return sharedStarted;
}

/** Stops the shared instance if it was started (the root hook's afterAll). */
export async function stopSharedPostgres(): Promise<void> {
	const started = shared;
	shared = undefined;
	sharedStarted = undefined;
	if (started) {
		await (await started.catch(() => undefined))?.stop();
	}
}

/** Whether this run keeps the servers' state in PostgreSQL (`npm run test:postgres`). */
export function testingPostgres(): boolean {
	return process.env.PARLEY_TEST_DATABASE === 'postgres';
}

/** Every row of a table of the database at `url`, as text (to look for what must not be stored). */
export async function tableText(url: string, table: string): Promise<string> {
	const client = new Client({ connectionString: url });
	await client.connect();
	try {
		const { rows } = await client.query<{ t: string | null }>(`SELECT string_agg(x::text, E'\\n') AS t FROM ${table} AS x`);
		return rows[0].t ?? '';
	} finally {
		await client.end();
	}
}

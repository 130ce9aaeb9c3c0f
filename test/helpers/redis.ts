/**
 * A real Redis for the cluster tests: Debian's `redis-server` (/usr/bin/redis-server or
 * $PARLEY_REDIS_SERVER) in a fresh temporary directory, on a free loopback port, with no
 * persistence (`--save '' --appendonly no`: a restart comes back empty, as a lost Redis
 * would). Stopped by pid; `kill` and `restart` for the failure tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './ports';

const BIN = process.env.PARLEY_REDIS_SERVER ?? '/usr/bin/redis-server';

export function redisInstalled(): boolean {
	return fs.existsSync(BIN);
}


/** Resolves once something accepts TCP connections on the port. */
async function listening(port: number, alive: () => boolean, what: string): Promise<void> {
	const deadline = Date.now() + 15_000;
	for (;;) {
		const ok = await new Promise<boolean>((resolve) => {
			const socket = net.connect({ port, host: '127.0.0.1' }, () => {
				socket.destroy();
				resolve(true);
			});
			socket.once('error', () => resolve(false));
		});
		if (ok) {
			return;
		}
		if (!alive() || Date.now() > deadline) {
			throw new Error(`${what} did not accept connections on 127.0.0.1:${port}`);
		}
		await new Promise((r) => setTimeout(r, 50));
	}
}

export class RedisServer {
	private child: ChildProcess | undefined;
	output = '';

	private constructor(readonly dir: string, readonly port: number) {}

	static async start(): Promise<RedisServer> {
		if (!redisInstalled()) {
			throw new Error(`redis-server is not installed (no ${BIN}): apt-get install redis-server, or set PARLEY_REDIS_SERVER`);
		}
		const server = new RedisServer(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-redis-')), await freePort());
		await server.resume();
		return server;
	}

	get url(): string {
		return `redis://127.0.0.1:${this.port}`;
	}

	get running(): boolean {
		return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
	}

	/** Starts redis-server (again) on the same port, empty. */
	async resume(): Promise<void> {
		if (this.running) {
			return;
		}
		const child = spawn(BIN, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
		this.child = child;
		child.stdout.on('data', (d: Buffer) => { this.output += d.toString(); });
		child.stderr.on('data', (d: Buffer) => { this.output += d.toString(); });
		await listening(this.port, () => this.running, 'redis-server');
	}

	/** Kills redis-server at once (SIGKILL): its connections drop, its data is gone. */
	async kill(): Promise<void> {
		const child = this.child;
		if (!child || !this.running) {
			return;
		}
		const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
		child.kill('SIGKILL');
		await exited;
	}

	async stop(): Promise<void> {
		await this.kill();
		this.child = undefined;
		fs.rmSync(this.dir, { recursive: true, force: true });
	}
}

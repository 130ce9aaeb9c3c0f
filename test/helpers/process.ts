/** Runs `node server` as a real child process and reads what it prints. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');

export class ServerProcess {
	stdout = '';
	stderr = '';
	readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	private listeners: (() => void)[] = [];

	private constructor(readonly child: ChildProcessWithoutNullStreams) {
		child.stdout.setEncoding('utf8');
		child.stderr.setEncoding('utf8');
		child.stdout.on('data', (d: string) => { this.stdout += d; this.wake(); });
		child.stderr.on('data', (d: string) => { this.stderr += d; this.wake(); });
		this.exited = new Promise((resolve) => child.once('exit', (code, signal) => { this.wake(); resolve({ code, signal }); }));
	}

	/** Starts `node server ARGS` in the repository root. */
	static start(args: string[], env: NodeJS.ProcessEnv = {}): ServerProcess {
		const child = spawn(process.execPath, ['server', ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: 'pipe' });
		return new ServerProcess(child);
	}

	private wake(): void {
		const l = this.listeners;
		this.listeners = [];
		l.forEach((f) => f());
	}

	/** Waits until stdout or stderr (from offset `from` on) matches; returns the match. */
	async waitForOutput(pattern: RegExp, stream: 'stdout' | 'stderr' = 'stdout', timeoutMs = 10_000, from = 0): Promise<RegExpMatchArray> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const match = this[stream].slice(from).match(pattern);
			if (match) {
				return match;
			}
			if (this.child.exitCode !== null) {
				throw new Error(`server exited (${this.child.exitCode}) before printing ${pattern}; stderr: ${this.stderr}`);
			}
			const left = deadline - Date.now();
			if (left <= 0) {
				throw new Error(`server did not print ${pattern} within ${timeoutMs} ms; ${stream}: ${this[stream].slice(from).slice(-500)}`);
			}
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, left);
				this.listeners.push(() => { clearTimeout(timer); resolve(); });
			});
		}
	}

	/** Waits for the "listening" line and returns the port. */
	async port(): Promise<number> {
		return Number((await this.waitForOutput(/Parley listening on [^\s]+:(\d+)/))[1]);
	}

	kill(signal: NodeJS.Signals = 'SIGTERM'): void {
		if (this.child.exitCode === null) {
			this.child.kill(signal);
		}
	}
}

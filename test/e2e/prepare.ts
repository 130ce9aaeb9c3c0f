/**
 * What every e2e test needs once per run: the provisioned tools (Node 24 and code-server;
 * test/e2e/provision.js, cached outside the repository) and a fresh parley.vsix
 * (`npm run package`). Both are memoized, so the files share one build.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
/** Screenshots and logs of the e2e run (git-ignored). */
export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results', 'e2e');

export interface Tools {
	node24: string;
	codeServer: string;
	cacheDir: string;
}

interface Run {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** Runs a command to completion within `timeoutMs`, keeping its output; `echo` mirrors stderr live. */
export function runCommand(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number; echo?: boolean }): Promise<Run> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd: options.cwd ?? REPO_ROOT, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
		child.stderr.on('data', (d: Buffer) => {
			stderr += d.toString();
			if (options.echo) {
				process.stderr.write(d);
			}
		});
		const timer = setTimeout(() => {
			child.kill('SIGTERM');
			reject(new Error(`${command} ${args.join(' ')} did not finish within ${options.timeoutMs / 1000} s\n${tail(stdout + stderr)}`));
		}, options.timeoutMs);
		child.once('error', (error) => {
			clearTimeout(timer);
			reject(new Error(`could not start ${command}: ${error.message}`));
		});
		child.once('close', (code) => {
			clearTimeout(timer);
			resolve({ code, stdout, stderr });
		});
	});
}

export function tail(text: string, lines = 40): string {
	return text.trimEnd().split('\n').slice(-lines).join('\n');
}

let resultsCleared = false;

/** Empties test-results/e2e/ once per run, so every screenshot there is from this run. */
export function clearResults(): void {
	if (!resultsCleared) {
		resultsCleared = true;
		fs.rmSync(RESULTS_DIR, { recursive: true, force: true });
		fs.mkdirSync(RESULTS_DIR, { recursive: true });
	}
}

let tools: Promise<Tools> | undefined;
let vsix: Promise<string> | undefined;

/** Provisions (or finds cached) Node 24 and code-server. A cold run takes about 12 minutes. */
export function provision(): Promise<Tools> {
	tools ??= (async () => {
		const script = path.join(REPO_ROOT, 'test', 'e2e', 'provision.js');
		const run = await runCommand(process.execPath, [script], { timeoutMs: 90 * 60_000, echo: true });
		if (run.code !== 0) {
			throw new Error(`provisioning failed (node test/e2e/provision.js exited with ${run.code}); see the [provision] lines above\n${tail(run.stderr, 20)}`);
		}
		const last = run.stdout.trim().split('\n').pop() ?? '';
		try {
			return JSON.parse(last) as Tools;
		} catch {
			throw new Error(`provision.js printed no JSON on its last stdout line: ${last.slice(0, 300)}`);
		}
	})();
	return tools;
}

/** Builds parley.vsix from the current sources (`npm run package`). */
export function packageParley(): Promise<string> {
	vsix ??= (async () => {
		const run = await runCommand('npm', ['run', 'package'], { timeoutMs: 5 * 60_000 });
		const file = path.join(REPO_ROOT, 'parley.vsix');
		if (run.code !== 0 || !fs.existsSync(file)) {
			throw new Error(`npm run package failed (exit ${run.code}); no parley.vsix\n${tail(run.stdout + run.stderr)}`);
		}
		return file;
	})();
	return vsix;
}

/** A file name for a step: "03 a message reaches bob" -> "03-a-message-reaches-bob". */
export function slug(text: string): string {
	return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
}

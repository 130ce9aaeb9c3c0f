/**
 * A real VS Code for the e2e tests: code-server (provisioned by provision.js) with
 * throwaway user-data, extensions and workspace folders, and the tests' Chromium
 * (test/helpers/chromium.ts) driven by playwright-core. See PROVISION.md for why each
 * setting and flag is there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium';
import { RESULTS_DIR, runCommand, tail, type Tools } from './prepare';
import { freePort } from '../helpers/ports';

/** No welcome page, tips, experiments, update checks or trust prompt. */
const BASE_SETTINGS: Record<string, unknown> = {
	'workbench.startupEditor': 'none',
	'workbench.tips.enabled': false,
	'workbench.enableExperiments': false,
	'workbench.secondarySideBar.defaultVisibility': 'hidden',
	'security.workspace.trust.enabled': false,
	'telemetry.telemetryLevel': 'off',
	'update.mode': 'none',
	'extensions.autoCheckUpdates': false,
	'extensions.autoUpdate': false,
	'extensions.ignoreRecommendations': true,
};

/** Process groups of running code-servers: killed even if mocha exits without running `after`. */
const liveGroups = new Set<number>();
process.on('exit', () => {
	for (const pid of liveGroups) {
		try {
			process.kill(-pid, 'SIGKILL');
		} catch {
			// already gone
		}
	}
});

export interface WorkbenchOptions {
	tools: Tools;
	/** Names the log files and temp folders. */
	name: string;
	/** User settings on top of BASE_SETTINGS. */
	settings: Record<string, unknown>;
	/** .vsix files installed before start. */
	extensions: string[];
}


function httpStatus(url: string): Promise<number> {
	return new Promise((resolve) => {
		const request = http.get(url, (response) => {
			response.resume();
			resolve(response.statusCode ?? 0);
		});
		request.on('error', () => resolve(0));
		request.setTimeout(5000, () => request.destroy());
	});
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Workbench {
	readonly root: string;
	readonly userDataDir: string;
	readonly workspaceDir: string;
	readonly logFile: string;
	private child: ChildProcess | undefined;
	private exited: Promise<void> | undefined;
	private browser: Browser | undefined;
	private currentPage: Page | undefined;

	constructor(private readonly options: WorkbenchOptions) {
		this.root = fs.mkdtempSync(path.join(os.tmpdir(), `parley-e2e-${options.name}-`));
		this.userDataDir = path.join(this.root, 'user-data');
		this.workspaceDir = path.join(this.root, 'workspace');
		fs.mkdirSync(RESULTS_DIR, { recursive: true });
		this.logFile = path.join(RESULTS_DIR, `${options.name}-code-server.log`);
	}

	get page(): Page {
		if (!this.currentPage) {
			throw new Error('the workbench is not started');
		}
		return this.currentPage;
	}

	private env(): NodeJS.ProcessEnv {
		// No Open VSX lookups; code-server's own config stays in the temp folder.
		return { ...process.env, EXTENSIONS_GALLERY: '{}', XDG_CONFIG_HOME: path.join(this.root, 'xdg-config'), XDG_DATA_HOME: path.join(this.root, 'xdg-data') };
	}

	private dirArgs(): string[] {
		return ['--user-data-dir', this.userDataDir, '--extensions-dir', path.join(this.root, 'extensions')];
	}

	/** Installs the extensions, starts code-server and opens the workbench in Chromium. */
	async start(): Promise<void> {
		const { tools, settings, extensions } = this.options;
		fs.mkdirSync(this.workspaceDir, { recursive: true });
		// User settings only, as a user writes them. Parley's settings are window-scoped, so a
		// remote window (code-server is one) reads them from here at startup; machine-scoped
		// ones would be read only from the remote's Machine/settings.json, which VS Code loads
		// after the extension host may have started (Parley then saw the defaults).
		fs.mkdirSync(path.join(this.userDataDir, 'User'), { recursive: true });
		fs.writeFileSync(path.join(this.userDataDir, 'User', 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...settings }, null, '\t'));
		for (const vsix of extensions) {
			const run = await runCommand(tools.codeServer, ['--install-extension', vsix, ...this.dirArgs()], { env: this.env(), timeoutMs: 120_000 });
			if (run.code !== 0 || !/successfully installed/i.test(run.stdout + run.stderr)) {
				throw new Error(`code-server --install-extension ${path.basename(vsix)} failed (exit ${run.code})\n${tail(run.stdout + run.stderr)}`);
			}
		}
		const port = await freePort();
		const log = fs.openSync(this.logFile, 'w');
		const child = spawn(tools.codeServer, ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
			'--disable-workspace-trust', ...this.dirArgs(), this.workspaceDir], { env: this.env(), stdio: ['ignore', log, log], detached: true });
		fs.closeSync(log);
		this.child = child;
		if (child.pid) {
			liveGroups.add(child.pid);
		}
		let exitCode: string | undefined;
		this.exited = new Promise((resolve) => child.once('exit', (code, signal) => {
			exitCode = `${code ?? signal}`;
			if (child.pid) {
				liveGroups.delete(child.pid);
			}
			resolve();
		}));
		const base = `http://127.0.0.1:${port}`;
		const deadline = Date.now() + 60_000;
		while ((await httpStatus(`${base}/healthz`)) !== 200) {
			if (exitCode !== undefined) {
				throw new Error(`code-server exited (${exitCode}) before answering /healthz; log: ${this.logFile}\n${tail(fs.readFileSync(this.logFile, 'utf8'))}`);
			}
			if (Date.now() > deadline) {
				throw new Error(`code-server did not answer ${base}/healthz within 60 s; log: ${this.logFile}`);
			}
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		this.browser = await launchChromium({ timeout: 60_000 });
		this.currentPage = await this.browser.newPage({ viewport: { width: 1440, height: 900 } });
		// The workbench's own errors and warnings (the renderer's console), for a failed step.
		const consoleLog = path.join(RESULTS_DIR, `${this.options.name}-browser-console.log`);
		fs.writeFileSync(consoleLog, '');
		this.currentPage.on('console', (message) => {
			if (message.type() === 'error' || message.type() === 'warning') {
				fs.appendFileSync(consoleLog, `${new Date().toISOString()} [${message.type()}] ${message.text()}\n`);
			}
		});
		await this.page.goto(`${base}/?folder=${encodeURIComponent(this.workspaceDir)}`, { timeout: 60_000 });
		await this.page.locator('.monaco-workbench').waitFor({ timeout: 90_000 }).catch((error: Error) => {
			throw new Error(`the VS Code workbench did not load within 90 s: ${error.message.split('\n')[0]}`);
		});
	}

	/**
	 * Runs a command from the palette (F1): types `typed` and picks the row labelled `label`
	 * ("Category: Title"; default `typed`). An extension's commands appear a few seconds
	 * after the workbench, and an open palette does not refresh, so it closes and retries.
	 */
	async command(typed: string, label = typed, timeoutMs = 60_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		const input = this.page.locator('.quick-input-widget input');
		const row = this.page.locator('.quick-input-list .monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) });
		for (;;) {
			await this.page.keyboard.press('F1');
			await input.waitFor({ state: 'visible', timeout: 10_000 });
			await input.fill(`>${typed}`);
			try {
				await row.first().waitFor({ state: 'visible', timeout: 4_000 });
				await row.first().click();
				await input.waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
				return;
			} catch {
				await this.page.keyboard.press('Escape');
				if (Date.now() > deadline) {
					throw new Error(`"${label}" did not appear in the command palette for "${typed}" within ${timeoutMs / 1000} s (is the extension installed and its command contributed?)`);
				}
			}
		}
	}

	/**
	 * Answers the open input box (a command's prompt): waits for it to say `shows` (its
	 * title or prompt), types `text` and presses Enter.
	 */
	async answer(shows: string | RegExp, text: string, timeoutMs = 30_000): Promise<void> {
		const widget = this.page.locator('.quick-input-widget', { hasText: shows });
		await widget.waitFor({ state: 'visible', timeout: timeoutMs }).catch(() => {
			throw new Error(`no input box saying "${String(shows)}" within ${timeoutMs / 1000} s`);
		});
		const input = widget.locator('input');
		await input.fill(text);
		await input.press('Enter');
	}

	/** Developer: Reload Window; resolves once the workbench is back. */
	async reloadWindow(): Promise<void> {
		const reloaded = this.page.waitForEvent('load', { timeout: 90_000 });
		await this.command('Developer: Reload Window');
		await reloaded;
		await this.page.locator('.monaco-workbench').waitFor({ timeout: 90_000 }).catch((error: Error) => {
			throw new Error(`the VS Code workbench did not come back within 90 s of Reload Window: ${error.message.split('\n')[0]}`);
		});
	}

	/** Picks the quick-pick row labelled `label` (a command's picker). */
	async pick(label: string, timeoutMs = 30_000): Promise<void> {
		const row = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: label }) });
		await row.first().waitFor({ state: 'visible', timeout: timeoutMs }).catch(() => {
			throw new Error(`the quick pick did not offer "${label}" within ${timeoutMs / 1000} s`);
		});
		await row.first().click();
	}

	/**
	 * The webview frame (inside VS Code's nested iframes) whose document has `selector`.
	 * Looked up again for each step: VS Code reloads a webview that was hidden.
	 */
	async webview(selector: string, what: string, timeoutMs = 30_000): Promise<Frame> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			for (const frame of this.page.frames()) {
				if (!frame.isDetached() && (await frame.$(selector).catch(() => null))) {
					return frame;
				}
			}
			if (Date.now() > deadline) {
				throw new Error(`no webview showed ${selector} within ${timeoutMs / 1000} s: ${what}`);
			}
			// Nothing to await: frames load and render on their own.
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}

	/** Saves a screenshot as test-results/e2e/<name>.png; never throws (also used on failure). */
	async screenshot(name: string): Promise<string | undefined> {
		const file = path.join(RESULTS_DIR, `${name}.png`);
		try {
			await this.currentPage?.screenshot({ path: file, timeout: 15_000 });
			return file;
		} catch {
			return undefined;
		}
	}

	/** Closes Chromium, stops code-server's whole process group, keeps its logs, removes the temp folders. */
	async close(): Promise<void> {
		await this.browser?.close().catch(() => undefined);
		this.browser = undefined;
		const child = this.child;
		if (child?.pid && child.exitCode === null && child.signalCode === null) {
			try {
				process.kill(-child.pid, 'SIGTERM');
			} catch {
				// already gone
			}
			const stopped = await Promise.race([this.exited!.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000))]);
			if (!stopped) {
				try {
					process.kill(-child.pid, 'SIGKILL');
				} catch {
					// already gone
				}
			}
			liveGroups.delete(child.pid);
		}
		const logs = path.join(this.userDataDir, 'logs');
		const kept = path.join(RESULTS_DIR, `${this.options.name}-vscode-logs`);
		fs.rmSync(kept, { recursive: true, force: true });
		if (fs.existsSync(logs)) {
			fs.cpSync(logs, kept, { recursive: true });
		}
		fs.rmSync(this.root, { recursive: true, force: true });
	}
}

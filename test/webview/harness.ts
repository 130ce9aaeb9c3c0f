/**
 * Test harness for the chat webview: a tiny HTTP server on 127.0.0.1:0 serving the page the
 * extension host would build (same strict CSP, nonce scripts, codicons and chat.css), with a
 * fake `acquireVsCodeApi` that records posted messages and keeps state in sessionStorage
 * (so it survives a reload, as VS Code's webview state does).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { HostMessage, WebviewMessage } from '../../protocol/webview';
import { launchChromium } from '../helpers/chromium';
import { darkModernCss } from './theme';

const ROOT = path.resolve(__dirname, '../../..');
const WAIT_MS = 10_000;

/** Runs in the page before the webview script: the fake VS Code API and the probes tests read. */
const PAGE_SCRIPT = `(() => {
	const KEY = 'parley-webview-state';
	const probe = { posted: [], violations: [], acquired: 0 };
	document.addEventListener('securitypolicyviolation', (e) => {
		probe.violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
	});
	window.acquireVsCodeApi = () => {
		if (probe.acquired++ > 0) {
			throw new Error('An instance of the VS Code API has already been acquired');
		}
		return Object.freeze({
			postMessage: (message) => { probe.posted.push(JSON.parse(JSON.stringify(message))); },
			getState: () => {
				const saved = sessionStorage.getItem(KEY);
				return saved === null ? undefined : JSON.parse(saved);
			},
			setState: (state) => { sessionStorage.setItem(KEY, JSON.stringify(state)); return state; },
		});
	};
	probe.dispatch = (data) => window.dispatchEvent(new MessageEvent('message', { data }));
	probe.state = () => {
		const saved = sessionStorage.getItem(KEY);
		return saved === null ? undefined : JSON.parse(saved);
	};
	window.__parley = probe;
})();
`;

const TYPES: Record<string, string> = {
	'.js': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.ttf': 'font/ttf',
	'.map': 'application/json',
};

function page(nonce: string): string {
	return [
		'<!DOCTYPE html>',
		'<html lang="en">',
		'<head>',
		'<meta charset="UTF-8">',
		'<meta name="viewport" content="width=device-width, initial-scale=1.0">',
		`<script nonce="${nonce}" src="/harness.js"></script>`,
		'<link rel="stylesheet" href="/theme.css">',
		'<link rel="stylesheet" href="/dist/codicons/codicon.css">',
		'<link rel="stylesheet" href="/media/chat.css">',
		'<title>Parley</title>',
		'</head>',
		'<body class="vscode-dark">',
		'<div id="app"></div>',
		`<script nonce="${nonce}" src="/dist/webview.js"></script>`,
		'</body>',
		'</html>',
	].join('\n');
}

/** Maps a request path to a file, only inside the few folders the webview may load from. */
function fileFor(urlPath: string): string | undefined {
	const routes: [string, string][] = [
		['/dist/codicons/', path.join(ROOT, 'node_modules/@vscode/codicons/dist')],
		['/dist/', path.join(ROOT, 'dist')],
		['/media/', path.join(ROOT, 'media')],
	];
	for (const [prefix, dir] of routes) {
		if (urlPath.startsWith(prefix)) {
			const file = path.resolve(dir, '.' + urlPath.slice(prefix.length - 1));
			return file.startsWith(dir + path.sep) ? file : undefined;
		}
	}
	return undefined;
}

export class HarnessServer {
	private constructor(
		private readonly server: http.Server,
		readonly origin: string,
	) {}

	static async start(): Promise<HarnessServer> {
		if (!fs.existsSync(path.join(ROOT, 'dist/webview.js'))) {
			throw new Error('dist/webview.js is missing: run `node esbuild.js` first');
		}
		let origin = '';
		const server = http.createServer((req, res) => {
			const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
			if (urlPath === '/') {
				const nonce = crypto.randomBytes(16).toString('base64');
				res.writeHead(200, {
					'content-type': 'text/html; charset=utf-8',
					'cache-control': 'no-store',
					'content-security-policy': `default-src 'none'; img-src ${origin} https: data:; style-src ${origin}; font-src ${origin}; script-src 'nonce-${nonce}'`,
				});
				res.end(page(nonce));
				return;
			}
			if (urlPath === '/favicon.ico') {
				// Chromium asks for one; a VS Code webview never does.
				res.writeHead(204).end();
				return;
			}
			if (urlPath === '/harness.js' || urlPath === '/theme.css') {
				res.writeHead(200, { 'content-type': TYPES[path.extname(urlPath)] });
				res.end(urlPath === '/harness.js' ? PAGE_SCRIPT : darkModernCss());
				return;
			}
			const file = fileFor(urlPath);
			if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
				res.writeHead(404).end();
				return;
			}
			res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
			fs.createReadStream(file).pipe(res);
		});
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(0, '127.0.0.1', resolve);
		});
		const address = server.address();
		if (address === null || typeof address === 'string') {
			throw new Error('harness server has no port');
		}
		origin = `http://127.0.0.1:${address.port}`;
		return new HarnessServer(server, origin);
	}

	close(): Promise<void> {
		this.server.closeAllConnections();
		return new Promise((resolve) => this.server.close(() => resolve()));
	}
}

/** Mocha hooks for a describe block: one browser and one harness server for its tests. */
export function useBrowser(): { open(options?: PanelOptions): Promise<Panel> } {
	let browser: Browser | undefined;
	let server: HarnessServer | undefined;
	before(async function () {
		// The first run may also decompress the npm-installed Chromium (a few seconds).
		this.timeout(60_000);
		[browser, server] = await Promise.all([launchChromium(), HarnessServer.start()]);
	});
	after(async function () {
		await browser?.close();
		await server?.close();
	});
	return {
		open: (options) => {
			if (!browser || !server) {
				throw new Error('the browser exists only inside a test');
			}
			return Panel.open(browser, server, options);
		},
	};
}

export interface Violation {
	directive: string;
	blocked: string;
	sample: string;
}

/** What PAGE_SCRIPT puts on `window.__parley`. */
export interface Probe {
	posted: WebviewMessage[];
	violations: Violation[];
	dispatch(data: unknown): void;
	state(): unknown;
}

export interface PanelOptions {
	width?: number;
	height?: number;
}

/** One webview page and what it did: posted messages, dialogs, errors. */
export class Panel {
	readonly dialogs: string[] = [];
	readonly errors: string[] = [];

	private constructor(readonly page: Page) {
		page.on('dialog', (dialog) => {
			this.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
			void dialog.dismiss();
		});
		page.on('pageerror', (error) => this.errors.push(`pageerror: ${error.message}`));
		page.on('console', (message) => {
			if (message.type() === 'error') {
				this.errors.push(`console: ${message.text()}`);
			}
		});
	}

	static async open(browser: Browser, server: HarnessServer, options: PanelOptions = {}): Promise<Panel> {
		const context = await browser.newContext({ viewport: { width: options.width ?? 1100, height: options.height ?? 720 }, deviceScaleFactor: 1 });
		context.setDefaultTimeout(WAIT_MS);
		const panel = new Panel(await context.newPage());
		await panel.page.goto(server.origin + '/', { waitUntil: 'load', timeout: WAIT_MS });
		await panel.waitForPosted({ type: 'ready' });
		return panel;
	}

	/** Runs `fn(probe, arg)` in the page. `fn` must be self-contained (it is sent as source). */
	probe<R, A = undefined>(fn: (probe: Probe, arg: A) => R, arg?: A): Promise<R> {
		return this.page.evaluate<R>(`(${fn.toString()})(window.__parley, ${JSON.stringify(arg ?? null)})`);
	}

	/** Delivers host messages, as the extension host's postMessage would. */
	async send(...messages: (HostMessage | object)[]): Promise<void> {
		await this.probe((p, list: unknown[]) => list.forEach((m) => p.dispatch(m)), messages);
	}

	posted(): Promise<WebviewMessage[]> {
		return this.probe((p) => p.posted);
	}

	async clearPosted(): Promise<void> {
		await this.probe((p) => {
			p.posted.length = 0;
		});
	}

	/** Waits for a posted message whose fields include `match`, and returns it. */
	async waitForPosted(match: Record<string, unknown>, timeout = WAIT_MS): Promise<WebviewMessage> {
		const handle = await this.page.waitForFunction(
			(m: Record<string, unknown>) => {
				const probe = (globalThis as unknown as { __parley?: Probe }).__parley;
				return probe?.posted.find((posted) => Object.entries(m).every(([k, v]) => JSON.stringify((posted as unknown as Record<string, unknown>)[k]) === JSON.stringify(v)));
			},
			match,
			{ timeout },
		);
		return (await handle.jsonValue()) as WebviewMessage;
	}

	violations(): Promise<Violation[]> {
		return this.probe((p) => p.violations);
	}

	state(): Promise<unknown> {
		return this.probe((p) => p.state());
	}

	/** No CSP violation, no script error, no dialog. */
	async assertClean(): Promise<void> {
		const violations = await this.violations();
		if (violations.length > 0 || this.errors.length > 0 || this.dialogs.length > 0) {
			throw new Error(`panel not clean: ${JSON.stringify({ violations, errors: this.errors, dialogs: this.dialogs })}`);
		}
	}

	async close(): Promise<void> {
		await this.page.context().close();
	}
}

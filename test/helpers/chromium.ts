/**
 * Which Chromium the tests drive, found in one place for every test that launches one
 * (the webview suites and the code-server e2e). In order:
 *
 * 1. `PARLEY_CHROMIUM`: the path of a Chrome or Chromium executable. If it is set and no
 *    file is there, that is an error (no quiet fallback to another browser).
 * 2. A Chromium that playwright installed (`npx playwright install chromium`).
 * 3. One installed on the system: Debian's `/usr/bin/chromium`, Google Chrome, ...
 * 4. The one npm installed: `@sparticuz/chromium` (a chrome-headless-shell build, Linux
 *    x64 only), decompressed once into ~/.cache/parley-chromium/<version>/.
 *
 * Nothing found: launching fails with one line that says what to install or set.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/**
 * The same flags for every source. @sparticuz/chromium's own `args` are for AWS Lambda and
 * are not used: none is needed here (checked: its binary starts, renders and screenshots
 * with these), and several would change what the tests check: `--single-process` and
 * `--no-zygote` (one process for many contexts), `--disable-web-security`,
 * `--allow-running-insecure-content` and the site-isolation switches. Its
 * `--headless='shell'` is not needed either: the binary is headless-only.
 */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
	'--disable-sync', '--no-first-run', '--disable-quic'];

export type ChromiumSource = 'PARLEY_CHROMIUM' | 'playwright' | 'system' | '@sparticuz/chromium';

export interface ResolvedChromium {
	source: ChromiumSource;
	executablePath: string;
	args: string[];
	/** Extra environment for the browser process (none: it inherits the tests'). */
	env?: Record<string, string>;
}

const SYSTEM_CHROMES: Partial<Record<NodeJS.Platform, string[]>> = {
	linux: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable',
		'/opt/google/chrome/chrome'],
	darwin: ['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Applications/Chromium.app/Contents/MacOS/Chromium'],
	win32: [`${process.env.PROGRAMFILES ?? 'C:\\Program Files'}\\Google\\Chrome\\Application\\chrome.exe`,
		`${process.env['PROGRAMFILES(X86)'] ?? 'C:\\Program Files (x86)'}\\Google\\Chrome\\Application\\chrome.exe`],
};

const NOT_FOUND = 'No Chromium for the browser tests: set PARLEY_CHROMIUM to a Chrome or Chromium executable, '
	+ 'or install one (`npx playwright install chromium`, or `apt-get install chromium` on Debian); '
	+ `the npm-installed @sparticuz/chromium runs only on Linux x64 (this is ${process.platform}-${process.arch}).`;

function isFile(file: string): boolean {
	try {
		return fs.statSync(file).isFile();
	} catch {
		return false;
	}
}

/** The Chromium playwright-core would download for itself, if it is there. */
function playwrightChromium(): string | undefined {
	try {
		const file = chromium.executablePath();
		return isFile(file) ? file : undefined;
	} catch {
		return undefined;
	}
}

function sparticuzPackageDir(): string | undefined {
	try {
		// Its "exports" hide package.json: go up from the CommonJS entry (build/cjs/index.cjs).
		return path.resolve(require.resolve('@sparticuz/chromium'), '../../..');
	} catch {
		return undefined;
	}
}

function cacheRoot(): string {
	return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'parley-chromium');
}

/**
 * @sparticuz/chromium's `executablePath()` decompresses the browser into os.tmpdir() and
 * reuses any `<tmpdir>/chromium` it finds there, whatever its version, also one another
 * process is still writing. So it runs in a child process whose TMPDIR is a fresh folder,
 * which is then renamed into place: a cache folder exists only when complete, and two test
 * runs at once each get a whole browser. The fontconfig file added beside it keeps the
 * system's fonts and adds the package's Open Sans, so that text renders even on a machine
 * without any font.
 */
async function sparticuzChromium(packageDir: string): Promise<ResolvedChromium> {
	const version = (JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
	const dir = path.join(cacheRoot(), version);
	const executablePath = path.join(dir, 'chromium');
	const fontsConf = path.join(dir, 'fonts.conf');
	if (!isFile(executablePath) || !isFile(fontsConf)) {
		fs.mkdirSync(path.dirname(dir), { recursive: true });
		const staging = fs.mkdtempSync(`${dir}.tmp-`);
		try {
			const script = `const c = require(${JSON.stringify(require.resolve('@sparticuz/chromium'))});`
				+ ' c.executablePath().then((p) => process.stdout.write(p), (e) => { console.error(e); process.exit(1); });';
			const printed = await new Promise<string>((resolve, reject) => {
				execFile(process.execPath, ['-e', script], { env: { ...process.env, TMPDIR: staging }, timeout: 120_000 }, (error, stdout, stderr) => {
					if (error) {
						reject(new Error(`@sparticuz/chromium could not decompress its browser into ${staging}: ${(stderr || error.message).trim()}`));
					} else {
						resolve(stdout.trim());
					}
				});
			});
			if (printed !== path.join(staging, 'chromium')) {
				throw new Error(`@sparticuz/chromium put its browser at ${printed}, not in ${staging}`);
			}
			fs.writeFileSync(path.join(staging, 'fonts.conf'), [
				'<?xml version="1.0"?>',
				'<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
				'<fontconfig>',
				'\t<include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
				`\t<dir>${path.join(dir, 'fonts', 'fonts')}</dir>`,
				`\t<cachedir>${path.join(dir, 'fontconfig-cache')}</cachedir>`,
				'</fontconfig>',
				'',
			].join('\n'));
			try {
				fs.renameSync(staging, dir);
			} catch {
				// Another run finished first (use its copy), or a broken folder is in the way.
				if (!isFile(executablePath) || !isFile(fontsConf)) {
					fs.rmSync(dir, { recursive: true, force: true });
					fs.renameSync(staging, dir);
				}
			}
		} finally {
			fs.rmSync(staging, { recursive: true, force: true });
		}
	}
	return { source: '@sparticuz/chromium', executablePath, args: CHROMIUM_ARGS, env: { FONTCONFIG_FILE: fontsConf } };
}

async function resolve(): Promise<ResolvedChromium> {
	if (process.env.PARLEY_CHROMIUM) {
		const explicit = path.resolve(process.env.PARLEY_CHROMIUM);
		if (!isFile(explicit)) {
			throw new Error(`PARLEY_CHROMIUM is ${explicit}, but there is no such file: point it at a Chrome or Chromium executable, or unset it`);
		}
		return { source: 'PARLEY_CHROMIUM', executablePath: explicit, args: CHROMIUM_ARGS };
	}
	const installed = playwrightChromium();
	if (installed) {
		return { source: 'playwright', executablePath: installed, args: CHROMIUM_ARGS };
	}
	const system = (SYSTEM_CHROMES[process.platform] ?? []).find(isFile);
	if (system) {
		return { source: 'system', executablePath: system, args: CHROMIUM_ARGS };
	}
	const packageDir = process.platform === 'linux' && process.arch === 'x64' ? sparticuzPackageDir() : undefined;
	if (packageDir) {
		return sparticuzChromium(packageDir);
	}
	throw new Error(NOT_FOUND);
}

let resolved: Promise<ResolvedChromium> | undefined;

/** The Chromium to use, looked up once per process. */
export function resolveChromium(): Promise<ResolvedChromium> {
	resolved ??= resolve();
	return resolved;
}

let announced = false;

/** Launches the resolved Chromium headless; the first launch logs which one it is. */
export async function launchChromium(options: { timeout?: number } = {}): Promise<Browser> {
	const found = await resolveChromium();
	let browser: Browser;
	try {
		browser = await chromium.launch({
			executablePath: found.executablePath,
			args: found.args,
			headless: true,
			...(found.env ? { env: { ...process.env, ...found.env } } : {}),
			...(options.timeout === undefined ? {} : { timeout: options.timeout }),
		});
	} catch (error) {
		const message = (error as Error).message;
		const libraries = !/error while loading shared libraries/.test(message) ? ''
			: found.source === '@sparticuz/chromium' ? ' (a system library is missing: it needs libnss3, `apt-get install libnss3` on Debian; or set PARLEY_CHROMIUM)'
				: ' (a system library is missing, see the browser log below)';
		throw new Error(`Chromium from ${found.source} (${found.executablePath}) did not start${libraries}: ${message}`, { cause: error });
	}
	if (!announced) {
		announced = true;
		console.log(`  Chromium ${browser.version()} from ${found.source}: ${found.executablePath}`);
	}
	return browser;
}

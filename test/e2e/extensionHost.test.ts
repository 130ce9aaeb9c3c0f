/**
 * The code-server launcher of the extension-host suite (test/vscode/suite): installs
 * parley.vsix and the host-test extension into code-server, opens the workbench (which
 * starts the extension host, where the suite runs), and waits for the results file.
 * Each in-host test then becomes a test here, with its own pass or failure message.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { ServerProcess } from '../helpers/process';
import { buildHostTestExtension, RESULTS_SETTING } from '../vscode/bundle';
import type { SuiteResults } from '../vscode/suite/results';
import { clearResults, packageParley, provision, REPO_ROOT, RESULTS_DIR } from './prepare';
import { Workbench } from './workbench';

const SUITE_TIMEOUT_MS = 5 * 60_000;

/** Resolves with the parsed results once the extension writes them (it renames a complete file into place). */
function waitForResults(file: string, timeoutMs: number, workbench: Workbench): Promise<SuiteResults> {
	return new Promise((resolve, reject) => {
		const check = (): boolean => {
			if (!fs.existsSync(file)) {
				return false;
			}
			finish();
			try {
				resolve(JSON.parse(fs.readFileSync(file, 'utf8')) as SuiteResults);
			} catch (error) {
				reject(new Error(`unreadable results in ${file}: ${(error as Error).message}`));
			}
			return true;
		};
		const watcher = fs.watch(path.dirname(file), () => {
			check();
		});
		const timer = setTimeout(() => {
			finish();
			reject(new Error(`the extension-host suite wrote no results to ${file} within ${timeoutMs / 1000} s; ` +
				`see the extension host log under ${path.join(RESULTS_DIR, 'extension-host-vscode-logs')} and ${workbench.logFile}`));
		}, timeoutMs);
		const finish = () => {
			clearTimeout(timer);
			watcher.close();
		};
		check();
	});
}

describe('extension-host suite in code-server (test/vscode/suite)', function () {
	let server: ServerProcess | undefined;
	let workbench: Workbench | undefined;
	let results: SuiteResults | undefined;

	before(async function () {
		// Provisioning takes about 12 minutes on a cold machine, a second or so when cached.
		this.timeout(60 * 60_000);
		clearResults();
		const [tools, parleyVsix] = await Promise.all([provision(), packageParley()]);
		const hostVsix = await buildHostTestExtension(path.join(REPO_ROOT, 'out', 'vscode-host-tests'));
		server = ServerProcess.start(['--port', '0', '--memory', '--flood-rate', '0']);
		const port = await server.port();
		fs.mkdirSync(RESULTS_DIR, { recursive: true });
		const resultsFile = path.join(RESULTS_DIR, 'extension-host-results.json');
		fs.rmSync(resultsFile, { force: true });
		workbench = new Workbench({
			tools,
			name: 'extension-host',
			settings: {
				'parley.server.host': '127.0.0.1',
				'parley.server.port': port,
				'parley.nickname': 'host-kim',
				'parley.notifications': 'off',
				[RESULTS_SETTING]: resultsFile,
			},
			extensions: [parleyVsix, hostVsix],
		});
		await workbench.start();
		results = await waitForResults(resultsFile, SUITE_TIMEOUT_MS, workbench);
		await workbench.screenshot('extension-host-suite-finished');
		const suite = this.test!.parent!;
		for (const outcome of results.tests) {
			suite.addTest(new Mocha.Test(`in the extension host: ${outcome.title}`, () => {
				if (outcome.state === 'failed') {
					throw new Error(outcome.error ?? 'failed (no message)');
				}
			}));
		}
	});

	after(async function () {
		this.timeout(60_000);
		if (workbench && !results) {
			await workbench.screenshot('extension-host-suite-FAILED');
		}
		await workbench?.close();
		server?.kill();
		await server?.exited;
	});

	it('runs inside code-server\'s extension host and reports its tests', () => {
		assert.ok(results, 'no results');
		assert.equal(results.fatal, undefined, `the suite could not run: ${results.fatal}`);
		assert.match(results.host, /Node v24\./, 'code-server runs extensions on Node 24');
		assert.ok(results.tests.length >= 10, `expected at least 10 tests, got ${results.tests.length}`);
		process.stdout.write(`      (${results.host}: ${results.passes} passed, ${results.failures} failed in ${(results.durationMs / 1000).toFixed(1)} s)\n`);
	});
});

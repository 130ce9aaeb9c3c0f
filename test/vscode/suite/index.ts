/**
 * The extension-host suite: mocha, run inside a real VS Code extension host with the
 * Parley extension installed. Two launchers use it: @vscode/test-electron calls `run()`
 * (test/vscode/runTest.ts), and code-server runs it through the host-test extension
 * (test/vscode/host-extension/), which writes `runSuite()`'s results to a file.
 *
 * The suite needs a Parley server: the launcher starts one and puts its address in the
 * `parley.server.*` user settings, with `parley.nickname` set so Connect never prompts.
 */
import Mocha from 'mocha';
import * as vscode from 'vscode';
import type { SuiteResults, TestOutcome } from './results';

export type { SuiteResults, TestOutcome } from './results';

function titleOf(test: Mocha.Runnable): string {
	return test.titlePath().join(' > ');
}

/** Runs every test file of the suite; resolves with the outcome of each test. */
export async function runSuite(): Promise<SuiteResults> {
	const started = Date.now();
	const host = `${vscode.env.appName} ${vscode.version} (extension host, Node ${process.version})`;
	const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, slow: 5_000, color: false, reporter: 'spec' });
	// The files are bundled, so instead of mocha.addFile: define the BDD globals, then load them.
	mocha.suite.emit('pre-require', globalThis, 'test/vscode/suite', mocha);
	// eslint-disable-next-line @typescript-eslint/no-require-imports -- after pre-require, on purpose
	require('./commands.test');
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	require('./connection.test');
	const tests: TestOutcome[] = [];
	await new Promise<void>((resolve) => {
		const runner = mocha.run(() => resolve());
		runner.on('pass', (test) => tests.push({ title: titleOf(test), state: 'passed', durationMs: test.duration ?? 0 }));
		runner.on('fail', (test, error: Error) => tests.push({
			title: titleOf(test),
			state: 'failed',
			durationMs: test.duration ?? 0,
			error: `${error?.message ?? String(error)}\n${error?.stack ?? ''}`,
		}));
	});
	return {
		host,
		passes: tests.filter((t) => t.state === 'passed').length,
		failures: tests.filter((t) => t.state === 'failed').length,
		tests,
		durationMs: Date.now() - started,
	};
}

/** The @vscode/test-electron entry point: rejects when any test failed. */
export async function run(): Promise<void> {
	const results = await runSuite();
	if (results.failures > 0) {
		throw new Error(`${results.failures} of ${results.tests.length} extension-host tests failed:\n` +
			results.tests.filter((t) => t.state === 'failed').map((t) => `- ${t.title}: ${t.error?.split('\n')[0]}`).join('\n'));
	}
}

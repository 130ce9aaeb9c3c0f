/**
 * Test-only extension for code-server, which cannot run `--extensionTestsPath`: once the
 * workbench has started it runs the extension-host suite and writes the results (JSON)
 * to the file named by the `parleyHostTests.resultsFile` user setting, where the
 * launcher (test/e2e/extensionHost.test.ts) waits for it.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { runSuite, type SuiteResults } from '../suite/index';

/** Written to a temporary name, then renamed, so the launcher never reads half a file. */
function writeResults(file: string, results: SuiteResults): void {
	fs.writeFileSync(`${file}.tmp`, JSON.stringify(results, null, 2));
	fs.renameSync(`${file}.tmp`, file);
}

export function activate(): void {
	const file = vscode.workspace.getConfiguration('parleyHostTests').get<string>('resultsFile');
	if (!file) {
		void vscode.window.showErrorMessage('Parley host tests: set parleyHostTests.resultsFile to run the suite.');
		return;
	}
	const started = Date.now();
	void runSuite().then(
		(results) => writeResults(file, results),
		(error: unknown) => writeResults(file, {
			host: `${vscode.env.appName} ${vscode.version}`,
			passes: 0,
			failures: 0,
			tests: [],
			durationMs: Date.now() - started,
			fatal: error instanceof Error ? `${error.message}\n${error.stack}` : String(error),
		}),
	);
}

export function deactivate(): void {}

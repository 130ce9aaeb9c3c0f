/**
 * `npm run test:vscode`: the extension-host suite in VS Code desktop through
 * @vscode/test-electron, with this repository as the extension under development. It
 * downloads VS Code (update.code.visualstudio.com) on first use; where that is not
 * reachable it says so and fails. CI runs the same suite in code-server instead
 * (test/e2e/extensionHost.test.ts, part of `npm run test:e2e`).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { ServerProcess } from '../helpers/process';
import { bundleSuite, REPO_ROOT } from './bundle';

/** Idle time without download progress before giving up. */
const DOWNLOAD_TIMEOUT_MS = 60_000;

const tempDir = (prefix: string): string => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

async function main(): Promise<number> {
	const suite = await bundleSuite(path.join(REPO_ROOT, 'out', 'vscode-suite', 'index.js'));
	const version = process.env.VSCODE_TEST_VERSION ?? 'stable';
	let executable: string;
	try {
		executable = await downloadAndUnzipVSCode({ version, timeout: DOWNLOAD_TIMEOUT_MS, cachePath: path.join(REPO_ROOT, '.vscode-test') });
	} catch (error) {
		console.error(`test:vscode: could not download VS Code ${version}: ${(error as Error).message}\n` +
			'This launcher needs network access to update.code.visualstudio.com (or a cached copy in .vscode-test/).\n' +
			'Without it, run the same suite in code-server: npm run test:e2e');
		return 2;
	}
	const server = ServerProcess.start(['--port', '0', '--memory', '--flood-rate', '0']);
	const userData = tempDir('parley-vscode-user-');
	const workspace = tempDir('parley-vscode-workspace-');
	try {
		const port = await server.port();
		fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
		fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({
			'parley.server.host': '127.0.0.1',
			'parley.server.port': port,
			'parley.nickname': 'host-kim',
			'parley.notifications': 'off',
			'workbench.startupEditor': 'none',
			'telemetry.telemetryLevel': 'off',
			'update.mode': 'none',
		}, null, '\t'));
		await runTests({
			vscodeExecutablePath: executable,
			extensionDevelopmentPath: REPO_ROOT,
			extensionTestsPath: suite,
			launchArgs: [workspace, '--user-data-dir', userData, '--extensions-dir', path.join(userData, 'extensions'), '--disable-extensions'],
		});
		return 0;
	} catch (error) {
		console.error(`test:vscode: ${(error as Error).message}`);
		return 1;
	} finally {
		server.kill();
		await server.exited;
		fs.rmSync(userData, { recursive: true, force: true });
		fs.rmSync(workspace, { recursive: true, force: true });
	}
}

void main().then((code) => process.exit(code));

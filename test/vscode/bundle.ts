/**
 * Builds the extension-host suite for its two launchers: one esbuild bundle of the suite
 * (mocha included, `vscode` external), used as `extensionTestsPath` by @vscode/test-electron,
 * and a test-only extension packaged as a .vsix that runs the same suite inside
 * code-server's extension host (code-server has no `--extensionTestsPath`).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';

/** The repository root (this file runs from out/test/vscode/). */
export const REPO_ROOT = path.resolve(__dirname, '../../..');
const SOURCE = path.join(REPO_ROOT, 'test', 'vscode');

/** Setting (user settings.json) naming the file the host-test extension writes its results to. */
export const RESULTS_SETTING = 'parleyHostTests.resultsFile';
export const HOST_TEST_EXTENSION_ID = 'parley.parley-host-tests';

async function bundle(entry: string, outfile: string): Promise<void> {
	await esbuild.build({
		entryPoints: [entry],
		outfile,
		bundle: true,
		platform: 'node',
		target: 'node20',
		format: 'cjs',
		sourcemap: 'inline',
		external: ['vscode'],
		logLevel: 'error',
	});
}

/** Bundles test/vscode/suite/index.ts (exports `run()`, the test-electron contract). */
export async function bundleSuite(outfile: string): Promise<string> {
	await bundle(path.join(SOURCE, 'suite', 'index.ts'), outfile);
	return outfile;
}

/** Builds and packages the host-test extension into `dir`; returns the .vsix path. */
export async function buildHostTestExtension(dir: string): Promise<string> {
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	await bundle(path.join(SOURCE, 'host-extension', 'extension.ts'), path.join(dir, 'extension.js'));
	const manifest = {
		name: 'parley-host-tests',
		displayName: 'Parley extension-host tests',
		description: 'Runs test/vscode/suite inside the extension host and writes the results to a file. Test-only.',
		version: '0.0.1',
		publisher: 'parley',
		license: 'MIT',
		private: true,
		engines: { vscode: '^1.90.0' },
		main: './extension.js',
		// Runs once the workbench is up; Parley itself is activated by the suite.
		activationEvents: ['onStartupFinished'],
		extensionDependencies: ['parley.parley'],
		contributes: {
			configuration: {
				title: 'Parley host tests',
				properties: {
					[RESULTS_SETTING]: { type: 'string', default: '', description: 'Where to write the suite results (JSON).' },
				},
			},
		},
	};
	fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, '\t') + '\n');
	fs.writeFileSync(path.join(dir, 'README.md'), '# Parley extension-host tests\n\nTest-only extension built by test/vscode/bundle.ts.\n');
	const vsix = path.join(dir, 'parley-host-tests.vsix');
	const vsce = path.join(REPO_ROOT, 'node_modules', '.bin', 'vsce');
	try {
		await promisify(execFile)(vsce, ['package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '-o', vsix], { cwd: dir, timeout: 120_000 });
	} catch (error) {
		const e = error as { stdout?: string; stderr?: string; message: string };
		throw new Error(`vsce could not package the host-test extension in ${dir}: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`, { cause: error });
	}
	return vsix;
}

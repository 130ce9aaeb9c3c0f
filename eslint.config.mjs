// @ts-check
// `npm run lint` (run first by `npm test`): ESLint over every layer, type-aware for the
// TypeScript (each file checked against its own layer's tsconfig, found by the project
// service: media/ with the DOM lib, protocol/ with no node or vscode types), plain rules
// for the JavaScript, and the import direction between layers.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const typedFiles = ['protocol/**/*.ts', 'server/**/*.ts', 'extension/**/*.ts', 'media/**/*.ts', 'test/**/*.ts'];
const jsFiles = ['**/*.js', '**/*.cjs', '**/*.mjs'];

// Node's globals for the CommonJS scripts (bench/, esbuild.js, server/index.js,
// test/e2e/provision.js). Listed here: the `globals` package is not a dependency.
const nodeGlobals = Object.fromEntries(
	[
		'require', 'module', 'exports', '__dirname', '__filename', 'process', 'console', 'Buffer',
		'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate',
		'queueMicrotask', 'structuredClone', 'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder',
		'AbortController', 'AbortSignal', 'performance', 'fetch', 'globalThis',
	].map((name) => [name, 'readonly']),
);

// ---- Layering ---------------------------------------------------------------------------
// no-restricted-imports matches import strings, not resolved paths, so a relative import
// that leaves a layer is recognised by its depth: from a file `d` folders below the layer's
// root, leaving the layer takes d + 1 `../`. One config block per depth (0 to 4); the
// deepest file today is 1 folder down (server/handlers/).
const MAX_DEPTH = 4;
const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_'));

/**
 * Matches a relative import, from a file `depth` folders inside its layer, of `layers`.
 * @param {number} depth
 * @param {string[]} layers
 */
function leaving(depth, layers) {
	return `^(\\./)?(\\.\\./){${depth + 1}}(${layers.join('|')})(/|$)`;
}

const noNode = [
	{ regex: '^node:', message: 'Node built-ins are not available in this layer.' },
	{ regex: `^(${nodeBuiltins.join('|')})(/|$)`, message: 'Node built-ins are not available in this layer.' },
];
const noVscode = { regex: '^vscode$', message: 'Only the extension may import the VS Code API.' };

/**
 * Import rules per layer: what a file `depth` folders below the layer's root may not import.
 * @type {Record<string, (depth: number) => { regex: string, message: string }[]>}
 */
const layerRules = {
	// The contract: vscode-jsonrpc's base entry (RequestType, NotificationType) and its own files.
	protocol: (depth) => [
		{ regex: leaving(depth, ['server', 'extension', 'media', 'test', 'bench']), message: 'protocol/ is the contract: it imports nothing of the layers above it.' },
		...noNode,
		noVscode,
		{ regex: '^vscode-jsonrpc/', message: "protocol/ may use vscode-jsonrpc's base entry only (no vscode-jsonrpc/node)." },
	],
	server: (depth) => [
		{ regex: leaving(depth, ['extension', 'media', 'test']), message: 'server/ knows nothing of the extension, the webview or the tests.' },
		noVscode,
	],
	extension: (depth) => [
		{ regex: leaving(depth, ['server', 'media', 'test']), message: "extension/ knows nothing of the server's insides, the webview's code or the tests: share through protocol/." },
	],
	// The webview: the browser, its own files and protocol/ only.
	media: (depth) => [
		{ regex: `^(\\./)?(\\.\\./){${depth + 1}}(?!protocol(/|$))`, message: 'media/ (the webview) imports only its own files and protocol/.' },
		...noNode,
		noVscode,
		{ regex: '^vscode-jsonrpc/', message: 'media/ (the webview) runs in a browser: no vscode-jsonrpc/node.' },
	],
};

const layering = Object.entries(layerRules).flatMap(([layer, patternsAt]) =>
	Array.from({ length: MAX_DEPTH + 1 }, (_, depth) => ({
		files: [`${layer}/${'*/'.repeat(depth)}*.ts`],
		rules: { 'no-restricted-imports': ['error', { patterns: patternsAt(depth) }] },
	})),
);

export default defineConfig(
	{ ignores: ['node_modules/', 'out/', 'dist/', '.vscode-test/', 'test-results/', 'bench/results/'] },

	// TypeScript: every layer, with type information from the layer's own tsconfig.
	{
		files: typedFiles,
		extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
		languageOptions: {
			parserOptions: {
				projectService: true,
				tsconfigRootDir: import.meta.dirname,
			},
		},
		rules: {
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': 'error',
			'@typescript-eslint/no-explicit-any': 'error',
			'@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
			eqeqeq: 'error',
			curly: 'error',
			// Off: protocol/ declares each message as a namespace holding its `method` and `type`,
			// as vscode-languageserver-protocol does (HOUSE-STYLE.md).
			'@typescript-eslint/no-namespace': 'off',
			// Off: the server's stores (server/state/) implement Promise-returning interfaces so
			// that a clustered implementation can slot in; the embedded ones are `async` without
			// awaiting anything, which also turns a throw into a rejection. Deliberate, not a bug.
			'@typescript-eslint/require-await': 'off',
			// As tsc's noUnusedLocals/noUnusedParameters: a leading `_` marks an intended unused name.
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
		},
	},
	{
		// Tests: values from JSON fixtures, package.json and in-page Playwright callbacks (the
		// root tsconfig has no DOM lib, so those are untyped) are `any` by nature; test helpers
		// are plain functions destructured from fixtures, not methods that need their `this`.
		files: ['test/**/*.ts'],
		rules: {
			'@typescript-eslint/no-unsafe-argument': 'off',
			'@typescript-eslint/no-unsafe-assignment': 'off',
			'@typescript-eslint/no-unsafe-call': 'off',
			'@typescript-eslint/no-unsafe-member-access': 'off',
			'@typescript-eslint/no-unsafe-return': 'off',
			'@typescript-eslint/unbound-method': 'off',
		},
	},

	// JavaScript: CommonJS scripts for node, no type information.
	{
		files: jsFiles,
		extends: [js.configs.recommended],
		languageOptions: {
			sourceType: 'commonjs',
			globals: nodeGlobals,
		},
		rules: {
			eqeqeq: 'error',
			curly: 'error',
		},
	},
	{
		files: ['**/*.mjs'],
		languageOptions: { sourceType: 'module' },
	},

	...layering,
	// The client core (extension/client/) runs without VS Code (its tests use plain Node) and
	// reports changes in its own terms; only the panel's controller speaks webview messages.
	{
		files: ['extension/client/*.ts'],
		rules: {
			'no-restricted-imports': ['error', {
				patterns: [
					...layerRules.extension(1),
					{ regex: '^vscode$', message: 'extension/client/ is the VS Code-free client core.' },
					{ regex: '/protocol/webview$', message: 'extension/client/ speaks store changes (storeChanges.ts); the controller translates them into webview messages.' },
				],
			}],
		},
	},
);

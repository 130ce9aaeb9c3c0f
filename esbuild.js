// Bundles the server, the extension and the webview script into dist/.
// Usage: node esbuild.js [--watch] [--production]
const esbuild = require('esbuild');
const fs = require('node:fs');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
	bundle: true,
	sourcemap: !production,
	minify: production,
	logLevel: 'warning',
};

const builds = [
	{
		...common,
		entryPoints: ['server/main.ts'],
		outfile: 'dist/server.js',
		platform: 'node',
		target: 'node20',
		format: 'cjs',
		// Native addons: loaded from node_modules at run time (pg-native: pg's optional one, never used).
		external: ['better-sqlite3', 'pg-native'],
	},
	{
		...common,
		entryPoints: ['extension/extension.ts'],
		outfile: 'dist/extension.js',
		platform: 'node',
		target: 'node20',
		format: 'cjs',
		external: ['vscode'],
	},
	{
		...common,
		entryPoints: ['media/main.ts'],
		outfile: 'dist/webview.js',
		platform: 'browser',
		target: 'es2022',
		format: 'iife',
	},
];

// The webview's icon font: the .vsix ships no node_modules, so the codicons go to dist/.
function copyCodicons() {
	const from = 'node_modules/@vscode/codicons/dist';
	fs.mkdirSync('dist/codicons', { recursive: true });
	for (const file of ['codicon.css', 'codicon.ttf']) {
		fs.copyFileSync(`${from}/${file}`, `dist/codicons/${file}`);
	}
}

async function main() {
	copyCodicons();
	if (watch) {
		for (const options of builds) {
			const ctx = await esbuild.context(options);
			await ctx.watch();
		}
		console.log('[esbuild] watching for changes');
		return;
	}
	await Promise.all(builds.map((options) => esbuild.build(options)));
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});

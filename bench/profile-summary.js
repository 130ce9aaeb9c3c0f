'use strict';
/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): self and inclusive time by
 * function and by source module. Functions in the esbuild bundle (dist/server.js) are
 * attributed to their source file through the bundle's `// path/to/file.ts` comments.
 *
 * Usage: node bench/profile-summary.js FILE.cpuprofile [--top 25]
 */
const fs = require('node:fs');
const path = require('node:path');

const bundleIndex = new Map();

/** For a bundle file, the module that each line belongs to (esbuild's `// file` comments). */
function moduleOfLine(url, line) {
	const file = url.startsWith('file://') ? url.slice(7) : url;
	if (!file.endsWith('.js') || !fs.existsSync(file)) {
		return undefined;
	}
	let starts = bundleIndex.get(file);
	if (!starts) {
		starts = [];
		const lines = fs.readFileSync(file, 'utf8').split('\n');
		for (let i = 0; i < lines.length; i++) {
			const m = /^\/\/ ((?:node_modules|server|protocol|extension|media|bench)\/\S+)$/.exec(lines[i]);
			if (m) {
				starts.push([i, m[1]]);
			}
		}
		bundleIndex.set(file, starts);
	}
	let found;
	for (const [start, name] of starts) {
		if (start > line) {
			break;
		}
		found = name;
	}
	return found;
}

function describe(frame) {
	const url = frame.url || '';
	const name = frame.functionName || '(anonymous)';
	if (!url) {
		return { key: name, module: name.startsWith('(') ? name : '(native)' };
	}
	let module = moduleOfLine(url, frame.lineNumber);
	if (!module) {
		module = url.startsWith('node:') ? url : path.relative(process.cwd(), url.replace(/^file:\/\//, ''));
	}
	return { key: `${name}  ${module}:${frame.lineNumber + 1}`, module };
}

/**
 * `window` (optional): only the samples from `fromMs` to `toMs` after the profile started
 * (for one step of a longer run).
 */
function summarize(file, top = 25, window = undefined) {
	const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
	const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
	const selfUs = new Map();
	// Sample i lasted timeDeltas[i + 1] (the delta to the next sample).
	let at = 0;
	for (let i = 0; i < profile.samples.length; i++) {
		at += profile.timeDeltas[i] ?? 0;
		if (window && (at < window.fromMs * 1000 || at > window.toMs * 1000)) {
			continue;
		}
		const dt = profile.timeDeltas[i + 1] ?? 0;
		const id = profile.samples[i];
		selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
	}
	const total = [...selfUs.values()].reduce((a, b) => a + b, 0) || 1;
	const bySelf = new Map();
	const byModule = new Map();
	const inclusive = new Map();
	const info = new Map();
	for (const node of profile.nodes) {
		const d = describe(node.callFrame);
		info.set(node.id, d);
		const t = selfUs.get(node.id) ?? 0;
		bySelf.set(d.key, (bySelf.get(d.key) ?? 0) + t);
		byModule.set(d.module, (byModule.get(d.module) ?? 0) + t);
	}
	// Inclusive time: each function counted once per stack.
	const root = profile.nodes[0];
	const stack = new Map();
	const walk = (node) => {
		const key = info.get(node.id).key;
		stack.set(key, (stack.get(key) ?? 0) + 1);
		let sum = selfUs.get(node.id) ?? 0;
		for (const child of node.children ?? []) {
			sum += walk(nodes.get(child));
		}
		if (stack.get(key) === 1) {
			inclusive.set(key, (inclusive.get(key) ?? 0) + sum);
		}
		stack.set(key, stack.get(key) - 1);
		return sum;
	};
	walk(root);
	const rows = (map) => [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)
		.map(([key, us]) => ({ pct: Math.round((1000 * us) / total) / 10, ms: Math.round(us / 1000), what: key }));
	return {
		file,
		window,
		durationMs: window ? Math.round(window.toMs - window.fromMs) : Math.round((profile.endTime - profile.startTime) / 1000),
		sampledMs: Math.round(total / 1000),
		selfByModule: rows(byModule),
		selfByFunction: rows(bySelf),
		inclusiveByFunction: rows(inclusive).filter((r) => !r.what.startsWith('(root)')),
	};
}

function print(s, out = process.stdout) {
	out.write(`profile ${s.file}${s.window ? ` from ${Math.round(s.window.fromMs)} to ${Math.round(s.window.toMs)} ms` : ''}: ${s.durationMs} ms, ${s.sampledMs} ms sampled\n`);
	for (const [title, list] of [['self time by module', s.selfByModule], ['self time by function', s.selfByFunction], ['inclusive time by function', s.inclusiveByFunction]]) {
		out.write(`  ${title}:\n`);
		for (const r of list) {
			out.write(`    ${String(r.pct).padStart(5)}%  ${String(r.ms).padStart(6)} ms  ${r.what}\n`);
		}
	}
}

module.exports = { summarize, print };

if (require.main === module) {
	const file = process.argv[2];
	const i = process.argv.indexOf('--top');
	print(summarize(file, i > 0 ? Number(process.argv[i + 1]) : 25));
}

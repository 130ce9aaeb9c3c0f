/**
 * Guards the house rules of the contract: every JSON-RPC method is declared once in
 * protocol/, protocol/ imports nothing of node, vscode, server or extension, and no
 * code outside protocol/ and the tests spells a method name as a raw string.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as protocol from '../../protocol';
import { SERVER_VERSION } from '../../server/version';
import { REPO_ROOT } from '../helpers/process';

function sources(dir: string): string[] {
	const root = path.join(REPO_ROOT, dir);
	if (!fs.existsSync(root)) {
		return [];
	}
	return fs.readdirSync(root, { recursive: true, encoding: 'utf8' })
		.filter((f) => /\.ts$/.test(f) && !f.includes('node_modules'))
		.map((f) => path.join(root, f));
}

interface Declaration {
	method: string;
	type: object;
	params?: unknown;
	result?: unknown;
}

function isShapeObject(value: unknown): boolean {
	return typeof value === 'object' && value !== null && typeof (value as { check?: unknown }).check === 'function';
}

const declarations = (Object.values(protocol) as unknown[]).filter((v): v is Declaration =>
	typeof v === 'object' && v !== null && typeof (v as { method?: unknown }).method === 'string' && 'type' in v);

describe('protocol: the contract', () => {
	it('declares each method once, with the shapes of its params (and of its result, for a request)', () => {
		const methods = declarations.map((d) => d.method);
		assert.ok(methods.length >= 20, `found ${methods.length} declarations`);
		assert.equal(new Set(methods).size, methods.length, 'no method declared twice');
		for (const d of declarations) {
			assert.ok(isShapeObject(d.params), `${d.method} declares its params shape`);
			if (d.type.constructor.name.startsWith('RequestType')) {
				assert.ok(isShapeObject(d.result), `${d.method} declares its result shape`);
			}
		}
	});

	it('protocol/ imports nothing but vscode-jsonrpc and itself', () => {
		for (const file of sources('protocol')) {
			const imports = [...fs.readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);
			for (const target of imports) {
				assert.ok(target === 'vscode-jsonrpc' || target.startsWith('./'), `${path.relative(REPO_ROOT, file)} imports '${target}'`);
			}
		}
	});

	it('no raw method strings outside protocol/ and the tests', () => {
		const methods = declarations.map((d) => d.method);
		for (const file of [...sources('server'), ...sources('extension'), ...sources('media')]) {
			const text = fs.readFileSync(file, 'utf8');
			for (const method of methods) {
				assert.ok(!text.includes(`'${method}'`) && !text.includes(`"${method}"`), `${path.relative(REPO_ROOT, file)} spells '${method}'; use the declaration in protocol/`);
			}
		}
	});

	it('the server version matches package.json', () => {
		const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
		assert.equal(SERVER_VERSION, pkg.version);
	});
});

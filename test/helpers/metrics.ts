/**
 * For the tests of `--metrics-port`: an HTTP request that never hangs a test, and a
 * strict reader of the Prometheus text exposition format (0.0.4) that rejects what a
 * scraper would, and a little more (a family without HELP, a counter not ending in
 * `_total`, histogram buckets that are not cumulative).
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';

export interface HttpAnswer {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: string;
}

/** One request to 127.0.0.1:port; rejects after `timeoutMs` rather than hang. */
export function httpRequest(port: number, path: string, method = 'GET', timeoutMs = 5000): Promise<HttpAnswer> {
	return new Promise((resolve, reject) => {
		const req = http.request({ host: '127.0.0.1', port, path, method, timeout: timeoutMs, agent: false }, (res) => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (chunk: string) => { body += chunk; });
			res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
			res.on('error', reject);
		});
		req.on('timeout', () => req.destroy(new Error(`${method} ${path} on port ${port}: no answer within ${timeoutMs} ms`)));
		req.on('error', reject);
		req.end();
	});
}

export interface Sample {
	name: string;
	labels: Record<string, string>;
	value: number;
}

export interface Family {
	name: string;
	type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
	help: string;
	samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function parseValue(text: string, line: string): number {
	if (text === 'NaN') {
		return NaN;
	}
	if (text === '+Inf') {
		return Infinity;
	}
	if (text === '-Inf') {
		return -Infinity;
	}
	assert.match(text, /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/, `not a number in: ${line}`);
	return Number(text);
}

/** Reads `{a="x",b="y"}` from the start of `rest`; returns the labels and what follows. */
function parseLabels(rest: string, line: string): [Record<string, string>, string] {
	const labels: Record<string, string> = {};
	if (!rest.startsWith('{')) {
		return [labels, rest];
	}
	let i = 1;
	while (rest[i] !== '}') {
		const eq = rest.indexOf('=', i);
		assert.ok(eq > i, `bad label in: ${line}`);
		const name = rest.slice(i, eq);
		assert.match(name, LABEL_NAME, `bad label name '${name}' in: ${line}`);
		assert.equal(rest[eq + 1], '"', `label value not quoted in: ${line}`);
		let value = '';
		let j = eq + 2;
		for (; j < rest.length && rest[j] !== '"'; j++) {
			if (rest[j] === '\\') {
				const next = rest[++j];
				assert.ok(next === '\\' || next === '"' || next === 'n', `bad escape in: ${line}`);
				value += next === 'n' ? '\n' : next;
			} else {
				value += rest[j];
			}
		}
		assert.ok(j < rest.length, `unterminated label value in: ${line}`);
		assert.ok(!(name in labels), `label ${name} twice in: ${line}`);
		labels[name] = value;
		i = j + 1;
		if (rest[i] === ',') {
			i++;
		} else {
			assert.equal(rest[i], '}', `expected , or } in: ${line}`);
		}
	}
	return [labels, rest.slice(i + 1)];
}

/** Parses a whole scrape; throws (an assertion) on anything a strict scraper would refuse. */
export function parseExposition(text: string): Map<string, Family> {
	assert.ok(text.endsWith('\n'), 'the exposition ends with a newline');
	const families = new Map<string, Family>();
	const seen = new Set<string>();
	let current: Family | undefined;
	let pendingHelp: { name: string; help: string } | undefined;
	for (const line of text.slice(0, -1).split('\n')) {
		assert.notEqual(line.trim(), '', 'no blank lines');
		if (line.startsWith('# HELP ')) {
			const [, name, help] = /^# HELP (\S+) (.*)$/.exec(line) ?? [];
			assert.ok(name !== undefined && NAME.test(name), `bad HELP line: ${line}`);
			assert.ok(!families.has(name), `${name} described twice`);
			pendingHelp = { name, help };
			continue;
		}
		if (line.startsWith('# TYPE ')) {
			const [, name, type] = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line) ?? [];
			assert.ok(name !== undefined, `bad TYPE line: ${line}`);
			assert.ok(!families.has(name), `${name} typed twice`);
			assert.equal(pendingHelp?.name, name, `${name} has a TYPE without a HELP before it`);
			current = { name, type: type as Family['type'], help: pendingHelp.help, samples: [] };
			pendingHelp = undefined;
			families.set(name, current);
			if (type === 'counter') {
				assert.match(name, /_total$/, `counter ${name} ends in _total`);
			}
			continue;
		}
		assert.ok(!line.startsWith('#'), `unknown comment line: ${line}`);
		const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0];
		assert.ok(name !== undefined, `bad sample line: ${line}`);
		const [labels, rest] = parseLabels(line.slice(name.length), line);
		const parts = rest.trim().split(' ');
		assert.ok(rest.startsWith(' ') && parts.length >= 1 && parts.length <= 2, `bad value in: ${line}`);
		const value = parseValue(parts[0], line);
		assert.ok(current !== undefined, `sample before any TYPE: ${line}`);
		const allowed = current.type === 'histogram' ? [`${current.name}_bucket`, `${current.name}_sum`, `${current.name}_count`] : [current.name];
		assert.ok(allowed.includes(name), `sample ${name} is not of family ${current.name}`);
		const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
		assert.ok(!seen.has(key), `sample twice: ${line}`);
		seen.add(key);
		if (current.type === 'counter') {
			assert.ok(value >= 0, `counter below zero: ${line}`);
		}
		current.samples.push({ name, labels, value });
	}
	for (const family of families.values()) {
		assert.ok(family.samples.length > 0, `${family.name} has no sample`);
		if (family.type === 'histogram') {
			const buckets = family.samples.filter((s) => s.name.endsWith('_bucket'));
			assert.ok(buckets.length > 0 && buckets.every((b) => 'le' in b.labels), `${family.name}: buckets with le`);
			for (let i = 1; i < buckets.length; i++) {
				assert.ok(parseValue(buckets[i].labels.le, family.name) > parseValue(buckets[i - 1].labels.le, family.name), `${family.name}: le increasing`);
				assert.ok(buckets[i].value >= buckets[i - 1].value, `${family.name}: buckets cumulative`);
			}
			assert.equal(buckets.at(-1)!.labels.le, '+Inf', `${family.name}: a +Inf bucket last`);
			const count = family.samples.find((s) => s.name === `${family.name}_count`);
			assert.equal(buckets.at(-1)!.value, count?.value, `${family.name}: +Inf bucket equals _count`);
			assert.ok(family.samples.some((s) => s.name === `${family.name}_sum`), `${family.name}: has _sum`);
		}
	}
	return families;
}

/** The value of one sample (the only one of the family, or the one with these labels). */
export function metricValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
	const family = families.get(name);
	assert.ok(family, `no metric ${name}`);
	const sample = family.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
	assert.ok(sample, `no ${name} sample with ${JSON.stringify(labels)}`);
	return sample.value;
}

/** GET /metrics, checked and parsed. */
export async function scrape(port: number): Promise<Map<string, Family>> {
	const answer = await httpRequest(port, '/metrics');
	assert.equal(answer.status, 200, answer.body);
	assert.equal(answer.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
	return parseExposition(answer.body);
}

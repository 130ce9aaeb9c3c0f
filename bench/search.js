'use strict';
/**
 * The search steps of `npm run bench` (scenario `search`, Parley only):
 *
 * - search: `message/search` with two-word queries over the history the `history`
 *   step stores (1,000,000 messages; 100,000 with --quick), one at a time: p50/p99.
 * - send with/without index: `message/send` round trips one at a time on a fresh
 *   server with the search index and on one started with the bench-only
 *   `--bench-no-search-index`, alternated three times each: the median p50 and p99.
 *
 * bench/bench.js pre-fills the history with `historyText` and `indexHistory` (the
 * tables of server/state/sqlite-search.ts); run as `node bench/search.js SPEC RESULT`,
 * this file is the client process of these steps (pinned to CPU 1 like loadgen.js).
 */
const fs = require('node:fs');
const net = require('node:net');
const { performance } = require('node:perf_hooks');

// ---------------------------------------------------------------- history text

/** Deterministic pseudo-random numbers in [0, 1) from a seed. */
function randomFrom(seed) {
	let s = seed >>> 0;
	return () => {
		s = (Math.imul(s, 1103515245) + 12345) >>> 0;
		return s / 4294967296;
	};
}

/** 4,000 made-up words of 2 to 4 syllables: a vocabulary for the history's texts. */
const WORDS = (() => {
	const onsets = ['b', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'br', 'st', 'tr', 'pl'];
	const vowels = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou'];
	const random = randomFrom(7);
	const set = new Set();
	while (set.size < 4000) {
		const n = 2 + Math.floor(random() * 3);
		let w = '';
		for (let k = 0; k < n; k++) {
			w += onsets[Math.floor(random() * onsets.length)] + vowels[Math.floor(random() * vowels.length)];
		}
		set.add(w);
	}
	return [...set];
})();

/** A word index skewed like natural language: low indexes are far more common. */
function skewedWord(random) {
	return WORDS[Math.floor(WORDS.length * random() ** 3)];
}

/** The text of history message `id`: its number, then eight words of the vocabulary. */
function historyText(id) {
	const random = randomFrom(id * 2654435761);
	const words = [];
	for (let k = 0; k < 8; k++) {
		words.push(skewedWord(random));
	}
	return `history message ${id}: ${words.join(' ')}`;
}

/** The words of a text as the server's search sees them (`searchWords` in server/state/store.ts). */
function searchWords(text) {
	return text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * Indexes history messages 1..n the way the server does (server/state/sqlite-search.ts):
 * their words in message_words, each word once in search_terms, and the progress mark.
 */
function indexHistory(db, n) {
	const insert = db.prepare('INSERT INTO message_words (rowid, words) VALUES (?, ?)');
	const term = db.prepare('INSERT OR IGNORE INTO search_terms (term) VALUES (?)');
	const known = new Set();
	const batch = db.transaction((from, to) => {
		for (let id = from; id < to; id++) {
			const words = searchWords(historyText(id));
			insert.run(id, words.join(' '));
			for (const w of words) {
				if (!known.has(w)) {
					term.run(w);
					if (known.size < 100_000) {
						known.add(w);
					}
				}
			}
		}
	});
	for (let from = 1; from <= n; from += 100_000) {
		batch(from, Math.min(n + 1, from + 100_000));
	}
	db.prepare('UPDATE search_progress SET indexed_upto = ?').run(n);
}

/** Two-word queries like people type them: prefixes (3 letters to the whole word) of common and rare words. */
function queries(count) {
	const random = randomFrom(99);
	const prefix = (w) => w.slice(0, Math.min(w.length, 3 + Math.floor(random() * (w.length - 2))));
	return Array.from({ length: count }, () => `${prefix(skewedWord(random))} ${prefix(skewedWord(random))}`);
}

// ---------------------------------------------------------------- orchestrator side

/**
 * Runs the search scenario. `h` holds bench.js's helpers: prefillHistory, startServer,
 * spawnClient (spawns `node FILE SPEC RESULT` pinned to CPU 1 and resolves with the
 * result), baseSpec, say.
 */
async function runScenario(h, o) {
	const result = {};
	const server = await h.prefillHistory(o);
	try {
		result.search = await h.spawnClient(__filename, { ...h.baseSpec(server, o, 'search', 300_000), step: 'search', channel: '#history', queryCount: o.quick ? 100 : 400 });
	} finally {
		await server.stop();
		fs.rmSync(server.dir, { recursive: true, force: true });
	}
	const runs = { on: [], off: [] };
	for (let k = 0; k < 3; k++) {
		for (const mode of ['on', 'off']) {
			const s = await h.startServer('parley', o, mode === 'off' ? { extraArgs: ['--bench-no-search-index'] } : {});
			try {
				const cpu0 = cpuTicks(s.pid);
				const run = await h.spawnClient(__filename, { ...h.baseSpec(s, o, 'send', 120_000), step: 'send', count: o.serialCount });
				// Wait for the last index batch (20 ms after the last append) to count its CPU too.
				await new Promise((resolve) => setTimeout(resolve, 200));
				run.serverCpuUsPerSend = Math.round(((cpuTicks(s.pid) - cpu0) * 1e6) / TICKS_PER_SECOND / (o.serialCount + 200));
				runs[mode].push(run);
			} finally {
				await s.stop();
				fs.rmSync(s.dir, { recursive: true, force: true });
			}
		}
	}
	const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
	for (const mode of ['on', 'off']) {
		const ok = runs[mode].filter((r) => !r.error);
		result[`send${mode === 'on' ? 'WithIndex' : 'WithoutIndex'}`] = ok.length === 0 ? { error: runs[mode][0]?.error } : {
			p50: median(ok.map((r) => r.p50)), p99: median(ok.map((r) => r.p99)), serverCpuUsPerSend: median(ok.map((r) => r.serverCpuUsPerSend)), runs: runs[mode],
		};
	}
	const w = result.sendWithIndex;
	const wo = result.sendWithoutIndex;
	h.say(`  send one at a time, median of 3: with index p50 ${w.p50} p99 ${w.p99} ms, ${w.serverCpuUsPerSend} us server CPU a send; without p50 ${wo.p50} p99 ${wo.p99} ms, ${wo.serverCpuUsPerSend} us`);
	return result;
}

/** Clock ticks a second of /proc/PID/stat's CPU times (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU time (user + system, in ticks) the process has used. */
function cpuTicks(pid) {
	const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
	return Number(fields[11]) + Number(fields[12]);
}

/** The table rows of the scenario (see rows() in bench.js). */
function addRows(add, o) {
	add(`search (${o.historyMessages} stored): two words p50/p99 (ms)`, (x) => `${x.search.search.p50} / ${x.search.search.p99}`);
	add('search: results per query (avg of 20 max)', (x) => x.search.search.avgResults);
	add('send one at a time with search index p50/p99 (ms)', (x) => `${x.search.sendWithIndex.p50} / ${x.search.sendWithIndex.p99}`);
	add('send one at a time without search index p50/p99 (ms)', (x) => `${x.search.sendWithoutIndex.p50} / ${x.search.sendWithoutIndex.p99}`);
	add('send: server CPU us per send with / without search index', (x) => `${x.search.sendWithIndex.serverCpuUsPerSend} / ${x.search.sendWithoutIndex.serverCpuUsPerSend}`);
}

/** The targets of the scenario (see targets() in bench.js). */
function addTargets(list, check, p) {
	if (!p.search || p.search.error) {
		return;
	}
	const s = p.search.search;
	list.push(check('search: two-word query p99 < 50 ms', s?.p99 < 50, `p50 ${s?.p50} ms, p99 ${s?.p99} ms over ${s?.count} queries`));
	const on = p.search.sendWithIndex;
	const off = p.search.sendWithoutIndex;
	list.push(check('send round trip with the search index within 10% of without (p50)', on?.p50 <= off?.p50 * 1.1,
		`p50 ${on?.p50} vs ${off?.p50} ms (${Math.round((on?.p50 / off?.p50 - 1) * 100)} %); p99 ${on?.p99} vs ${off?.p99} ms`));
}

// ---------------------------------------------------------------- client side

/** One JSON-RPC connection (Content-Length framing), requests only. */
class Client {
	constructor(socket) {
		this.socket = socket;
		this.buffer = Buffer.alloc(0);
		this.nextId = 1;
		this.pending = new Map();
		socket.on('data', (data) => this.onData(data));
		socket.on('close', () => {
			for (const p of this.pending.values()) {
				p.reject(new Error('connection closed'));
			}
		});
	}

	static connect(host, port) {
		return new Promise((resolve, reject) => {
			const socket = net.connect({ host, port, noDelay: true }, () => resolve(new Client(socket)));
			socket.once('error', reject);
		});
	}

	onData(data) {
		this.buffer = Buffer.concat([this.buffer, data]);
		for (;;) {
			const end = this.buffer.indexOf('\r\n\r\n');
			if (end < 0) {
				return;
			}
			const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, end).toString())[1]);
			if (this.buffer.length < end + 4 + length) {
				return;
			}
			const message = JSON.parse(this.buffer.subarray(end + 4, end + 4 + length).toString());
			this.buffer = this.buffer.subarray(end + 4 + length);
			const p = message.id === undefined ? undefined : this.pending.get(message.id);
			if (p) {
				this.pending.delete(message.id);
				if (message.error) {
					p.reject(new Error(`${message.error.code}: ${message.error.message}`));
				} else {
					p.resolve(message.result);
				}
			}
		}
	}

	call(method, params) {
		const id = this.nextId++;
		const json = JSON.stringify({ jsonrpc: '2.0', id, method, params });
		this.socket.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
		return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
	}
}

function summary(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const at = (p) => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] * 100) / 100;
	return { count: sorted.length, p50: at(50), p90: at(90), p99: at(99), max: at(100) };
}

async function clientMain(spec) {
	const c = await Client.connect(spec.host, spec.port);
	await c.call('initialize', { protocolVersion: 1, nick: spec.step === 'search' ? 'searcher' : 'sender', clientInfo: { name: 'parley-bench' } });
	const now = () => performance.now();
	if (spec.step === 'search') {
		await c.call('channel/join', { channel: spec.channel });
		// The index and the server agree: message 12345's number and first word find it.
		const probe = await c.call('message/search', { query: `12345 ${searchWords(historyText(12345))[3]}` });
		if (probe.messages[0]?.id !== 12345) {
			throw new Error('search does not find message 12345: the bench indexes the history unlike the server');
		}
		const list = queries(spec.queryCount);
		for (const q of list.slice(0, 20)) {
			await c.call('message/search', { query: q });
		}
		const lat = [];
		let results = 0;
		for (const q of list) {
			const t = now();
			const found = await c.call('message/search', { query: q });
			lat.push(now() - t);
			results += found.messages.length;
		}
		const result = { ...summary(lat), avgResults: Math.round((results / list.length) * 10) / 10, sampleQueries: list.slice(0, 5) };
		process.stderr.write(`    search: p50 ${result.p50} p99 ${result.p99} max ${result.max} ms over ${result.count} two-word queries (${result.avgResults} results each)\n`);
		c.socket.destroy();
		return result;
	}
	await c.call('channel/join', { channel: '#send' });
	const text = (k) => `send ${k} the quick brown fox jumps over the lazy dog while the build runs`;
	for (let k = 0; k < 200; k++) {
		await c.call('message/send', { to: '#send', text: text(k) });
	}
	const lat = [];
	for (let k = 0; k < spec.count; k++) {
		const t = now();
		await c.call('message/send', { to: '#send', text: text(k) });
		lat.push(now() - t);
	}
	c.socket.destroy();
	return summary(lat);
}

if (require.main === module) {
	const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
	clientMain(spec).then((result) => {
		fs.writeFileSync(process.argv[3], JSON.stringify(result));
		process.exit(0);
	}, (error) => {
		process.stderr.write(`search client: ${error.stack ?? error}\n`);
		fs.writeFileSync(process.argv[3], JSON.stringify({ error: String(error.message ?? error) }));
		process.exit(1);
	});
}

module.exports = { historyText, indexHistory, runScenario, addRows, addTargets };

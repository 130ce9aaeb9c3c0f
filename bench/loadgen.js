'use strict';
/**
 * The load generator of `npm run bench`, run as its own process (pinned to its own
 * core by bench/bench.js) so that it does not share an event loop with the server.
 *
 * Usage: node bench/loadgen.js SPEC.json RESULT.json
 *
 * One scenario per run (spec.scenario): fanout (includes the joins), joins, idle,
 * rtt, history. Speaks Parley's JSON-RPC (also the baseline's) or IRC (ngircd).
 *
 * Most receivers do not parse: they count occurrences of a marker ("~B~", which
 * starts every benchmark message text) in the raw bytes they read, through one shared
 * read buffer (net `onread`), so the generator stays cheap. Senders and a sample of
 * receivers parse every frame and measure end-to-end latency and loss.
 */
const fs = require('node:fs');
const net = require('node:net');
const { performance, monitorEventLoopDelay } = require('node:perf_hooks');

const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const resultPath = process.argv[3];

const now = () => performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (text) => process.stderr.write(`    ${text}\n`);

const MARK = Buffer.from('~B~');
const CRLFCRLF = Buffer.from('\r\n\r\n');
const PAD = 'the quick brown fox jumps over the lazy dog while the build runs '.repeat(8);

/** Every marker seen by any client (counting and parsing). */
let delivered = 0;
/** Socket reads by the counting clients (for how well the server batches its writes). */
let reads = 0;
/** Latencies (ms) of the parsed deliveries while recording. */
let latencies = [];
let recording = false;
/** Shared read buffer of every socket: data is consumed synchronously in the callback. */
const shared = Buffer.allocUnsafe(256 * 1024);

function pct(sorted, p) {
	if (sorted.length === 0) {
		return null;
	}
	const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return round(sorted[i]);
}

function round(x, digits = 2) {
	const f = 10 ** digits;
	return Math.round(x * f) / f;
}

function summary(values) {
	const sorted = Float64Array.from(values).sort();
	return {
		count: sorted.length,
		p50: pct(sorted, 50),
		p90: pct(sorted, 90),
		p99: pct(sorted, 99),
		max: sorted.length ? round(sorted[sorted.length - 1]) : null,
	};
}

function withTimeout(promise, ms, what) {
	let timer;
	return Promise.race([
		promise,
		new Promise((_, reject) => {
			timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
		}),
	]).finally(() => clearTimeout(timer));
}

/** CPU seconds (user + system) of a process, from /proc/PID/stat. */
function cpuSeconds(pid) {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return (Number(fields[11]) + Number(fields[12])) / 100;
	} catch {
		return NaN;
	}
}

/** The machine's CPU time columns (all cores, in 1/100 s), from the first line of /proc/stat. */
function machineCpuTicks() {
	return fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
}

/**
 * CPU seconds the hypervisor took from this virtual machine (all cores), from the
 * "steal" column of /proc/stat: time neither this machine's processes nor idle got.
 */
function stealSeconds() {
	return (machineCpuTicks()[7] ?? 0) / 100;
}

/** Busy CPU seconds of the whole machine (all cores), from /proc/stat. */
function machineBusySeconds() {
	const f = machineCpuTicks();
	const total = f.reduce((a, b) => a + b, 0);
	return (total - f[3] - (f[4] ?? 0)) / 100;
}

/**
 * On a shared machine: waits (at most spec.quietWaitSec) for a 2-second window in which
 * the other processes used less than spec.quietMaxPct of one core. Returns seconds waited.
 */
async function waitForQuiet(ownPids) {
	const limit = (spec.quietWaitSec ?? 0) * 1000;
	if (limit <= 0) {
		return 0;
	}
	const t0 = now();
	const own = () => ownPids.reduce((a, pid) => a + cpuSeconds(pid), 0);
	let quietSince = -1;
	while (now() - t0 < limit) {
		const b0 = machineBusySeconds();
		const o0 = own();
		await sleep(500);
		const others = (machineBusySeconds() - b0 - (own() - o0)) / 0.5;
		if (others * 100 < (spec.quietMaxPct ?? 25)) {
			if (quietSince < 0) {
				quietSince = now();
			}
			if (now() - quietSince >= 2000) {
				break;
			}
		} else {
			quietSince = -1;
		}
	}
	return round((now() - t0) / 1000, 1);
}

/**
 * The processes whose CPU each fan-out step reports (spec.processes: name, pid, `tree` to
 * count its children too, as for a PostgreSQL postmaster and its backends, and `server`
 * for the Parley processes whose sum is the step's server CPU). Without it: spec.serverPid.
 */
const measured = spec.processes ?? [{ name: 'server', pid: spec.serverPid, server: true }];
const { treeCpuSeconds } = require('./services');

/** CPU seconds of every measured process, by name. */
function processCpu() {
	return Object.fromEntries(measured.map((p) => [p.name, p.tree ? treeCpuSeconds(p.pid) : cpuSeconds(p.pid)]));
}

/** CPU seconds of the Parley server processes. */
function serverCpuSeconds() {
	return measured.filter((p) => p.server).reduce((a, p) => a + cpuSeconds(p.pid), 0);
}

/** Write syscalls (write, writev, ...) made so far by the Parley server processes, from /proc/PID/io. */
function serverWriteCalls() {
	let n = 0;
	for (const p of measured.filter((m) => m.server)) {
		try {
			n += Number(/syscw: (\d+)/.exec(fs.readFileSync(`/proc/${p.pid}/io`, 'utf8'))[1]);
		} catch {
			return NaN;
		}
	}
	return n;
}

/** The pids of every measured process (for waitForQuiet). */
const measuredPids = () => measured.map((p) => p.pid);

function rssKb(pid) {
	try {
		const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
		return m ? Number(m[1]) : NaN;
	} catch {
		return NaN;
	}
}

/** Parses "~B~sender~seq~sendTime~" in a delivered text. */
function onMarkedText(client, text) {
	const i = text.indexOf('~B~');
	if (i < 0) {
		return;
	}
	const parts = text.slice(i + 3).split('~', 3);
	delivered++;
	client.received++;
	if (recording) {
		const ms = now() - Number(parts[2]);
		latencies.push(ms);
		hooks.latency?.(client, ms);
	}
}

/**
 * What bench/irc-loadgen.js (which requires this file) changes: how client i is made
 * (its protocol and port: `client.port` overrides spec.port), a tap on every recorded
 * latency, and calls as each fan-out step starts and ends (with the step's record).
 */
const hooks = {
	makeClient: (i) => new Client(spec.proto, i),
	latency: undefined,
	stepStart: undefined,
	stepEnd: undefined,
};

class Client {
	constructor(proto, index) {
		this.proto = proto;
		this.index = index;
		this.nick = 'u' + index;
		/** Parse every frame (setup, senders, samples); otherwise only count markers. */
		this.parse = true;
		this.rest = null;
		this.text = '';
		this.t1 = -1;
		this.t2 = -1;
		this.nextId = 1;
		this.pending = new Map();
		this.waiters = [];
		this.received = 0;
		this.counted = 0;
		this.closed = false;
		this.socket = null;
		this.ackLatencies = null;
	}

	connect(host, port) {
		return new Promise((resolve, reject) => {
			const socket = net.connect({
				host,
				port,
				noDelay: true,
				onread: { buffer: shared, callback: (n, buf) => { this.onRead(n, buf); } },
			});
			this.socket = socket;
			socket.once('connect', () => resolve());
			socket.on('error', (error) => {
				this.error = error;
				reject(error);
			});
			socket.on('close', () => {
				this.closed = true;
				for (const p of this.pending.values()) {
					p.reject(new Error('connection closed'));
				}
				this.pending.clear();
				for (const w of this.waiters) {
					w.reject(new Error('connection closed'));
				}
				this.waiters = [];
			});
		});
	}

	onRead(n, buf) {
		if (this.parse) {
			this.feed(Buffer.from(buf.subarray(0, n)));
			return;
		}
		this.count(buf, n);
	}

	count(buf, n) {
		if (n === 0) {
			return;
		}
		reads++;
		let c = 0;
		const b0 = buf[0];
		const b1 = n > 1 ? buf[1] : -1;
		if ((this.t1 === 0x7e && b0 === 0x42 && b1 === 0x7e) || (this.t2 === 0x7e && this.t1 === 0x42 && b0 === 0x7e)) {
			c++;
		}
		const view = buf.subarray(0, n);
		let i = view.indexOf(MARK);
		while (i !== -1) {
			c++;
			i = view.indexOf(MARK, i + 3);
		}
		this.t2 = n > 1 ? buf[n - 2] : this.t1;
		this.t1 = buf[n - 1];
		delivered += c;
		this.counted += c;
	}

	write(data) {
		if (!this.closed) {
			this.socket.write(data);
		}
	}

	// ---- JSON-RPC (Parley and the baseline) ----

	feed(chunk) {
		if (this.proto === 'irc') {
			this.feedIrc(chunk);
			return;
		}
		const data = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
		let off = 0;
		while (this.parse) {
			const end = data.indexOf(CRLFCRLF, off);
			if (end < 0) {
				break;
			}
			const m = /Content-Length:\s*(\d+)/i.exec(data.toString('latin1', off, end));
			const start = end + 4;
			const stop = start + Number(m[1]);
			if (data.length < stop) {
				break;
			}
			off = stop;
			this.onJson(JSON.parse(data.toString('utf8', start, stop)));
		}
		if (!this.parse) {
			// Switched to counting: count what is left of this chunk and forget framing.
			this.rest = null;
			this.count(data.subarray(off), data.length - off);
			return;
		}
		this.rest = off < data.length ? data.subarray(off) : null;
	}

	onJson(msg) {
		if (msg.method === undefined) {
			const p = this.pending.get(msg.id);
			if (p) {
				this.pending.delete(msg.id);
				p.resolve(msg);
			}
			return;
		}
		if (msg.method === 'message/new') {
			onMarkedText(this, msg.params.message.text);
		} else if (msg.method === 'session/ping' && msg.id !== undefined) {
			this.write(encode({ jsonrpc: '2.0', id: msg.id, result: { token: msg.params?.token } }));
		}
	}

	request(method, params) {
		const id = this.nextId++;
		return new Promise((resolve, reject) => {
			if (this.closed) {
				reject(new Error('connection closed'));
				return;
			}
			this.pending.set(id, { resolve, reject });
			this.write(encode({ jsonrpc: '2.0', id, method, params }));
		});
	}

	async call(method, params) {
		const msg = await this.request(method, params);
		if (msg.error) {
			throw new Error(`${method}: ${msg.error.message}`);
		}
		return msg.result;
	}

	// ---- IRC (ngircd) ----

	feedIrc(chunk) {
		const text = this.text + chunk.toString('latin1');
		let off = 0;
		while (this.parse) {
			const end = text.indexOf('\r\n', off);
			if (end < 0) {
				break;
			}
			this.onLine(text.slice(off, end));
			off = end + 2;
		}
		if (!this.parse) {
			this.text = '';
			const b = Buffer.from(text.slice(off), 'latin1');
			this.count(b, b.length);
			return;
		}
		this.text = text.slice(off);
	}

	onLine(line) {
		if (line.startsWith('PING ')) {
			this.write(`PONG ${line.slice(5)}\r\n`);
			return;
		}
		let rest = line;
		let prefix = '';
		if (rest.startsWith(':')) {
			const sp = rest.indexOf(' ');
			prefix = rest.slice(1, sp);
			rest = rest.slice(sp + 1);
		}
		const sp = rest.indexOf(' ');
		const command = sp < 0 ? rest : rest.slice(0, sp);
		if (command === 'PRIVMSG') {
			const colon = rest.indexOf(' :');
			onMarkedText(this, rest.slice(colon + 2));
			return;
		}
		for (let i = 0; i < this.waiters.length; i++) {
			const w = this.waiters[i];
			const verdict = w.test(command, rest, prefix);
			if (verdict) {
				this.waiters.splice(i, 1);
				if (verdict === true) {
					w.resolve(line);
				} else {
					w.reject(new Error(verdict));
				}
				return;
			}
		}
	}

	/** test(command, rest) returns true (done), an error string, or false (keep waiting). */
	waitFor(test) {
		return new Promise((resolve, reject) => {
			if (this.closed) {
				reject(new Error('connection closed'));
				return;
			}
			this.waiters.push({ test, resolve, reject });
		});
	}

	// ---- common operations ----

	async login() {
		if (this.proto === 'irc') {
			const done = this.waitFor((cmd, rest) => (cmd === '001' ? true : ['432', '433', '436', 'ERROR', '465'].includes(cmd) ? `login: ${rest}` : false));
			this.write(`NICK ${this.nick}\r\nUSER ${this.nick} 0 * :${this.nick}\r\n`);
			await done;
			return;
		}
		await this.call('initialize', { protocolVersion: 1, nick: this.nick, clientInfo: { name: 'parley-bench' } });
	}

	async join(channel) {
		if (this.proto === 'irc') {
			const done = this.waitFor((cmd, rest) => (cmd === '366' ? true : ['403', '405', '471', '473', '474', '475', 'ERROR'].includes(cmd) ? `join: ${rest}` : false));
			this.write(`JOIN ${channel}\r\n`);
			await done;
			return;
		}
		await this.call('channel/join', { channel });
	}

	/** Fan-out send: fire and forget (senders record the acknowledgement latency). */
	send(channel, text) {
		if (this.proto === 'irc') {
			this.write(`PRIVMSG ${channel} :${text}\r\n`);
			return;
		}
		const t = now();
		const lat = this.ackLatencies;
		const id = this.nextId++;
		this.pending.set(id, {
			resolve: (msg) => {
				if (msg.error) {
					this.sendErrors = (this.sendErrors ?? 0) + 1;
					this.lastSendError = msg.error.message;
				} else if (lat) {
					lat.push(now() - t);
				}
			},
			reject: () => undefined,
		});
		this.write(encode({ jsonrpc: '2.0', id, method: 'message/send', params: { to: channel, text } }));
	}

	/** One acknowledged round trip: message/send (JSON-RPC) or PING/PONG (IRC). */
	roundTrip(channel, text) {
		if (this.proto === 'irc') {
			const token = 't' + this.nextId++;
			const done = this.waitFor((cmd, rest) => cmd === 'PONG' && rest.endsWith(token));
			this.write(`PING :${token}\r\n`);
			return done;
		}
		return this.call('message/send', { to: channel, text });
	}

	keepalive() {
		if (this.proto === 'irc') {
			this.write('PING :k\r\n');
		} else {
			this.write(encode({ jsonrpc: '2.0', id: 'k', method: 'session/ping', params: {} }));
		}
	}

	close() {
		this.socket?.destroy();
	}
}

function encode(message) {
	const json = JSON.stringify(message);
	return `Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`;
}

/** Every client sends a keepalive about every 10 s (staggered), so idle receivers are not dropped. */
function startKeepalive(clients) {
	let next = 0;
	const perTick = Math.max(1, Math.ceil(clients.length / 100));
	const timer = setInterval(() => {
		for (let k = 0; k < perTick && clients.length > 0; k++) {
			const c = clients[next++ % clients.length];
			if (c && !c.closed) {
				c.keepalive();
			}
		}
	}, 100);
	return () => clearInterval(timer);
}

/**
 * Connects, logs in and joins `n` clients, `concurrency` at a time. Returns the clients
 * and the timing; keepParse(i) says which stay full parsers.
 */
async function connectMany(n, channelOf, keepParse, concurrency, limitMs) {
	const clients = new Array(n);
	const times = [];
	const errors = [];
	let retries = 0;
	let next = 0;
	const t0 = now();
	const deadline = t0 + limitMs;
	let lastReport = t0;
	async function worker() {
		while (next < n && now() < deadline && errors.length < 20) {
			const i = next++;
			const ts = now();
			// A client whose connection is refused or reset before it joined tries again
			// (up to 3 times), as a real client would; every retry is counted.
			for (let attempt = 1; ; attempt++) {
				const c = hooks.makeClient(i);
				try {
					await withTimeout(c.connect(spec.host, c.port ?? spec.port), 120_000, 'connect');
					await withTimeout(c.login(), 120_000, 'login');
					await withTimeout(c.join(channelOf(i)), 120_000, 'join');
					times.push(now() - ts);
					if (!keepParse(i)) {
						c.parse = false;
					}
					clients[i] = c;
					break;
				} catch (error) {
					c.close();
					if (attempt < 3 && (c.closed || /ECONNRESET|ECONNREFUSED|EPIPE|closed/.test(error.message))) {
						retries++;
						await sleep(100 * attempt);
						continue;
					}
					errors.push(`client ${i}: ${error.message}`);
					break;
				}
			}
			if (now() - lastReport > 5000) {
				lastReport = now();
				say(`${times.length}/${n} joined after ${((now() - t0) / 1000).toFixed(1)} s`);
			}
		}
	}
	await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
	const totalMs = now() - t0;
	return {
		clients: clients.filter(Boolean),
		joins: {
			clients: n,
			joined: times.length,
			concurrency,
			totalMs: round(totalMs),
			perClientMs: summary(times),
			retries,
			errors: errors.slice(0, 5),
			timedOut: times.length < n && now() >= deadline,
		},
	};
}

function countedDeliveries(clients) {
	let n = 0;
	for (const c of clients) {
		n += c.counted;
	}
	return n;
}

async function fanout() {
	const n = spec.clients;
	const senders = spec.senders;
	const sampleCount = Math.min(spec.samples, n - senders);
	const stride = Math.max(1, Math.floor((n - senders) / Math.max(1, sampleCount)));
	const isSample = (i) => i >= senders && (i - senders) % stride === 0 && (i - senders) / stride < sampleCount;
	const channel = spec.channel;
	// Like a fan-out step, a join measured while other processes (or the hypervisor)
	// took more than --noisy-pct of a core is measured again, up to --noisy-retries times: every
	// client disconnects, and all connect again. Every attempt is in the JSON.
	const noisyJoins = [];
	let clients;
	let joins;
	for (;;) {
		const joinWaited = await waitForQuiet([...measuredPids(), process.pid]);
		say(`connecting ${n} clients to ${channel} (${spec.concurrency} at a time)`);
		const busy0 = machineBusySeconds();
		const steal0 = stealSeconds();
		const own0 = serverCpuSeconds() + cpuSeconds(process.pid);
		({ clients, joins } = await connectMany(n, () => channel, (i) => i < senders || isSample(i), spec.concurrency, spec.joinLimitMs));
		joins.waitedForQuietSec = joinWaited;
		joins.otherCpuPct = round((100 * Math.max(0, machineBusySeconds() - busy0 - (serverCpuSeconds() + cpuSeconds(process.pid) - own0))) / (joins.totalMs / 1000), 0);
		joins.stealCpuPct = round((100 * (stealSeconds() - steal0)) / (joins.totalMs / 1000), 0);
		say(`joins: ${joins.joined}/${n} in ${(joins.totalMs / 1000).toFixed(2)} s (other processes ${joins.otherCpuPct}% CPU, steal ${joins.stealCpuPct}%)`);
		if (joins.joined < n || joins.otherCpuPct <= (spec.noisyPct ?? 50) || noisyJoins.length >= (spec.noisyRetries ?? 0)) {
			break;
		}
		noisyJoins.push(joins);
		say(`  other processes used ${joins.otherCpuPct}% CPU during the joins: all disconnect, and the joins are measured again`);
		for (const c of clients) {
			c.close();
		}
		await sleep(2000);
	}
	joins.noisyAttempts = noisyJoins;
	const result = { joins, steps: [], knee: null };
	if (spec.joinsOnly || joins.joined < n) {
		if (joins.joined < n) {
			result.error = `only ${joins.joined} of ${n} clients joined: ${joins.errors.join('; ')}`;
		}
		return result;
	}
	const stopKeepalive = startKeepalive(clients);
	// Let the join notifications drain before measuring.
	await sleep(1000);
	const senderClients = clients.slice(0, senders);
	const samples = clients.filter((c) => isSample(c.index));
	const eld = monitorEventLoopDelay({ resolution: 5 });
	let retries = 0;
	for (let r = 0; r < spec.rates.length; r++) {
		const rate = spec.rates[r];
		const waitedSec = await waitForQuiet([...measuredPids(), process.pid]);
		const alive0 = clients.filter((c) => !c.closed).length;
		latencies = [];
		recording = true;
		for (const c of clients) {
			c.received = 0;
		}
		const ackLatencies = [];
		for (const s of senderClients) {
			s.ackLatencies = ackLatencies;
			s.sendErrors = 0;
		}
		const sentBy = new Array(senders).fill(0);
		const d0 = delivered;
		const reads0 = reads;
		const counted0 = countedDeliveries(clients);
		const serverCpu0 = serverCpuSeconds();
		const processCpu0 = processCpu();
		const writeCalls0 = serverWriteCalls();
		const selfCpu0 = cpuSeconds(process.pid);
		const busy0 = machineBusySeconds();
		const steal0 = stealSeconds();
		hooks.stepStart?.();
		eld.reset();
		eld.enable();
		const durationMs = spec.stepSeconds * 1000;
		const startedAtMs = Date.now();
		const t0 = now();
		await new Promise((resolve) => {
			const timer = setInterval(() => {
				const t = now();
				const due = Math.floor((Math.min(t - t0, durationMs) * rate) / 1000);
				for (let s = 0; s < senders; s++) {
					const sender = senderClients[s];
					while (sentBy[s] < due) {
						const prefix = `~B~${s}~${sentBy[s]}~${now().toFixed(3)}~ `;
						sender.send(channel, prefix + PAD.slice(0, Math.max(1, spec.textLength - prefix.length)));
						sentBy[s]++;
					}
				}
				if (t - t0 >= durationMs) {
					clearInterval(timer);
					resolve();
				}
			}, 1);
		});
		const tEnd = now();
		const sent = sentBy.reduce((a, b) => a + b, 0);
		const offered = sent * (alive0 - 1);
		const inWindow = delivered - d0;
		// Drain: until everything offered arrived, or 2 s without progress (30 s at most).
		let last = delivered;
		let lastChange = now();
		let lastDelivery = delivered > d0 ? tEnd : t0;
		while (delivered - d0 < offered && now() - lastChange < 2000 && now() - tEnd < 30_000) {
			await sleep(10);
			if (delivered !== last) {
				last = delivered;
				lastChange = now();
				lastDelivery = lastChange;
			}
		}
		if (delivered - d0 >= offered) {
			lastDelivery = now();
		}
		recording = false;
		eld.disable();
		const serverCpu = serverCpuSeconds() - serverCpu0;
		const selfCpu = cpuSeconds(process.pid) - selfCpu0;
		const processCpu1 = processCpu();
		const writeCalls = serverWriteCalls() - writeCalls0;
		const processCpuSec = Object.fromEntries(Object.keys(processCpu1).map((k) => [k, round(processCpu1[k] - processCpu0[k], 2)]));
		const measuredCpu = Object.entries(processCpuSec).reduce((a, [k, v]) => a + (measured.find((p) => p.name === k).server || Number.isNaN(v) ? 0 : v), 0);
		const otherCpu = machineBusySeconds() - busy0 - serverCpu - selfCpu - measuredCpu;
		const total = delivered - d0;
		const countedReads = reads - reads0;
		const counted = countedDeliveries(clients) - counted0;
		const elapsed = Math.max(durationMs, lastDelivery - t0) / 1000;
		let sampleExpected = 0;
		let sampleReceived = 0;
		for (const c of samples) {
			if (!c.closed) {
				sampleExpected += sent;
				sampleReceived += c.received;
			}
		}
		const disconnected = alive0 - clients.filter((c) => !c.closed).length;
		const lat = summary(latencies);
		const step = {
			ratePerSender: rate,
			/** Wall-clock (Date.now()) start and end (last delivery) of the step: to cut a server's profile to it. */
			startedAtMs,
			endedAtMs: Math.round(startedAtMs + (lastDelivery - t0)),
			waitedForQuietSec: waitedSec,
			senders,
			members: alive0,
			seconds: spec.stepSeconds,
			sent,
			sentPerSec: round(sent / spec.stepSeconds, 1),
			offeredDeliveries: offered,
			offeredPerSec: Math.round(offered / spec.stepSeconds),
			delivered: total,
			deliveredPerSec: Math.round(total / elapsed),
			deliveredInWindowPerSec: Math.round(inWindow / spec.stepSeconds),
			lost: Math.max(0, offered - total),
			lossPct: offered > 0 ? round((100 * Math.max(0, offered - total)) / offered, 3) : 0,
			sampleLost: Math.max(0, sampleExpected - sampleReceived),
			latencyMs: lat,
			ackMs: spec.proto === 'irc' ? null : summary(ackLatencies),
			/** Messages per socket read at the counting receivers: how much the server batches. */
			messagesPerRead: countedReads > 0 ? round(counted / countedReads, 2) : null,
			sendErrors: senderClients.reduce((a, s) => a + (s.sendErrors ?? 0), 0),
			disconnected,
			serverCpuPct: round((100 * serverCpu) / elapsed, 0),
			serverCpuSec: round(serverCpu, 2),
			/** CPU seconds and % of a core of every measured process (spec.processes) during the step. */
			processCpuSec,
			processCpuPct: Object.fromEntries(Object.entries(processCpuSec).map(([k, v]) => [k, round((100 * v) / elapsed, 0)])),
			loadgenCpuSec: round(selfCpu, 2),
			/** Write syscalls of the server processes during the step, and deliveries per such call (how much each socket write carried). */
			serverWriteCalls: writeCalls,
			deliveriesPerServerWrite: writeCalls > 0 ? round(total / writeCalls, 2) : null,
			stealCpuSec: round(stealSeconds() - steal0, 2),
			elapsedSec: round(elapsed, 2),
			/** Server CPU time per delivered message: robust against other load on the machine. */
			serverCpuUsPerDelivery: total > 0 ? round((1e6 * serverCpu) / total, 3) : null,
			loadgenCpuPct: round((100 * selfCpu) / elapsed, 0),
			/** CPU used by every other process on the machine (of 100% per core). */
			otherCpuPct: round((100 * Math.max(0, otherCpu)) / elapsed, 0),
			stealCpuPct: round((100 * (stealSeconds() - steal0)) / elapsed, 0),
			loadgenLoopDelayP99Ms: round(eld.percentile(99) / 1e6),
		};
		hooks.stepEnd?.(step);
		result.steps.push(step);
		const pass = step.lost === 0 && step.disconnected === 0 && lat.p99 !== null && lat.p99 <= spec.p99LimitMs;
		say(`rate ${rate}/s x ${senders}: offered ${step.offeredPerSec}/s delivered ${step.deliveredPerSec}/s lost ${step.lost} (${step.messagesPerRead} msgs/read, ${step.deliveriesPerServerWrite} deliveries/server write) ` +
			`p50 ${lat.p50} p99 ${lat.p99} max ${lat.max} ms; cpu server ${step.serverCpuPct}% (${step.serverCpuUsPerDelivery} us/delivery) loadgen ${step.loadgenCpuPct}% others ${step.otherCpuPct}% (steal ${step.stealCpuPct}%)${pass ? '' : '  <- past the knee'}`);
		if (!pass && step.disconnected === 0 && step.otherCpuPct > (spec.noisyPct ?? 50) && retries < (spec.noisyRetries ?? 0)) {
			// Spoiled by other processes on a shared machine: measure this rate again.
			retries++;
			step.retried = true;
			say(`  other processes used ${step.otherCpuPct}% CPU during that step: measuring it again`);
			r--;
			continue;
		}
		if (!pass && !spec.allSteps) {
			break;
		}
		result.knee = { ratePerSender: rate, deliveredPerSec: step.deliveredPerSec, p99: lat.p99 };
		await sleep(300);
	}
	stopKeepalive();
	for (const c of clients) {
		c.close();
	}
	return result;
}

async function idle() {
	const k = spec.idleClients;
	const before = rssKb(spec.serverPid);
	say(`connecting ${k} idle clients in rooms of ${spec.roomSize} (${spec.concurrency} at a time); server RSS before ${before} kB`);
	const { clients, joins } = await connectMany(k, (i) => `#idle${Math.floor(i / spec.roomSize)}`, () => false, spec.concurrency, spec.idleLimitMs);
	const stopKeepalive = startKeepalive(clients);
	// RSS is read every second from settleMs on, through one full keepalive round (every
	// client pings once in 10 s), and the highest reading counts: a server that frees
	// per-connection state while idle is charged for what the keepalives bring back.
	await sleep(spec.settleMs);
	const readings = [rssKb(spec.serverPid)];
	while (readings.length <= spec.keepaliveRoundMs / 1000) {
		await sleep(1000);
		readings.push(rssKb(spec.serverPid));
	}
	const after = Math.max(...readings);
	const alive = clients.filter((c) => !c.closed).length;
	stopKeepalive();
	const result = {
		clients: k,
		joined: joins.joined,
		aliveAtEnd: alive,
		roomSize: spec.roomSize,
		joinTotalMs: joins.totalMs,
		joinRetries: joins.retries,
		rssBeforeKb: before,
		rssAfterKb: after,
		rssReadingsKb: readings,
		kbPerConnection: alive > 0 ? round((after - before) / alive, 2) : null,
		loadgenRssKb: rssKb(process.pid),
		errors: joins.errors,
	};
	say(`idle: ${alive} joined; server RSS ${before} -> ${after} kB (highest of ${readings.length} readings over a keepalive round) = ${result.kbPerConnection} kB per connection`);
	for (const c of clients) {
		c.close();
	}
	return result;
}

async function rtt() {
	const c = new Client(spec.proto, 0);
	c.nick = 'rtt0';
	await withTimeout(c.connect(spec.host, spec.port), 10_000, 'connect');
	await withTimeout(c.login(), 10_000, 'login');
	await withTimeout(c.join('#rtt'), 10_000, 'join');
	const text = (k) => `rtt ${k} ` + PAD.slice(0, 50);
	// Warm-up.
	for (let k = 0; k < 200; k++) {
		await c.roundTrip('#rtt', text(k));
	}
	const waited = [await waitForQuiet([...measuredPids(), process.pid])];
	const serial = [];
	const s0 = now();
	for (let k = 0; k < spec.serialCount; k++) {
		const t = now();
		await withTimeout(c.roundTrip('#rtt', text(k)), 10_000, 'round trip');
		serial.push(now() - t);
	}
	const serialMs = now() - s0;
	waited.push(await waitForQuiet([...measuredPids(), process.pid]));
	const inflight = [];
	let started = 0;
	const p0 = now();
	async function lane() {
		while (started < spec.pipelinedCount) {
			started++;
			const t = now();
			await withTimeout(c.roundTrip('#rtt', text(started)), 30_000, 'round trip');
			inflight.push(now() - t);
		}
	}
	await Promise.all(Array.from({ length: spec.inFlight }, lane));
	const pipelinedMs = now() - p0;
	c.close();
	const result = {
		waitedForQuietSec: waited,
		what: spec.proto === 'irc' ? 'PING/PONG (IRC has no acknowledged PRIVMSG)' : 'message/send -> acknowledgement',
		oneAtATime: { ...summary(serial), perSec: Math.round(spec.serialCount / (serialMs / 1000)) },
		inFlight: { depth: spec.inFlight, ...summary(inflight), perSec: Math.round(spec.pipelinedCount / (pipelinedMs / 1000)) },
	};
	say(`rtt one at a time: p50 ${result.oneAtATime.p50} p99 ${result.oneAtATime.p99} ms; ${spec.inFlight} in flight: p50 ${result.inFlight.p50} p99 ${result.inFlight.p99} ms, ${result.inFlight.perSec}/s`);
	if (spec.inFlightClients > 1) {
		result.inFlightSpread = await inFlightSpread(text);
		const r = result.inFlightSpread;
		say(`rtt ${spec.inFlight} in flight over ${r.clients} clients: p50 ${r.p50} p99 ${r.p99} ms, ${r.perSec}/s`);
	}
	return result;
}

/**
 * `spec.inFlight` sends in flight spread over `spec.inFlightClients` clients (lane k on
 * client k mod N), each client in a channel of its own: a server answers one connection's sends in order, one after the other,
 * so one client measures a send's latency and many the store's throughput.
 */
async function inFlightSpread(text) {
	const clients = [];
	for (let i = 0; i < spec.inFlightClients; i++) {
		const c = new Client(spec.proto, i);
		c.nick = `rttc${i}`;
		await withTimeout(c.connect(spec.host, spec.port), 10_000, 'connect');
		await withTimeout(c.login(), 10_000, 'login');
		// A channel each: the sends measure the store, not a fan-out to the others.
		c.channel = `#rtt${i}`;
		await withTimeout(c.join(c.channel), 10_000, 'join');
		clients.push(c);
	}
	await Promise.all(clients.map((c, i) => c.roundTrip(c.channel, text(i))));
	const lat = [];
	let started = 0;
	const t0 = now();
	await Promise.all(Array.from({ length: spec.inFlight }, async (_, lane) => {
		const c = clients[lane % clients.length];
		while (started < spec.pipelinedCount) {
			started++;
			const t = now();
			await withTimeout(c.roundTrip(c.channel, text(started)), 30_000, 'round trip');
			lat.push(now() - t);
		}
	}));
	const ms = now() - t0;
	for (const c of clients) {
		c.close();
	}
	return { depth: spec.inFlight, clients: clients.length, ...summary(lat), perSec: Math.round(spec.pipelinedCount / (ms / 1000)) };
}

async function history() {
	const c = new Client(spec.proto, 0);
	c.nick = 'reader';
	await withTimeout(c.connect(spec.host, spec.port), 10_000, 'connect');
	await withTimeout(c.login(), 10_000, 'login');
	const j0 = now();
	await withTimeout(c.join(spec.channel), 30_000, 'join');
	const joinMs = now() - j0;
	const maxId = spec.maxId;
	let seed = 12345;
	const random = () => {
		seed = (seed * 1103515245 + 12345) % 2147483648;
		return seed / 2147483648;
	};
	const kinds = {
		latest50: () => ({ conversation: spec.channel, limit: 50 }),
		before50: () => ({ conversation: spec.channel, before: 1 + Math.floor(random() * maxId), limit: 50 }),
		after50: () => ({ conversation: spec.channel, after: Math.floor(random() * maxId), limit: 50 }),
		latest500: () => ({ conversation: spec.channel, limit: 500 }),
	};
	const result = { storedMessages: spec.stored, joinMs: round(joinMs) };
	for (const [name, make] of Object.entries(kinds)) {
		const count = name === 'latest500' ? Math.ceil(spec.historyCount / 4) : spec.historyCount;
		for (let k = 0; k < 20; k++) {
			await c.call('message/history', make());
		}
		const lat = [];
		let got = 0;
		for (let k = 0; k < count; k++) {
			const t = now();
			const page = await withTimeout(c.call('message/history', make()), 30_000, 'history');
			lat.push(now() - t);
			got += page.messages.length;
		}
		result[name] = { ...summary(lat), avgMessages: round(got / count, 1) };
		say(`history ${name}: p50 ${result[name].p50} p99 ${result[name].p99} ms (${result[name].avgMessages} messages a page)`);
	}
	c.close();
	return result;
}

function limits() {
	const m = /Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/.exec(fs.readFileSync('/proc/self/limits', 'utf8'));
	return m ? { soft: m[1], hard: m[2] } : null;
}

async function main(chosen) {
	const run = chosen ?? { fanout, joins: fanout, idle, rtt, history }[spec.scenario];
	if (!run) {
		throw new Error(`unknown scenario ${spec.scenario}`);
	}
	const hardStop = setTimeout(() => {
		process.stderr.write(`loadgen: scenario ${spec.scenario} exceeded ${spec.hardLimitMs} ms; giving up\n`);
		process.exit(3);
	}, spec.hardLimitMs);
	hardStop.unref();
	const result = await run();
	result.loadgenOpenFiles = limits();
	fs.writeFileSync(resultPath, JSON.stringify(result, null, 1));
	process.exit(0);
}

function runMain(run) {
	main(run).catch((error) => {
		process.stderr.write(`loadgen: ${error.stack ?? error}\n`);
		fs.writeFileSync(resultPath, JSON.stringify({ error: String(error.message ?? error) }));
		process.exit(1);
	});
}

if (require.main === module) {
	runMain();
} else {
	module.exports = { Client, hooks, fanout, runMain, summary, round };
}

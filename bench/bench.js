'use strict';
/**
 * `npm run bench`: load tests of the Parley server side by side with a minimal
 * baseline server (bench/baseline-server.js) and, when installed, ngircd.
 *
 * Every server runs as its own process, pinned to CPU 0; the load generator
 * (bench/loadgen.js) is another process pinned to CPU 1; this orchestrator only
 * starts processes and reads /proc between runs. Everything is on 127.0.0.1.
 *
 * Usage: node bench/bench.js [--quick] [--scenarios fanout,idle,rtt,history,search,pg,cluster,catchup]
 *        [--servers parley,baseline,ngircd] [--clients 1000] [--senders 10]
 *        [--rates 10,20,40,80,...] [--step-seconds 5] [--idle-clients 10000]
 *        [--room-size 100] [--history-messages 1000000] [--profile] [--no-pin]
 *        [--quiet-wait SECONDS] [--quiet-max-pct 25] [--noisy-retries N] [--noisy-pct 50] [--out FILE]
 *        [--db-rates 20,80] [--catchup-channels 10] [--catchup-messages 1000]
 * --quiet-wait: on a shared machine, wait (at most SECONDS) before each measurement
 * until other processes use less than --quiet-max-pct of one core for 2 s.
 * --noisy-retries N: measure a failing fan-out step, or the joins, again (up to N more
 * times) when other processes (or the hypervisor) used more than --noisy-pct (50) % of
 * a core during it.
 * `fanout` includes the join timing (scenario `joins` runs only that). `fanout-irc`
 * (Parley only) is the same fan-out with half the members on IRC (bench/irc-loadgen.js).
 * `search` (bench/search.js) searches the history of `history` and times message/send
 * with and without the search index. `pg`, `cluster` and `catchup` (bench/db-steps.js,
 * Parley only): one node on PostgreSQL beside one on SQLite (fan-out at --db-rates, and
 * sends in flight), three nodes on PostgreSQL + Redis behind haproxy (fan-out), and an
 * account catching up on --catchup-channels x --catchup-messages missed messages; each
 * is reported as not run, with the reason, when PostgreSQL, redis-server or haproxy is
 * not installed.
 */
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const profileSummary = require('./profile-summary');
const search = require('./search');
const dbSteps = require('./db-steps');
const { freePort } = require('./services');

const ROOT = path.resolve(__dirname, '..');
const RESULTS = path.join(__dirname, 'results');
const WANT_OPEN_FILES = 65536;
/** The Parley server bundle built for this run (see buildServer), and its directory. */
let serverBundle;
let buildDir;
/** Server and load generator processes alive now, stopped on SIGINT/SIGTERM. */
const children = new Set();
/** Synchronous stops for what is not a child (a PostgreSQL postmaster runs under runuser), run on SIGINT/SIGTERM. */
const atExit = new Set();


// ---------------------------------------------------------------- options

/** The steps of bench/db-steps.js (Parley only). */
const DB_SCENARIOS = ['pg', 'cluster', 'catchup'];

function parseArgs(argv) {
	const quick = argv.includes('--quick');
	const o = {
		quick,
		scenarios: ['fanout', 'fanout-irc', 'idle', 'rtt', 'history', 'search', 'pg', 'cluster', 'catchup'],
		servers: ['parley', 'baseline', 'ngircd'],
		clients: 1000,
		senders: 10,
		samples: 20,
		rates: quick ? [20, 80] : [10, 20, 40, 80, 120, 160, 240, 320, 480, 640],
		dbRates: quick ? [80] : [20, 80],
		nodes: 3,
		catchupChannels: 10,
		catchupMessages: quick ? 200 : 1000,
		stepSeconds: quick ? 2 : 5,
		textLength: 64,
		concurrency: 100,
		idleClients: quick ? 2000 : 10_000,
		roomSize: 100,
		historyMessages: quick ? 100_000 : 1_000_000,
		historyCount: quick ? 50 : 200,
		serialCount: quick ? 300 : 2000,
		pipelinedCount: quick ? 3000 : 20_000,
		inFlight: 100,
		p99LimitMs: 250,
		quietWait: 0,
		noisyRetries: 0,
		quietMaxPct: 25,
		noisyPct: 50,
		profile: false,
		pin: true,
		out: undefined,
	};
	const lists = { scenarios: 'scenarios', servers: 'servers' };
	const ints = {
		clients: 'clients', senders: 'senders', samples: 'samples', 'step-seconds': 'stepSeconds', 'text-length': 'textLength',
		concurrency: 'concurrency', 'idle-clients': 'idleClients', 'room-size': 'roomSize', 'history-messages': 'historyMessages',
		'in-flight': 'inFlight', 'catchup-channels': 'catchupChannels', 'catchup-messages': 'catchupMessages', 'quiet-wait': 'quietWait', 'noisy-retries': 'noisyRetries', 'quiet-max-pct': 'quietMaxPct', 'noisy-pct': 'noisyPct',
	};

	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const name = arg.replace(/^--/, '');
		if (arg === '--quick') {
			continue;
		} else if (arg === '--profile') {
			o.profile = true;
		} else if (arg === '--no-pin') {
			o.pin = false;
		} else if (arg === '--out') {
			o.out = argv[++i];
		} else if (arg === '--rates' || arg === '--db-rates') {
			o[arg === '--rates' ? 'rates' : 'dbRates'] = argv[++i].split(',').map(Number).filter((n) => n > 0);
		} else if (name in lists) {
			o[lists[name]] = argv[++i].split(',').map((s) => s.trim()).filter(Boolean);
		} else if (name in ints) {
			const v = Number(argv[++i]);
			if (!Number.isInteger(v) || v < 0) {
				throw new Error(`${arg} takes a whole number`);
			}
			o[ints[name]] = v;
		} else if (arg === '--help' || arg === '-h') {
			process.stdout.write(fs.readFileSync(__filename, 'utf8').split('*/')[0] + '*/\n');
			process.exit(0);
		} else {
			throw new Error(`unknown option ${arg} (see --help)`);
		}
	}
	for (const s of o.scenarios) {
		if (!['fanout', 'fanout-irc', 'joins', 'idle', 'rtt', 'history', 'search', ...DB_SCENARIOS].includes(s)) {
			throw new Error(`unknown scenario ${s}`);
		}
	}
	for (const s of o.servers) {
		if (!['parley', 'baseline', 'ngircd'].includes(s)) {
			throw new Error(`unknown server ${s}`);
		}
	}
	return o;
}

// ---------------------------------------------------------------- helpers

const say = (text) => process.stderr.write(text + '\n');

function sh(cmd) {
	try {
		return execFileSync('sh', ['-c', cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
	} catch {
		return '';
	}
}

function machine() {
	const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
	const meminfo = fs.readFileSync('/proc/meminfo', 'utf8');
	return {
		nproc: Number(sh('nproc')) || os.cpus().length,
		cpuModel: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? 'unknown',
		memTotalMb: Math.round(Number(/MemTotal:\s+(\d+)/.exec(meminfo)?.[1] ?? 0) / 1024),
		node: process.version,
		kernel: os.release(),
		loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
		ngircd: findNgircd() ? sh(`${findNgircd()} --version | head -1`) : null,
		openFilesHard: sh('ulimit -Hn'),
	};
}

let ngircdPath;
function findNgircd() {
	if (ngircdPath === undefined) {
		ngircdPath = ['/usr/sbin/ngircd', '/usr/bin/ngircd', '/usr/local/sbin/ngircd', '/usr/local/bin/ngircd'].find((p) => fs.existsSync(p)) ?? sh('command -v ngircd') ?? '';
	}
	return ngircdPath || null;
}

/**
 * Spawns `cmd args` through sh with a raised open-files limit (65536, else the hard
 * limit) and, with pinning, `taskset -c CPU`. exec keeps the PID.
 */
function spawnLimited(cpu, cmd, args, options, pin) {
	const script = `ulimit -n ${WANT_OPEN_FILES} 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"`;
	const pre = pin ? ['taskset', '-c', String(cpu)] : [];
	const child = spawn('sh', ['-c', script, 'bench-limit', ...pre, cmd, ...args], options);
	children.add(child);
	child.once('exit', () => children.delete(child));
	return child;
}

function cleanUp() {
	for (const stop of atExit) {
		try {
			stop();
		} catch {
			// Best effort.
		}
	}
	for (const child of children) {
		child.kill('SIGKILL');
	}
	for (const dir of buildDir ? [buildDir, ...tempDirs] : tempDirs) {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

function openFilesOf(pid) {
	try {
		const m = /Max open files\s+(\S+)\s+(\S+)/.exec(fs.readFileSync(`/proc/${pid}/limits`, 'utf8'));
		return m ? { soft: m[1], hard: m[2] } : null;
	} catch {
		return null;
	}
}

function waitForPort(port, ms) {
	const deadline = Date.now() + ms;
	return new Promise((resolve, reject) => {
		const attempt = () => {
			const c = net.connect({ host: '127.0.0.1', port });
			c.once('connect', () => {
				c.destroy();
				resolve();
			});
			c.once('error', () => {
				c.destroy();
				if (Date.now() > deadline) {
					reject(new Error(`nothing listens on 127.0.0.1:${port} after ${ms} ms`));
				} else {
					setTimeout(attempt, 100);
				}
			});
		};
		attempt();
	});
}

const tempDirs = new Set();
function tmpDir(prefix) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	tempDirs.add(dir);
	return dir;
}

// ---------------------------------------------------------------- servers

/** Starts a server process; resolves once it listens. */
async function startServer(kind, o, extra = {}) {
	const startedAtMs = Date.now();
	const dir = extra.dataDir ?? tmpDir(`parley-bench-${kind}-`);
	const logFile = path.join(dir, 'server.log');
	const logFd = fs.openSync(logFile, 'a');
	let child;
	let port;
	let ircPort;
	if (kind === 'parley') {
		const nodeArgs = extra.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${extra.profileDir}`] : [];
		const args = [...nodeArgs, serverBundle, '--port', '0', '--data', dir, '--flood-rate', '0', '--max-per-ip', '0',
			'--max-clients', String(Math.max(o.clients, o.idleClients) + 1000), '--log-level', 'warn', ...(extra.extraArgs ?? [])];
		if (extra.irc) {
			args.push('--irc-port', '0');
		}
		child = spawnLimited(0, process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', logFd] }, o.pin);
		port = await listenLine(child, extra.irc ? /listening on [^,\s]*:(\d+), IRC on (\d+)/ : /listening on [^,\s]*:(\d+)/, logFile, (m) => {
			ircPort = extra.irc ? Number(m[2]) : undefined;
		});
	} else if (kind === 'baseline') {
		const nodeArgs = extra.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${extra.profileDir}`] : [];
		child = spawnLimited(0, process.execPath, [...nodeArgs, path.join(__dirname, 'baseline-server.js'), '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', logFd] }, o.pin);
		port = await listenLine(child, /listening on [^,\s]*:(\d+)/, logFile);
	} else {
		port = await freePort();
		const conf = path.join(dir, 'ngircd.conf');
		fs.mkdirSync(path.join(dir, 'conf.d'), { recursive: true });
		fs.writeFileSync(conf, [
			'[Global]',
			'Name = bench.parley.local',
			'Info = Parley benchmark',
			'AdminInfo1 = bench', 'AdminInfo2 = bench', 'AdminEMail = bench@localhost',
			'Listen = 127.0.0.1',
			`Ports = ${port}`,
			'MotdPhrase = bench',
			'[Limits]',
			'MaxConnections = 0',
			'MaxConnectionsIP = 0',
			'MaxJoins = 0',
			'MaxNickLength = 16',
			// 0 disables penalties (flood throttling) altogether.
			'MaxPenaltyTime = 0',
			'PingTimeout = 600',
			'PongTimeout = 300',
			'[Options]',
			'DNS = no',
			'Ident = no',
			'PAM = no',
			`IncludeDir = ${path.join(dir, 'conf.d')}`,
			'',
		].join('\n'));
		child = spawnLimited(0, findNgircd(), ['--nodaemon', '--config', conf], { cwd: dir, stdio: ['ignore', logFd, logFd] }, o.pin);
		const exited = new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`ngircd exited (${code}); see ${logFile}`))));
		await Promise.race([waitForPort(port, 10_000), exited]);
	}
	fs.closeSync(logFd);
	const pid = child.pid;
	return {
		kind, pid, port, ircPort, dir, logFile, startedAtMs,
		openFiles: openFilesOf(pid),
		async stop() {
			if (child.exitCode !== null || child.signalCode !== null) {
				return;
			}
			const done = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
			await done;
			clearTimeout(timer);
		},
	};
}

function listenLine(child, re, logFile, onMatch) {
	return new Promise((resolve, reject) => {
		let out = '';
		const timer = setTimeout(() => reject(new Error(`server did not start within 20 s; see ${logFile}`)), 20_000);
		child.stdout.on('data', (d) => {
			out += d;
			const m = re.exec(out);
			if (m) {
				clearTimeout(timer);
				onMatch?.(m);
				resolve(Number(m[1]));
			}
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`server exited (${code}) before listening: ${fs.readFileSync(logFile, 'utf8').slice(-2000)}`));
		});
	});
}

// ---------------------------------------------------------------- load generator

async function runLoadgen(spec, o, script = path.join(__dirname, 'loadgen.js')) {
	const dir = tmpDir('parley-bench-lg-');
	const specFile = path.join(dir, 'spec.json');
	const resultFile = path.join(dir, 'result.json');
	fs.writeFileSync(specFile, JSON.stringify(spec));
	const child = spawnLimited(1, process.execPath, [script, specFile, resultFile], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] }, o.pin);
	const code = await new Promise((resolve) => child.once('exit', (c) => resolve(c)));
	let result;
	try {
		result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
	} catch {
		result = { error: `load generator exited with ${code} and no result` };
	}
	fs.rmSync(dir, { recursive: true, force: true });
	return result;
}

function baseSpec(server, o, scenario, hardLimitMs) {
	return {
		scenario, proto: server.kind === 'ngircd' ? 'irc' : 'jsonrpc', host: '127.0.0.1', port: server.port, serverPid: server.pid,
		hardLimitMs: hardLimitMs + (o.quietWait * 1000 + 30_000) * (o.rates.length + o.noisyRetries + 2),
		quietWaitSec: o.quietWait, quietMaxPct: o.quietMaxPct, noisyRetries: o.noisyRetries, noisyPct: o.noisyPct,
	};
}

// ---------------------------------------------------------------- history pre-fill

async function prefillHistory(o, profileDir) {
	const dir = tmpDir('parley-bench-history-');
	// Let the server create its own schema, then stop it and fill the file directly.
	const first = await startServer('parley', o, { dataDir: dir });
	await first.stop();
	const Database = require('better-sqlite3');
	const db = new Database(path.join(dir, 'parley.db'));
	const columns = db.prepare('PRAGMA table_info(messages)').all().filter((c) => c.notnull && c.dflt_value === null && !c.pk).map((c) => c.name).sort().join(',');
	const expected = 'conversation,recipient,sender,sender_key,text,ts';
	if (columns !== expected) {
		db.close();
		throw new Error(`the server's messages table requires columns ${columns}; bench/bench.js pre-fills ${expected}: update prefillHistory`);
	}
	const channel = '#history';
	const t0 = Date.now();
	const insert = db.prepare('INSERT INTO messages (id, ts, conversation, sender, sender_key, recipient, text, client_msg_id) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)');
	const base = Date.now() - o.historyMessages * 1000;
	const batch = db.transaction((from, to) => {
		for (let id = from; id < to; id++) {
			const sender = `User${id % 97}`;
			insert.run(id, base + id * 1000, channel, sender, sender.toLowerCase(), channel, search.historyText(id));
		}
	});
	for (let from = 1; from <= o.historyMessages; from += 100_000) {
		batch(from, Math.min(o.historyMessages + 1, from + 100_000));
	}
	search.indexHistory(db, o.historyMessages);
	db.prepare('INSERT OR IGNORE INTO channels (name, topic, created_at) VALUES (?, NULL, ?)').run(channel, base);
	db.pragma('wal_checkpoint(TRUNCATE)');
	db.close();
	say(`  pre-filled ${o.historyMessages} messages in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
	return startServer('parley', o, { dataDir: dir, profileDir });
}

// ---------------------------------------------------------------- scenarios

async function runScenario(kind, scenario, o, profileDir) {
	if (DB_SCENARIOS.includes(scenario)) {
		const h = {
			startServer, runLoadgen, baseSpec, say, tmpDir,
			spawn: (cpu, cmd, args, options) => spawnLimited(cpu, cmd, args, options, o.pin),
			atExit: (fn) => atExit.add(fn),
		};
		return kind === 'parley' ? dbSteps.runScenario(h, scenario, o, profileDir) : null;
	}
	if (scenario === 'search') {
		const spawnClient = (script, spec) => runLoadgen(spec, o, script);
		return kind === 'parley' ? search.runScenario({ prefillHistory: (opts) => prefillHistory(opts, profileDir), startServer, spawnClient, baseSpec, say }, o) : null;
	}
	if (scenario === 'history') {
		if (kind !== 'parley') {
			return null;
		}
		const server = await prefillHistory(o, profileDir);
		try {
			return await runLoadgen({ ...baseSpec(server, o, 'history', 300_000), channel: '#history', maxId: o.historyMessages, stored: o.historyMessages, historyCount: o.historyCount }, o);
		} finally {
			await server.stop();
			fs.rmSync(server.dir, { recursive: true, force: true });
		}
	}
	const server = await startServer(kind, o, { profileDir, irc: scenario === 'fanout-irc' });
	try {
		const rss0 = rssKb(server.pid);
		let result;
		if (scenario === 'fanout' || scenario === 'joins' || scenario === 'fanout-irc') {
			result = await runLoadgen({
				...baseSpec(server, o, scenario, 900_000),
				clients: o.clients, senders: o.senders, samples: o.samples, rates: o.rates, stepSeconds: o.stepSeconds,
				textLength: o.textLength, concurrency: o.concurrency, channel: '#bench', p99LimitMs: o.p99LimitMs,
				joinLimitMs: 300_000, joinsOnly: scenario === 'joins', ircPort: server.ircPort,
			}, o, path.join(__dirname, scenario === 'fanout-irc' ? 'irc-loadgen.js' : 'loadgen.js'));
		} else if (scenario === 'idle') {
			const need = o.idleClients + 200;
			const lim = Number(server.openFiles?.soft);
			if (Number.isFinite(lim) && lim < need) {
				say(`  WARNING: ${kind} may open only ${lim} files; ${o.idleClients} idle clients need about ${need}`);
			}
			result = await runLoadgen({
				...baseSpec(server, o, 'idle', 900_000),
				idleClients: o.idleClients, roomSize: o.roomSize, concurrency: o.concurrency, idleLimitMs: 400_000, settleMs: 3000, keepaliveRoundMs: 10_000,
			}, o);
		} else if (scenario === 'rtt') {
			result = await runLoadgen({ ...baseSpec(server, o, 'rtt', 300_000), serialCount: o.serialCount, pipelinedCount: o.pipelinedCount, inFlight: o.inFlight }, o);
		}
		result.server = { pid: server.pid, openFiles: server.openFiles, rssAtStartKb: rss0, rssAtEndKb: rssKb(server.pid) };
		return result;
	} finally {
		await server.stop();
		fs.rmSync(server.dir, { recursive: true, force: true });
	}
}

function rssKb(pid) {
	try {
		return Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
	} catch {
		return NaN;
	}
}

// ---------------------------------------------------------------- report

function stepAt(fan, rate) {
	return fan?.steps?.filter((s) => s.ratePerSender === rate && !s.retried).at(-1);
}

function fmt(v, digits = 2) {
	if (v === null || v === undefined || Number.isNaN(v)) {
		return '-';
	}
	if (typeof v === 'string') {
		return v;
	}
	if (Math.abs(v) >= 10_000) {
		return Math.round(v).toLocaleString('en-US');
	}
	return String(Math.round(v * 10 ** digits) / 10 ** digits);
}

function rows(results, o) {
	const r = (kind, f) => {
		try {
			return f(results[kind] ?? {});
		} catch {
			return undefined;
		}
	};
	const target = 80;
	const lines = [];
	const add = (label, f, lowerIsBetter) => lines.push({ label, values: Object.fromEntries(o.servers.map((k) => [k, r(k, f)])), lowerIsBetter });
	add(`joins: ${o.clients} clients connect+init+join (s)`, (x) => x.fanout.joins.totalMs / 1000, true);
	add(`fan-out @${target}/s x ${o.senders}: offered deliveries/s`, (x) => stepAt(x.fanout, target).offeredPerSec);
	add(`fan-out @${target}/s: delivered/s`, (x) => stepAt(x.fanout, target).deliveredPerSec);
	add(`fan-out @${target}/s: lost`, (x) => stepAt(x.fanout, target).lost, true);
	add(`fan-out @${target}/s: p50 latency (ms)`, (x) => stepAt(x.fanout, target).latencyMs.p50, true);
	add(`fan-out @${target}/s: p99 latency (ms)`, (x) => stepAt(x.fanout, target).latencyMs.p99, true);
	add(`fan-out @${target}/s: max latency (ms)`, (x) => stepAt(x.fanout, target).latencyMs.max, true);
	add(`fan-out @${target}/s: server CPU %`, (x) => stepAt(x.fanout, target).serverCpuPct, true);
	add(`fan-out @${target}/s: server CPU us per delivery`, (x) => stepAt(x.fanout, target).serverCpuUsPerDelivery, true);
	add(`fan-out @${target}/s: load generator CPU %`, (x) => stepAt(x.fanout, target).loadgenCpuPct, true);
	add(`fan-out @${target}/s: other processes' CPU % (noise)`, (x) => stepAt(x.fanout, target).otherCpuPct, true);
	add(`fan-out knee: msgs/s per sender (p99 <= ${o.p99LimitMs} ms)`, (x) => x.fanout.knee?.ratePerSender ?? 0);
	add('fan-out knee: delivered/s', (x) => x.fanout.knee?.deliveredPerSec ?? 0);
	add('fan-out best delivered/s (any step)', (x) => Math.max(...x.fanout.steps.map((s) => s.deliveredPerSec)));
	const mixed = (x) => stepAt(x['fanout-irc'], target);
	add(`fan-out half IRC @${target}/s x ${o.senders}: delivered/s`, (x) => mixed(x).deliveredPerSec);
	add(`fan-out half IRC @${target}/s: lost`, (x) => mixed(x).lost, true);
	add(`fan-out half IRC @${target}/s: p50 / p99 latency (ms)`, (x) => `${fmt(mixed(x).latencyMs.p50)} / ${fmt(mixed(x).latencyMs.p99)}`);
	add(`fan-out half IRC @${target}/s: p99 IRC / JSON-RPC receivers (ms)`, (x) => `${fmt(mixed(x).byProtocol.irc.latencyMs.p99)} / ${fmt(mixed(x).byProtocol.jsonrpc.latencyMs.p99)}`);
	add(`fan-out half IRC @${target}/s: server CPU us per delivery`, (x) => mixed(x).serverCpuUsPerDelivery, true);
	add(`fan-out half IRC knee: msgs/s per sender`, (x) => x['fanout-irc'].knee?.ratePerSender ?? 0);
	add(`idle: ${o.idleClients} joined clients, KB per connection`, (x) => x.idle.kbPerConnection, true);
	add('idle: server RSS after (MB)', (x) => x.idle.rssAfterKb / 1024, true);
	add('round trip one at a time p50 (ms)', (x) => x.rtt.oneAtATime.p50, true);
	add('round trip one at a time p99 (ms)', (x) => x.rtt.oneAtATime.p99, true);
	add(`round trip ${o.inFlight} in flight p50 (ms)`, (x) => x.rtt.inFlight.p50, true);
	add(`round trip ${o.inFlight} in flight p99 (ms)`, (x) => x.rtt.inFlight.p99, true);
	add(`round trip ${o.inFlight} in flight: requests/s`, (x) => x.rtt.inFlight.perSec);
	add(`history (${o.historyMessages} stored): latest 50 p50/p99 (ms)`, (x) => `${fmt(x.history.latest50.p50)} / ${fmt(x.history.latest50.p99)}`);
	add('history: random before=, 50 p50/p99 (ms)', (x) => `${fmt(x.history.before50.p50)} / ${fmt(x.history.before50.p99)}`);
	add('history: random after=, 50 p50/p99 (ms)', (x) => `${fmt(x.history.after50.p50)} / ${fmt(x.history.after50.p99)}`);
	add('history: latest 500 p50/p99 (ms)', (x) => `${fmt(x.history.latest500.p50)} / ${fmt(x.history.latest500.p99)}`);
	search.addRows(add, o);
	dbSteps.addRows(add, o);
	return lines;
}

function table(results, o) {
	const servers = o.servers;
	const header = ['metric', ...servers.flatMap((k) => (k === 'parley' ? ['parley'] : [k, `${k}/parley`]))];
	const body = rows(results, o).filter((line) => Object.values(line.values).some((v) => v !== undefined)).map((line) => {
		const p = line.values.parley;
		const cells = [line.label];
		for (const k of servers) {
			const v = line.values[k];
			cells.push(fmt(v));
			if (k !== 'parley') {
				cells.push(typeof v === 'number' && typeof p === 'number' && p !== 0 ? `${fmt(v / p)}x` : '-');
			}
		}
		return cells;
	});
	const widths = header.map((_, i) => Math.max(...[header, ...body].map((row) => String(row[i]).length)));
	const line = (row) => row.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(' | ');
	return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)].join('\n');
}

function targets(results, o) {
	const p = results.parley ?? {};
	const at80 = stepAt(p.fanout, 80);
	const irc80 = stepAt(results.ngircd?.fanout, 80);
	const check = (name, ok, detail) => ({ target: name, ok, detail });
	const list = [];
	if (p.fanout) {
		list.push(check('fan-out @80/s x 10, 1,000 members: nothing lost', at80 ? at80.lost === 0 && at80.disconnected === 0 : false,
			at80 ? `${at80.lost} lost, ${at80.disconnected} disconnected` : 'step not reached'));
		list.push(check('fan-out @80/s: p99 <= 100 ms', at80 ? at80.latencyMs.p99 <= 100 : false, at80 ? `p99 ${at80.latencyMs.p99} ms` : 'step not reached'));
		list.push(check('fan-out @80/s: delivered/s >= ngircd', at80 && irc80 ? at80.deliveredPerSec >= irc80.deliveredPerSec : null,
			at80 && irc80 ? `${at80.deliveredPerSec} vs ngircd ${irc80.deliveredPerSec}` : 'no ngircd result'));
		list.push(check(`joins: ${o.clients} clients < 2 s`, p.fanout.joins.joined === o.clients && p.fanout.joins.totalMs < 2000, `${fmt(p.fanout.joins.totalMs / 1000)} s`));
	}
	const mixed80 = stepAt(p['fanout-irc'], 80);
	if (p['fanout-irc']) {
		list.push(check('fan-out half IRC @80/s x 10, 1,000 members: nothing lost', mixed80 ? mixed80.lost === 0 && mixed80.disconnected === 0 : false,
			mixed80 ? `${mixed80.lost} lost, ${mixed80.disconnected} disconnected` : 'step not reached'));
		list.push(check('fan-out half IRC @80/s: p99 <= 100 ms', mixed80 ? mixed80.latencyMs.p99 <= 100 : false, mixed80 ? `p99 ${mixed80.latencyMs.p99} ms` : 'step not reached'));
		list.push(check('fan-out half IRC @80/s: delivered/s >= ngircd', mixed80 && irc80 ? mixed80.deliveredPerSec >= irc80.deliveredPerSec : null,
			mixed80 && irc80 ? `${mixed80.deliveredPerSec} vs ngircd ${irc80.deliveredPerSec}` : 'no ngircd result'));
	}
	if (p.idle) {
		list.push(check(`idle: ${o.idleClients} joined clients <= 16 KB each`, p.idle.aliveAtEnd === o.idleClients && p.idle.kbPerConnection <= 16, `${p.idle.kbPerConnection} KB, ${p.idle.aliveAtEnd} alive`));
	}
	if (p.rtt) {
		list.push(check('message/send round trip one at a time: p50 < 1 ms (persistence on)', p.rtt.oneAtATime.p50 < 1, `p50 ${p.rtt.oneAtATime.p50} ms`));
	}
	search.addTargets(list, check, p);
	dbSteps.addTargets(list, check, p, o);
	return list;
}

// ---------------------------------------------------------------- main

/**
 * Bundles server/main.ts into bench/results/.build/server.js the way esbuild.js does
 * (unminified, with a source map), so that the run measures the current sources and
 * its profile has real names, whatever dist/ holds at the moment.
 */
function buildServer() {
	const esbuild = require('esbuild');
	// One directory per run: runs by others at the same time must not swap the bundle.
	buildDir = path.join(RESULTS, `.build-${process.pid}`);
	const outfile = path.join(buildDir, 'server.js');
	esbuild.buildSync({
		entryPoints: [path.join(ROOT, 'server', 'main.ts')],
		outfile,
		bundle: true,
		sourcemap: true,
		minify: false,
		platform: 'node',
		target: 'node20',
		format: 'cjs',
		external: ['better-sqlite3'],
		absWorkingDir: ROOT,
		logLevel: 'warning',
	});
	return outfile;
}

async function main() {
	const o = parseArgs(process.argv.slice(2));
	for (const signal of ['SIGINT', 'SIGTERM']) {
		process.once(signal, () => {
			say(`bench: ${signal}: stopping the servers and the load generator`);
			cleanUp();
			process.exit(130);
		});
	}
	if (o.servers.includes('ngircd') && !findNgircd()) {
		say('ngircd is not installed (apt-get install -y ngircd): comparing with the baseline only');
		o.servers = o.servers.filter((s) => s !== 'ngircd');
	}
	if (!o.rates.includes(80)) {
		say('note: --rates lacks 80, the rate of the targets');
	}
	serverBundle = buildServer();
	const info = machine();
	if (o.pin && (info.nproc < 2 || !sh('command -v taskset'))) {
		say('cannot pin to two cores (needs taskset and 2 CPUs): running unpinned');
		o.pin = false;
	}
	const started = new Date();
	const stamp = started.toISOString().replace(/[:.]/g, '-');
	const profileDir = o.profile ? path.join(RESULTS, `profiles-${stamp}`) : undefined;
	say(`Parley bench ${o.quick ? '(quick) ' : ''}on ${info.nproc} x ${info.cpuModel}, ${info.memTotalMb} MB, node ${info.node}; server at ${sh(`git -C '${ROOT}' rev-parse --short HEAD`) || 'unknown commit'}`);
	if (info.loadAverageAtStart[0] > 0.5) {
		say(`WARNING: load average ${info.loadAverageAtStart[0]} before the run: other processes compete for the 2 cores; numbers will be noisy`);
	}
	say(`CPU: ${o.pin ? 'each server pinned to CPU 0, load generator pinned to CPU 1 (taskset); in pg/cluster/catchup, Parley nodes, PostgreSQL and redis-server on CPU 0, load generator and haproxy on CPU 1' : 'not pinned'}; open-files hard limit ${info.openFilesHard}`);
	const results = {};
	const profiles = {};
	const t0 = Date.now();
	for (const scenario of o.scenarios) {
		for (const kind of o.servers) {
			if ((scenario === 'history' || scenario === 'search' || scenario === 'fanout-irc' || DB_SCENARIOS.includes(scenario)) && kind !== 'parley') {
				continue;
			}
			say(`\n== ${scenario} on ${kind}`);
			const pdir = kind !== 'ngircd' && profileDir ? path.join(profileDir, `${kind}-${scenario}`) : undefined;
			let result;
			try {
				result = await runScenario(kind, scenario, o, pdir);
			} catch (error) {
				result = { error: error.message };
			}
			if (result?.error) {
				say(`  ERROR: ${result.error}`);
			}
			(results[kind] ??= {})[scenario === 'joins' ? 'fanout' : scenario] = result;
			if (pdir && fs.existsSync(pdir)) {
				// The db steps profile each server in a directory of its own under pdir.
				const dirs = [pdir, ...fs.readdirSync(pdir).map((d) => path.join(pdir, d)).filter((d) => fs.statSync(d).isDirectory())];
				for (const dir of dirs) {
					const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(dir, f));
					const file = files.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
					if (file) {
						profiles[`${kind} ${scenario}${dir === pdir ? '' : ' ' + path.basename(dir)}`] = profileSummary.summarize(file, 20);
					}
				}
			}
		}
	}
	const elapsed = (Date.now() - t0) / 1000;
	const report = {
		started: started.toISOString(),
		elapsedSeconds: Math.round(elapsed),
		command: `node bench/bench.js ${process.argv.slice(2).join(' ')}`.trim(),
		machine: { ...info, loadAverageAtEnd: os.loadavg().map((x) => Math.round(x * 100) / 100) },
		// What was measured: the commit, and whether server/ or protocol/ had uncommitted changes.
		git: {
			commit: sh(`git -C '${ROOT}' rev-parse --short HEAD`),
			uncommittedServerChanges: sh(`git -C '${ROOT}' status --porcelain -- server protocol`).split('\n').filter(Boolean),
		},
		cpuSharing: (o.pin ? 'server process pinned to CPU 0 (taskset -c 0); load generator process pinned to CPU 1 (taskset -c 1); in pg/cluster/catchup, the Parley nodes, PostgreSQL and redis-server on CPU 0, the load generator and haproxy on CPU 1; orchestrator idle during measurements' : 'unpinned'),
		options: o,
		results,
		targets: targets(results, o),
		profiles,
	};
	fs.mkdirSync(RESULTS, { recursive: true });
	const out = o.out ?? path.join(RESULTS, `bench-${stamp}.json`);
	fs.writeFileSync(out, JSON.stringify(report, null, 1));
	const text = table(results, o);
	process.stdout.write(`\n${text}\n\nTargets (Parley):\n`);
	for (const t of report.targets) {
		process.stdout.write(`  ${t.ok === null ? 'n/a ' : t.ok ? 'PASS' : 'FAIL'}  ${t.target}: ${t.detail}\n`);
	}
	for (const [scenario, s] of Object.entries(profiles)) {
		process.stdout.write(`\nCPU profile of ${scenario}:\n`);
		profileSummary.print({ ...s, selfByFunction: s.selfByFunction.slice(0, 15), inclusiveByFunction: s.inclusiveByFunction.slice(0, 15) });
	}
	cleanUp();
	process.stdout.write(`\nRun took ${Math.round(elapsed)} s. Results: ${path.relative(ROOT, out)}\n`);
}

main().catch((error) => {
	cleanUp();
	process.stderr.write(`bench: ${error.stack ?? error}\n`);
	process.exit(1);
});

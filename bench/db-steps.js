'use strict';
/**
 * The PostgreSQL and cluster steps of `npm run bench` (Parley only; issue 13's targets):
 *
 * - pg: one node on SQLite, then one on PostgreSQL (a throwaway PostgreSQL 15 started
 *   for the step): loadgen.js's fan-out (1,000 members of #bench, 10 senders, the
 *   --db-rates steps, 80 msgs/s a sender the target: nothing lost, p99 <= 100 ms) and
 *   its round trips (one at a time, and --in-flight 100 in flight: acknowledged sends/s).
 * - cluster: three nodes on that PostgreSQL and a redis-server, behind haproxy
 *   (docs/examples/haproxy.cfg: TCP mode, leastconn), every client connected through
 *   haproxy; the same fan-out. Targets at 80/s: nothing lost, p99 <= 150 ms, deliveries
 *   per CPU-second of the Parley nodes at least 80 % of the one PostgreSQL node's (of
 *   `pg`, same run). Every step reports the CPU of each node, PostgreSQL (postmaster
 *   and backends), redis-server, haproxy and the load generator, and the machine's steal.
 * - catchup: bench/catchup.js on one node on SQLite, then on PostgreSQL: an account away
 *   while 10 x 1,000 messages were sent in its channels reconnects and catches up as the
 *   extension does. Target: under 2 s.
 *
 * Cores (2 here): the server side (Parley nodes, PostgreSQL, redis-server) is pinned to
 * CPU 0, as the single server of the other steps is; the client side (load generator
 * and haproxy, which stands in for the network in front of the nodes) to CPU 1.
 *
 * A step whose program is not installed is not run, and says why (`notRun`).
 */
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const services = require('./services');
const profileSummary = require('./profile-summary');

const SERVER_CPU = 0;
const CLIENT_CPU = 1;
/** docs/examples/haproxy.cfg names three nodes. */
const NODES = 3;

let databases = 0;

/** Starts a throwaway PostgreSQL for a step; the durable defaults (fsync, synchronous_commit on). */
async function startPostgres(h) {
	// pg_stat_statements (postgresql-contrib): which statements the database spent its time on.
	const statements = services.hasPgStatStatements();
	const pg = await services.startPostgres(h.spawn, SERVER_CPU, h.tmpDir, statements ? ['shared_preload_libraries=pg_stat_statements'] : []);
	if (statements) {
		await pg.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements').catch((error) => h.say(`  pg_stat_statements unavailable: ${error.message}`));
	}
	// On Ctrl-C bench.js kills its children, but the postmaster is runuser's child: stop it by pid.
	h.atExit(() => pg.stopNow());
	return pg;
}

async function freshDatabase(pg) {
	return pg.createDatabase(`bench_${process.pid}_${++databases}`);
}

/**
 * What PostgreSQL did for a database so far (pg_stat_database): transactions committed,
 * rows returned by scans and fetched by index. Read after a fan-out, beside the messages
 * sent, it says how many database round trips a message cost (joins included).
 */
async function databaseWork(pg, url) {
	const name = url.slice(url.lastIndexOf('/') + 1);
	try {
		const [row] = await pg.query(`SELECT xact_commit::int AS commits, tup_returned::bigint AS returned, tup_fetched::bigint AS fetched, tup_inserted::int AS inserted FROM pg_stat_database WHERE datname = '${name}'`);
		const statements = await pg.query(`SELECT calls::int, round(total_exec_time)::int AS ms, rows::int, left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query
			FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = '${name}') ORDER BY total_exec_time DESC LIMIT 8`).catch(() => []);
		return row && { commits: row.commits, rowsReturned: Number(row.returned), rowsFetched: Number(row.fetched), rowsInserted: row.inserted, statements };
	} catch {
		return undefined;
	}
}

/** Prints the statements PostgreSQL spent most time on during a fan-out (joins included). */
function sayStatements(h, fanout, label) {
	const list = fanout?.database?.statements;
	if (!list?.length) {
		return;
	}
	const sent = sentIn(fanout);
	h.say(`  PostgreSQL's busiest statements for ${label} (${sent} messages sent, 1,000 joins):`);
	for (const st of list) {
		h.say(`    ${String(st.ms).padStart(6)} ms ${String(st.calls).padStart(7)} calls (${(st.calls / sent).toFixed(2)} a message)  ${st.query}`);
	}
}

/** Messages sent in every step of a fan-out. */
function sentIn(fanout) {
	return (fanout?.steps ?? []).reduce((a, s) => a + s.sent, 0);
}

function fanoutSpec(h, o, server, processes) {
	return {
		...h.baseSpec(server, o, 'fanout', 900_000), processes,
		clients: o.clients, senders: o.senders, samples: o.samples, rates: o.dbRates, stepSeconds: o.stepSeconds,
		textLength: o.textLength, concurrency: o.concurrency, channel: '#bench', p99LimitMs: o.p99LimitMs, joinLimitMs: 300_000,
		// Every rate is measured (80/s is the target's), even after a step past the knee.
		allSteps: true,
	};
}

/** Runs `fn(server)` on a fresh one-node server (SQLite, or `pg` with a fresh database), stopping it after. */
async function withNode(h, o, pg, profileDir, fn) {
	const url = pg ? await freshDatabase(pg) : undefined;
	const server = await h.startServer('parley', o, { extraArgs: url ? ['--database', url] : [], profileDir });
	try {
		const result = await fn(server);
		if (url && result && typeof result === 'object') {
			result.database = await databaseWork(pg, url);
		}
		return result;
	} finally {
		await server.stop();
		fs.rmSync(server.dir, { recursive: true, force: true });
	}
}

/**
 * With --profile: the summary of a server's profile (the largest .cpuprofile in `dir`)
 * over the 80/s step of `fanout` only (its profile also covers the joins before it and
 * the disconnections after), printed and returned.
 */
function stepProfile(h, dir, startedAtMs, fanout, label) {
	const step = at80(fanout);
	if (!dir || !step?.startedAtMs || !fs.existsSync(dir)) {
		return undefined;
	}
	const file = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(dir, f))
		.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
	if (!file) {
		return undefined;
	}
	const summary = profileSummary.summarize(file, 15, { fromMs: step.startedAtMs - startedAtMs, toMs: step.endedAtMs - startedAtMs });
	h.say(`  CPU profile of ${label} during the 80/s step:`);
	profileSummary.print(summary, process.stderr);
	return summary;
}

function nodeProcesses(server, pg) {
	return [{ name: 'parley', pid: server.pid, server: true }, ...(pg ? [{ name: 'postgres', pid: pg.pid, tree: true }] : [])];
}

/**
 * Runs `fn(store, db)` on SQLite, then on a throwaway PostgreSQL (`db`) when it is
 * installed; answers the results by store, PostgreSQL's saying why it was not run.
 */
async function onEachStore(h, fn) {
	const missing = services.postgresMissing();
	const result = {};
	const pg = missing ? undefined : await startPostgres(h);
	try {
		for (const store of ['sqlite', 'postgres']) {
			if (store === 'postgres' && !pg) {
				result.postgres = { notRun: missing };
				continue;
			}
			result[store] = await fn(store, store === 'postgres' ? pg : undefined);
		}
	} finally {
		await pg?.stop();
	}
	return result;
}

function runPg(h, o, profileDir) {
	return onEachStore(h, async (store, db) => {
		h.say(`  one node on ${store}: fan-out`);
		const dir = profileDir && path.join(profileDir, `${store}-fanout`);
		let startedAtMs;
		const fanout = await withNode(h, o, db, dir, (s) => {
			startedAtMs = s.startedAtMs;
			return h.runLoadgen(fanoutSpec(h, o, s, nodeProcesses(s, db)), o);
		});
		fanout.stepProfile = stepProfile(h, dir, startedAtMs, fanout, `the node on ${store}`);
		sayStatements(h, fanout, `the node on ${store}`);
		h.say(`  one node on ${store}: round trips`);
		const rtt = await withNode(h, o, db, undefined, (s) => h.runLoadgen({
			...h.baseSpec(s, o, 'rtt', 300_000), processes: nodeProcesses(s, db), serialCount: o.serialCount, pipelinedCount: o.pipelinedCount, inFlight: o.inFlight, inFlightClients: o.inFlight,
		}, o));
		return { fanout, rtt };
	});
}

/** Established connections to each port (from `ss`), or undefined. */
function connectionsTo(ports) {
	try {
		const out = execFileSync('ss', ['-Htn', 'state', 'established'], { encoding: 'utf8' });
		const counts = ports.map(() => 0);
		for (const line of out.split('\n')) {
			const local = line.trim().split(/\s+/)[2] ?? '';
			const i = ports.findIndex((p) => local.endsWith(`:${p}`));
			if (i >= 0) {
				counts[i]++;
			}
		}
		return counts;
	} catch {
		return undefined;
	}
}

async function runCluster(h, o, profileDir) {
	const missing = services.postgresMissing() ?? services.redisMissing() ?? services.haproxyMissing();
	if (missing) {
		return { notRun: missing };
	}
	const pg = await startPostgres(h);
	const stops = [() => pg.stop()];
	try {
		const redis = await services.startRedis(h.spawn, SERVER_CPU, h.tmpDir);
		stops.push(() => redis.stop());
		const url = await freshDatabase(pg);
		const nodes = [];
		const metricsPorts = [];
		for (let i = 0; i < NODES; i++) {
			// HAProxy checks each node's /healthz on its metrics port (docs/examples/haproxy.cfg).
			metricsPorts.push(await services.freePort());
			const node = await h.startServer('parley', o, {
				extraArgs: ['--database', url, '--redis', redis.url, '--node-id', `bench${i}`, '--metrics-port', String(metricsPorts[i])],
				profileDir: profileDir && path.join(profileDir, `node${i}`),
			});
			nodes.push(node);
			stops.push(async () => {
				await node.stop();
				fs.rmSync(node.dir, { recursive: true, force: true });
			});
		}
		const haproxy = await services.startHaproxy(h.spawn, CLIENT_CPU, h.tmpDir, nodes.map((n) => n.port), metricsPorts, 2 * o.clients + 1000);
		stops.push(() => haproxy.stop());
		const processes = [
			...nodes.map((n, i) => ({ name: `node${i}`, pid: n.pid, server: true })),
			{ name: 'postgres', pid: pg.pid, tree: true },
			{ name: 'redis', pid: redis.pid },
			{ name: 'haproxy', pid: haproxy.pid },
		];
		// How haproxy spread the clients: the most connections each node held while the step ran.
		const most = nodes.map(() => 0);
		const poll = setInterval(() => {
			const counts = connectionsTo(nodes.map((n) => n.port));
			counts?.forEach((c, i) => {
				most[i] = Math.max(most[i], c);
			});
		}, 2000);
		let fanout;
		try {
			fanout = await h.runLoadgen(fanoutSpec(h, o, { kind: 'parley', port: haproxy.port, pid: nodes[0].pid }, processes), o);
		} finally {
			clearInterval(poll);
		}
		fanout.database = await databaseWork(pg, url);
		sayStatements(h, fanout, 'the three nodes');
		for (const stop of stops.splice(1).reverse()) {
			await stop();
		}
		if (profileDir) {
			fanout.stepProfiles = nodes.map((n, i) => stepProfile(h, path.join(profileDir, `node${i}`), n.startedAtMs, fanout, `node ${i}`));
		}
		return {
			nodes: NODES, via: 'haproxy (docs/examples/haproxy.cfg, TCP mode, balance leastconn)', clientsPerNode: most, fanout,
		};
	} finally {
		for (const stop of stops.reverse()) {
			await stop().catch((error) => h.say(`  stopping: ${error.message}`));
		}
	}
}

function runCatchup(h, o, profileDir) {
	return onEachStore(h, (store, db) => {
		h.say(`  catch-up on ${store}`);
		return withNode(h, o, db, profileDir && path.join(profileDir, `${store}-catchup`), (s) => h.runLoadgen({
			...h.baseSpec(s, o, 'catchup', 600_000), processes: nodeProcesses(s, db),
			channels: o.catchupChannels, perChannel: o.catchupMessages, before: 20, inFlight: o.inFlight, repeat: 3,
		}, o, path.join(__dirname, 'catchup.js')));
	});
}

/**
 * Runs scenario `pg`, `cluster` or `catchup`. `h`: bench.js's startServer, runLoadgen,
 * baseSpec, say, tmpDir, spawn(cpu, cmd, args, options) (pinned as the run pins) and
 * atExit(fn) (fn runs if the bench is interrupted).
 */
function runScenario(h, scenario, o, profileDir) {
	return { pg: runPg, cluster: runCluster, catchup: runCatchup }[scenario](h, o, profileDir);
}

// ---------------------------------------------------------------- report

function at80(fan) {
	return fan?.steps?.filter((s) => s.ratePerSender === 80 && !s.retried).at(-1);
}

/** Deliveries per CPU-second of the Parley processes, and of those plus PostgreSQL and Redis. */
function perCpu(step) {
	if (!step) {
		return undefined;
	}
	const db = (step.processCpuSec?.postgres ?? 0) + (step.processCpuSec?.redis ?? 0);
	return {
		nodes: step.serverCpuSec > 0 ? Math.round(step.delivered / step.serverCpuSec) : undefined,
		withDb: step.serverCpuSec + db > 0 ? Math.round(step.delivered / (step.serverCpuSec + db)) : undefined,
	};
}

function cpuLine(step) {
	if (!step) {
		return undefined;
	}
	const parts = Object.entries(step.processCpuPct ?? {}).map(([k, v]) => `${k} ${v}`);
	return `${parts.join(', ')}, loadgen ${step.loadgenCpuPct}, others ${step.otherCpuPct} (steal ${step.stealCpuPct})`;
}

/** The table rows (see rows() in bench.js); `notRun` steps say so. */
function addRows(add, o) {
	const whyNot = (r) => (r?.notRun ? `not run: ${r.notRun}` : undefined);
	const why = (x, key) => whyNot(x[key]);
	for (const store of ['sqlite', 'postgres']) {
		const f = (x) => at80(x.pg?.[store]?.fanout);
		const why = (x, key) => (key === 'pg' ? whyNot(x.pg) ?? whyNot(x.pg?.[store]) : whyNot(x[key]));
		add(`one node on ${store}: fan-out @80/s delivered/s / lost`, (x) => why(x, 'pg') ?? `${f(x).deliveredPerSec} / ${f(x).lost}`);
		add(`one node on ${store}: fan-out @80/s p50 / p99 (ms)`, (x) => why(x, 'pg') ?? `${f(x).latencyMs.p50} / ${f(x).latencyMs.p99}`);
		add(`one node on ${store}: deliveries per server CPU-s (+ PostgreSQL)`, (x) => why(x, 'pg') ?? `${perCpu(f(x)).nodes} (${perCpu(f(x)).withDb})`);
		add(`one node on ${store}: CPU % @80/s`, (x) => why(x, 'pg') ?? cpuLine(f(x)));
		add(`one node on ${store}: deliveries per server write syscall @80/s`, (x) => why(x, 'pg') ?? f(x).deliveriesPerServerWrite);
		add(`one node on ${store}: sends/s acknowledged, ${o.inFlight} in flight on 1 / ${o.inFlight} connections`, (x) => why(x, 'pg') ?? `${x.pg[store].rtt.inFlight.perSec} / ${x.pg[store].rtt.inFlightSpread.perSec}`);
		add(`one node on ${store}: ${o.inFlight} in flight on ${o.inFlight} connections p50 / p99 (ms)`, (x) => why(x, 'pg') ?? `${x.pg[store].rtt.inFlightSpread.p50} / ${x.pg[store].rtt.inFlightSpread.p99}`);
		add(`one node on ${store}: send round trip one at a time p50 / p99 (ms)`, (x) => why(x, 'pg') ?? `${x.pg[store].rtt.oneAtATime.p50} / ${x.pg[store].rtt.oneAtATime.p99}`);
	}
	const c = (x) => at80(x.cluster?.fanout);
	add('3 nodes behind haproxy: clients per node', (x) => why(x, 'cluster') ?? x.cluster.clientsPerNode.join(' / '));
	add('3 nodes: fan-out @80/s delivered/s / lost', (x) => why(x, 'cluster') ?? `${c(x).deliveredPerSec} / ${c(x).lost}`);
	add('3 nodes: fan-out @80/s p50 / p99 (ms)', (x) => why(x, 'cluster') ?? `${c(x).latencyMs.p50} / ${c(x).latencyMs.p99}`);
	add('3 nodes: deliveries per node CPU-s (+ PostgreSQL and Redis)', (x) => why(x, 'cluster') ?? `${perCpu(c(x)).nodes} (${perCpu(c(x)).withDb})`);
	add('3 nodes: CPU % @80/s', (x) => why(x, 'cluster') ?? cpuLine(c(x)));
	add('3 nodes: deliveries per node write syscall @80/s', (x) => why(x, 'cluster') ?? c(x).deliveriesPerServerWrite);
	const work = (fan) => `${(fan.database.commits / sentIn(fan)).toFixed(2)} / ${((fan.database.rowsReturned + fan.database.rowsFetched) / sentIn(fan)).toFixed(1)}`;
	add('PostgreSQL commits / rows read per message sent, one node (whole fan-out, joins too)', (x) => whyNot(x.pg) ?? whyNot(x.pg.postgres) ?? work(x.pg.postgres.fanout));
	add('PostgreSQL commits / rows read per message sent, 3 nodes (whole fan-out, joins too)', (x) => why(x, 'cluster') ?? work(x.cluster.fanout));
	for (const store of ['sqlite', 'postgres']) {
		add(`catch-up of ${o.catchupChannels} x ${o.catchupMessages} missed messages on ${store} (ms, each run)`, (x) => why(x, 'catchup') ?? why(x.catchup, store) ?? x.catchup[store].runs.map((r) => r.totalMs).join(' / '));
	}
}

/** The targets (see targets() in bench.js). */
function addTargets(list, check, p, o) {
	const notRun = (name, x) => list.push(check(name, null, `not run: ${x.notRun}`));
	if (p.pg) {
		for (const store of ['sqlite', 'postgres']) {
			const name = `one node on ${store}: fan-out @80/s x 10, 1,000 members: nothing lost, p99 <= 100 ms`;
			if (p.pg.notRun || p.pg[store]?.notRun) {
				notRun(name, p.pg.notRun ? p.pg : p.pg[store]);
				continue;
			}
			const s = at80(p.pg[store]?.fanout);
			list.push(check(name, s ? s.lost === 0 && s.disconnected === 0 && s.latencyMs.p99 <= 100 : false,
				s ? `${s.lost} lost, ${s.disconnected} disconnected, p99 ${s.latencyMs.p99} ms (steal ${s.stealCpuPct} %, others ${s.otherCpuPct} %)` : (p.pg[store]?.fanout?.error ?? 'step not reached')));
		}
		if (!p.pg.notRun && !p.pg.postgres?.notRun) {
			const r = (store) => p.pg[store]?.rtt;
			list.push(check(`sends/s acknowledged, ${o.inFlight} in flight (no number set: reported beside SQLite)`, null,
				`on one connection PostgreSQL ${r('postgres')?.inFlight?.perSec}/s, SQLite ${r('sqlite')?.inFlight?.perSec}/s; on ${o.inFlight} connections PostgreSQL ${r('postgres')?.inFlightSpread?.perSec}/s, SQLite ${r('sqlite')?.inFlightSpread?.perSec}/s`));
		}
	}
	if (p.cluster) {
		const names = ['3 nodes behind haproxy @80/s x 10: nothing lost', '3 nodes: p99 <= 150 ms', '3 nodes: deliveries per node CPU-second >= 80 % of one PostgreSQL node\'s'];
		if (p.cluster.notRun) {
			names.forEach((n) => notRun(n, p.cluster));
		} else {
			const s = at80(p.cluster.fanout);
			const one = perCpu(at80(p.pg?.postgres?.fanout)) ?? {};
			const mine = perCpu(s) ?? {};
			list.push(check(names[0], s ? s.lost === 0 && s.disconnected === 0 : false, s ? `${s.lost} lost, ${s.disconnected} disconnected` : (p.cluster.fanout?.error ?? 'step not reached')));
			list.push(check(names[1], s ? s.latencyMs.p99 <= 150 : false, s ? `p99 ${s.latencyMs.p99} ms (steal ${s.stealCpuPct} %, others ${s.otherCpuPct} %)` : 'step not reached'));
			list.push(check(names[2], s && one.nodes ? mine.nodes >= 0.8 * one.nodes : null,
				s && one.nodes ? `${mine.nodes} vs ${one.nodes} (${Math.round((100 * mine.nodes) / one.nodes)} %); counting PostgreSQL and Redis too: ${mine.withDb} vs ${one.withDb} (${Math.round((100 * mine.withDb) / one.withDb)} %)` : 'no one-node PostgreSQL step (scenario pg) in this run'));
		}
	}
	if (p.catchup) {
		for (const store of ['sqlite', 'postgres']) {
			const name = `catch-up after ${o.catchupChannels} x ${o.catchupMessages} missed messages on ${store}: < 2 s`;
			const r = p.catchup.notRun ? p.catchup : p.catchup[store];
			if (r?.notRun) {
				notRun(name, r);
			} else if (r?.error || !r?.runs) {
				list.push(check(name, false, r?.error ?? 'no result'));
			} else {
				const worst = Math.max(...r.runs.map((x) => x.totalMs));
				list.push(check(name, r.complete && worst < 2000,
					`${r.runs.map((x) => x.totalMs).join(' / ')} ms (${r.runs[0].requests} requests)${r.complete ? '' : '; INCOMPLETE: ' + r.runs.flatMap((x) => x.problems).slice(0, 3).join('; ')}`));
			}
		}
	}
}

module.exports = { runScenario, addRows, addTargets };

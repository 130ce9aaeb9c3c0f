'use strict';
/**
 * The other programs of the database and cluster steps of `npm run bench`
 * (bench/db-steps.js): a throwaway PostgreSQL 15, a redis-server and haproxy, each in a
 * temporary directory on a free loopback port, started through bench.js's `spawn`
 * (pinned and with the open-files limit raised) and stopped by pid. As in
 * test/helpers/postgres.ts and test/helpers/redis.ts: PostgreSQL is Debian's
 * (/usr/lib/postgresql/15/bin or $PARLEY_PG_BIN; initdb and postgres run as the
 * `postgres` user through runuser when this process is root), redis-server keeps
 * nothing (`--save '' --appendonly no`), and haproxy runs docs/examples/haproxy.cfg with
 * its ports replaced.
 *
 * Also: the CPU seconds of a process and of a process tree (a postmaster and its
 * backends), from /proc.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const PG_BIN = process.env.PARLEY_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const REDIS_BIN = process.env.PARLEY_REDIS_SERVER ?? '/usr/bin/redis-server';
const HAPROXY_CANDIDATES = ['/usr/sbin/haproxy', '/usr/bin/haproxy', '/usr/local/sbin/haproxy'];

/** Why PostgreSQL cannot run here, or undefined when it can. */
function postgresMissing() {
	return fs.existsSync(path.join(PG_BIN, 'postgres')) && fs.existsSync(path.join(PG_BIN, 'initdb'))
		? undefined : `PostgreSQL 15 is not installed (no ${PG_BIN}/postgres; apt-get install postgresql, or set PARLEY_PG_BIN)`;
}

/** Whether pg_stat_statements (postgresql-contrib) can be preloaded: without it PostgreSQL would not start. */
function hasPgStatStatements() {
	return fs.existsSync(path.join(PG_BIN, '..', 'lib', 'pg_stat_statements.so'));
}

function redisMissing() {
	return fs.existsSync(REDIS_BIN) ? undefined : `redis-server is not installed (no ${REDIS_BIN}; apt-get install redis-server, or set PARLEY_REDIS_SERVER)`;
}

function haproxyPath() {
	return HAPROXY_CANDIDATES.find((p) => fs.existsSync(p));
}

function haproxyMissing() {
	return haproxyPath() ? undefined : 'haproxy is not installed (apt-get install haproxy)';
}

// ---------------------------------------------------------------- CPU from /proc

/** Fields of /proc/PID/stat after the command name (index 0 = state), or undefined when gone. */
function statFields(pid) {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	} catch {
		return undefined;
	}
}

/** CPU seconds (user + system) of a process, all its threads. */
function cpuSeconds(pid) {
	const f = statFields(pid);
	return f ? (Number(f[11]) + Number(f[12])) / 100 : NaN;
}

/** The pids whose parent is `pid`. */
function childrenOf(pid) {
	const found = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (/^\d+$/.test(entry)) {
			const f = statFields(entry);
			if (f && Number(f[1]) === pid) {
				found.push(Number(entry));
			}
		}
	}
	return found;
}

/**
 * CPU seconds of a process and its children: its own, its exited (reaped) children's
 * (cutime + cstime) and its live children's. A PostgreSQL backend that exits between two
 * readings moves from the live sum into the postmaster's cutime, so differences stay right.
 */
function treeCpuSeconds(pid) {
	const f = statFields(pid);
	if (!f) {
		return NaN;
	}
	let ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
	for (const child of childrenOf(pid)) {
		const c = statFields(child);
		if (c) {
			ticks += Number(c[11]) + Number(c[12]);
		}
	}
	return ticks / 100;
}

// ---------------------------------------------------------------- helpers

function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.once('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

function accepts(port) {
	return new Promise((resolve) => {
		const c = net.connect({ host: '127.0.0.1', port }, () => {
			c.destroy();
			resolve(true);
		});
		c.once('error', () => {
			c.destroy();
			resolve(false);
		});
	});
}

async function waitUntil(test, ms, what) {
	const deadline = Date.now() + ms;
	while (!(await test())) {
		if (Date.now() > deadline) {
			throw new Error(`${what} within ${ms / 1000} s`);
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

function alive(child) {
	return child.exitCode === null && child.signalCode === null;
}

/** Sends `signal` to pid; SIGKILL to it and `extra()` after `ms`; resolves when `child` exited. */
async function stopByPid(child, pid, signal, ms, extra = () => []) {
	if (!alive(child)) {
		return;
	}
	const exited = new Promise((resolve) => child.once('exit', resolve));
	const kill = (p, s) => {
		try {
			process.kill(p, s);
		} catch {
			// Gone already.
		}
	};
	kill(pid, signal);
	let timer;
	const late = new Promise((resolve) => {
		timer = setTimeout(() => resolve('late'), ms);
	});
	if ((await Promise.race([exited, late])) === 'late') {
		for (const p of [pid, ...extra()]) {
			kill(p, 'SIGKILL');
		}
		kill(child.pid, 'SIGKILL');
		await exited;
	}
	clearTimeout(timer);
}

// ---------------------------------------------------------------- PostgreSQL

/**
 * Starts PostgreSQL 15 in a fresh temporary directory on a free loopback port.
 * `spawn(cpu, cmd, args, options)` is bench.js's pinned, limit-raising spawn.
 * `settings`: extra `-c name=value` (the bench keeps PostgreSQL's durable defaults:
 * fsync and synchronous_commit on).
 */
async function startPostgres(spawn, cpu, tmpDir, settings = []) {
	const dir = tmpDir('parley-bench-pg-');
	const asRoot = process.getuid?.() === 0;
	const as = (cmd, args) => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);
	if (asRoot) {
		const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
		const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
		fs.chownSync(dir, uid, gid);
	}
	const [icmd, iargs] = as(path.join(PG_BIN, 'initdb'), ['-D', path.join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
	const init = spawnSync(icmd, iargs, { encoding: 'utf8' });
	if (init.status !== 0) {
		throw new Error(`initdb failed (${init.status}): ${init.stderr || init.stdout}`);
	}
	const port = await freePort();
	const logFile = path.join(dir, 'postgres.log');
	const logFd = fs.openSync(logFile, 'a');
	fs.fchownSync(logFd, fs.statSync(dir).uid, fs.statSync(dir).gid);
	const [cmd, args] = as(path.join(PG_BIN, 'postgres'), [
		'-D', path.join(dir, 'data'), '-p', String(port), '-k', dir,
		'-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', ...settings.flatMap((s) => ['-c', s]),
	]);
	const child = spawn(cpu, cmd, args, { stdio: ['ignore', logFd, logFd] });
	fs.closeSync(logFd);
	const { Client } = require(path.join(ROOT, 'node_modules', 'pg'));
	const url = (db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}`;
	const pidOf = () => {
		try {
			const pid = Number(fs.readFileSync(path.join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
			return pid > 0 ? pid : undefined;
		} catch {
			return undefined;
		}
	};
	const pg = {
		kind: 'postgres', dir, port, logFile, url,
		get pid() {
			return pidOf();
		},
		async query(sql, db = 'postgres') {
			const c = new Client({ connectionString: url(db) });
			await c.connect();
			try {
				return (await c.query(sql)).rows;
			} finally {
				await c.end();
			}
		},
		/** A fresh database; its URL. */
		async createDatabase(name) {
			await pg.query(`CREATE DATABASE ${name}`);
			return url(name);
		},
		async dropDatabase(name) {
			await pg.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
		},
		/** CPU seconds of the postmaster and every backend. */
		cpu() {
			const pid = pidOf();
			return pid ? treeCpuSeconds(pid) : NaN;
		},
		/** For a signal handler: immediate shutdown (SIGQUIT) of the postmaster, synchronously. */
		stopNow() {
			const pid = pidOf();
			if (pid !== undefined && alive(child)) {
				try {
					process.kill(pid, 'SIGQUIT');
				} catch {
					// Gone already.
				}
			}
		},
		/** Fast shutdown of the postmaster by its pid (SIGKILL to it and its backends after 10 s). */
		async stop() {
			const pid = pidOf() ?? child.pid;
			await stopByPid(child, pid, 'SIGINT', 10_000, () => childrenOf(pid));
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
	try {
		await waitUntil(async () => {
			if (!alive(child)) {
				throw new Error(`PostgreSQL exited (${child.exitCode}): ${fs.readFileSync(logFile, 'utf8').slice(-1500)}`);
			}
			try {
				await pg.query('SELECT 1');
				return true;
			} catch {
				return false;
			}
		}, 30_000, 'PostgreSQL did not accept connections');
	} catch (error) {
		await pg.stop();
		throw error;
	}
	return pg;
}

// ---------------------------------------------------------------- Redis

/**
 * Starts a daemon that logs to `dir`/`log` and serves `port` on 127.0.0.1; resolves once
 * it accepts connections (and `settle` resolved), with its pid, CPU and stop(), which
 * also removes `dir`. A daemon that exits or never accepts is stopped, with its log's end.
 */
async function startDaemon(spawn, cpu, { kind, name, dir, log, port, cmd, args, fields, settle }) {
	const logFd = fs.openSync(path.join(dir, log), 'a');
	const child = spawn(cpu, cmd, args, { stdio: ['ignore', logFd, logFd] });
	fs.closeSync(logFd);
	const daemon = {
		kind, dir, port, pid: child.pid, ...fields,
		cpu: () => cpuSeconds(child.pid),
		async stop() {
			await stopByPid(child, child.pid, 'SIGTERM', 5000);
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
	try {
		await waitUntil(async () => {
			if (!alive(child)) {
				throw new Error(`${name} exited (${child.exitCode}): ${fs.readFileSync(path.join(dir, log), 'utf8').slice(-1500)}`);
			}
			return accepts(port);
		}, 15_000, `${name} did not accept connections`);
		await settle?.();
	} catch (error) {
		await daemon.stop();
		throw error;
	}
	return daemon;
}

async function startRedis(spawn, cpu, tmpDir) {
	const dir = tmpDir('parley-bench-redis-');
	const port = await freePort();
	return startDaemon(spawn, cpu, {
		kind: 'redis', name: 'redis-server', dir, log: 'redis.log', port, cmd: REDIS_BIN,
		args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
		fields: { url: `redis://127.0.0.1:${port}` },
	});
}

// ---------------------------------------------------------------- haproxy

/**
 * docs/examples/haproxy.cfg (TCP mode, leastconn, health checks of each node's /healthz on
 * its metrics port) with the front port, the nodes' ports and their metrics ports
 * replaced, and `maxconn` raised to what the clients need.
 */
function haproxyConfig(front, nodePorts, metricsPorts, maxconn) {
	const text = fs.readFileSync(path.join(ROOT, 'docs', 'examples', 'haproxy.cfg'), 'utf8');
	if (nodePorts.length !== 3) {
		throw new Error('docs/examples/haproxy.cfg names three nodes');
	}
	return text.replace('127.0.0.1:7420', `127.0.0.1:${front}`)
		.replace(/127\.0\.0\.1:742([1-3])/g, (_, n) => `127.0.0.1:${nodePorts[Number(n) - 1]}`)
		.replace(/check port 942([1-3])/g, (_, n) => `check port ${metricsPorts[Number(n) - 1]}`)
		.replace(/maxconn \d+/, `maxconn ${maxconn}`);
}

async function startHaproxy(spawn, cpu, tmpDir, nodePorts, metricsPorts, maxconn) {
	const dir = tmpDir('parley-bench-haproxy-');
	const port = await freePort();
	const cfg = path.join(dir, 'haproxy.cfg');
	fs.writeFileSync(cfg, haproxyConfig(port, nodePorts, metricsPorts, maxconn));
	return startDaemon(spawn, cpu, {
		// -db: foreground, one process (no master-worker), so its pid is the one to stop and measure.
		kind: 'haproxy', name: 'haproxy', dir, log: 'haproxy.log', port, cmd: haproxyPath(), args: ['-db', '-f', cfg],
		fields: { config: cfg },
		// Health checks every 500 ms, `rise 2`: give them time to see every node up.
		settle: () => new Promise((resolve) => setTimeout(resolve, 1500)),
	});
}

module.exports = {
	postgresMissing, hasPgStatStatements, redisMissing, haproxyMissing, startPostgres, startRedis, startHaproxy, haproxyConfig,
	cpuSeconds, treeCpuSeconds, childrenOf, freePort,
};

'use strict';
/**
 * `node bench/pg-append.js [--seconds 10] [--in-flight 100] [--stores sqlite,postgres]`:
 * message/send throughput of one `node server` process per store: SQLite (--data in a
 * temporary directory) and PostgreSQL (--database on a throwaway PostgreSQL 15 started by
 * test/helpers/postgres.ts, fsync off). `--clients C` clients join #bench and keep
 * `--in-flight` sends in flight between them; prints acknowledged sends per second.
 * (A server answers one connection's requests in order: one client measures the latency of
 * a send, many clients the throughput.) Needs `npm run build` and `npx tsc -p .` first.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');

const OUT = path.resolve(__dirname, '../out');
const { ServerProcess } = require(path.join(OUT, 'test/helpers/process.js'));
const { TestClient } = require(path.join(OUT, 'test/helpers/client.js'));
const { PostgresServer } = require(path.join(OUT, 'test/helpers/postgres.js'));

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, 'in-flight': { type: 'string', default: '100' }, stores: { type: 'string', default: 'sqlite,postgres' }, clients: { type: 'string', default: '100' } } });
const clients = Number(values.clients);
const seconds = Number(values.seconds);
const inFlight = Number(values['in-flight']);

async function measure(store) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
	let pg;
	const args = ['--port', '0', '--flood-rate', '0', '--max-per-ip', '0', '--log-level', 'warn'];
	if (store === 'postgres') {
		pg = await PostgresServer.start();
		args.push('--database', await pg.createDatabase());
	} else {
		args.push('--data', dir);
	}
	const proc = ServerProcess.start(args); proc.child.stderr.on('data', (d) => process.stderr.write(d));
	try {
		const port = await proc.port();
		const all = [];
		for (let i = 0; i < clients; i++) {
			const c = await TestClient.login(port, `bench${i}`);
			await c.connection.sendRequest('channel/join', { channel: '#bench' });
			all.push(c);
		}
		const text = 'a benchmark message with a few words to index'.padEnd(120, '.');
		let sent = 0;
		let acked = 0;
		let stop = false;
		const started = Date.now();
		await new Promise((resolve, reject) => {
			const next = (client) => {
				if (stop) {
					if (acked === sent) {
						resolve();
					}
					return;
				}
				sent++;
				client.connection.sendRequest('message/send', { to: '#bench', text: `${text} ${sent}` }).then(() => { acked++; next(client); }, reject);
			};
			for (let i = 0; i < inFlight; i++) {
				next(all[i % all.length]);
			}
			setTimeout(() => { stop = true; }, seconds * 1000);
		});
		const elapsed = (Date.now() - started) / 1000;
		all.forEach((c) => c.close());
		return { store, acked, perSecond: Math.round(acked / elapsed) };
	} finally {
		proc.kill('SIGKILL');
		await proc.exited;
		await pg?.stop();
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

(async () => {
	for (const store of values.stores.split(',')) {
		const r = await measure(store);
		console.log(`${r.store}: ${r.perSecond} sends/s acknowledged (${r.acked} in ${seconds} s, ${inFlight} in flight from ${clients} client${clients === 1 ? '' : 's'})`);
	}
})().catch((error) => {
	console.error(error);
	process.exit(1);
});

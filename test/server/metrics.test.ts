/**
 * `--metrics-port`: /healthz and /metrics of one server (SQLite here; PostgreSQL in
 * `npm run test:postgres`, where the fixture gives every server a database, and below the
 * database stopped and started under a running server). Cluster nodes: test/cluster.
 */
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { JoinChannelRequest } from '../../protocol/channels';
import { MessageNewNotification, SendMessageRequest } from '../../protocol/messages';
import { Health } from '../../server/metrics/health';
import { Exposition, Histogram } from '../../server/metrics/registry';
import { startServer } from '../../server/server';
import { eventually } from '../helpers/client';
import { useServer } from '../helpers/fixture';
import { httpRequest, metricValue, parseExposition, scrape } from '../helpers/metrics';
import { PostgresServer, testingPostgres } from '../helpers/postgres';

const FAST = { intervalMs: 100, timeoutMs: 500 };

describe('metrics port: /healthz and /metrics of a single server', () => {
	const fx = useServer({ metricsPort: 0, ircPort: 0, health: FAST });

	it('answers /healthz 200 with each check in words while the server is fine', async () => {
		const answer = await httpRequest(fx.server.metricsPort!, '/healthz');
		assert.equal(answer.status, 200, answer.body);
		assert.match(answer.headers['content-type'] ?? '', /^text\/plain/);
		assert.match(answer.body, /^clients: accepting$/m);
		assert.match(answer.body, /^database: ok \((sqlite .*parley\.db|postgres 127\.0\.0\.1:\d+\/\w+), round trip [\d.]+ ms\)$/m);
		assert.doesNotMatch(answer.body, /redis/, 'a single server has no Redis to check');
	});

	it('serves valid exposition format whose counters follow connections, messages and deliveries', async () => {
		const port = fx.server.metricsPort!;
		const before = await scrape(port);
		assert.equal(metricValue(before, 'parley_healthy'), 1);
		assert.equal(metricValue(before, 'parley_node_info', { node_id: '' }), 1);
		assert.equal(metricValue(before, 'parley_connections', { transport: 'jsonrpc' }), 0);
		assert.equal(before.get('parley_database_round_trip_seconds')?.type, 'histogram');
		assert.ok(metricValue(before, 'process_resident_memory_bytes') > 0);
		assert.ok(!before.has('parley_redis_up'), 'no Redis metrics without Redis');

		const ana = await fx.login('ana');
		const bob = await fx.login('bob');
		for (const client of [ana, bob]) {
			await client.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		}
		const irc = await new Promise<net.Socket>((resolve, reject) => {
			const socket = net.connect({ port: fx.server.ircPort!, host: '127.0.0.1' }, () => resolve(socket));
			socket.once('error', reject);
		});
		fx.closeLater(irc, (s) => s.destroy());
		await eventually(async () => metricValue(await scrape(port), 'parley_connections', { transport: 'irc' }) === 1, 'the IRC connection counted');
		const joined = await scrape(port);
		assert.equal(metricValue(joined, 'parley_connections', { transport: 'jsonrpc' }), 2);
		assert.equal(metricValue(joined, 'parley_users_online'), 2);
		assert.equal(metricValue(joined, 'parley_connections_accepted_total') - metricValue(before, 'parley_connections_accepted_total'), 3);

		const sent = 5;
		for (let i = 0; i < sent; i++) {
			await ana.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: `hello ${i}`, clientMsgId: `m${i}` });
		}
		// A retry answered from history stores nothing and delivers nothing.
		await ana.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: 'hello 0', clientMsgId: 'm0' });
		await eventually(() => bob.received(MessageNewNotification.type).length === sent, 'bob got every message');
		await bob.sync();
		const after = await scrape(port);
		assert.equal(metricValue(after, 'parley_messages_stored_total') - metricValue(joined, 'parley_messages_stored_total'), sent);
		// Each message went to bob's connection; ana's own connection had its answer instead.
		assert.equal(metricValue(after, 'parley_deliveries_total', { traffic: 'chat' }) - metricValue(joined, 'parley_deliveries_total', { traffic: 'chat' }), sent);
		assert.ok(metricValue(after, 'parley_deliveries_total', { traffic: 'presence' }) >= 1, 'bob joining was told to ana');
		assert.ok(metricValue(after, 'parley_send_queue_bytes') >= 0);
		assert.ok(metricValue(after, 'process_cpu_seconds_total') > 0);
		assert.ok(after.has('nodejs_eventloop_lag_p99_seconds'));

		bob.close();
		await eventually(async () => metricValue(await scrape(port), 'parley_connections', { transport: 'jsonrpc' }) === 1, 'bob gone from the count');
		assert.equal(metricValue(await scrape(port), 'parley_users_online'), 1);
	});

	it('answers 404 elsewhere, 405 to other methods, HEAD without a body, and survives bad requests', async () => {
		const port = fx.server.metricsPort!;
		assert.equal((await httpRequest(port, '/')).status, 404);
		assert.equal((await httpRequest(port, '/metrics/x')).status, 404);
		const post = await httpRequest(port, '/healthz', 'POST');
		assert.equal(post.status, 405);
		assert.equal(post.headers.allow, 'GET, HEAD');
		assert.equal((await httpRequest(port, '/metrics', 'DELETE')).status, 405);
		const head = await httpRequest(port, '/healthz', 'HEAD');
		assert.equal(head.status, 200);
		assert.equal(head.body, '');
		assert.equal((await httpRequest(port, '/healthz?verbose=1')).status, 200);
		// Not HTTP at all: a 400 and a closed connection, and the port still answers.
		const garbage = await new Promise<string>((resolve, reject) => {
			let text = '';
			const socket = net.connect({ port, host: '127.0.0.1' }, () => socket.write('\x00\x01 nonsense\r\n\r\n'));
			socket.setEncoding('utf8');
			socket.on('data', (d: string) => { text += d; });
			socket.on('close', () => resolve(text));
			socket.on('error', reject);
		});
		assert.match(garbage, /^HTTP\/1\.1 400/);
		assert.equal((await httpRequest(port, '/healthz')).status, 200);
	});

	it('answers /healthz 503 "shutting down" from the moment the server starts to stop', async () => {
		const port = fx.server.metricsPort!;
		// A client that never closes its side keeps the shutdown waiting (up to 2 s).
		const lingering = await new Promise<net.Socket>((resolve, reject) => {
			const socket = net.connect({ port: fx.server.port, host: '127.0.0.1', allowHalfOpen: true }, () => resolve(socket));
			socket.once('error', reject);
		});
		lingering.on('error', () => undefined);
		fx.closeLater(lingering, (s) => s.destroy());
		await eventually(async () => metricValue(await scrape(port), 'parley_connections', { transport: 'jsonrpc' }) === 1, 'the client counted');
		const stopped = fx.server.stop('maintenance');
		const answer = await httpRequest(port, '/healthz');
		assert.equal(answer.status, 503);
		assert.match(answer.body, /^clients: not accepting \(shutting down: maintenance\)$/m);
		assert.equal(metricValue(parseExposition((await httpRequest(port, '/metrics')).body), 'parley_healthy'), 0);
		await stopped;
		await assert.rejects(httpRequest(port, '/healthz'), 'the metrics port closes with the server');
	});

	it('refuses to start when the metrics port is taken, naming it', async () => {
		const taken = fx.server.metricsPort!;
		await assert.rejects(startServer({ port: 0, memory: true, metricsPort: taken, logSink: () => undefined }), new RegExp(`Metrics port ${taken} on 127\\.0\\.0\\.1 is already in use`));
		const proc = fx.spawn(['--port', '0', '--memory', '--metrics-port', String(taken)]);
		const { code } = await proc.exited;
		assert.equal(code, 1);
		assert.match(proc.stderr, new RegExp(`parley: Metrics port ${taken} on 127\\.0\\.0\\.1 is already in use.*--metrics-port`));
		assert.equal(proc.stdout, '', 'it never said it was listening');
	});

	it('`node server --metrics-port` prints where metrics are served', async () => {
		const proc = fx.spawn(['--port', '0', '--memory', '--metrics-port', '0']);
		const [, port] = await proc.waitForOutput(/metrics on 127\.0\.0\.1:(\d+)/);
		assert.equal((await httpRequest(Number(port), '/healthz')).status, 200);
		assert.equal(metricValue(await scrape(Number(port)), 'parley_node_info', { store: 'memory' }), 1);
	});
});

describe('health checks', () => {
	it('turn a database that stops answering into 503 within the timeout, and back', async () => {
		let hang = false;
		let release: (() => void) | undefined;
		const health = new Health({
			notAccepting: () => undefined,
			database: { what: 'postgres db:5432/chat', ping: () => (hang ? new Promise<void>((resolve) => { release = resolve; }) : Promise.resolve()) },
		}, { intervalMs: 50, timeoutMs: 300 });
		await health.start();
		try {
			await eventually(() => health.report().healthy && /database: ok/.test(health.report().text), 'healthy at first');
			hang = true;
			const hungAt = Date.now();
			await eventually(() => !health.report().healthy, 'unhealthy once a ping hangs', 3000);
			assert.ok(Date.now() - hungAt >= 300, 'not before the timeout');
			assert.match(health.report().text, /^database: not answering \(postgres db:5432\/chat\) for \d+\.\d s$/m);
			hang = false;
			release!();
			await eventually(() => health.report().healthy, 'healthy again once it answers');
		} finally {
			health.stop();
		}
	});

	it('say since when and why a database is unreachable', async () => {
		const health = new Health({
			notAccepting: () => undefined,
			database: { what: 'postgres db:5432/chat', ping: () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.1:5432')) },
		}, { intervalMs: 50, timeoutMs: 300 });
		await health.start();
		try {
			await eventually(() => !health.report().healthy, 'unhealthy');
			assert.match(health.report().text, /^database: unreachable \(postgres db:5432\/chat\) since \d+\.\d s: connect ECONNREFUSED 10\.0\.0\.1:5432$/m);
		} finally {
			health.stop();
		}
	});
});

describe('exposition format', () => {
	it('escapes label values and help text, and writes cumulative histograms', () => {
		const histogram = new Histogram([0.1, 1]);
		[0.05, 0.5, 0.5, 3].forEach((v) => histogram.observe(v));
		const text = new Exposition()
			.gauge('x_info', 'a "help" with \\ and\nnewline', [[{ v: 'a"b\\c\nd' }, 1]])
			.counter('x_total', 'n', 3)
			.histogram('x_seconds', 'h', histogram)
			.text();
		const families = parseExposition(text);
		assert.equal(families.get('x_info')?.help, 'a "help" with \\\\ and\\nnewline');
		assert.equal(families.get('x_info')?.samples[0].labels.v, 'a"b\\c\nd');
		assert.deepEqual(families.get('x_seconds')?.samples.map((s) => s.value), [1, 3, 4, 4.05, 4]);
		assert.throws(() => new Exposition().counter('x_total', 'n', 1).gauge('x_total', 'again', 2), /written twice/);
	});
});

if (testingPostgres()) {
	describe('metrics port: a server whose PostgreSQL stops and starts again', () => {
		const fx = useServer({}, { start: false });
		let pg: PostgresServer | undefined;
		afterEach(async () => {
			await pg?.stop();
			pg = undefined;
		});

		it('answers /healthz 503 naming the database while it is down, and 200 once it is back', async () => {
			pg = await PostgresServer.start();
			const url = await pg.createDatabase();
			const server = await fx.start({ database: url, metricsPort: 0, health: FAST });
			const port = server.metricsPort!;
			const where = `postgres 127\\.0\\.0\\.1:${pg.port}/${url.split('/').pop()!}`;
			assert.match((await httpRequest(port, '/healthz')).body, new RegExp(`^database: ok \\(${where}, `, 'm'));

			await pg.pause();
			await eventually(async () => (await httpRequest(port, '/healthz')).status === 503, '503 while PostgreSQL is down', 5000);
			const down = await httpRequest(port, '/healthz');
			assert.match(down.body, new RegExp(`^database: (unreachable|not answering) \\(${where}\\) (since|for) \\d`));
			assert.match(down.body, /^clients: accepting$/m);
			assert.equal(metricValue(await scrape(port), 'parley_database_up'), 0);

			await pg.resume();
			await eventually(async () => (await httpRequest(port, '/healthz')).status === 200, '200 once PostgreSQL is back', 10_000);
			assert.equal(metricValue(await scrape(port), 'parley_database_up'), 1);
		});
	});
}

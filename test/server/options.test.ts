import * as assert from 'node:assert/strict';
import { DEFAULT_OPTIONS, OptionsError, parseOptions, usage } from '../../server/options';

describe('server options', () => {
	it('defaults to 127.0.0.1:7420 with history in ./.parley', () => {
		const options = parseOptions([], {});
		assert.deepEqual(options, DEFAULT_OPTIONS);
		assert.equal(DEFAULT_OPTIONS.host, '127.0.0.1');
		assert.equal(DEFAULT_OPTIONS.port, 7420);
		assert.equal(DEFAULT_OPTIONS.dataDir, './.parley');
	});

	it('reads flags, --flag=value and PARLEY_* variables, flags winning', () => {
		const options = parseOptions(
			['--port=7000', '--channels', 'General,#random', '--no-create', '--motd', 'hi', '--memory'],
			{ PARLEY_PORT: '9000', PARLEY_HOST: '::1', PARLEY_MAX_CLIENTS: '5', PARLEY_LOG_LEVEL: 'debug' },
		);
		assert.ok(options !== 'help');
		assert.equal(options.port, 7000);
		assert.equal(options.host, '::1');
		assert.equal(options.maxClients, 5);
		assert.deepEqual(options.channels, ['#general', '#random']);
		assert.equal(options.noCreate, true);
		assert.equal(options.memory, true);
		assert.equal(options.motd, 'hi');
		assert.equal(options.logLevel, 'debug');
	});

	it('explains every bad value', () => {
		const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
			[['--port', '70000'], {}, /--port must be from 0 to 65535; got 70000/],
			[['--bogus'], {}, /Unknown option '--bogus'. Run 'node server --help'/],
			[['--port'], {}, /--port needs a value/],
			[['--channels', 'ok,not ok'], {}, /'#not ok' is not a valid channel/],
			[['--log-level', 'loud'], {}, /must be one of silent, error, warn, info, debug/],
			[[], { PARLEY_MEMORY: 'maybe' }, /--memory takes true or false/],
			[['--database', 'mysql://root:pw@db/x'], {}, /--database takes a PostgreSQL URL such as postgres:\/\/.* not 'mysql:\/\/root:\*\*\*@db\/x'/],
			[['--memory'], { PARLEY_DATABASE_URL: 'postgres://db/x' }, /--memory and --database cannot go together/],
		];
		for (const [argv, env, message] of cases) {
			assert.throws(() => parseOptions(argv, env), (e: unknown) => e instanceof OptionsError && message.test(e.message), argv.join(' '));
		}
	});

	it('reads a cluster node\'s Redis URL and node id, which need a database', () => {
		const options = parseOptions(['--database', 'postgres://p@127.0.0.1/parley', '--node-id', 'n1'], { PARLEY_REDIS_URL: 'redis://127.0.0.1:6379' });
		assert.ok(options !== 'help');
		assert.equal(options.redis, 'redis://127.0.0.1:6379');
		assert.equal(options.nodeId, 'n1');
		const cases: [string[], RegExp][] = [
			[['--redis', 'redis://127.0.0.1:6379'], /needs the database the nodes share: add --database/],
			[['--redis', '127.0.0.1:6379', '--database', 'postgres://p@h/db'], /--redis takes a URL such as redis:\/\/127.0.0.1:6379/],
			[['--node-id', 'n1'], /--node-id names a cluster node: it needs --redis/],
			[['--node-id', 'a b', '--redis', 'redis://h', '--database', 'postgres://p@h/db'], /--node-id takes 1 to 64 letters/],
		];
		for (const [argv, message] of cases) {
			assert.throws(() => parseOptions(argv, {}), (e: unknown) => e instanceof OptionsError && message.test(e.message), argv.join(' '));
		}
		assert.match(usage(), /--redis VALUE.*\[PARLEY_REDIS_URL\]/);
		assert.match(usage(), /--node-id VALUE.*PARLEY_NODE_ID\]/);
	});

	it('reads the metrics port and host, the host only with a port', () => {
		const options = parseOptions(['--metrics-port', '9421'], { PARLEY_METRICS_HOST: '10.0.0.7' });
		assert.ok(options !== 'help');
		assert.equal(options.metricsPort, 9421);
		assert.equal(options.metricsHost, '10.0.0.7');
		const fromEnv = parseOptions([], { PARLEY_METRICS_PORT: '0' });
		assert.ok(fromEnv !== 'help');
		assert.equal(fromEnv.metricsPort, 0);
		assert.equal(fromEnv.metricsHost, undefined, 'the listener defaults to 127.0.0.1');
		assert.throws(() => parseOptions(['--metrics-port', 'http'], {}), /--metrics-port takes a whole number from 0 to 65535/);
		assert.throws(() => parseOptions(['--metrics-host', '0.0.0.0'], {}), /--metrics-host needs --metrics-port/);
		assert.match(usage(), /--metrics-port VALUE .*\/healthz and \/metrics.*\[PARLEY_METRICS_PORT\]/);
		assert.match(usage(), /--metrics-host VALUE .*default 127\.0\.0\.1.*\[PARLEY_METRICS_HOST\]/);
	});

	it('documents every option with its variable', () => {
		assert.equal(parseOptions(['--help']), 'help');
		const text = usage();
		for (const flag of ['--host', '--port', '--data', '--memory', '--max-clients', '--channels', '--no-create', '--motd', '--log-level']) {
			assert.ok(text.includes(flag), flag);
		}
		assert.match(text, /PARLEY_MAX_CLIENTS/);
		assert.match(text, /--database VALUE .*PostgreSQL.* \[PARLEY_DATABASE_URL\]/);
		assert.match(text, /node server migrate --from/);
	});

	it('reads --database from PARLEY_DATABASE_URL, the flag winning', () => {
		const fromEnv = parseOptions([], { PARLEY_DATABASE_URL: 'postgres://parley@db:5432/chat' });
		assert.ok(fromEnv !== 'help');
		assert.equal(fromEnv.database, 'postgres://parley@db:5432/chat');
		const fromFlag = parseOptions(['--database', 'postgresql://other/x'], { PARLEY_DATABASE_URL: 'postgres://parley@db:5432/chat' });
		assert.ok(fromFlag !== 'help');
		assert.equal(fromFlag.database, 'postgresql://other/x');
	});

	it('takes the bench-only --bench-no-search-index without showing it in --help', () => {
		const options = parseOptions(['--bench-no-search-index'], {});
		assert.ok(options !== 'help');
		assert.equal(options.noSearchIndex, true);
		assert.equal(DEFAULT_OPTIONS.noSearchIndex, false);
		assert.ok(!usage().includes('search-index'));
	});
});

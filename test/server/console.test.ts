import * as assert from 'node:assert/strict';
import { JoinChannelRequest, LeaveChannelRequest, MemberLeftNotification } from '../../protocol/channels';
import { SendMessageRequest } from '../../protocol/messages';
import { KickedNotification, NoticeNotification, ShutdownNotification } from '../../protocol/lifecycle';
import { TestClient } from '../helpers/client';
import { useServer } from '../helpers/fixture';
import type { ServerProcess } from '../helpers/process';

describe('node server: console, signals, log', function () {
	this.timeout(20_000);
	const fx = useServer({}, { start: false });
	let proc: ServerProcess;
	const login = async (port: number, nick: string): Promise<TestClient> => fx.closeLater(await TestClient.login(port, nick), (c) => c.close());

	/** Types a console command; resolves with what it printed once that matches `expect`. */
	const command = async (line: string, expect: RegExp): Promise<string> => {
		const start = proc.stdout.length;
		proc.child.stdin.write(line + '\n');
		await proc.waitForOutput(expect, 'stdout', 5000, start);
		return proc.stdout.slice(start);
	};

	it('runs the operator commands: /help, /count, /list, /broadcast, /kick, unknown, /shutdown', async () => {
		proc = fx.spawn(['--port', '0', '--data', fx.tempDir(), '--console']);
		const port = await proc.port();
		const ana = await login(port, 'ana');
		const bob = await login(port, 'bob');
		await ana.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		await bob.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });

		assert.match(await command('/help', /\/shutdown/), /\/kick NICK \[reason\]/);
		assert.match(await command('/count', /online/), /2 users online, 2 connections/);
		const list = await command('/list', /bob/);
		assert.match(list, /NICK\s+ADDRESS\s+CHANNELS\s+CONNECTED SINCE/);
		assert.match(list, /ana\s+127\.0\.0\.1:\d+\s+#general\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/);
		assert.match(await command('/broadcast Maintenance at noon', /Notice sent/), /Notice sent to 2 users/);
		assert.deepEqual(await ana.waitFor(NoticeNotification.type), { text: 'Maintenance at noon' });
		assert.deepEqual(await bob.waitFor(NoticeNotification.type), { text: 'Maintenance at noon' });
		assert.match(await command('/kick bob be nice', /Kicked|No one/), /Kicked bob: be nice/);
		assert.deepEqual(await bob.waitFor(KickedNotification.type), { reason: 'be nice' });
		await bob.closed;
		assert.deepEqual(await ana.waitFor(MemberLeftNotification.type), { channel: '#general', nick: 'bob', reason: 'kicked: be nice' });
		assert.match(await command('/kick nobody', /No one|Kicked/), /No one named 'nobody' is online/);
		assert.match(await command('/frobnicate', /Unknown/), /Unknown command '\/frobnicate'; type \/help/);
		assert.match(await command('hello', /Commands start/), /Commands start with '\/'/);

		await command('/shutdown back in 5', /Shutting down/);
		assert.deepEqual(await ana.waitFor(ShutdownNotification.type), { reason: 'back in 5' });
		await ana.closed;
		assert.equal((await proc.exited).code, 0);
	});

	for (const signal of ['SIGTERM', 'SIGINT'] as const) {
		it(`shuts down gracefully on ${signal}: tells clients, exits 0, history kept`, async () => {
			const dataDir = fx.tempDir();
			proc = fx.spawn(['--port', '0', '--data', dataDir]);
			const port = await proc.port();
			const ana = await login(port, 'ana');
			await ana.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
			const { message } = await ana.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: 'kept' });
			proc.kill(signal);
			const notice = await ana.waitFor(ShutdownNotification.type);
			assert.match(notice.reason, new RegExp(`shutting down \\(${signal}\\)`));
			await ana.closed;
			assert.equal((await proc.exited).code, 0);
			assert.match(proc.stderr, /stopped: server shutting down/);
			await fx.start({ dataDir });
			const bob = await fx.login('bob');
			assert.deepEqual((await bob.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' })).history, [message]);
		});
	}

	it('logs start, connect, nick, join, leave and disconnect with the client count', async () => {
		proc = fx.spawn(['--port', '0', '--memory']);
		const port = await proc.port();
		const ana = await login(port, 'ana');
		await ana.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		await ana.connection.sendRequest(LeaveChannelRequest.type, { channel: '#general' });
		ana.close();
		await proc.waitForOutput(/disconnect ana/, 'stderr');
		const log = proc.stderr;
		for (const pattern of [/info {2}\[server\] started/, /connect 127\.0\.0\.1:\d+; 1 connected/, /nick ana set by 127\.0\.0\.1/, /join ana #general/, /leave ana #general/, /disconnect ana \(127\.0\.0\.1:\d+\): connection lost; 0 connected/]) {
			assert.match(log, pattern);
		}
	});

	it('refuses bad options with a clear message and exit code 2', async () => {
		proc = fx.spawn(['--port', 'seventy']);
		assert.equal((await proc.exited).code, 2);
		assert.match(proc.stderr, /--port takes a whole number from 0 to 65535, not 'seventy'/);
	});

	it('says so when the port is taken', async () => {
		const first = fx.spawn(['--port', '0', '--memory']);
		const port = await first.port();
		proc = fx.spawn(['--port', String(port), '--memory']);
		assert.equal((await proc.exited).code, 1);
		assert.match(proc.stderr, new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is already in use`));
	});
});

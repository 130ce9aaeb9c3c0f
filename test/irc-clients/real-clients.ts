/**
 * Real IRC clients from Debian against a Parley server's IRC port, talking with a
 * JSON-RPC client: ii (FIFO in, files out), weechat-headless (SASL PLAIN; commands at
 * start, what it shows through its logger files) and irssi under tmux (send-keys in,
 * capture-pane out). Run by `npm run test:irc-clients` (needs
 * `apt-get install ii weechat-headless irssi tmux`).
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RegisterRequest } from '../../protocol/account';
import { JoinChannelRequest, MemberJoinedNotification, MemberLeftNotification } from '../../protocol/channels';
import { MessageNewNotification, SendMessageRequest } from '../../protocol/messages';
import { PresenceNotification, SetStatusRequest } from '../../protocol/users';
import { eventually } from '../helpers/client';
import { useServer } from '../helpers/fixture';

function run(fx: ReturnType<typeof useServer>, command: string, args: string[]): ChildProcess {
	const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
	child.stderr?.setEncoding('utf8');
	child.on('error', (error) => assert.fail(`${command}: ${error.message}`));
	return fx.closeLater(child, (c) => c.kill('SIGKILL'));
}

function read(file: string): string {
	try {
		return fs.readFileSync(file, 'utf8');
	} catch {
		return '';
	}
}

describe('real IRC clients', function () {
	this.timeout(60_000);
	const fx = useServer({ ircPort: 0 });

	it('ii: joins, talks both ways with a JSON-RPC client, DMs, and sees recent history on join', async () => {
		const rpc = await fx.login('vera');
		await rpc.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		await rpc.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: 'said before ii came' });
		const dir = fx.tempDir();
		run(fx, 'ii', ['-s', '127.0.0.1', '-p', String(fx.server.ircPort), '-n', 'iiuser', '-i', dir]);
		const server = path.join(dir, '127.0.0.1');
		await eventually(() => fs.existsSync(path.join(server, 'in')) && read(path.join(server, 'out')).includes('Welcome to the Parley'), 'ii connected');
		fs.writeFileSync(path.join(server, 'in'), '/j #general\n');
		await rpc.waitFor(MemberJoinedNotification.type, (p) => p.nick === 'iiuser');
		const channelOut = path.join(server, '#general', 'out');
		await eventually(() => read(channelOut).includes('<vera> said before ii came'), 'history replayed to ii on join', 10_000);

		await rpc.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: 'hello ii' });
		await eventually(() => read(channelOut).includes('<vera> hello ii'), 'ii shows the message', 10_000);
		fs.writeFileSync(path.join(server, '#general', 'in'), 'hello vera\n');
		const got = await rpc.waitFor(MessageNewNotification.type, (p) => p.message.from === 'iiuser');
		assert.equal(got.message.text, 'hello vera');
		assert.equal(got.message.to, '#general');

		fs.writeFileSync(path.join(server, 'in'), '/j vera a direct one\n');
		const dm = await rpc.waitFor(MessageNewNotification.type, (p) => p.message.from === 'iiuser' && p.message.to === 'vera');
		assert.equal(dm.message.text, 'a direct one');
		await rpc.connection.sendRequest(SendMessageRequest.type, { to: 'iiuser', text: 'direct back' });
		await eventually(() => read(path.join(server, 'vera', 'out')).includes('<vera> direct back'), 'ii shows the DM', 10_000);
	});

	it('weechat-headless: signs in with SASL PLAIN, joins, talks both ways', async () => {
		const owner = await fx.login('weeacct');
		await owner.connection.sendRequest(RegisterRequest.type, { password: 'sasl-password' });
		owner.close();
		await owner.closed;
		const rpc = await fx.login('vera');
		await rpc.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		await rpc.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: 'history for weechat' });
		const dir = fx.tempDir();
		const commands = [
			'/set logger.file.flush_delay 0',
			'/set logger.file.path ' + path.join(dir, 'logs'),
			`/server add parley 127.0.0.1/${fx.server.ircPort} -notls -nicks=someone -sasl_mechanism=plain -sasl_username=weeacct -sasl_password=sasl-password`,
			// Run after the welcome, in order: the server handles a client's lines one by one.
			'/set irc.server.parley.command "/join #general\\;/msg #general hello from weechat"',
			'/connect parley',
		].join(';');
		run(fx, 'weechat-headless', ['--dir', dir, '--run-command', commands]);
		await rpc.waitFor(MemberJoinedNotification.type, (p) => p.nick === 'weeacct', 20_000);
		const log = (): string => {
			const logs = path.join(dir, 'logs');
			const file = fs.existsSync(logs) ? fs.readdirSync(logs).find((f) => f.includes('#general')) : undefined;
			return file === undefined ? '' : read(path.join(logs, file));
		};
		await eventually(() => log().includes('history for weechat'), 'weechat shows the history', 10_000);
		await rpc.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: 'hello weechat' });
		await eventually(() => /vera\thello weechat/.test(log()), 'weechat logs the message', 10_000);
		const got = await rpc.waitFor(MessageNewNotification.type, (p) => p.message.from === 'weeacct', 10_000);
		assert.equal(got.message.text, 'hello from weechat');
	});

	it('irssi under tmux: joins, talks both ways, DMs, away both ways, notices, PART with a reason', async () => {
		const rpc = await fx.login('vera');
		await rpc.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		const home = fx.tempDir();
		const socketName = `parley-irc-test-${process.pid}`;
		const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socketName, ...args], { encoding: 'utf8' });
		tmux('new-session', '-d', '-s', 'irssi', '-x', '200', '-y', '50', `irssi --home=${home} -n irssiuser -c 127.0.0.1 -p ${fx.server.ircPort}`);
		fx.closeLater(socketName, () => {
			try {
				tmux('kill-server');
			} catch {
				// already gone
			}
		});
		const screen = (): string => tmux('capture-pane', '-p', '-t', 'irssi', '-S', '-200');
		await eventually(() => screen().includes('Welcome to the Parley'), 'irssi connected', 10_000);
		tmux('send-keys', '-t', 'irssi', '/join #general', 'Enter');
		await rpc.waitFor(MemberJoinedNotification.type, (p) => p.nick === 'irssiuser');
		tmux('send-keys', '-t', 'irssi', 'hello from irssi', 'Enter');
		const got = await rpc.waitFor(MessageNewNotification.type, (p) => p.message.from === 'irssiuser');
		assert.equal(got.message.text, 'hello from irssi');
		await rpc.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: 'hi irssi' });
		await eventually(() => /vera> hi irssi/.test(screen()), 'irssi shows the message', 10_000);
		tmux('send-keys', '-t', 'irssi', '/msg vera direct from irssi', 'Enter');
		const dm = await rpc.waitFor(MessageNewNotification.type, (p) => p.message.to === 'vera');
		assert.equal(dm.message.text, 'direct from irssi');

		// Away both ways, a notice both ways, and a PART reason.
		tmux('send-keys', '-t', 'irssi', '/away gone fishing', 'Enter');
		const away = await rpc.waitFor(PresenceNotification.type, (p) => p.nick === 'irssiuser' && p.status === 'away');
		assert.equal(away.text, 'gone fishing');
		await rpc.connection.sendRequest(SetStatusRequest.type, { status: 'away', text: 'in a meeting' });
		// irssi shows a WHOIS answer in the query window of that nick.
		tmux('send-keys', '-t', 'irssi', '/whois vera', 'Enter');
		tmux('send-keys', '-t', 'irssi', '/window goto vera', 'Enter');
		await eventually(() => /away\s*: in a meeting/.test(screen()), 'irssi shows vera away in WHOIS', 10_000).catch((error: Error) => {
			throw new Error(`${error.message}\n${screen()}`);
		});
		tmux('send-keys', '-t', 'irssi', '/window goto #general', 'Enter');
		tmux('send-keys', '-t', 'irssi', '/notice #general heads up', 'Enter');
		const notice = await rpc.waitFor(MessageNewNotification.type, (p) => p.message.text === 'heads up');
		assert.equal(notice.message.notice, true);
		await rpc.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: 'build is green', notice: true });
		await eventually(() => /-vera[^\n]*build is green/.test(screen()), 'irssi shows the notice as a notice', 10_000).catch((error: Error) => {
			throw new Error(`${error.message}\n${screen()}`);
		});
		tmux('send-keys', '-t', 'irssi', '/part #general see you tomorrow', 'Enter');
		const left = await rpc.waitFor(MemberLeftNotification.type, (p) => p.nick === 'irssiuser');
		assert.deepEqual(left, { channel: '#general', nick: 'irssiuser', reason: 'see you tomorrow', voluntary: true });
	});
});

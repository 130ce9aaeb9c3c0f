import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Commands } from '../../extension/constants';
import { createHarness, selfSigned } from './harness';
import { eventually } from './fakeVscode';
import { useFakeExtension } from './fakeExtension';

/** Passwords, TLS settings and trace redaction through the commands, on the fake `vscode` against a real server. */
describe('extension host: passwords and TLS (fake vscode API, real server)', function () {
	this.timeout(10_000);
	const h = createHarness();
	const ext = useFakeExtension(h);
	const { activate } = ext;

	const run = (command: string) => ext.fake.commands.get(command)!();

	async function registered(port: number, nick: string, password: string): Promise<void> {
		const owner = await h.login(port, nick);
		await owner.register(password);
		await owner.disconnect();
	}

	it('Register Nickname asks for the password twice, saves it, and Connect sends it next time', async () => {
		const server = await h.server();
		activate({ 'parley.server.port': server.port, 'parley.nickname': 'Kim' });
		await run(Commands.connect);

		ext.fake.answerInput = (o) => (o.password ? 'correct horse' : undefined);
		await run(Commands.registerNickname);
		assert.deepEqual(ext.fake.inputs.map((i) => [i.title, i.password]), [['Parley: Register Kim', true], ['Parley: Register Kim', true]]);
		assert.equal(ext.fake.secrets.get(`parley.password/127.0.0.1:${server.port}/kim`), 'correct horse');
		assert.ok(ext.fake.shown.some((s) => s.level === 'info' && s.text.includes('"Kim" is registered') && s.text.includes('secret storage')));
		assert.equal(Object.keys(ext.fake.config).some((k) => k.includes('password')), false, 'nothing in settings');

		await run(Commands.disconnect);
		ext.fake.inputs.length = 0;
		await run(Commands.connect);
		assert.match(ext.fake.statusBar.text, /comment-discussion/);
		assert.deepEqual(ext.fake.inputs, [], 'the saved password was sent without asking');
	});

	it('Register Nickname changes nothing when the two passwords differ', async () => {
		const server = await h.server();
		activate({ 'parley.server.port': server.port, 'parley.nickname': 'kim' });
		await run(Commands.connect);
		const answers = ['correct horse', 'correct h0rse'];
		ext.fake.answerInput = () => answers.shift();
		await run(Commands.registerNickname);
		assert.ok(ext.fake.shown.some((s) => s.level === 'error' && /did not match/.test(s.text)));
		assert.equal(ext.fake.secrets.size, 0);
		await run(Commands.disconnect);
		assert.equal((await h.login(server.port, 'kim')).isRegistered, false, 'anyone may still take kim');
	});

	it('asks for the password of a registered nick with the server\'s message, again when wrong, then offers to remember it', async () => {
		const server = await h.server();
		await registered(server.port, 'kim', 'correct horse');
		const answers = ['wrong horse', 'correct horse'];
		ext.fake.answerInput = () => answers.shift();
		ext.fake.answerMessage = (_text, items) => (items.includes('Remember') ? 'Remember' : undefined);
		activate({ 'parley.server.port': server.port, 'parley.nickname': 'kim' });
		await run(Commands.connect);
		assert.deepEqual(ext.fake.inputs.map((i) => i.password), [true, true]);
		assert.match(ext.fake.inputs[0].prompt ?? '', /Nickname 'kim' is registered: send its password/);
		assert.match(ext.fake.inputs[1].prompt ?? '', /Wrong password for 'kim'/);
		assert.match(ext.fake.statusBar.text, /comment-discussion/);
		await eventually(() => ext.fake.secrets.get(`parley.password/127.0.0.1:${server.port}/kim`) === 'correct horse', 'the password to be saved');
		assert.ok(ext.fake.shown.some((s) => s.text.startsWith(`Parley: remember the password for kim on 127.0.0.1:${server.port}?`)));
	});

	it('does not save a typed password the user chose not to remember, and gives up quietly on Escape', async () => {
		const server = await h.server();
		await registered(server.port, 'kim', 'correct horse');
		activate({ 'parley.server.port': server.port, 'parley.nickname': 'kim' });
		await run(Commands.connect);
		assert.equal(ext.fake.inputs.length, 1, 'asked once, dismissed');
		assert.match(ext.fake.statusBar.text, /debug-disconnect/);
		ext.fake.answerInput = () => 'correct horse';
		ext.fake.answerMessage = () => 'Not Now';
		await run(Commands.connect);
		await eventually(() => ext.fake.shown.some((s) => s.text.includes('remember the password')), 'the offer');
		assert.equal(ext.fake.secrets.size, 0);
	});

	it('asks for the server password of a private server, saves it per server, and Forget Saved Passwords deletes it', async () => {
		const server = await h.server({ password: 'server-secret' });
		ext.fake.answerInput = (o) => (o.password ? 'server-secret' : undefined);
		ext.fake.answerMessage = (_text, items) => (items.includes('Remember') ? 'Remember' : items.includes('Forget') ? 'Forget' : undefined);
		activate({ 'parley.server.port': server.port, 'parley.nickname': 'kim' });
		await run(Commands.connect);
		assert.equal(ext.fake.inputs[0].title, `Parley: Server Password for 127.0.0.1:${server.port}`);
		assert.match(ext.fake.inputs[0].prompt ?? '', /This server is private/);
		const key = `parley.serverPassword/127.0.0.1:${server.port}`;
		await eventually(() => ext.fake.secrets.get(key) === 'server-secret', 'the server password to be saved');

		await run(Commands.disconnect);
		ext.fake.inputs.length = 0;
		await run(Commands.connect);
		assert.deepEqual(ext.fake.inputs, [], 'the saved server password was sent');
		assert.match(ext.fake.statusBar.text, /comment-discussion/);

		await run(Commands.forgetPasswords);
		assert.ok(ext.fake.shown.some((s) => s.level === 'warn' && /forget the saved password\?/.test(s.text)));
		assert.equal(ext.fake.secrets.get(key), undefined);
		assert.equal(ext.fake.secrets.get('parley.passwords'), '[]');
		await run(Commands.forgetPasswords);
		assert.equal(ext.fake.shown.at(-1)?.text, 'Parley: there are no saved passwords.');
	});

	it('keeps passwords and the resume token out of a verbose RPC trace', async () => {
		const server = await h.server();
		activate({ 'parley.server.port': server.port, 'parley.nickname': 'kim', 'parley.trace.server': 'verbose' });
		await run(Commands.connect);
		ext.fake.answerInput = () => 'correct horse';
		await run(Commands.registerNickname);
		await run(Commands.disconnect);
		await run(Commands.connect);
		const token = server.hub.holder('kim')?.resumeToken;
		assert.ok(token);
		const log = ext.fake.log.join('\n');
		assert.match(log, /Sending request 'account\/register/);
		assert.match(log, /"password": "\*\*\*"/);
		assert.match(log, /"resumeToken": "\*\*\*"/);
		assert.ok(!log.includes('correct horse'), 'no password in the log');
		assert.ok(!log.includes(token), 'no resume token in the log');
	});

	it('connects over TLS with parley.server.tlsCaFile, and names the path and setting when the file is missing', async () => {
		const dir = h.tempDir();
		const files = selfSigned(dir);
		const server = await h.server({ tlsCert: files.cert, tlsKey: files.key, memory: true });
		const missing = path.join(dir, 'missing.pem');
		activate({ 'parley.server.port': server.port, 'parley.nickname': 'kim', 'parley.server.tls': true, 'parley.server.tlsCaFile': missing });
		await run(Commands.connect);
		const error = ext.fake.shown.find((s) => s.level === 'error');
		assert.ok(error?.text.includes(`"${missing}"`) && error.text.includes('parley.server.tlsCaFile'), error?.text);

		ext.fake.config['parley.server.tlsCaFile'] = files.cert;
		ext.fake.onConfigurationChange.fire({ affectsConfiguration: (section) => 'parley.server.tlsCaFile'.startsWith(section) });
		await run(Commands.connect);
		assert.match(ext.fake.statusBar.text, /comment-discussion/);
		assert.ok(ext.fake.log.some((l) => l.includes('activated; server 127.0.0.1') && l.includes('(TLS)')));
	});
	it('/nick to a registered nick asks for its password, again when wrong, then offers to remember it', async () => {
		const server = await h.server();
		await registered(server.port, 'owner', 'correct horse');
		activate({ 'parley.server.port': server.port, 'parley.nickname': 'kim' });
		await run(Commands.connect);
		const panel = ext.fake.panels[0];
		panel.fromWebview({ type: 'ready' });
		const notices = (): string[] => (panel.posted as { type: string; text?: string }[]).filter((m) => m.type === 'notice').map((m) => m.text ?? '');

		// Escape: nothing changes, and the panel says why.
		ext.fake.answerInput = () => undefined;
		panel.fromWebview({ type: 'nick', nick: 'owner' });
		await eventually(() => notices().some((t) => t.includes('"owner" is registered and needs its password')), 'the notice after Escape');
		assert.equal(ext.fake.inputs.length, 1);
		assert.equal(ext.fake.inputs[0].title, 'Parley: Password for owner');
		assert.match(ext.fake.inputs[0].prompt ?? '', /Nickname 'owner' is registered: send its password/);

		ext.fake.inputs.length = 0;
		const answers = ['wrong horse', 'correct horse'];
		ext.fake.answerInput = () => answers.shift();
		ext.fake.answerMessage = (_text, items) => (items.includes('Remember') ? 'Remember' : undefined);
		panel.fromWebview({ type: 'nick', nick: 'owner' });
		await eventually(() => notices().includes('You are now known as owner.'), 'the nick change');
		assert.deepEqual(ext.fake.inputs.map((i) => i.password), [true, true]);
		assert.match(ext.fake.inputs[1].prompt ?? '', /Wrong password for 'owner'/);
		await eventually(() => ext.fake.secrets.get(`parley.password/127.0.0.1:${server.port}/owner`) === 'correct horse', 'the password to be saved');
		assert.equal(ext.fake.secrets.has(`parley.password/127.0.0.1:${server.port}/kim`), false);
	});
});

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { HostMessage } from '../../protocol/webview';
import { Commands } from '../../extension/constants';
import { createHarness, waitFor } from './harness';
import { eventually, type FakePanel } from './fakeVscode';
import { useFakeExtension } from './fakeExtension';

const root = path.resolve(__dirname, '../../..');

function posted(panel: FakePanel): HostMessage[] {
	return panel.posted as HostMessage[];
}

/** The extension's wiring, run on a stand-in `vscode` module against a real server. */
describe('extension host wiring (fake vscode API, real server)', function () {
	this.timeout(10_000);
	const h = createHarness();
	const ext = useFakeExtension(h);
	const { activate } = ext;

	it('registers every command and shows the status bar offline', () => {
		activate({});
		assert.deepEqual([...ext.fake.commands.keys()].sort(), Object.values(Commands).sort());
		assert.match(ext.fake.statusBar.text, /debug-disconnect/);
		assert.equal(ext.fake.statusBar.command, Commands.openChat);
	});

	it('connects with progress, opens the panel with a strict CSP, and sends state only after ready', async () => {
		const server = await h.server();
		activate({ 'parley.server.port': server.port, 'parley.nickname': 'kim', 'parley.trace.server': 'messages' });
		await ext.fake.commands.get(Commands.connect)!();
		assert.deepEqual(ext.fake.progress, [`Parley: connecting to 127.0.0.1:${server.port} as kim…`]);
		assert.ok(ext.fake.log.some((l) => /\[rpc\] Sending request 'initialize/.test(l)), 'parley.trace.server traces RPC traffic');
		assert.equal(ext.fake.panels.length, 1);
		const panel = ext.fake.panels[0];
		assert.equal(panel.viewType, 'parleyChat');
		assert.equal(panel.webview.options.enableScripts, true);
		assert.deepEqual(panel.webview.options.localResourceRoots?.map((u) => path.relative(root, u.path)).sort(), ['dist', 'media']);
		const html = panel.webview.html;
		const nonce = /script-src 'nonce-([^']+)'/.exec(html)?.[1];
		assert.ok(nonce && nonce.length >= 16, 'a nonce in the CSP');
		assert.match(html, /default-src 'none'/);
		assert.ok(html.includes(`<script nonce="${nonce}" src="https://fake.vscode-cdn.net${root}/dist/webview.js"></script>`));
		assert.ok(html.includes(`href="https://fake.vscode-cdn.net${root}/media/chat.css"`));
		assert.ok(html.includes(`href="https://fake.vscode-cdn.net${root}/dist/codicons/codicon.css"`));
		assert.ok(html.includes('<div id="app"></div>'));
		assert.equal((html.match(/<script/g) ?? []).length, 1);
		assert.equal(panel.posted.length, 0, 'nothing before ready');

		panel.fromWebview({ type: 'ready' });
		const connection = posted(panel).find((m) => m.type === 'connection');
		assert.deepEqual(connection, { type: 'connection', state: 'connected', server: `127.0.0.1:${server.port}`, nick: 'kim' });
		assert.ok(posted(panel).some((m) => m.type === 'conversations'));
		assert.match(ext.fake.statusBar.text, /comment-discussion/);
		assert.equal(ext.fake.globalState.get('parley.lastNick'), 'kim');
	});

	it('carries out webview messages: join, send, DM, bad input dropped, only safe links opened', async () => {
		const server = await h.server();
		const bob = await h.login(server.port, 'bob');
		await bob.join('#general');
		activate({ 'parley.server.port': server.port, 'parley.nickname': 'kim', 'parley.notifications': 'mentions' });
		await ext.fake.commands.get(Commands.connect)!();
		const panel = ext.fake.panels[0];
		panel.fromWebview({ type: 'ready' });

		panel.fromWebview({ type: 'join', channel: 'general' });
		await eventually(() => posted(panel).some((m) => m.type === 'focus' && m.conversation === '#general'), 'focus on #general');
		assert.ok(posted(panel).some((m) => m.type === 'members' && m.conversation === '#general' && m.members.some((member) => member.nick === 'bob')));

		const atBob = waitFor(bob.onDidReceiveMessage, (m) => m.message.text === 'hello bob', 'bob to receive');
		panel.fromWebview({ type: 'send', conversation: '#general', text: 'hello bob' });
		await atBob;
		await eventually(() => posted(panel).some((m) => m.type === 'acknowledged'), 'acknowledged');

		const before = panel.posted.length;
		panel.fromWebview({ type: 'send', conversation: 5, text: 'x' });
		panel.fromWebview({ type: 'nope' });
		panel.fromWebview('send');
		assert.equal(panel.posted.length, before, 'malformed messages do nothing');
		assert.equal(ext.fake.log.filter((l) => l.includes('dropped a malformed message from the webview')).length, 3);

		panel.fromWebview({ type: 'openLink', url: 'javascript:alert(1)' });
		panel.fromWebview({ type: 'openLink', url: 'https://example.com/x' });
		await eventually(() => ext.fake.opened.length === 1, 'the https link to open');
		assert.deepEqual(ext.fake.opened, ['https://example.com/x']);

		panel.fromWebview({ type: 'join', channel: '#bad name' });
		await eventually(() => posted(panel).some((m) => m.type === 'notice' && m.level === 'error'), 'an error notice');

		// Panel hidden: a DM raises a notification; a plain channel message does not (setting "mentions").
		panel.setVisible(false);
		bob.send('#general', 'just chatting');
		await bob.openDirect('kim');
		bob.send('kim', 'psst kim');
		await eventually(() => ext.fake.shown.some((s) => s.text === 'bob (direct message): psst kim'), 'a DM notification');
		assert.ok(!ext.fake.shown.some((s) => s.text.includes('just chatting')));
		assert.match(ext.fake.statusBar.text, /comment-discussion\) 2 \$\(mention\)1/);
		assert.equal(panel.title, 'Parley Chat (2)', 'the tab says how many are unread');

		// The panel had the DM on screen: it is read, in the status bar and the tab too.
		panel.setVisible(true);
		panel.fromWebview({ type: 'ready' });
		const dm = posted(panel).flatMap((m) => (m.type === 'append' || m.type === 'timeline' ? m.items : [])).find((i) => i.kind === 'message' && i.message.text === 'psst kim');
		assert.ok(dm?.kind === 'message');
		panel.fromWebview({ type: 'select', conversation: 'bob' });
		panel.fromWebview({ type: 'read', conversation: 'bob', id: dm.message.id, following: true });
		await eventually(() => /comment-discussion\) 1$/.test(ext.fake.statusBar.text), 'one unread left (#general)');
		assert.equal(panel.title, 'Parley Chat (1)');
	});

	it('asks for another nick on NickInUse and connects with it', async () => {
		const server = await h.server();
		await h.login(server.port, 'kim');
		const prompts: string[] = [];
		ext.fake.answerInput = (options) => {
			prompts.push(options.prompt ?? '');
			return 'kim2';
		};
		activate({ 'parley.server.port': server.port, 'parley.nickname': 'kim' });
		await ext.fake.commands.get(Commands.connect)!();
		assert.equal(prompts.length, 1);
		assert.match(prompts[0], /"kim" is already in use on 127\.0\.0\.1:\d+/);
		assert.deepEqual(ext.fake.progress.map((p) => p.replace(/:\d+/, ':PORT')), ['Parley: connecting to 127.0.0.1:PORT as kim…', 'Parley: connecting to 127.0.0.1:PORT as kim2…']);
		assert.equal(ext.fake.panels.length, 1);
		assert.match(ext.fake.statusBar.text, /comment-discussion/);
	});

	it('explains an unreachable server: its address and `node server`', async () => {
		const server = await h.server();
		const port = server.port;
		await server.stop();
		activate({ 'parley.server.port': port, 'parley.nickname': 'kim' });
		await ext.fake.commands.get(Commands.connect)!();
		const error = ext.fake.shown.find((s) => s.level === 'error');
		assert.ok(error, 'an error message');
		assert.ok(error.text.includes(`127.0.0.1:${port}`));
		assert.match(error.text, /node server/);
		assert.equal(ext.fake.panels.length, 0);
	});

	it('ignores invalid settings and logs why', () => {
		activate({ 'parley.server.host': 'http://x y', 'parley.server.port': 'abc', 'parley.notifications': 'loud' });
		assert.ok(ext.fake.log.some((l) => l.startsWith('warn') && l.includes('parley.server.host')));
		assert.ok(ext.fake.log.some((l) => l.startsWith('warn') && l.includes('parley.server.port')));
		assert.ok(ext.fake.log.some((l) => l.startsWith('warn') && l.includes('parley.notifications')));
	});
});

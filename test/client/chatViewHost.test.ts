import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HostMessage } from '../../protocol/webview';
import { Commands } from '../../extension/constants';
/** The side view's id (extension/chatView.ts, which needs the vscode module to load). */
const CHAT_VIEW_ID = 'parley.chatView';
import { createHarness, sendAll } from './harness';
import { eventually, FakeWebviewView, type FakePanel } from './fakeVscode';
import { useFakeExtension } from './fakeExtension';

function posted(surface: FakePanel | FakeWebviewView): HostMessage[] {
	return surface.posted as HostMessage[];
}

function last<T extends HostMessage['type']>(surface: FakePanel | FakeWebviewView, type: T): Extract<HostMessage, { type: T }> | undefined {
	return posted(surface).filter((m): m is Extract<HostMessage, { type: T }> => m.type === type).pop();
}

/** The side view beside the panel, search from the palette and the chat, typing, Set Status. */
describe('chat side view, search, typing and status in the extension host (fake vscode API, real server)', function () {
	this.timeout(15_000);
	const h = createHarness();
	const ext = useFakeExtension(h);

	async function connectedKim() {
		const server = await h.server();
		ext.activate({ 'parley.server.port': server.port, 'parley.nickname': 'kim' });
		await ext.fake.commands.get(Commands.connect)!();
		const panel = ext.fake.panels[0];
		panel.fromWebview({ type: 'ready' });
		const provider = ext.fake.viewProviders.get(CHAT_VIEW_ID);
		assert.ok(provider, 'the side view is registered');
		const view = new FakeWebviewView();
		provider.resolveWebviewView(view, {}, {});
		return { server, panel, view };
	}

	it('contributes the view in its own container, and keybindings that keep Ctrl+F in the chat', () => {
		const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));
		const container = manifest.contributes.viewsContainers.activitybar.find((c: { id: string }) => c.id === 'parley');
		assert.ok(container && fs.existsSync(path.resolve(__dirname, '../../..', container.icon)), 'a container with an icon file');
		assert.deepEqual(manifest.contributes.views.parley.map((v: { id: string; type: string }) => [v.id, v.type]), [[CHAT_VIEW_ID, 'webview']]);
		const find = (manifest.contributes.keybindings as { command: string; key: string; when: string; args?: string }[]).filter((b) => b.key === 'ctrl+f');
		assert.deepEqual(find.map((b) => [b.command, b.args]), [[Commands.searchMessages, 'panel'], [Commands.searchMessages, 'view']]);
		assert.ok(find[0].when.startsWith("activeWebviewPanelId == 'parleyChat' && "), find[0].when);
		assert.ok(find[1].when.startsWith('parley.chatViewFocused && '), find[1].when);
		assert.equal(manifest.contributes.configuration.properties['parley.presence.awayAfterMinutes'].default, 10);
	});

	it('serves the panel and the side view at once from one client: same state, answers to the one that asked', async () => {
		const { server, panel, view } = await connectedKim();
		assert.match(view.webview.html, /default-src 'none'/);
		assert.equal(view.posted.length, 0, 'nothing before ready');
		view.fromWebview({ type: 'ready' });
		assert.deepEqual(last(view, 'connection'), { type: 'connection', state: 'connected', server: `127.0.0.1:${server.port}`, nick: 'kim' });

		view.fromWebview({ type: 'join', channel: '#general', seq: 1 });
		await eventually(() => last(view, 'result')?.seq === 1, 'the join answered in the view');
		assert.equal(last(panel, 'result'), undefined, 'the answer goes to the view only');
		for (const surface of [panel, view]) {
			assert.equal(last(surface, 'conversations')?.active, '#general');
			assert.ok(posted(surface).some((m) => m.type === 'timeline' && m.conversation === '#general'));
		}
		panel.fromWebview({ type: 'send', conversation: '#general', text: 'hello from the panel', seq: 7 });
		await eventually(() => posted(view).some((m) => m.type === 'acknowledged' || (m.type === 'append' && m.items.some((i) => i.kind === 'message' && i.message.text === 'hello from the panel'))), 'the view shows the panel\'s message');
		assert.equal(last(view, 'result')?.seq, 1);

		// Someone else typing shows in both.
		const bob = await h.login(server.port, 'bob');
		await bob.join('#general');
		bob.typing.typing('#general');
		await eventually(() => [panel, view].every((s) => last(s, 'typing')?.nicks.includes('bob') === true), 'bob typing in both');

		// Focus in the view: its Ctrl+F and Ctrl+K are the chat's.
		view.fromWebview({ type: 'hasFocus', focused: true });
		await eventually(() => ext.fake.contexts.get('parley.chatViewFocused') === true, 'the focus context key');
		await ext.fake.commands.get(Commands.searchMessages)!('view');
		assert.deepEqual(last(view, 'openSearch'), { type: 'openSearch' });
		assert.equal(last(panel, 'openSearch'), undefined);
		await ext.fake.commands.get(Commands.searchMessages)!('panel');
		assert.deepEqual(last(panel, 'openSearch'), { type: 'openSearch' });
		view.fromWebview({ type: 'hasFocus', focused: false });
		await eventually(() => ext.fake.contexts.get('parley.chatViewFocused') === false, 'the focus context key cleared');

		// Unread counts on the view's badge while neither shows the chat.
		panel.setVisible(false);
		view.setVisible(false);
		await sendAll(bob, '#general', ['while you were away']);
		await eventually(() => view.badge?.value === 1, 'the view badge');
	});

	it('searches from the chat and opens a result there, with errors in words', async () => {
		const { server, view } = await connectedKim();
		view.fromWebview({ type: 'ready' });
		const bob = await h.login(server.port, 'bob');
		await bob.join('#general');
		view.fromWebview({ type: 'join', channel: '#general', seq: 1 });
		await eventually(() => last(view, 'result')?.seq === 1, 'joined');
		await sendAll(bob, '#general', ['the deploy is done', 'unrelated']);

		view.fromWebview({ type: 'search', request: 4, query: 'DEPLOY from:bob' });
		await eventually(() => last(view, 'searchResults')?.request === 4, 'the results');
		const results = last(view, 'searchResults')!;
		assert.deepEqual(results.hits.map((hit) => [hit.conversation, hit.name, hit.message.text]), [['#general', '#general', 'the deploy is done']]);
		assert.deepEqual(results.words, ['deploy']);
		assert.equal(results.hasMore, false);

		view.fromWebview({ type: 'openResult', conversation: '#general', id: results.hits[0].message.id });
		await eventually(() => last(view, 'reveal') !== undefined, 'the reveal');
		assert.deepEqual(last(view, 'reveal'), { type: 'reveal', conversation: '#general', id: results.hits[0].message.id });

		view.fromWebview({ type: 'search', request: 5, query: 'x in:#elsewhere' });
		await eventually(() => last(view, 'searchResults')?.request === 5, 'the refusal');
		assert.equal(last(view, 'searchResults')!.error, 'You can only search channels you are in: you are not in #elsewhere.');
		await ext.fake.commands.get(Commands.disconnect)!();
		view.fromWebview({ type: 'search', request: 6, query: 'deploy' });
		await eventually(() => last(view, 'searchResults')?.request === 6, 'the offline answer');
		assert.equal(last(view, 'searchResults')!.error, 'You are offline: search works once Parley is connected.');
	});

	it('searches from the palette with live results, more results, and opens the one chosen', async () => {
		const { server, panel } = await connectedKim();
		const bob = await h.login(server.port, 'bob');
		await bob.join('#general');
		panel.fromWebview({ type: 'join', channel: '#general', seq: 1 });
		await eventually(() => last(panel, 'result')?.seq === 1, 'joined');
		await sendAll(bob, '#general', Array.from({ length: 23 }, (_, i) => `build ${i} passed`));

		await ext.fake.commands.get(Commands.searchMessages)!();
		const pick = ext.fake.createdQuickPicks[0];
		assert.ok(pick?.visible, 'a quick pick');
		pick.value = 'build in:#general';
		await eventually(() => pick.items.length === 21, 'a page of results and More');
		assert.equal(pick.items[0].label, 'build 22 passed');
		assert.equal(pick.items[0].description, '#general · bob');
		assert.ok(pick.items.every((i) => i.alwaysShow), 'VS Code does not filter them by the typed filters');
		assert.match(pick.items[20].label, /More results/);
		pick.accept(pick.items[20]);
		await eventually(() => pick.items.length === 23, 'the rest');
		assert.equal(pick.items[22].label, 'build 0 passed');

		pick.accept(pick.items[22]);
		assert.equal(pick.visible, false);
		await eventually(() => last(panel, 'reveal') !== undefined, 'the result shown in the panel');
		const id = last(panel, 'reveal')!.id;
		assert.ok(posted(panel).some((m) => (m.type === 'prepend' || m.type === 'timeline' || m.type === 'append') && m.items.some((i) => i.kind === 'message' && i.message.id === id)), 'its message is in the panel');

		await ext.fake.commands.get(Commands.searchMessages)!();
		const second = ext.fake.createdQuickPicks[1];
		second.value = '!!!';
		await eventually(() => second.items.length === 1, 'the error');
		assert.match(second.items[0].label, /letters or digits/);
	});

	it('Set Status: away with a message from the menu, shown in the status bar; online from its link', async () => {
		const { server } = await connectedKim();
		const bob = await h.login(server.port, 'bob');
		ext.fake.answerQuickPick = (items) => items.find((i) => i.label.includes('Away with a message'));
		ext.fake.answerInput = () => 'in a meeting';
		await ext.fake.commands.get(Commands.setStatus)!();
		await eventually(() => / Away$/.test(ext.fake.statusBar.text), 'away in the status bar');
		const tooltip = (ext.fake.statusBar.tooltip as { value: string; isTrusted?: unknown }).value;
		assert.match(tooltip, /away \(in a meeting\)/);
		assert.match(tooltip, /\[\$\(circle-filled\) Set online\]\(command:parley\.setStatus\?/);
		assert.deepEqual((ext.fake.statusBar.tooltip as { isTrusted?: unknown }).isTrusted, { enabledCommands: [Commands.setStatus] });
		assert.ok(bob.isConnected);
		await ext.fake.commands.get(Commands.setStatus)!('online');
		await eventually(() => !/Away/.test(ext.fake.statusBar.text), 'online again');
	});
});

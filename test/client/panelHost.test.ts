import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HostMessage } from '../../protocol/webview';
import { Commands, VIEW_TYPE } from '../../extension/constants';
import { createHarness } from './harness';
import { eventually, type FakePanel } from './fakeVscode';
import { useFakeExtension } from './fakeExtension';

function posted(panel: FakePanel): HostMessage[] {
	return panel.posted as HostMessage[];
}

function last<T extends HostMessage['type']>(panel: FakePanel, type: T): Extract<HostMessage, { type: T }> | undefined {
	return posted(panel).filter((m): m is Extract<HostMessage, { type: T }> => m.type === type).pop();
}

/** What the host tells the panel for the composer: answers, refusals, limits, and the quick switcher. */
describe('chat panel host: composer answers, refused messages, config, switcher (fake vscode API, real server)', function () {
	this.timeout(10_000);
	const h = createHarness();
	const ext = useFakeExtension(h);

	async function connectedKim(config: Record<string, unknown> = {}) {
		const server = await h.server();
		ext.activate({ 'parley.server.port': server.port, 'parley.nickname': 'kim', ...config });
		await ext.fake.commands.get(Commands.connect)!();
		const panel = ext.fake.panels[0];
		panel.fromWebview({ type: 'ready' });
		return { server, panel };
	}

	it('sends the editor tab size and the server limit to a new page', async () => {
		const { panel } = await connectedKim({ 'editor.tabSize': 2 });
		assert.deepEqual(last(panel, 'config'), { type: 'config', tabSize: 2, maxMessageLength: 4000 });
		ext.fake.config['editor.tabSize'] = 8;
		ext.fake.onConfigurationChange.fire({ affectsConfiguration: (section) => 'editor.tabSize'.startsWith(section) });
		assert.deepEqual(last(panel, 'config'), { type: 'config', tabSize: 8, maxMessageLength: 4000 });
		ext.fake.config['editor.tabSize'] = 'wide';
		ext.fake.onConfigurationChange.fire({ affectsConfiguration: (section) => 'editor.tabSize'.startsWith(section) });
		assert.equal(last(panel, 'config')?.tabSize, 4, 'an invalid tab size falls back to 4');
	});

	it('answers a composer line by its seq: taken, or refused with the reason', async () => {
		const { panel } = await connectedKim();
		panel.fromWebview({ type: 'join', channel: '#general', seq: 1 });
		await eventually(() => posted(panel).some((m) => m.type === 'result' && m.seq === 1), 'the join answered');
		assert.deepEqual(last(panel, 'result'), { type: 'result', seq: 1 });
		panel.fromWebview({ type: 'send', conversation: '#general', text: 'x'.repeat(4100), seq: 2 });
		await eventually(() => posted(panel).some((m) => m.type === 'result' && m.seq === 2), 'the send answered');
		assert.deepEqual(last(panel, 'result'), { type: 'result', seq: 2, error: 'The message is 4100 characters long; the server accepts at most 4000.' });
		panel.fromWebview({ type: 'send', conversation: '#general', text: 'fine', seq: 3 });
		await eventually(() => posted(panel).some((m) => m.type === 'result' && m.seq === 3), 'the send answered');
		assert.deepEqual(last(panel, 'result'), { type: 'result', seq: 3 });
	});

	it('keeps a message the server refused, posts it with its text, and again to a reloaded page until discarded', async () => {
		const { panel } = await connectedKim();
		// The server refuses a DM to a nick nobody uses, after it was queued.
		panel.fromWebview({ type: 'directMessage', nick: 'nobody', text: 'are you there?', seq: 1 });
		await eventually(() => posted(panel).some((m) => m.type === 'failed'), 'the refusal');
		const failed = last(panel, 'failed')!;
		assert.equal(failed.conversation, 'nobody');
		assert.equal(failed.text, 'are you there?');
		assert.match(failed.reason, /nobody/);
		assert.deepEqual(posted(panel).find((m) => m.type === 'result'), { type: 'result', seq: 1 }, 'queued: the composer may clear');

		panel.posted.length = 0;
		panel.fromWebview({ type: 'ready' });
		assert.deepEqual(last(panel, 'failed'), failed, 'a reloaded page gets it again');
		// With the panel hidden, a notification says where the text is.
		panel.setVisible(false);
		panel.fromWebview({ type: 'send', conversation: 'nobody', text: 'still there?' });
		await eventually(() => ext.fake.shown.some((m) => m.level === 'error'), 'a notification');
		assert.match(ext.fake.shown.find((m) => m.level === 'error')!.text, /^Parley: your message to nobody was not sent: .+ Its text is kept in the chat panel\.$/);
		panel.setVisible(true);
		panel.fromWebview({ type: 'discardFailed', id: failed.id });
		panel.posted.length = 0;
		panel.fromWebview({ type: 'ready' });
		assert.deepEqual(posted(panel).filter((m) => m.type === 'failed').map((m) => m.type === 'failed' && m.text), ['still there?'], 'the first is gone once discarded');
	});

	it('"Switch Conversation" (Ctrl+K in the panel) opens the quick switcher, also in a panel that opens for it', async () => {
		const { panel } = await connectedKim();
		await ext.fake.commands.get(Commands.switchConversation)!();
		assert.deepEqual(posted(panel).at(-1), { type: 'openSwitcher' });
		panel.dispose();
		await ext.fake.commands.get(Commands.switchConversation)!();
		const reopened = ext.fake.panels[1];
		assert.ok(reopened, 'the panel opened');
		assert.equal(reopened.posted.length, 0, 'nothing before ready');
		reopened.fromWebview({ type: 'ready' });
		assert.deepEqual(posted(reopened).at(-1), { type: 'openSwitcher' });
	});

	it('binds Ctrl+K / Cmd+K to the switcher only while the chat panel has focus (not as a VS Code chord prefix elsewhere)', () => {
		const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));
		const all = (manifest.contributes.keybindings as { command: string; key: string; mac?: string; when?: string; args?: string }[]).filter((b) => b.command === Commands.switchConversation);
		// The side view has its own binding (args 'view'), while it has focus only.
		const view = all.filter((b) => b.args === 'view');
		assert.equal(view.length, 1);
		assert.ok(view[0].when?.startsWith('parley.chatViewFocused && '), view[0].when);
		const bindings = all.filter((b) => b.args === undefined);
		assert.equal(bindings.length, 1);
		assert.equal(bindings[0].key, 'ctrl+k');
		assert.equal(bindings[0].mac, 'cmd+k');
		assert.ok(bindings[0].when?.startsWith(`activeWebviewPanelId == '${VIEW_TYPE}' && `), bindings[0].when);
		for (const elsewhere of ['!sideBarFocus', '!panelFocus', '!auxiliaryBarFocus', '!terminalFocus', '!inQuickOpen']) {
			assert.ok(bindings[0].when?.includes(elsewhere), `${elsewhere} in ${bindings[0].when}`);
		}
	});
});

import * as assert from 'node:assert/strict';
import type { HostMessage } from '../../protocol/webview';
import { Commands } from '../../extension/constants';
import { createHarness } from './harness';
import { eventually, type FakePanel } from './fakeVscode';
import { useFakeExtension } from './fakeExtension';

function connections(panel: FakePanel): Extract<HostMessage, { type: 'connection' }>[] {
	return (panel.posted as HostMessage[]).filter((m): m is Extract<HostMessage, { type: 'connection' }> => m.type === 'connection');
}

/** Which server the extension uses, from which settings, and what it says about it. */
describe('extension settings (fake vscode API, real server)', function () {
	this.timeout(10_000);
	const h = createHarness();
	const ext = useFakeExtension(h);

	function changeSettings(user: Record<string, unknown>): void {
		ext.fake.config = { ...ext.fake.config, ...user };
		ext.fake.onConfigurationChange.fire({ affectsConfiguration: (section) => Object.keys(user).some((key) => key.startsWith(section)) });
	}

	it('uses the workspace\'s server settings in a trusted workspace', async () => {
		const server = await h.server();
		ext.fake.workspaceConfig = { 'parley.server.port': server.port };
		ext.activate({ 'parley.server.port': 1, 'parley.nickname': 'kim' });
		await ext.fake.commands.get(Commands.connect)!();
		assert.match(ext.fake.statusBar.text, /comment-discussion/);
	});

	it('ignores the workspace\'s server settings in Restricted Mode, and keeps its other settings', async () => {
		const server = await h.server();
		ext.fake.trusted = false;
		ext.fake.workspaceConfig = { 'parley.server.port': 1, 'parley.server.host': 'evil.example', 'parley.nickname': 'kim' };
		ext.activate({ 'parley.server.port': server.port });
		await ext.fake.commands.get(Commands.connect)!();
		assert.match(ext.fake.statusBar.text, /comment-discussion/, 'connected to the user\'s server, as the workspace\'s nickname');
		assert.ok(ext.fake.log.some((l) => l.includes(`activated; server 127.0.0.1:${server.port}`)));
	});

	it('keeps naming the connected server when the settings change mid-session, and uses the new one from the next connect', async () => {
		const [first, second] = [await h.server(), await h.server()];
		ext.activate({ 'parley.server.port': first.port, 'parley.nickname': 'kim' });
		await ext.fake.commands.get(Commands.connect)!();
		const panel = ext.fake.panels[0];
		panel.fromWebview({ type: 'ready' });

		changeSettings({ 'parley.server.port': second.port });
		await eventually(() => ext.fake.shown.some((s) => s.text.startsWith(`Parley: still connected to 127.0.0.1:${first.port}`)), 'the note that the change applies from the next connect');
		assert.match((ext.fake.statusBar.tooltip as { value: string }).value, new RegExp(`Connected to 127\\.0\\.0\\.1:${first.port} as kim`));
		assert.ok(connections(panel).every((m) => m.server === `127.0.0.1:${first.port}`), 'the panel never names the new server while connected to the old one');

		await ext.fake.commands.get(Commands.disconnect)!();
		await eventually(() => connections(panel).at(-1)?.state === 'offline', 'offline');
		changeSettings({ 'parley.server.port': first.port });
		changeSettings({ 'parley.server.port': second.port });
		assert.equal(connections(panel).at(-1)?.server, `127.0.0.1:${second.port}`, 'offline, the panel names the server the next connect goes to');
		await ext.fake.commands.get(Commands.connect)!();
		assert.deepEqual(connections(panel).at(-1), { type: 'connection', state: 'connected', server: `127.0.0.1:${second.port}`, nick: 'kim' });
	});
});

import * as assert from 'node:assert/strict';
import { PasswordVault } from '../../extension/client/credentials';
import { Commands, VIEW_TYPE } from '../../extension/constants';
import type { HostMessage } from '../../protocol/webview';
import { createHarness, until } from './harness';
import { eventually, FakePanel } from './fakeVscode';
import { useFakeExtension } from './fakeExtension';

type Posted<T extends HostMessage['type']> = Extract<HostMessage, { type: T }>;

function all<T extends HostMessage['type']>(panel: FakePanel, type: T): Posted<T>[] {
	return (panel.posted as HostMessage[]).filter((m): m is Posted<T> => m.type === type);
}

function texts(panel: FakePanel, conversation: string): string[] {
	const timeline = all(panel, 'timeline').filter((m) => m.conversation === conversation).at(-1);
	return (timeline?.items ?? []).flatMap((i) => (i.kind === 'message' ? [i.message.text] : []));
}

/** Reload Window: what comes back by itself, connected or not. */
describe('extension after Reload Window (fake vscode API, real server)', function () {
	this.timeout(15_000);
	const h = createHarness();
	const ext = useFakeExtension(h);

	/** Restores the chat panel as VS Code does after a reload, and plays the webview's `ready`. */
	async function restorePanel(): Promise<FakePanel> {
		const serializer = ext.fake.serializers.get(VIEW_TYPE);
		assert.ok(serializer, 'a webview panel serializer');
		const panel = new FakePanel(VIEW_TYPE, 'Parley Chat', {});
		const restored = serializer.deserializeWebviewPanel(panel, undefined);
		panel.fromWebview({ type: 'ready' });
		await restored;
		return panel;
	}

	async function registered(port: number, nick: string, password: string): Promise<void> {
		const client = h.client(port);
		await client.connect(nick);
		await client.register(password);
		await client.disconnect();
		await new PasswordVault(ext.context.secrets).save({ host: '127.0.0.1', port }, nick, { password });
	}

	it('signs an account with a saved password in again without a click, and restores the open conversation and the DM list', async () => {
		const server = await h.server();
		await registered(server.port, 'kim', 'kim-password');
		const bob = await h.login(server.port, 'bob');
		await bob.join('#dev');
		bob.send('#dev', 'first from bob');

		ext.activate({ 'parley.server.port': server.port, 'parley.nickname': 'kim', 'parley.autoConnect': false });
		await eventually(() => /comment-discussion/.test(ext.fake.statusBar.text), 'kim to sign in without a click');
		await ext.fake.commands.get(Commands.openChat)!();
		const panel = ext.fake.panels[0];
		panel.fromWebview({ type: 'ready' });
		panel.fromWebview({ type: 'join', channel: '#dev' });
		await eventually(() => texts(panel, '#dev').includes('first from bob'), '#dev with its history');
		panel.fromWebview({ type: 'directMessage', nick: 'bob', text: 'hi bob' });
		await until(bob.store.onDidChange, () => bob.store.get('kim')?.messages().some((m) => m.text === 'hi bob') ?? false, 'bob to get the DM');
		panel.fromWebview({ type: 'select', conversation: '#dev' });
		const inputsBefore = ext.fake.inputs.length;

		await ext.reload();
		await eventually(() => /comment-discussion/.test(ext.fake.statusBar.text), 'kim to sign in again after the reload, without a click');
		const restored = await restorePanel();
		const conversations = all(restored, 'conversations').at(-1);
		assert.deepEqual(conversations?.conversations.map((c) => c.id), ['#dev', 'bob']);
		assert.equal(conversations?.active, '#dev', 'the conversation that was open');
		await eventually(() => texts(restored, 'bob').includes('hi bob'), 'the DM with its messages');
		assert.equal(ext.fake.inputs.length, inputsBefore, 'nothing was asked');
		assert.equal(ext.fake.panels.length, 0, 'no second panel: the restored one is used');
	});

	it('offline after a reload, shows the cached messages and topic, and keeps a message typed offline for the next connect', async () => {
		const server = await h.server();
		const bob = await h.login(server.port, 'bob');
		await bob.join('#dev');
		await bob.openDirect('kim').catch(() => undefined);
		ext.activate({ 'parley.server.port': server.port, 'parley.nickname': 'kim' });
		await ext.fake.commands.get(Commands.connect)!();
		const panel = ext.fake.panels[0];
		panel.fromWebview({ type: 'ready' });
		panel.fromWebview({ type: 'join', channel: '#dev' });
		await eventually(() => all(panel, 'focus').some((m) => m.conversation === '#dev'), '#dev joined');
		bob.send('#dev', 'cached line');
		await bob.admin.setTopic('#dev', 'release week');
		await eventually(() => all(panel, 'conversations').at(-1)?.conversations.some((c) => c.topic === 'release week') ?? false, 'the topic');
		await eventually(() => texts(panel, '#dev').includes('cached line') || (panel.posted as HostMessage[]).some((m) => m.type === 'append' && m.items.some((i) => i.kind === 'message' && i.message.text === 'cached line')), 'the message');

		await ext.fake.commands.get(Commands.disconnect)!();
		await ext.reload();
		const restored = await restorePanel();
		const connection = all(restored, 'connection').at(-1);
		assert.equal(connection?.state, 'offline', 'a guest (no saved password) who disconnected stays offline');
		const dev = all(restored, 'conversations').at(-1)?.conversations.find((c) => c.id === '#dev');
		assert.equal(dev?.topic, 'release week');
		assert.ok(texts(restored, '#dev').includes('cached line'), 'the cached messages, not an empty "beginning of #dev"');
		const timeline = all(restored, 'timeline').find((m) => m.conversation === '#dev');
		assert.equal(timeline?.hasMoreBefore, false, 'the whole (short) history is cached');

		restored.fromWebview({ type: 'send', conversation: '#dev', text: 'typed offline' });
		await eventually(() => (restored.posted as HostMessage[]).some((m) => m.type === 'append' && m.items.some((i) => i.kind === 'message' && i.pending === true)), 'the pending message');
		await ext.reload();
		await ext.fake.commands.get(Commands.connect)!();
		await until(bob.store.onDidChange, () => bob.store.get('#dev')?.messages().some((m) => m.text === 'typed offline') ?? false, 'the message typed before the reload to be sent');
	});
});

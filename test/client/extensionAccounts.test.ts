/**
 * The extension signed in as an account (fake vscode API, real accounts server), beside a
 * second window of the same account (a ChatClient): signing in without a prompt, the same
 * counts in both after reading in the panel, and a private channel created and shared from
 * the panel.
 */
import * as assert from 'node:assert/strict';
import { PasswordVault } from '../../extension/client/credentials';
import { Commands } from '../../extension/constants';
import type { HostMessage } from '../../protocol/webview';
import { createHarness, MemorySecretStore, until, waitFor } from './harness';
import { eventually, type FakePanel } from './fakeVscode';
import { useFakeExtension } from './fakeExtension';

const PASSWORD = 'correct horse battery';

function posted(panel: FakePanel): HostMessage[] {
	return panel.posted as HostMessage[];
}

describe('extension as an account beside a second window (fake vscode API, real server)', function () {
	this.timeout(15_000);
	const h = createHarness();
	const ext = useFakeExtension(h);

	/** Registers kim; the extension's secret storage and a second window's vault both hold the password. */
	async function registerKim(port: number): Promise<PasswordVault> {
		const vault = new PasswordVault(new MemorySecretStore());
		const first = await h.login(port, 'kim', { passwords: vault });
		await first.register(PASSWORD);
		await first.disconnect();
		await new PasswordVault(ext.context.secrets).save({ host: '127.0.0.1', port }, 'kim', { password: PASSWORD });
		return vault;
	}

	it('signs in as the account another window uses, and both show the same counts after reading in the panel', async () => {
		const server = await h.server();
		const vault = await registerKim(server.port);
		const other = h.client(server.port, { passwords: vault });
		await other.connect('kim');
		await other.join('#dev');
		const ann = await h.login(server.port, 'ann');
		await ann.join('#dev');

		ext.activate({ 'parley.server.port': server.port, 'parley.nickname': 'kim' });
		await ext.fake.commands.get(Commands.connect)!();
		assert.deepEqual(ext.fake.inputs, [], 'no prompt for another nickname or the password');
		const panel = ext.fake.panels[0];
		panel.fromWebview({ type: 'ready' });
		await eventually(() => posted(panel).some((m) => m.type === 'conversations' && m.conversations.some((c) => c.id === '#dev')), '#dev from the server\'s conversations');

		panel.setVisible(false);
		for (const text of ['one', 'two', 'three']) {
			ann.send('#dev', text);
		}
		await eventually(() => /comment-discussion\) 3$/.test(ext.fake.statusBar.text), 'three unread in the status bar');
		await until(other.store.onDidChange, () => other.store.get('#dev')!.unread === 3, 'three unread in the other window');
		assert.equal(panel.title, 'Parley Chat (3)');

		// The panel shows #dev with the first two messages on screen.
		panel.setVisible(true);
		panel.fromWebview({ type: 'ready' });
		panel.fromWebview({ type: 'select', conversation: '#dev' });
		const second = other.store.get('#dev')!.messages().find((m) => m.text === 'two')!;
		panel.fromWebview({ type: 'read', conversation: '#dev', id: second.id, following: false });
		await eventually(() => /comment-discussion\) 1$/.test(ext.fake.statusBar.text), 'one unread left in the status bar');
		await until(other.store.onDidChange, () => other.store.get('#dev')!.unread === 1, 'the other window to count one unread too');
		assert.equal(panel.title, 'Parley Chat (1)');
	});

	it('creates a private channel from the panel and invites someone, who can then join', async () => {
		const server = await h.server();
		await registerKim(server.port);
		const lee = await h.login(server.port, 'lee');
		const invited = waitFor(lee.onDidReceiveServerEvent, (e) => e.kind === 'invited', 'the invitation');
		ext.activate({ 'parley.server.port': server.port, 'parley.nickname': 'kim' });
		await ext.fake.commands.get(Commands.connect)!();
		const panel = ext.fake.panels[0];
		panel.fromWebview({ type: 'ready' });

		panel.fromWebview({ type: 'createChannel', channel: '#plans', private: true, seq: 1 });
		await eventually(() => posted(panel).some((m) => m.type === 'result' && m.seq === 1), 'the answer to the create');
		assert.deepEqual(posted(panel).find((m) => m.type === 'result' && m.seq === 1), { type: 'result', seq: 1 });
		const view = posted(panel).filter((m) => m.type === 'conversations').at(-1);
		assert.ok(view?.type === 'conversations');
		assert.equal(view.active, '#plans');
		assert.deepEqual(view.conversations.find((c) => c.id === '#plans'), { id: '#plans', kind: 'channel', name: '#plans', unread: 0, mentions: 0, lastReadId: 0, memberCount: 1, role: 'owner', private: true, topicProtected: true, joined: true });
		await assert.rejects(lee.join('#plans'), /invit/i);

		panel.fromWebview({ type: 'invite', channel: '#plans', nick: 'lee', seq: 2 });
		await eventually(() => posted(panel).some((m) => m.type === 'result' && m.seq === 2), 'the answer to the invite');
		assert.match((await invited).text, /kim invited you to #plans/);
		await lee.join('#plans');
		await eventually(() => posted(panel).some((m) => m.type === 'members' && m.conversation === '#plans' && m.members.some((member) => member.nick === 'lee')), 'lee among the members');

		// A refusal comes back as a notice and a `done` with the reason (the panel then gives the line back).
		panel.fromWebview({ type: 'createChannel', channel: '#plans', private: false, seq: 3 });
		await eventually(() => posted(panel).some((m) => m.type === 'result' && m.seq === 3), 'the refusal');
		const refusal = posted(panel).find((m) => m.type === 'result' && m.seq === 3);
		assert.ok(refusal?.type === 'result' && refusal.error !== undefined && /exists|taken/i.test(refusal.error), JSON.stringify(refusal));
		assert.ok(posted(panel).some((m) => m.type === 'notice' && m.level === 'error' && m.text === refusal.error));
	});
});

import * as assert from 'node:assert/strict';
import type { HostMessage } from '../../protocol/webview';
import { Commands } from '../../extension/constants';
import { createHarness, sendAll, texts, until } from './harness';
import { eventually, type FakePanel } from './fakeVscode';
import { useFakeExtension } from './fakeExtension';

function posted(panel: FakePanel): HostMessage[] {
	return panel.posted as HostMessage[];
}

function answer(panel: FakePanel, seq: number): Extract<HostMessage, { type: 'result' }> | undefined {
	return posted(panel).find((m): m is Extract<HostMessage, { type: 'result' }> => m.type === 'result' && m.seq === seq);
}

async function answered(panel: FakePanel, seq: number): Promise<Extract<HostMessage, { type: 'result' }>> {
	await eventually(() => answer(panel, seq) !== undefined, `the answer to ${seq}`);
	return answer(panel, seq)!;
}

/** The panel's message actions carried out by the host against a real server. */
describe('chat panel host: message actions (fake vscode API, real server)', function () {
	this.timeout(10_000);
	const h = createHarness();
	const ext = useFakeExtension(h);

	async function setup() {
		const server = await h.server();
		const bob = await h.login(server.port, 'bob');
		await bob.join('#general');
		ext.activate({ 'parley.server.port': server.port, 'parley.nickname': 'kim' });
		await ext.fake.commands.get(Commands.connect)!();
		const panel = ext.fake.panels[0];
		panel.fromWebview({ type: 'ready' });
		panel.fromWebview({ type: 'join', channel: '#general', seq: 1 });
		await answered(panel, 1);
		await sendAll(bob, '#general', ['from bob']);
		panel.fromWebview({ type: 'send', conversation: '#general', text: 'from kim', seq: 2 });
		await until(bob.store.onDidChange, () => texts(bob, '#general').length === 2, 'bob to see both');
		const kimsId = bob.store.get('#general')!.messages().find((m) => m.text === 'from kim')!.id;
		const bobsId = bob.store.get('#general')!.messages().find((m) => m.text === 'from bob')!.id;
		return { bob, panel, kimsId, bobsId };
	}

	it('edits, reacts and deletes: answers by seq, posts the changed message, and says refusals in words', async () => {
		const { bob, panel, kimsId, bobsId } = await setup();
		assert.ok(posted(panel).some((m) => m.type === 'serverRole' && !m.operator), 'the page learns the user is no operator');
		panel.fromWebview({ type: 'edit', conversation: '#general', id: kimsId, text: 'from kim, edited', seq: 10 });
		assert.deepEqual(await answered(panel, 10), { type: 'result', seq: 10 });
		await eventually(() => posted(panel).some((m) => m.type === 'messageUpdated' && m.message.id === kimsId && m.message.editedTs !== undefined), 'the edited message');
		await until(bob.store.onDidChange, () => texts(bob, '#general').includes('from kim, edited'), 'bob to see the edit');

		panel.fromWebview({ type: 'edit', conversation: '#general', id: bobsId, text: 'hijacked', seq: 11 });
		assert.match((await answered(panel, 11)).error ?? '', /Only the author/);

		panel.fromWebview({ type: 'react', conversation: '#general', id: bobsId, emoji: '🎉', add: true, seq: 12 });
		assert.deepEqual(await answered(panel, 12), { type: 'result', seq: 12 });
		await eventually(() => posted(panel).some((m) => m.type === 'messageUpdated' && m.message.id === bobsId && m.message.reactions?.[0]?.emoji === '🎉'), 'the reaction');

		panel.fromWebview({ type: 'delete', conversation: '#general', id: bobsId, seq: 13 });
		assert.match((await answered(panel, 13)).error ?? '', /owner|op|author|cannot|only/i);
		panel.fromWebview({ type: 'delete', conversation: '#general', id: kimsId, seq: 14 });
		assert.deepEqual(await answered(panel, 14), { type: 'result', seq: 14 });
		await eventually(() => posted(panel).some((m) => m.type === 'messageUpdated' && m.message.id === kimsId && m.message.deleted === true), 'the deletion');
		panel.fromWebview({ type: 'edit', conversation: '#general', id: 999_999, text: 'x', seq: 15 });
		assert.equal((await answered(panel, 15)).error, 'That message is gone: it was deleted, or you can no longer see it.');
	});

	it('opens a thread, replies in it (also to the channel), and opens a message link at a reply', async () => {
		const { bob, panel, bobsId } = await setup();
		panel.fromWebview({ type: 'openThread', conversation: '#general', id: bobsId });
		await eventually(() => posted(panel).some((m) => m.type === 'thread' && m.root.id === bobsId), 'the thread');
		panel.fromWebview({ type: 'reply', conversation: '#general', root: bobsId, text: 'in the thread', alsoToChannel: false, seq: 20 });
		assert.deepEqual(await answered(panel, 20), { type: 'result', seq: 20 });
		await eventually(() => posted(panel).some((m) => m.type === 'thread' && m.replies.some((r) => r.text === 'in the thread')), 'the reply in the thread');
		await eventually(() => posted(panel).some((m) => m.type === 'messageUpdated' && m.message.id === bobsId && m.message.replyCount === 1), 'the root counts it');
		assert.ok(!posted(panel).some((m) => m.type === 'append' && m.items.some((i) => i.kind === 'message' && i.message.text === 'in the thread')), 'not in the timeline');
		const reply = await bob.messages.reply('#general', bobsId, 'bob answers', true);
		await eventually(() => posted(panel).some((m) => m.type === 'append' && m.items.some((i) => i.kind === 'message' && i.message.id === reply.id)), 'also in the channel');

		panel.fromWebview({ type: 'openMessageLink', url: `parley-message:%23general/${reply.id}` });
		await eventually(() => posted(panel).some((m) => m.type === 'jumpTo'), 'the jump');
		assert.deepEqual(posted(panel).filter((m) => m.type === 'jumpTo'), [{ type: 'jumpTo', conversation: '#general', id: reply.id, threadRoot: bobsId }]);
		panel.fromWebview({ type: 'openMessageLink', url: 'parley-message:%23general/999999' });
		await eventually(() => posted(panel).some((m) => m.type === 'notice' && /gone/.test(m.text)), 'a notice for a missing message');
	});
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import type { Message } from '../../protocol/types';
import type { HostMessage, TimelineItem, WebviewMessage } from '../../protocol/webview';
import { CONVERSATIONS, GENERAL_MEMBERS, ME, connected, conversations, generalDay, todayAt } from './fixtures';
import { type Panel, useBrowser } from './harness';

const ROOT = path.resolve(__dirname, '../../..');

/** generalDay with reactions, an edit, a deletion and a thread on it. */
function decoratedDay(): TimelineItem[] {
	return generalDay().map((item) => {
		if (item.kind !== 'message') {
			return item;
		}
		const m = item.message;
		switch (m.id) {
			case 104:
				return { kind: 'message', message: { ...m, reactions: [{ emoji: '😂', nicks: ['alice', 'dave'] }, { emoji: ':eyes:', nicks: [ME] }] } };
			case 105:
				return { kind: 'message', message: { ...m, replyCount: 2, lastReplyTs: todayAt(10, 9) } };
			case 108:
				return { kind: 'message', message: { ...m, text: 'Perfect, thanks! Merging now.', editedTs: todayAt(10, 8) } };
			case 109:
				return { kind: 'message', message: { ...m, reactions: [{ emoji: '👍', nicks: ['bob', ME, 'carol'] }] } };
			case 110:
				return { kind: 'message', message: { id: m.id, ts: m.ts, from: m.from, to: m.to, text: '', deleted: true } };
			default:
				return item;
		}
	});
}

function replies(): Message[] {
	return [
		{ id: 120, ts: todayAt(10, 6), from: ME, to: '#general', text: 'It never gives up, but the delay caps at 30 s.', replyTo: 105 },
		{ id: 121, ts: todayAt(10, 9), from: 'dave', to: '#general', text: 'Great, that is what we want for the bots.', replyTo: 105, reactions: [{ emoji: '🎉', nicks: [ME] }] },
	];
}

function rootOf105(): Message {
	const item = decoratedDay().find((i) => i.kind === 'message' && i.message.id === 105);
	assert.ok(item?.kind === 'message');
	return item.message;
}

describe('webview: message actions, reactions and threads', function () {
	const browser = useBrowser();
	let panel: Panel;

	beforeEach(async function () {
		panel = await browser.open({ width: 1200, height: 760 });
		await panel.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
		const list = CONVERSATIONS.map((c) => (c.id === '#general' ? { ...c, role: 'member' as const } : c));
		await panel.send(
			connected(),
			conversations('#general', list),
			{ type: 'timeline', conversation: '#general', items: decoratedDay(), hasMoreBefore: false },
			{ type: 'members', conversation: '#general', members: GENERAL_MEMBERS },
		);
		await panel.page.locator('.msg[data-id="111"]').waitFor();
		await panel.clearPosted();
	});

	afterEach(async function () {
		await panel.assertClean();
		await panel.close();
	});

	const row = (id: number): Locator => panel.page.locator(`.timeline .msg[data-id="${id}"]`);

	/** What the panel posted, but its reports of what was on screen. */
	async function posted(): Promise<WebviewMessage[]> {
		return (await panel.posted()).filter((m) => m.type !== 'read');
	}

	/** The host's answer to the last posted message with a seq. */
	async function answer(error?: string): Promise<void> {
		const last = (await posted()).filter((m): m is WebviewMessage & { seq: number } => 'seq' in m && typeof m.seq === 'number').pop();
		assert.ok(last, 'a message with a seq was posted');
		await panel.send(error === undefined ? { type: 'result', seq: last.seq } : { type: 'result', seq: last.seq, error });
	}

	async function screenshot(name: string): Promise<void> {
		await panel.page.locator('html').evaluate((html) => html.ownerDocument.fonts.ready.then(() => undefined));
		const file = path.join(ROOT, 'test-results', name);
		fs.mkdirSync(path.dirname(file), { recursive: true });
		await panel.page.screenshot({ path: file });
		assert.ok(fs.statSync(file).size > 10_000);
	}

	it('shows reactions (own highlighted, who on hover), "(edited)", "message deleted" and "N replies"', async function () {
		const chips = row(104).locator('.reaction:not(.add-reaction)');
		assert.deepEqual(await chips.allTextContents(), ['😂2', '👀1']);
		assert.equal(await chips.nth(0).getAttribute('title'), 'alice and dave reacted with :joy:');
		assert.equal(await chips.nth(1).getAttribute('title'), 'you reacted with :eyes:');
		assert.equal(await chips.nth(1).getAttribute('aria-pressed'), 'true');
		assert.ok(await chips.nth(1).evaluate((e) => e.classList.contains('mine')));
		assert.ok(!(await chips.nth(0).evaluate((e) => e.classList.contains('mine'))));
		const edited = row(108).locator('.edited');
		assert.equal(await edited.textContent(), '(edited)');
		assert.match((await edited.getAttribute('title')) ?? '', /^Edited /);
		assert.equal((await row(110).locator('.text').textContent())?.trim(), 'message deleted');
		assert.equal(await row(110).locator('.reactions').count(), 0);
		assert.match((await row(105).locator('.thread-summary').textContent()) ?? '', /^2 replies\s*last reply \d/);
		await row(109).hover();
		await row(109).locator('.msg-toolbar').waitFor();
		await screenshot('webview-message-actions.png');
	});

	it('marks a thread with unread replies with a "N new" badge ("@" for a mention), in its label too, until they are read', async function () {
		const summary = row(105).locator('.thread-summary');
		assert.equal(await summary.locator('.thread-new').count(), 0);
		assert.equal(await summary.getAttribute('aria-label'), null);

		await panel.send({ type: 'threadUnread', conversation: '#general', threads: [{ id: 105, unread: 2, mentions: 0 }] });
		const badge = summary.locator('.thread-new');
		await badge.waitFor();
		assert.equal(await badge.textContent(), '2 new');
		assert.match((await summary.textContent()) ?? '', /^2 replies\s*2 new\s*last reply \d/);
		assert.match((await summary.getAttribute('aria-label')) ?? '', /^2 replies, 2 new, last reply \d/);
		assert.equal(await badge.evaluate((e) => e.ownerDocument.defaultView.getComputedStyle(e).fontWeight), '700');
		assert.equal(await row(104).locator('.thread-new').count(), 0, 'only the thread\'s root');
		const entry = panel.page.locator('.conversation[data-id="#general"]');
		await entry.locator('.thread-dot').waitFor();
		assert.match((await entry.getAttribute('aria-label')) ?? '', /new thread replies$/);

		await panel.send({ type: 'threadUnread', conversation: '#general', threads: [{ id: 105, unread: 1, mentions: 1 }] });
		await summary.locator('.thread-new.mention').waitFor();
		assert.equal(await badge.textContent(), '@ 1 new');
		assert.match((await summary.getAttribute('aria-label')) ?? '', /^2 replies, 1 new, 1 mentioning you, last reply \d/);

		await panel.send({ type: 'threadUnread', conversation: '#general', threads: [] });
		await badge.waitFor({ state: 'detached' });
		await entry.locator('.thread-dot').waitFor({ state: 'detached' });
		assert.equal(await summary.getAttribute('aria-label'), null);
		assert.match((await summary.textContent()) ?? '', /^2 replies\s*last reply \d/);
	});

	it('reads unread replies of the thread it shows: asks the host to mark them read', async function () {
		await row(105).locator('.thread-summary').click();
		await panel.send({ type: 'thread', conversation: '#general', root: rootOf105(), replies: replies(), hasMoreBefore: false });
		await panel.clearPosted();
		await panel.send({ type: 'threadUnread', conversation: '#general', threads: [{ id: 104, unread: 1, mentions: 0 }] });
		await panel.send({ type: 'threadUnread', conversation: '#general', threads: [{ id: 104, unread: 1, mentions: 0 }, { id: 105, unread: 1, mentions: 0 }] });
		await row(105).locator('.thread-new').waitFor();
		// Only one readThread: the first threadUnread (another thread) asked nothing.
		assert.deepEqual(await posted(), [{ type: 'readThread', conversation: '#general', root: 105 }]);
	});

	it('reacts from the toolbar with the emoji picker (searching), and a chip click toggles the user\'s own', async function () {
		await row(106).hover();
		await row(106).getByRole('button', { name: 'Add a reaction' }).click();
		const search = panel.page.getByRole('combobox', { name: 'Search emoji' });
		await search.waitFor();
		assert.equal(await search.evaluate((e) => e === e.ownerDocument.activeElement), true);
		await search.pressSequentially('tada');
		assert.equal(await panel.page.locator('.emoji-option').first().textContent(), '🎉');
		await screenshot('webview-emoji-picker.png');
		await search.press('Enter');
		await panel.waitForPosted({ type: 'react', conversation: '#general', id: 106, emoji: '🎉', add: true });
		assert.ok(await panel.page.locator('.emoji-picker').evaluate((e) => e.hidden));
		// The user's own 👀 on 104: a click takes it back; alice's 😂 adds one.
		await panel.clearPosted();
		await row(104).locator('.reaction', { hasText: '👀' }).click();
		await panel.waitForPosted({ type: 'react', id: 104, emoji: ':eyes:', add: false });
		await row(104).locator('.reaction', { hasText: '😂' }).click();
		await panel.waitForPosted({ type: 'react', id: 104, emoji: '😂', add: true });
		// The host's update redraws the chips.
		const updated: HostMessage = { type: 'messageUpdated', conversation: '#general', message: { id: 104, ts: todayAt(9, 21), from: 'bob', to: '#general', text: 'x', reactions: [{ emoji: '😂', nicks: ['alice', 'dave', ME] }] } };
		await panel.send(updated);
		await panel.page.waitForFunction(`document.querySelector('.msg[data-id="104"] .reaction')?.textContent === '😂3'`);
	});

	it('edits the user\'s own message inline: Enter saves, the text stays until the host takes it, Escape cancels', async function () {
		// Others' messages offer no edit.
		await row(105).hover();
		assert.equal(await row(105).getByRole('button', { name: 'Edit' }).count(), 0);
		await row(106).hover();
		await row(106).getByRole('button', { name: 'Edit' }).click();
		const editor = panel.page.getByRole('textbox', { name: 'Edit message' });
		assert.equal(await editor.inputValue(), 'It backs off up to 30 s and keeps trying. The core of it:');
		await editor.fill('It backs off up to 30 s, forever.');
		await editor.press('Enter');
		await panel.waitForPosted({ type: 'edit', conversation: '#general', id: 106, text: 'It backs off up to 30 s, forever.' });
		// Refused: the text stays, with why.
		await answer('Message 106 was deleted; you cannot edit it.');
		assert.equal(await editor.inputValue(), 'It backs off up to 30 s, forever.');
		assert.match((await panel.page.locator('.edit-error').textContent()) ?? '', /Not saved: Message 106 was deleted/);
		await panel.clearPosted();
		await editor.press('Enter');
		await panel.waitForPosted({ type: 'edit', id: 106 });
		await answer();
		await panel.send({ type: 'messageUpdated', conversation: '#general', message: { id: 106, ts: todayAt(10, 5), from: ME, to: '#general', text: 'It backs off up to 30 s, forever.', editedTs: Date.now() } });
		await row(106).locator('.edited').waitFor();
		assert.equal(await editor.count(), 0);
		assert.match((await row(106).locator('.text').textContent()) ?? '', /forever\. \(edited\)/);
		// Focus is back on the message.
		assert.equal(await row(106).evaluate((e) => e === e.ownerDocument.activeElement), true);
		// Escape cancels without posting.
		await panel.clearPosted();
		await row(106).press('e');
		await editor.fill('never mind');
		await editor.press('Escape');
		assert.equal(await editor.count(), 0);
		assert.deepEqual((await posted()).filter((m) => m.type === 'edit'), []);
	});

	it('edits the last own message with Up in the empty message box', async function () {
		const input = panel.page.getByRole('textbox', { name: 'Message #general' });
		await input.fill('draft');
		await input.press('ArrowUp');
		assert.equal(await panel.page.getByRole('textbox', { name: 'Edit message' }).count(), 0, 'not with text in the box');
		await input.fill('');
		await input.press('ArrowUp');
		const editor = panel.page.getByRole('textbox', { name: 'Edit message' });
		await editor.waitFor();
		// 107 is kim's newest message (the code block).
		assert.match(await editor.inputValue(), /^```ts/);
		assert.equal(await row(107).locator('.editor').count(), 1);
		await screenshot('webview-edit.png');
		await editor.press('Escape');
	});

	it('deletes after a confirmation; others\' messages only for ops and operators', async function () {
		await row(105).hover();
		assert.equal(await row(105).getByRole('button', { name: 'Delete' }).count(), 0, 'a plain member cannot delete dave\'s message');
		await row(106).hover();
		await row(106).getByRole('button', { name: 'Delete' }).click();
		const dialog = panel.page.getByRole('alertdialog', { name: 'Delete message' });
		await dialog.waitFor();
		assert.match((await dialog.textContent()) ?? '', /This cannot be undone/);
		assert.equal(await dialog.getByRole('button', { name: 'Cancel' }).evaluate((e) => e === e.ownerDocument.activeElement), true);
		await screenshot('webview-delete-confirm.png');
		await panel.page.keyboard.press('Escape');
		assert.equal(await dialog.isVisible(), false);
		assert.deepEqual((await posted()).filter((m) => m.type === 'delete'), []);
		await row(106).hover();
		await row(106).getByRole('button', { name: 'Delete' }).click();
		await dialog.getByRole('button', { name: 'Delete' }).click();
		await panel.waitForPosted({ type: 'delete', conversation: '#general', id: 106 });
		await answer();
		await panel.send({ type: 'messageUpdated', conversation: '#general', message: { id: 106, ts: todayAt(10, 5), from: ME, to: '#general', text: '', deleted: true } });
		await panel.page.waitForFunction(`document.querySelector('.msg[data-id="106"] .text')?.textContent?.trim() === 'message deleted'`);
		// As an op of the channel, or a server operator, others' messages can be deleted too.
		await panel.send({ type: 'serverRole', operator: true });
		await row(105).hover();
		await row(105).getByRole('button', { name: 'Delete' }).waitFor();
	});

	it('opens a thread, pages it, and replies from its own box (also to the channel), keeping refused text', async function () {
		await row(105).locator('.thread-summary').click();
		await panel.waitForPosted({ type: 'openThread', conversation: '#general', id: 105 });
		const thread = panel.page.locator('.thread-panel');
		await thread.waitFor();
		await panel.send({ type: 'thread', conversation: '#general', root: rootOf105(), replies: replies(), hasMoreBefore: true });
		await thread.locator('.msg[data-id="121"]').waitFor();
		assert.equal(await thread.locator('.thread-divider').textContent(), '2 replies');
		assert.equal(await thread.locator('.thread-summary').count(), 0);
		await thread.getByRole('button', { name: 'Show older replies' }).click();
		await panel.waitForPosted({ type: 'loadOlderReplies', conversation: '#general', root: 105 });
		const box = thread.getByRole('textbox', { name: 'Reply in thread' });
		await box.fill('I will add a test for it.');
		await thread.getByLabel('Also send to #general').check();
		await screenshot('webview-thread.png');
		await box.press('Enter');
		await panel.waitForPosted({ type: 'reply', conversation: '#general', root: 105, text: 'I will add a test for it.', alsoToChannel: true });
		await answer('You are offline: cannot send the reply until Parley reconnects.');
		assert.equal(await box.inputValue(), 'I will add a test for it.');
		assert.match((await thread.locator('.composer-error').textContent()) ?? '', /Not sent: You are offline/);
		await panel.clearPosted();
		await box.press('Enter');
		await panel.waitForPosted({ type: 'reply', root: 105 });
		await answer();
		assert.equal(await box.inputValue(), '');
		// Escape closes the panel; the message box has focus again.
		await box.press('Escape');
		assert.equal(await thread.isVisible(), false);
		assert.equal(await panel.page.getByRole('textbox', { name: 'Message #general' }).evaluate((e) => e === e.ownerDocument.activeElement), true);
	});

	it('works from the keyboard: arrows move between messages, T, R, E, C and Delete act on the focused one', async function () {
		const log = panel.page.getByRole('log', { name: 'Messages in #general' });
		await log.focus();
		await log.press('ArrowUp');
		assert.equal(await row(111).evaluate((e) => e === e.ownerDocument.activeElement), true, 'the newest message in view');
		await panel.page.keyboard.press('ArrowUp');
		await panel.page.keyboard.press('ArrowUp');
		assert.equal(await row(109).evaluate((e) => e === e.ownerDocument.activeElement), true);
		await panel.page.keyboard.press('t');
		await panel.waitForPosted({ type: 'openThread', id: 109 });
		assert.equal(await panel.page.getByRole('textbox', { name: 'Reply in thread' }).evaluate((e) => e === e.ownerDocument.activeElement), true);
		await panel.page.keyboard.press('Escape');
		await row(109).focus();
		await panel.page.keyboard.press('r');
		const search = panel.page.getByRole('combobox', { name: 'Search emoji' });
		await search.waitFor();
		await search.press('ArrowRight');
		await search.press('Enter');
		await panel.waitForPosted({ type: 'react', id: 109, emoji: '❤️', add: true });
		assert.equal(await row(109).evaluate((e) => e === e.ownerDocument.activeElement), true, 'focus back on the message');
		await panel.page.keyboard.press('c');
		await panel.page.locator('.toast', { hasText: 'Copied the message text.' }).waitFor();
		assert.equal(await panel.page.evaluate('navigator.clipboard.readText()'), 'Release notes draft is up, please review **before 3pm**');
		await panel.page.keyboard.press('l');
		await panel.page.locator('.toast', { hasText: 'Copied the link to the message.' }).waitFor();
		assert.equal(await panel.page.evaluate('navigator.clipboard.readText()'), 'parley-message:%23general/109');
		// Not the user's message: E and Delete do nothing.
		await panel.page.keyboard.press('e');
		await panel.page.keyboard.press('Delete');
		assert.equal(await panel.page.getByRole('textbox', { name: 'Edit message' }).count(), 0);
		assert.equal(await panel.page.getByRole('alertdialog').count(), 0);
		// Down to kim's 106/107 is further up: Home goes to the first message.
		await panel.page.keyboard.press('Home');
		assert.equal(await row(101).evaluate((e) => e === e.ownerDocument.activeElement), true);
		await row(107).focus();
		await panel.page.keyboard.press('Delete');
		await panel.page.getByRole('alertdialog', { name: 'Delete message' }).waitFor();
		await panel.page.keyboard.press('Tab');
		await panel.page.keyboard.press('Enter');
		await panel.waitForPosted({ type: 'delete', id: 107 });
		// Shift+F10 reaches the toolbar; arrows move in it.
		await row(108).focus();
		await panel.page.keyboard.press('Shift+F10');
		assert.equal(await panel.page.evaluate('document.activeElement?.getAttribute("aria-label")'), 'Add a reaction');
		await panel.page.keyboard.press('ArrowRight');
		assert.equal(await panel.page.evaluate('document.activeElement?.getAttribute("aria-label")'), 'Reply in thread');
	});

	it('opens message links: a click asks the host, and jumpTo shows the message (in its thread for a reply)', async function () {
		await panel.send({ type: 'append', conversation: '#general', items: [{ kind: 'message', message: { id: 130, ts: Date.now(), from: 'bob', to: '#general', text: 'See [this answer](parley-message:%23general/120) and parley-message:%23general/106' } }] });
		await row(130).locator('a.message-link').first().click();
		await panel.waitForPosted({ type: 'openMessageLink', url: 'parley-message:%23general/120' });
		await row(130).locator('a.message-link').nth(1).click();
		await panel.waitForPosted({ type: 'openMessageLink', url: 'parley-message:%23general/106' });
		await panel.send({ type: 'jumpTo', conversation: '#general', id: 106 });
		await panel.page.waitForFunction(`document.querySelector('.msg[data-id="106"]')?.closest('.row')?.classList.contains('revealed') === true`);
		await panel.send({ type: 'jumpTo', conversation: '#general', id: 120, threadRoot: 105 });
		await panel.waitForPosted({ type: 'openThread', id: 105 });
		await panel.send({ type: 'thread', conversation: '#general', root: rootOf105(), replies: replies(), hasMoreBefore: false });
		await panel.page.waitForFunction(`document.querySelector('.thread-panel .msg[data-id="120"]')?.classList.contains('highlight') === true`);
	});

	it('in a narrow panel, the thread covers the messages; hostile reactions stay text', async function () {
		await panel.page.setViewportSize({ width: 640, height: 700 });
		const hostile = '<img src=x onerror=alert(1)>';
		await panel.send({ type: 'messageUpdated', conversation: '#general', message: { ...rootOf105(), reactions: [{ emoji: hostile, nicks: [hostile] }] } });
		const chip = row(105).locator('.reaction').first();
		assert.equal(await chip.locator('.reaction-emoji').textContent(), hostile);
		assert.equal(await row(105).locator('img').count(), 0);
		await row(105).locator('.thread-summary').click();
		await panel.send({ type: 'thread', conversation: '#general', root: rootOf105(), replies: replies(), hasMoreBefore: false });
		const thread = panel.page.locator('.thread-panel');
		await thread.locator('.msg[data-id="121"]').waitFor();
		const box = await thread.boundingBox();
		assert.ok(box && box.x <= 640 - 400 && box.width >= 400, `the thread overlays: ${JSON.stringify(box)}`);
		await screenshot('webview-thread-narrow.png');
	});
});

import * as assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import type { WebviewMessage } from '../../protocol/webview';
import { CONVERSATIONS, connected, conversations, generalDay, history } from './fixtures';
import { type Panel, useBrowser } from './harness';

describe('webview: composer and slash commands', function () {
	const browser = useBrowser();
	let panel: Panel;
	let input: Locator;

	beforeEach(async function () {
		panel = await browser.open();
		await panel.send(connected(), conversations('#general'), { type: 'timeline', conversation: '#general', items: generalDay(), hasMoreBefore: false });
		input = panel.page.locator('textarea.composer-input');
		await input.focus();
		await panel.clearPosted();
	});

	afterEach(async function () {
		await panel.assertClean();
		await panel.close();
	});

	/** What the panel posted, but its reports of what was on screen (`read`), which scrolling and resizing make. */
	async function posted(): Promise<WebviewMessage[]> {
		// Read markers, typing and focus news come and go with scrolling and typing; not what these tests are about.
		return (await panel.posted()).filter((m) => m.type !== 'read' && m.type !== 'typing' && m.type !== 'hasFocus');
	}

	/** Types a line and presses Enter; returns what was posted. */
	async function enter(line: string): Promise<WebviewMessage[]> {
		await input.fill(line);
		await input.press('Enter');
		return posted();
	}

	/** The host's answer to the last posted message that carried a sequence number. */
	async function answer(error?: string): Promise<void> {
		const last = (await posted()).filter((m): m is WebviewMessage & { seq: number } => 'seq' in m && typeof m.seq === 'number').pop();
		assert.ok(last, 'a message with a seq was posted');
		await panel.send(error === undefined ? { type: 'result', seq: last.seq } : { type: 'result', seq: last.seq, error });
	}

	/** Posted messages without their sequence numbers. */
	async function postedPlain(): Promise<WebviewMessage[]> {
		return (await posted()).map((m) => {
			const { seq: _seq, ...rest } = m as WebviewMessage & { seq?: number };
			return rest;
		});
	}

	it('sends on Enter and adds a line on Shift+Enter', async function () {
		await input.pressSequentially('first line');
		await input.press('Shift+Enter');
		await input.pressSequentially('second line');
		assert.equal(await input.inputValue(), 'first line\nsecond line');
		assert.deepEqual(await posted(), []);
		await input.press('Enter');
		await panel.waitForPosted({ type: 'send', conversation: '#general', text: 'first line\nsecond line' });
		// Kept until the host says it took it; then cleared.
		assert.equal(await input.inputValue(), 'first line\nsecond line');
		await answer();
		assert.equal(await input.inputValue(), '');
		// The clearing is an edit like any other: Ctrl+Z brings the line back.
		await input.press('Control+Z');
		assert.equal(await input.inputValue(), 'first line\nsecond line');
		await input.fill('');
		// Blank lines are not sent.
		await input.press('Enter');
		await input.fill('   \n ');
		await input.press('Enter');
		assert.equal((await posted()).length, 1);
	});

	it('sends with the send button', async function () {
		await input.fill('via button');
		await panel.page.getByRole('button', { name: 'Send (Enter)' }).click();
		await panel.waitForPosted({ type: 'send', conversation: '#general', text: 'via button' });
	});

	it('posts the right message for each command', async function () {
		const cases: [string, WebviewMessage][] = [
			['/join #rust', { type: 'join', channel: '#rust' }],
			['/join Ops', { type: 'join', channel: '#ops' }],
			['/leave', { type: 'leave', conversation: '#general' }],
			['/leave #random', { type: 'leave', conversation: '#random' }],
			['/msg bob are you there?', { type: 'directMessage', nick: 'bob', text: 'are you there?' }],
			['/msg carol', { type: 'directMessage', nick: 'carol' }],
			['/nick kimberly', { type: 'nick', nick: 'kimberly' }],
			['/quit off to lunch', { type: 'quit', reason: 'off to lunch' }],
			['/quit', { type: 'quit' }],
			['//shrug', { type: 'send', conversation: '#general', text: '/shrug' }],
			['/create #Design', { type: 'createChannel', channel: '#design', private: false }],
			['/create secret private', { type: 'createChannel', channel: '#secret', private: true }],
			['/invite bob', { type: 'invite', channel: '#general', nick: 'bob' }],
			['/invite bob #random', { type: 'invite', channel: '#random', nick: 'bob' }],
			['/kick dave too loud', { type: 'kick', channel: '#general', nick: 'dave', reason: 'too loud' }],
			['/kick dave', { type: 'kick', channel: '#general', nick: 'dave' }],
			['/ban mallory spam', { type: 'ban', channel: '#general', nick: 'mallory', reason: 'spam' }],
			['/unban mallory', { type: 'unban', channel: '#general', nick: 'mallory' }],
			['/op bob', { type: 'setRole', channel: '#general', nick: 'bob', role: 'op' }],
			['/deop bob', { type: 'setRole', channel: '#general', nick: 'bob', role: 'member' }],
			['/topic Release on Friday', { type: 'setTopic', channel: '#general', topic: 'Release on Friday' }],
			['/topic -', { type: 'setTopic', channel: '#general', topic: '' }],
		];
		for (const [line, expected] of cases) {
			await panel.clearPosted();
			await enter(line);
			assert.deepEqual(await postedPlain(), [expected], line);
			assert.equal(await input.inputValue(), line, `${line}: kept until the host answers`);
			await answer();
			assert.equal(await input.inputValue(), '', line);
		}
	});

	it('clears a command line that opened another conversation from the one it was typed in', async function () {
		await enter('/create #design');
		// The host opens the new channel before it answers.
		const list = [...CONVERSATIONS, { id: '#design', kind: 'channel' as const, name: '#design', unread: 0, mentions: 0, role: 'owner' as const }];
		await panel.send({ type: 'conversations', conversations: list, active: '#design' }, { type: 'focus', conversation: '#design' });
		await panel.page.locator('.conversation-title .title-text', { hasText: 'design' }).waitFor();
		await answer();
		await panel.page.locator('[role=option][data-id="#general"]').click();
		assert.equal(await input.inputValue(), '', 'not left behind as #general\'s draft');
	});

	it('keeps a moderation command the server refuses in the box, with the reason shown', async function () {
		await enter('/kick alice bye');
		assert.deepEqual(await postedPlain(), [{ type: 'kick', channel: '#general', nick: 'alice', reason: 'bye' }]);
		await panel.send({ type: 'notice', text: 'Only the owner and ops of #general can kick.', level: 'error' });
		await answer('Only the owner and ops of #general can kick.');
		await panel.page.locator('.notice-error', { hasText: 'Only the owner and ops' }).waitFor();
		assert.equal(await input.inputValue(), '/kick alice bye', 'the line stays, to be corrected or sent again');
	});

	it('shows the topic with /topic, and says where the moderation commands work', async function () {
		await enter('/topic');
		await panel.page.locator('.notice', { hasText: 'The topic of #general: Company-wide chatter' }).waitFor();
		await panel.page.locator('[role=option][data-id="bob"]').click();
		await panel.clearPosted();
		assert.deepEqual(await enter('/kick dave'), []);
		await panel.page.locator('.notice-error', { hasText: '/kick works in the open channel' }).waitFor();
		assert.equal(await input.inputValue(), '/kick dave');
	});

	it('shows /help locally', async function () {
		const posted = await enter('/help');
		assert.deepEqual(posted, []);
		const notice = panel.page.locator('.notice-info');
		await notice.waitFor();
		const usages = await notice.locator('dt').allTextContents();
		assert.deepEqual(
			usages.map((u) => u.split(' ')[0]),
			['/join', '/leave', '/msg', '/nick', '/create', '/invite', '/topic', '/kick', '/ban', '/unban', '/op', '/deop', '/help', '/quit'],
		);
		assert.equal(await input.inputValue(), '');
		assert.match((await notice.textContent()) ?? '', /Only visible to you/);
	});

	it('reports unknown commands and bad arguments locally, never sending them', async function () {
		for (const [line, pattern] of [
			['/frobnicate now', /Unknown command "\/frobnicate"/],
			['/join', /Usage: \/join #channel/],
			['/join #bad name!', /Usage/],
			['/join #bad!', /only letters, digits/],
			['/nick 9lives', /must start with a letter/],
			['/msg', /Usage/],
		] as const) {
			const posted = await enter(line);
			assert.deepEqual(posted, [], line);
			const last = panel.page.locator('.notice-error').last();
			await last.waitFor();
			assert.match((await last.textContent()) ?? '', pattern, line);
			// The line stays in the input to be corrected.
			assert.equal(await input.inputValue(), line);
		}
		assert.equal(await panel.page.locator('.notice-error[role=alert]').count(), 6);
	});

	it('completes commands from the suggestion list', async function () {
		const page = panel.page;
		await input.pressSequentially('/j');
		const suggestions = page.getByRole('listbox', { name: 'Commands' });
		await suggestions.waitFor();
		assert.equal(await input.getAttribute('aria-expanded'), 'true');
		await input.press('Tab');
		assert.equal(await input.inputValue(), '/join ');
		await suggestions.waitFor({ state: 'hidden' });
		await input.fill('');
		await input.pressSequentially('/');
		await suggestions.waitFor();
		assert.equal(await suggestions.getByRole('option').count(), 14);
		await input.press('ArrowDown');
		await input.press('Enter');
		assert.equal(await input.inputValue(), '/leave ');
		assert.deepEqual(await posted(), []);
		await input.fill('/he');
		await input.press('Escape');
		await suggestions.waitFor({ state: 'hidden' });
	});

	it('keeps drafts per conversation and restores them after a reload', async function () {
		const page = panel.page;
		await panel.send(
			{ type: 'timeline', conversation: '#random', items: history(3, '#random'), hasMoreBefore: false },
		);
		await input.fill('draft for general');
		await page.locator('[role=option][data-id="#random"]').click();
		await panel.waitForPosted({ type: 'select', conversation: '#random' });
		assert.equal(await input.inputValue(), '');
		assert.equal(await input.getAttribute('placeholder'), 'Message #random');
		await input.fill('draft for random');
		await page.keyboard.press('Alt+ArrowUp');
		await panel.waitForPosted({ type: 'select', conversation: '#general' });
		assert.equal(await input.inputValue(), 'draft for general');

		await page.waitForFunction(() => {
			const state = (globalThis as unknown as { __parley: { state(): { drafts?: Record<string, string> } | undefined } }).__parley.state();
			return state?.drafts?.['#random'] === 'draft for random' && state.drafts['#general'] === 'draft for general';
		});
		await page.reload();
		await panel.waitForPosted({ type: 'ready' });
		// No active conversation from the host: the panel reopens the one saved in state.
		await panel.send(connected(), { type: 'conversations', conversations: CONVERSATIONS.map((c) => ({ ...c })) });
		await panel.waitForPosted({ type: 'select', conversation: '#general' });
		assert.equal(await input.inputValue(), 'draft for general');
		await page.locator('[role=option][data-id="#random"]').click();
		assert.equal(await input.inputValue(), 'draft for random');
	});

	it('returns focus to the input on Escape, and typing in the log goes to the input', async function () {
		const page = panel.page;
		await page.locator('[role=option][data-id="#general"]').focus();
		await page.keyboard.press('Escape');
		assert.ok(await input.evaluate((el) => el === el.ownerDocument.activeElement));
		await page.getByRole('log').focus();
		await page.keyboard.type('h');
		assert.ok(await input.evaluate((el) => el === el.ownerDocument.activeElement));
		assert.equal(await input.inputValue(), 'h');
	});

	it('keeps the line when the host refuses it, and a second Enter meanwhile sends nothing more', async function () {
		await input.fill('not in that channel');
		await input.press('Enter');
		await input.press('Enter');
		assert.equal((await posted()).length, 1, 'one send for two Enters');
		await answer('You are not in #general; join it first.');
		assert.equal(await input.inputValue(), 'not in that channel');
		// /msg to someone the server does not know: the text stays too.
		await panel.clearPosted();
		await enter('/msg bob are you there?');
		await answer('No user "bob" is online.');
		assert.equal(await input.inputValue(), '/msg bob are you there?');
		// Edited after Enter: the host's yes does not clear what the user typed since.
		await panel.clearPosted();
		await input.fill('first version');
		await input.press('Enter');
		await input.fill('second version');
		await answer();
		assert.equal(await input.inputValue(), 'second version');
	});

	it('counts characters near the limit and refuses to send over it, keeping the text', async function () {
		const page = panel.page;
		await panel.send({ type: 'config', tabSize: 4, maxMessageLength: 4000 });
		const counter = page.locator('.composer-counter');
		await input.fill('x'.repeat(3500));
		assert.equal(await counter.isVisible(), false, 'no counter far from the limit');
		await input.fill('x'.repeat(3700));
		await counter.waitFor();
		assert.equal(await counter.textContent(), '3,700 / 4,000');
		assert.equal(await counter.evaluate((el) => el.classList.contains('over')), false);
		// The paste: 4,100 characters.
		const long = 'y'.repeat(4100);
		await input.fill(long);
		assert.equal(await counter.textContent(), '4,100 / 4,000');
		assert.ok(await counter.evaluate((el) => el.classList.contains('over')));
		assert.equal(await input.getAttribute('aria-invalid'), 'true');
		await input.press('Enter');
		const error = page.getByRole('alert').filter({ hasText: 'Not sent' });
		await error.waitFor();
		assert.match((await error.textContent()) ?? '', /4,100 characters.*at most 4,000\. Remove 100/);
		assert.deepEqual(await posted(), []);
		assert.equal(await input.inputValue(), long);
		// The same for /msg, whose text part is what counts.
		await input.fill(`/msg bob ${long}`);
		await input.press('Enter');
		assert.deepEqual(await posted(), []);
		// Back under the limit: the error goes, and Enter sends.
		await input.fill('y'.repeat(3999));
		assert.equal(await error.count(), 0);
		await input.press('Enter');
		await panel.waitForPosted({ type: 'send', conversation: '#general', text: 'y'.repeat(3999) });
	});

	it('keeps a message the server refused, with its reason, to retry, edit, copy or discard', async function () {
		const page = panel.page;
		const failed = (id: string, text: string) => ({ type: 'failed', conversation: '#general', id, text, reason: 'No user "bob" is online.', ts: Date.now() });
		await panel.send(failed('f-1', 'are you **there**?'));
		const row = page.locator('.msg.failed');
		await row.waitFor();
		assert.equal(await row.locator('.text').textContent(), 'are you there?');
		assert.equal(await row.locator('.text strong').textContent(), 'there');
		assert.match((await row.locator('.failed-note').textContent()) ?? '', /Not sent: No user "bob" is online\./);
		// A new timeline from the host (a reconnect) keeps it.
		await panel.send({ type: 'timeline', conversation: '#general', items: generalDay(), hasMoreBefore: false });
		await row.waitFor();

		await row.getByRole('button', { name: 'Retry' }).click();
		await panel.waitForPosted({ type: 'send', conversation: '#general', text: 'are you **there**?' });
		await answer('still nobody');
		assert.equal(await row.count(), 1, 'kept while the retry is refused');
		await row.getByRole('button', { name: 'Retry' }).click();
		await answer();
		await row.waitFor({ state: 'detached' });
		await panel.waitForPosted({ type: 'discardFailed', id: 'f-1' });

		await panel.send(failed('f-2', 'take two'));
		await row.getByRole('button', { name: 'Edit' }).click();
		await row.waitFor({ state: 'detached' });
		assert.equal(await input.inputValue(), 'take two');
		await panel.waitForPosted({ type: 'discardFailed', id: 'f-2' });

		await panel.send(failed('f-3', 'never mind'));
		await row.getByRole('button', { name: 'Discard' }).click();
		await row.waitFor({ state: 'detached' });
		await panel.waitForPosted({ type: 'discardFailed', id: 'f-3' });
	});
});

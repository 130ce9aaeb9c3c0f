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

	/** Types a line and presses Enter; returns what was posted. */
	async function enter(line: string): Promise<WebviewMessage[]> {
		await input.fill(line);
		await input.press('Enter');
		return panel.posted();
	}

	it('sends on Enter and adds a line on Shift+Enter', async function () {
		await input.pressSequentially('first line');
		await input.press('Shift+Enter');
		await input.pressSequentially('second line');
		assert.equal(await input.inputValue(), 'first line\nsecond line');
		assert.deepEqual(await panel.posted(), []);
		await input.press('Enter');
		await panel.waitForPosted({ type: 'send', conversation: '#general', text: 'first line\nsecond line' });
		assert.equal(await input.inputValue(), '');
		// Blank lines are not sent.
		await input.press('Enter');
		await input.fill('   \n ');
		await input.press('Enter');
		assert.equal((await panel.posted()).length, 1);
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
		// Requests that can be refused carry a sequence number: the host answers each with `done`.
		const answered = new Set(['join', 'leave', 'directMessage', 'nick', 'createChannel', 'invite', 'kick', 'ban', 'unban', 'setRole', 'setTopic']);
		for (const [line, expected] of cases) {
			await panel.clearPosted();
			const posted = await enter(line);
			assert.equal(posted.length, 1, line);
			const { seq, ...rest } = posted[0] as WebviewMessage & { seq?: number };
			assert.deepEqual(rest, expected, line);
			assert.equal(typeof seq === 'number', answered.has(expected.type), `${line}: seq ${seq}`);
			assert.equal(await input.inputValue(), '', line);
		}
	});

	it('gives a refused command line back, and a refused message too, with the reason shown', async function () {
		const posted = await enter('/kick alice bye');
		const seq = (posted[0] as { seq?: number }).seq;
		assert.equal(typeof seq, 'number');
		assert.equal(await input.inputValue(), '');
		await panel.send({ type: 'notice', text: 'Only the owner and ops of #general can kick.', level: 'error' }, { type: 'done', seq: seq!, error: 'Only the owner and ops of #general can kick.' });
		await panel.page.locator('.notice-error', { hasText: 'Only the owner and ops' }).waitFor();
		assert.equal(await input.inputValue(), '/kick alice bye', 'the line is back, to be corrected or sent again');

		await input.fill('');
		await panel.send({ type: 'restore', conversation: '#general', text: 'a message the server refused' });
		assert.equal(await input.inputValue(), 'a message the server refused');
		// Never over something typed meanwhile.
		await input.fill('typing something else');
		await panel.send({ type: 'restore', conversation: '#general', text: 'another refused one' });
		assert.equal(await input.inputValue(), 'typing something else');
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
		assert.deepEqual(await panel.posted(), []);
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
});

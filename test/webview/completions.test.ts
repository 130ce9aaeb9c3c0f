import * as assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import { GENERAL_MEMBERS, connected, conversations, generalDay, members } from './fixtures';
import { type Panel, useBrowser } from './harness';

describe('webview: completions in the composer', function () {
	const browser = useBrowser();
	let panel: Panel;
	let input: Locator;

	beforeEach(async function () {
		panel = await browser.open();
		await panel.send(
			connected(),
			conversations('#general'),
			{ type: 'timeline', conversation: '#general', items: generalDay(), hasMoreBefore: false },
			{ type: 'members', conversation: '#general', members: [...GENERAL_MEMBERS, ...members('Alfred')] },
			{ type: 'members', conversation: '#random', members: members('zoe', 'alice') },
		);
		input = panel.page.locator('textarea.composer-input');
		await input.focus();
		await panel.clearPosted();
	});

	afterEach(async function () {
		await panel.assertClean();
		await panel.close();
	});

	const options = () => panel.page.locator('#composer-suggestions [role=option]');

	it('completes @nicks: members here first, then other people known; Tab accepts', async function () {
		const list = panel.page.getByRole('listbox', { name: 'People' });
		await input.pressSequentially('thanks @');
		await list.waitFor();
		// Members of #general (not me), then DM partners and members of other channels.
		assert.deepEqual(await options().allTextContents(), ['Alfred', 'alice', 'bob', 'carol', 'dave', 'zoe']);
		await input.pressSequentially('al');
		assert.deepEqual(await options().allTextContents(), ['Alfred', 'alice']);
		assert.equal(await input.getAttribute('aria-expanded'), 'true');
		assert.equal(await input.getAttribute('aria-activedescendant'), 'suggestion-0');
		await input.press('ArrowDown');
		assert.equal(await input.getAttribute('aria-activedescendant'), 'suggestion-1');
		assert.equal(await options().nth(1).getAttribute('aria-selected'), 'true');
		await input.press('Tab');
		assert.equal(await input.inputValue(), 'thanks @alice ');
		await list.waitFor({ state: 'hidden' });
		assert.equal(await input.getAttribute('aria-expanded'), 'false');
		// Accepting is an edit: Ctrl+Z takes it back.
		await input.press('Control+Z');
		assert.equal(await input.inputValue(), 'thanks @al');
	});

	it('completes #channels with Enter, and Enter on a word typed in full sends', async function () {
		const list = panel.page.getByRole('listbox', { name: 'Channels' });
		await input.pressSequentially('see #re');
		await list.waitFor();
		assert.deepEqual(await options().allTextContents(), ['#release']);
		await input.press('Enter');
		assert.equal(await input.inputValue(), 'see #release ');
		assert.deepEqual((await panel.posted()).filter((m) => m.type !== 'typing' && m.type !== 'hasFocus'), []);
		await input.fill('');
		await input.pressSequentially('/join #random');
		await input.press('Enter');
		await panel.waitForPosted({ type: 'join', channel: '#random' });
	});

	it('completes :emoji: after two letters; Escape dismisses; a click picks', async function () {
		const list = panel.page.getByRole('listbox', { name: 'Emoji' });
		await input.pressSequentially('re: ok :s');
		assert.equal(await list.isVisible(), false, 'not after one letter (nor after "re:")');
		await input.pressSequentially('mi');
		await list.waitFor();
		assert.match((await options().first().textContent()) ?? '', /😄\s+:smile:/);
		await input.press('Escape');
		await list.waitFor({ state: 'hidden' });
		assert.equal(await input.inputValue(), 're: ok :smi', 'Escape keeps the text');
		await input.pressSequentially('l');
		await list.waitFor();
		await options().first().click();
		assert.equal(await input.inputValue(), 're: ok 😄');
		await input.pressSequentially(' :tada');
		await input.press('Tab');
		assert.equal(await input.inputValue(), 're: ok 😄 🎉');
		assert.equal(await list.isVisible(), false);
	});

	it('offers nothing in the middle of a word, in an e-mail address or a time', async function () {
		for (const text of ['mail kim@example', 'at 12:30', 'issue#12']) {
			await input.fill('');
			await input.pressSequentially(text);
			assert.equal(await panel.page.locator('#composer-suggestions').isVisible(), false, text);
		}
	});
});

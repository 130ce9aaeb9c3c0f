import * as assert from 'node:assert/strict';
import { CONVERSATIONS, connected, conversations, generalDay, members } from './fixtures';
import { type Panel, useBrowser } from './harness';

describe('webview: sidebar and keyboard', function () {
	const browser = useBrowser();
	let panel: Panel;

	beforeEach(async function () {
		panel = await browser.open();
		await panel.send(connected(), conversations('#general'), { type: 'timeline', conversation: '#general', items: generalDay(), hasMoreBefore: false });
		await panel.clearPosted();
	});

	afterEach(async function () {
		await panel.assertClean();
		await panel.close();
	});

	const option = (id: string) => panel.page.locator(`[role=option][data-id="${id}"]`);

	it('lists channels then DMs with unread counts and mention badges', async function () {
		const page = panel.page;
		const listbox = page.getByRole('listbox', { name: 'Conversations' });
		assert.deepEqual(await listbox.locator('.conversation-name').allTextContents(), ['general', 'random', 'release', 'alice', 'bob']);
		assert.deepEqual(await listbox.locator('.group-title').allTextContents(), ['Channels', 'Direct messages']);
		assert.equal(await option('#random').locator('.unread-badge').textContent(), '4');
		assert.equal(await option('#random').locator('.mention-badge').count(), 0);
		assert.equal(await option('#release').locator('.mention-badge').textContent(), '2');
		assert.equal(await option('#release').getAttribute('aria-label'), '#release, 12 unread, 2 mentions');
		assert.equal(await option('alice').getAttribute('aria-label'), 'alice, 1 unread, 1 mention');
		assert.equal(await option('bob').locator('.badge').count(), 0);
		assert.equal(await option('#general').getAttribute('aria-selected'), 'true');
		assert.ok(await option('#random').evaluate((el) => el.classList.contains('unread')));
		// The mention badge is the highlighted one.
		const [plain, mention] = await Promise.all([
			option('#random').locator('.badge').evaluate((el) => el.ownerDocument.defaultView.getComputedStyle(el).backgroundColor),
			option('#release').locator('.badge').evaluate((el) => el.ownerDocument.defaultView.getComputedStyle(el).backgroundColor),
		]);
		assert.notEqual(plain, mention);

		// The host updates counts as messages arrive.
		const updated = CONVERSATIONS.map((c) => (c.id === 'bob' ? { ...c, unread: 3, mentions: 3 } : { ...c }));
		await panel.send({ type: 'conversations', conversations: updated, active: '#general' });
		await option('bob').locator('.mention-badge', { hasText: '3' }).waitFor();
	});

	it('opens a conversation on click; its badge stays until the host says its messages were read', async function () {
		await option('#release').click();
		await panel.waitForPosted({ type: 'select', conversation: '#release' });
		assert.equal(await option('#release').getAttribute('aria-selected'), 'true');
		assert.equal(await option('#release').locator('.badge').textContent(), '2', 'opening is not reading');
		assert.equal(await panel.page.locator('.conversation-title').textContent(), 'release');
		assert.match((await panel.page.locator('.intro-loading').textContent()) ?? '', /Loading messages/);
		await panel.send({ type: 'conversations', conversations: CONVERSATIONS.map((c) => (c.id === '#release' ? { ...c, unread: 0, mentions: 0 } : { ...c })), active: '#release' });
		await option('#release').locator('.badge').waitFor({ state: 'detached' });
	});


	it('moves with arrow keys, opens with Enter; one Tab stop', async function () {
		const page = panel.page;
		await option('#general').focus();
		await page.keyboard.press('ArrowDown');
		await page.keyboard.press('ArrowDown');
		assert.ok(await option('#release').evaluate((el) => el === el.ownerDocument.activeElement));
		await page.keyboard.press('End');
		assert.ok(await option('bob').evaluate((el) => el === el.ownerDocument.activeElement));
		await page.keyboard.press('ArrowUp');
		await page.keyboard.press('Enter');
		await panel.waitForPosted({ type: 'select', conversation: 'alice' });
		assert.equal(await page.locator('[role=option][tabindex="0"]').count(), 1);
		// Tab leaves the list for the header toolbar, not the next option.
		await page.keyboard.press('Tab');
		assert.equal(await page.evaluate('document.activeElement.getAttribute("role")'), null);
	});

	it('switches with Alt+Up/Down and with Alt+Shift to unread ones', async function () {
		const page = panel.page;
		await page.locator('textarea').focus();
		await page.keyboard.press('Alt+ArrowDown');
		await panel.waitForPosted({ type: 'select', conversation: '#random' });
		await page.keyboard.press('Alt+ArrowUp');
		await panel.waitForPosted({ type: 'select', conversation: '#general' });
		await page.keyboard.press('Alt+ArrowUp');
		await panel.waitForPosted({ type: 'select', conversation: 'bob' });
		// Opening #random did not read it (the host says what was read): after bob, the next unread is #random.
		await panel.clearPosted();
		await page.keyboard.press('Alt+Shift+ArrowDown');
		await panel.waitForPosted({ type: 'select', conversation: '#random' });
		assert.ok(await page.locator('textarea').evaluate((el) => el === el.ownerDocument.activeElement));
	});

	it('switches with the quick switcher, which the host opens (its Ctrl+K is a VS Code keybinding)', async function () {
		const page = panel.page;
		const combo = page.getByRole('combobox', { name: 'Switch to conversation' });
		// The webview itself leaves Ctrl+K and Cmd+K to VS Code, so that no chord starts twice.
		await page.keyboard.press('Control+K');
		await page.keyboard.press('Meta+K');
		assert.equal(await combo.isVisible(), false);
		await panel.send({ type: 'openSwitcher' });
		await combo.waitFor();
		assert.equal(await page.getByRole('dialog').count(), 1);
		await combo.pressSequentially('al');
		// Prefix matches first, then substring matches.
		assert.deepEqual(await page.locator('.switcher-option .switcher-name').allTextContents(), ['alice', 'general']);
		await combo.press('Enter');
		await panel.waitForPosted({ type: 'select', conversation: 'alice' });
		await combo.waitFor({ state: 'hidden' });
		assert.ok(await page.locator('textarea').evaluate((el) => el === el.ownerDocument.activeElement));
		// Escape closes without switching.
		await panel.send({ type: 'openSwitcher' });
		await combo.waitFor();
		await combo.press('ArrowDown');
		await combo.press('Escape');
		await combo.waitFor({ state: 'hidden' });
		assert.equal((await panel.posted()).filter((m) => m.type === 'select').length, 1);
	});

	it('follows the host: focus and a new conversation list', async function () {
		const page = panel.page;
		const list = [...CONVERSATIONS, { id: '#rust', kind: 'channel' as const, name: '#rust', unread: 0, mentions: 0, memberCount: 1 }];
		await panel.send({ type: 'conversations', conversations: list }, { type: 'focus', conversation: '#rust' });
		await page.locator('.conversation-title', { hasText: 'rust' }).waitFor();
		assert.equal(await option('#rust').getAttribute('aria-selected'), 'true');
		assert.ok(await page.locator('textarea').evaluate((el) => el === el.ownerDocument.activeElement));
		// The open conversation is left: the host's list no longer has it.
		await panel.send({ type: 'conversations', conversations: CONVERSATIONS, active: '#general' });
		await page.locator('.conversation-title', { hasText: 'general' }).waitFor();
	});

	it('switches on a host focus without taking keyboard focus from the workbench', async function () {
		const page = panel.page;
		// As when the user is in a quick pick or an editor: the webview document is not focused.
		await page.evaluate('document.activeElement && document.activeElement.blur(); document.hasFocus = () => false;');
		await panel.send({ type: 'focus', conversation: '#random' });
		await page.locator('.conversation-title', { hasText: 'random' }).waitFor();
		assert.equal(await page.evaluate('document.activeElement === document.body'), true, 'no element took focus');
	});

	it('shows a welcome with actions when nothing is joined', async function () {
		const page = panel.page;
		await panel.send({ type: 'conversations', conversations: [] });
		await page.locator('.welcome').waitFor();
		await page.getByRole('button', { name: 'Join a channel' }).first().click();
		await panel.waitForPosted({ type: 'command', command: 'joinChannel' });
		await page.locator('textarea').fill('hello?');
		await page.locator('textarea').press('Enter');
		await page.locator('.notice-error', { hasText: 'Open a conversation first' }).waitFor();
		assert.equal((await panel.posted()).filter((m) => m.type === 'send').length, 0);
	});

	it('fits a narrow panel: conversations and members open as overlays', async function () {
		const narrow = await browser.open({ width: 420, height: 640 });
		try {
			const page = narrow.page;
			await narrow.send(connected(), conversations('#general'), { type: 'timeline', conversation: '#general', items: generalDay(), hasMoreBefore: false });
			await narrow.send({ type: 'members', conversation: '#general', members: members('alice', 'kim') });
			await page.locator('.msg').first().waitFor();
			assert.equal(await page.locator('.sidebar').isVisible(), false);
			assert.equal(await page.locator('#members').isVisible(), false);
			await page.getByRole('button', { name: 'Show conversations' }).click();
			await page.locator('[role=option][data-id="#random"]').click();
			await narrow.waitForPosted({ type: 'select', conversation: '#random' });
			await page.locator('.sidebar').waitFor({ state: 'hidden' });
			await page.locator('.members-toggle').click();
			await page.locator('#members').waitFor();
			await page.keyboard.press('Escape');
			await page.locator('#members').waitFor({ state: 'hidden' });
			await narrow.assertClean();
		} finally {
			await narrow.close();
		}
	});
});

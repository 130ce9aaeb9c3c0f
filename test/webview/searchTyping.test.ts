import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HostMessage, SearchHitView, WebviewMessage } from '../../protocol/webview';
import { GENERAL_MEMBERS, connected, conversations, generalDay, history, message, todayAt } from './fixtures';
import { type Panel, useBrowser } from './harness';

const ROOT = path.resolve(__dirname, '../../..');

function hit(id: number, conversation: string, from: string, text: string, ts: number): SearchHitView {
	const to = conversation.startsWith('#') ? conversation : 'kim';
	return { message: { id, ts, from, to, text }, conversation, name: conversation };
}

const RESULTS: SearchHitView[] = [
	hit(812, '#release', 'alice', 'The deploy of v2.3 to staging is green; production deploy at 4pm.', todayAt(11, 40)),
	hit(640, 'bob', 'bob', 'Can you review the deployment checklist before Friday?', todayAt(9, 5) - 86_400_000),
	hit(17, '#general', 'carol', 'Déployé! Café is on me after the DEPLOYMENT retro.', todayAt(16, 20) - 3 * 86_400_000),
];

async function screenshot(panel: Panel, name: string): Promise<string> {
	await panel.page.locator('html').evaluate((html) => html.ownerDocument.fonts.ready.then(() => undefined));
	const file = path.join(ROOT, 'test-results', name);
	fs.mkdirSync(path.dirname(file), { recursive: true });
	await panel.page.screenshot({ path: file });
	return file;
}

describe('webview: search, opening a result, typing indicator, away', function () {
	const browser = useBrowser();
	let panel: Panel;

	beforeEach(async function () {
		panel = await browser.open({ width: 1100, height: 720 });
		await panel.send(
			connected(),
			conversations('#general'),
			{ type: 'timeline', conversation: '#general', items: generalDay(), hasMoreBefore: false },
			{ type: 'members', conversation: '#general', members: GENERAL_MEMBERS },
		);
		await panel.clearPosted();
	});

	afterEach(async function () {
		await panel.assertClean();
		await panel.close();
	});

	async function searches(): Promise<Extract<WebviewMessage, { type: 'search' }>[]> {
		return (await panel.posted()).filter((m): m is Extract<WebviewMessage, { type: 'search' }> => m.type === 'search');
	}

	it('searches as the user types (once per pause), shows conversation, sender, time and marked words, pages with More results', async function () {
		const page = panel.page;
		await page.getByRole('button', { name: 'Search messages (Ctrl+F)' }).click();
		const input = page.getByRole('combobox', { name: 'Search messages' });
		await input.waitFor();
		assert.equal(await page.evaluate('document.activeElement && document.activeElement.getAttribute("aria-label")'), 'Search messages');
		await input.pressSequentially('deploy in:#release');
		const sent = await panel.waitForPosted({ type: 'search' }) as Extract<WebviewMessage, { type: 'search' }>;
		assert.equal(sent.query, 'deploy in:#release');
		assert.equal((await searches()).length, 1, 'one search for the whole typing burst');
		await panel.send({ type: 'searchResults', request: sent.request, hits: RESULTS, words: ['deploy'], hasMore: true } satisfies HostMessage);

		const options = page.getByRole('listbox', { name: 'Results' }).getByRole('option');
		await options.first().waitFor();
		assert.equal(await options.count(), 3);
		assert.deepEqual(await options.locator('.search-result-where').allTextContents(), ['release', 'bob', 'general']);
		assert.deepEqual(await options.locator('.search-result-from').allTextContents(), ['alice', 'bob', 'carol']);
		assert.match((await options.nth(1).locator('time').textContent()) ?? '', /^Yesterday /);
		// Every word starting with a searched word, whatever its case or accents.
		assert.deepEqual(await options.locator('mark').allTextContents(), ['deploy', 'deploy', 'deployment', 'Déployé', 'DEPLOYMENT']);
		assert.equal(await page.getByRole('status').filter({ hasText: 'results' }).textContent(), '3+ results');
		const file = await screenshot(panel, 'webview-search.png');
		assert.ok(fs.statSync(file).size > 10_000);

		await page.getByRole('button', { name: 'More results' }).click();
		const more = (await searches()).at(-1)!;
		assert.equal(more.before, 17, 'the next page starts below the last result');
		assert.ok(more.request > sent.request);
		// An answer to an older request is dropped.
		await panel.send({ type: 'searchResults', request: sent.request, hits: [RESULTS[0]], words: ['deploy'], hasMore: false });
		await panel.send({ type: 'searchResults', request: more.request, hits: [hit(3, '#general', 'dave', 'first deploy ever', todayAt(8, 0) - 30 * 86_400_000)], words: ['deploy'], hasMore: false });
		await options.nth(3).waitFor();
		assert.equal(await options.count(), 4);
		assert.equal(await page.getByRole('button', { name: 'More results' }).isHidden(), true);

		// Arrow keys choose, Enter opens: the host is asked for that message, and the box closes.
		await input.press('ArrowDown');
		assert.equal(await options.nth(1).getAttribute('aria-selected'), 'true');
		await input.press('Enter');
		await panel.waitForPosted({ type: 'openResult', conversation: 'bob', id: 640 });
		assert.equal(await page.locator('.search-backdrop').isHidden(), true);
	});

	it('sends the chosen filters, and shows errors and empty results in words', async function () {
		const page = panel.page;
		await panel.send({ type: 'openSearch', query: 'lunch' });
		const first = await panel.waitForPosted({ type: 'search', query: 'lunch' }) as Extract<WebviewMessage, { type: 'search' }>;
		await panel.send({ type: 'searchResults', request: first.request, hits: [], words: ['lunch'], hasMore: false });
		await page.getByRole('status').filter({ hasText: 'No messages match.' }).waitFor();

		await page.getByRole('combobox', { name: 'In conversation' }).selectOption('#random');
		await page.getByRole('combobox', { name: 'From' }).fill('@bob');
		await panel.waitForPosted({ type: 'search', from: 'bob' });
		const filtered = (await searches()).at(-1)!;
		assert.deepEqual({ conversation: filtered.conversation, from: filtered.from, query: filtered.query }, { conversation: '#random', from: 'bob', query: 'lunch' });
		await panel.send({ type: 'searchResults', request: filtered.request, hits: [], words: [], hasMore: false, error: 'You are offline: search works once Parley is connected.' });
		const status = page.locator('.search-status.error');
		await status.waitFor();
		assert.equal(await status.textContent(), 'You are offline: search works once Parley is connected.');

		// Escape closes it and the composer has the focus again.
		await page.keyboard.press('Escape');
		assert.equal(await page.locator('.search-backdrop').isHidden(), true);
		assert.equal(await page.evaluate('document.activeElement && document.activeElement.getAttribute("aria-label")'), 'Message #general');
		// Ctrl+F in the page opens it again with what it had.
		await page.keyboard.press('Control+f');
		assert.equal(await page.getByRole('combobox', { name: 'Search messages' }).inputValue(), 'lunch');
	});

	it('opens a result: switches conversation, scrolls the message into view and highlights it, also when its history arrives later', async function () {
		const page = panel.page;
		const items = history(200, '#random', 1000);
		await panel.send({ type: 'timeline', conversation: '#random', items, hasMoreBefore: true });
		// The host loaded the conversation around message 1040 and asks to show it.
		await panel.send({ type: 'reveal', conversation: '#random', id: 1040 });
		const row = page.locator('.row.revealed');
		await row.waitFor();
		assert.match((await row.textContent()) ?? '', /Message number 1040/);
		assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'random');
		const inView = await row.evaluate((el) => {
			const log = el.closest('.timeline')!.getBoundingClientRect();
			const box = el.getBoundingClientRect();
			return box.top >= log.top && box.bottom <= log.bottom;
		});
		assert.ok(inView, 'the result is on screen');
		assert.equal(await page.locator('.row.revealed').count(), 1);
		await screenshot(panel, 'webview-reveal.png');

		// A result whose messages are not there yet: shown once they come.
		await panel.send({ type: 'reveal', conversation: 'bob', id: 5003 });
		await panel.send({ type: 'timeline', conversation: 'bob', items: [message(5001, 'bob', 'hi', todayAt(9, 0), 'kim'), message(5003, 'bob', 'the one you searched for', todayAt(9, 1), 'kim')], hasMoreBefore: false });
		await page.locator('.row.revealed', { hasText: 'the one you searched for' }).waitFor();
		// Another conversation: no highlight there.
		await page.locator('[role=option][data-id="#general"]').click();
		assert.equal(await page.locator('.row.revealed').count(), 0);
	});

	it('shows who is typing under the composer for the open conversation only, and says so for one, two or several', async function () {
		const page = panel.page;
		const line = page.locator('.typing-indicator');
		assert.equal(await line.isHidden(), true);
		await panel.send({ type: 'typing', conversation: '#general', nicks: ['bob'] });
		await line.waitFor();
		assert.equal(await line.textContent(), 'bob is typing…');
		assert.equal(await page.locator('.composer-hint kbd').first().isHidden(), true, 'it takes the place of the key hints');
		await panel.send({ type: 'typing', conversation: '#general', nicks: ['bob', 'ana'] });
		await page.getByText('bob and ana are typing…').waitFor();
		await screenshot(panel, 'webview-typing.png');
		await panel.send({ type: 'typing', conversation: '#general', nicks: ['bob', 'ana', 'carol'] });
		await page.getByText('Several people are typing…').waitFor();
		// Typing elsewhere does not show here; switching shows that conversation's.
		await panel.send({ type: 'typing', conversation: '#random', nicks: ['dave'] });
		assert.equal(await line.textContent(), 'Several people are typing…');
		await page.locator('[role=option][data-id="#random"]').click();
		await page.getByText('dave is typing…').waitFor();
		await panel.send({ type: 'typing', conversation: '#random', nicks: [] });
		await line.waitFor({ state: 'hidden' });
		assert.equal(await page.locator('.composer-hint kbd').first().isVisible(), true);
	});

	it('tells the host the user types at most once a second per conversation, never for commands', async function () {
		const page = panel.page;
		await page.clock.install({ time: todayAt(10, 0) });
		await page.clock.pauseAt(todayAt(10, 1));
		const input = page.getByRole('textbox', { name: 'Message #general' });
		await input.pressSequentially('hello there');
		const typing = async () => (await panel.posted()).filter((m) => m.type === 'typing');
		assert.deepEqual(await typing(), [{ type: 'typing', conversation: '#general' }]);
		await page.clock.fastForward(999);
		await input.pressSequentially('!');
		assert.equal((await typing()).length, 1);
		await page.clock.fastForward(1);
		await input.pressSequentially('!');
		assert.equal((await typing()).length, 2);
		await input.fill('');
		await page.clock.fastForward(5000);
		await input.pressSequentially('/join #x');
		assert.equal((await typing()).length, 2, 'a command is not a message being typed');
	});

	it('fits a narrow side view (the secondary side bar)', async function () {
		await panel.page.setViewportSize({ width: 360, height: 640 });
		await panel.send({ type: 'openSearch', query: 'deploy' });
		const sent = await panel.waitForPosted({ type: 'search', query: 'deploy' }) as Extract<WebviewMessage, { type: 'search' }>;
		await panel.send({ type: 'searchResults', request: sent.request, hits: RESULTS, words: ['deploy'], hasMore: false });
		const dialog = panel.page.getByRole('dialog', { name: 'Search messages' });
		await dialog.getByRole('listbox', { name: 'Results' }).getByRole('option').first().waitFor();
		const box = await dialog.boundingBox();
		assert.ok(box && box.x >= 0 && box.x + box.width <= 360, `the search fits: ${JSON.stringify(box)}`);
		await screenshot(panel, 'webview-search-narrow.png');
	});

	it('shows the away status text on members and a DM partner', async function () {
		const page = panel.page;
		await panel.send({ type: 'members', conversation: '#general', members: [
			{ nick: 'alice', online: true, role: 'owner', away: true, statusText: 'at lunch' },
			{ nick: 'bob', online: true, role: 'op' },
			{ nick: 'kim', online: true, role: 'member' },
		] });
		const alice = page.locator('button.member[data-nick="alice"]');
		await alice.locator('.presence-away').waitFor();
		assert.equal(await alice.getAttribute('title'), 'Message alice (away: at lunch)');
		assert.match((await alice.getAttribute('aria-label')) ?? '', /^alice, away: at lunch, owner/);
		await screenshot(panel, 'webview-away.png');
		const list = conversations('alice').type === 'conversations' ? (conversations('alice') as Extract<HostMessage, { type: 'conversations' }>).conversations : [];
		await panel.send({ type: 'conversations', conversations: list.map((c) => (c.id === 'alice' ? { ...c, online: true, away: true, statusText: 'in a meeting' } : c)), active: 'alice' });
		await page.locator('.conversation-topic', { hasText: 'Direct message · away: in a meeting' }).waitFor();
	});
});

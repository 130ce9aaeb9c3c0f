import * as assert from 'node:assert/strict';
import { CONVERSATIONS, GENERAL_MEMBERS, ME, connected, conversations, event, generalDay, message, pending, todayAt } from './fixtures';
import { type Panel, useBrowser } from './harness';

describe('webview: rendering', function () {
	const browser = useBrowser();
	let panel: Panel;

	beforeEach(async function () {
		panel = await browser.open();
		await panel.send(connected(), conversations('#general'), {
			type: 'timeline',
			conversation: '#general',
			items: generalDay(),
			hasMoreBefore: false,
		});
	});

	afterEach(async function () {
		await panel.assertClean();
		await panel.close();
	});

	it('renders messages with sender, time and text', async function () {
		const page = panel.page;
		const first = page.locator('.msg', { hasText: 'Morning all! Standup in 10 minutes.' });
		await first.waitFor();
		assert.equal(await first.locator('.nick').textContent(), 'alice');
		const time = first.locator('time').first();
		assert.match((await time.textContent()) ?? '', /\d{1,2}.\d{2}/);
		assert.equal(await time.getAttribute('datetime'), new Date(todayAt(9, 15)).toISOString());
	});

	it('groups consecutive messages from one sender within five minutes', async function () {
		const page = panel.page;
		// alice 9:15 and 9:16 share a header; bob 11:48 and 11:49 share one.
		const alice2 = page.locator('.msg', { hasText: 'Agenda is in the usual doc' });
		assert.ok(await alice2.evaluate((el) => el.classList.contains('continued')));
		assert.equal(await alice2.locator('.nick').count(), 0);
		assert.equal(await alice2.locator('.sr-only').textContent(), 'alice: ');
		assert.ok(await page.locator('.msg', { hasText: 'the changelog still says' }).evaluate((el) => el.classList.contains('group-start')));
		assert.ok(await page.locator('.msg', { hasText: 'screenshot in the README' }).evaluate((el) => el.classList.contains('continued')));
		// alice again at 11:30, over two hours later: a new group.
		assert.ok(await page.locator('.msg', { hasText: 'Release notes draft' }).evaluate((el) => el.classList.contains('group-start')));
		// Six minutes apart: not grouped.
		await panel.send({
			type: 'append',
			conversation: '#general',
			items: [message(200, 'bob', 'six minutes later', todayAt(11, 55))],
		});
		await page.locator('.msg', { hasText: 'six minutes later' }).waitFor();
		assert.ok(await page.locator('.msg', { hasText: 'six minutes later' }).evaluate((el) => el.classList.contains('group-start')));
	});

	it('separates days', async function () {
		const labels = await panel.page.locator('.day-separator').allTextContents();
		assert.deepEqual(labels, ['Yesterday', 'Today']);
		assert.equal(await panel.page.locator('[role=separator][aria-label=Today]').count(), 1);
	});

	it('shows join and leave lines', async function () {
		const events = panel.page.locator('.event');
		assert.deepEqual(await events.locator('.event-text').allTextContents(), ['carol left #general', 'dave joined #general']);
		assert.equal(await events.nth(0).locator('.codicon-sign-out').count(), 1);
		assert.equal(await events.nth(1).locator('.codicon-sign-in').count(), 1);
	});

	it('shows the header: name, topic, member count', async function () {
		const header = panel.page.locator('.conversation-header');
		assert.equal(await header.locator('h1').textContent(), 'general');
		assert.equal(await header.locator('.conversation-topic').textContent(), 'Company-wide chatter · be kind');
		assert.equal(await header.locator('.members-count').textContent(), '5');
		assert.match((await header.locator('.members-toggle').getAttribute('aria-label')) ?? '', /5 members/);
	});

	it('shows the member list; it toggles; clicking a member opens a DM', async function () {
		const page = panel.page;
		await panel.send({ type: 'members', conversation: '#general', members: GENERAL_MEMBERS });
		const members = page.locator('#members');
		await members.locator('.member-nick', { hasText: 'dave' }).waitFor();
		// You first, then who is online (owner, ops, members), then who is not.
		assert.deepEqual(await members.locator('.member-nick').allTextContents(), [ME, 'alice', 'bob', 'dave', 'carol']);
		assert.equal(await members.locator('.member-you').count(), 1);
		await members.locator('button', { hasText: 'carol' }).click();
		await panel.waitForPosted({ type: 'directMessage', nick: 'carol' });
		// Clicking yourself does nothing.
		await members.locator('button', { hasText: ME }).click({ force: true });
		assert.equal((await panel.posted()).filter((m) => m.type === 'directMessage').length, 1);

		const toggle = page.locator('.members-toggle');
		assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
		await toggle.click();
		await members.waitFor({ state: 'hidden' });
		assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
		await toggle.click();
		await members.waitFor({ state: 'visible' });
	});

	it('renders code blocks and inline code in the editor font', async function () {
		const page = panel.page;
		const block = page.locator('.codeblock pre code');
		assert.equal(await block.textContent(), 'const delay = Math.min(30_000, 500 * 2 ** attempt);\nsetTimeout(connect, delay + jitter());');
		assert.equal(await page.locator('.codeblock-lang').textContent(), 'ts');
		const inline = page.locator('.inline-code', { hasText: 'npm ci' });
		assert.equal(await inline.count(), 1);
		const fonts = await inline.evaluate((el) => [el.ownerDocument.defaultView.getComputedStyle(el).fontFamily, el.ownerDocument.defaultView.getComputedStyle(el.closest('.text')).fontFamily]);
		assert.match(fonts[0], /monospace/);
		assert.notEqual(fonts[0], fonts[1]);
	});

	it('highlights messages that mention me', async function () {
		const mention = panel.page.locator('.msg', { hasText: 'Quick one @kim' });
		assert.ok(await mention.evaluate((el) => el.classList.contains('mention')));
		assert.equal(await panel.page.locator('.msg.mention').count(), 1);
	});

	it('shows pending messages dimmed until acknowledged', async function () {
		const page = panel.page;
		await panel.send({ type: 'append', conversation: '#general', items: [pending('c-1', 'on my way', todayAt(11, 58))] });
		const row = page.locator('.msg', { hasText: 'on my way' });
		await row.waitFor();
		assert.ok(await row.evaluate((el) => el.classList.contains('pending')));
		assert.ok(Number(await row.locator('.body').evaluate((el) => el.ownerDocument.defaultView.getComputedStyle(el).opacity)) < 1);
		await panel.send({
			type: 'acknowledged',
			conversation: '#general',
			clientMsgId: 'c-1',
			message: { id: 300, ts: todayAt(11, 58), from: ME, to: '#general', text: 'on my way', clientMsgId: 'c-1' },
		});
		await page.locator('.msg.pending').waitFor({ state: 'detached' });
		assert.equal(await page.locator('.msg', { hasText: 'on my way' }).count(), 1);
	});

	it('shows the connection state', async function () {
		const page = panel.page;
		const banner = page.locator('.banner');
		assert.equal(await banner.isHidden(), true);
		await panel.send({ type: 'connection', state: 'reconnecting', nick: ME, server: 'chat.example.com:6697', detail: 'attempt 3' });
		await banner.waitFor();
		assert.match((await banner.textContent()) ?? '', /Reconnecting to chat\.example\.com:6697.*attempt 3/);
		assert.equal(await banner.getAttribute('role'), 'status');
		await panel.send({ type: 'connection', state: 'offline', server: 'chat.example.com:6697' });
		await banner.locator('button', { hasText: 'Connect' }).click();
		await panel.waitForPosted({ type: 'command', command: 'connect' });
		assert.match((await page.locator('.sidebar-footer').textContent()) ?? '', /Offline/);
		await panel.send(connected());
		await banner.waitFor({ state: 'hidden' });
	});

	it('exposes the timeline as a polite live log', async function () {
		const log = panel.page.getByRole('log');
		assert.equal(await log.getAttribute('aria-live'), 'polite');
		assert.equal(await log.getAttribute('aria-label'), 'Messages in #general');
	});

	it('shows the beginning of a channel and a DM', async function () {
		const page = panel.page;
		assert.match((await page.locator('.intro-start').textContent()) ?? '', /very beginning of #general/);
		await page.locator('[role=option][data-id="bob"]').click();
		await panel.waitForPosted({ type: 'select', conversation: 'bob' });
		await panel.send({ type: 'timeline', conversation: 'bob', items: [message(400, 'bob', 'hey', todayAt(8, 0), ME)], hasMoreBefore: false });
		await page.locator('.msg', { hasText: 'hey' }).waitFor();
		assert.match((await page.locator('.intro-start').textContent()) ?? '', /direct messages with bob/);
		assert.equal(await page.locator('.members-toggle').isHidden(), true);
		assert.equal(await page.locator('#members').isHidden(), true);
		assert.equal(CONVERSATIONS.length, await page.locator('[role=option]').count());
	});

	it('ignores unknown and malformed host messages', async function () {
		const malformed: Record<string, unknown>[] = [
			{ type: 'nonsense' },
			{ type: 'append', conversation: '#general', items: [{ kind: 'message', message: { id: 'x' } }, { kind: 'bogus' }] },
			{ type: 'timeline', conversation: 5, items: [] },
			{ type: 'conversations', conversations: 'nope' },
		];
		await panel.send(...malformed);
		await panel.send({ type: 'append', conversation: '#general', items: [event('e9', 'erin joined #general', todayAt(12, 0))] });
		await panel.page.locator('.event-text', { hasText: 'erin joined' }).waitFor();
		assert.equal(await panel.page.locator('.msg').count(), generalDay().filter((i) => i.kind === 'message').length);
	});
});

import * as assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import { ME, connected, conversations, history, message } from './fixtures';
import { type Panel, useBrowser } from './harness';

/** The most rows the panel may keep in the DOM, whatever the timeline length. */
const ROW_CAP = 500;

interface TopRow {
	text: string;
	offset: number;
}

/** The first row at least partly visible in the log, and its distance from the log's top edge. */
function topRow(log: Locator): Promise<TopRow> {
	return log.evaluate((el) => {
		const top = el.getBoundingClientRect().top;
		for (const row of el.querySelectorAll('.row')) {
			const r = row.getBoundingClientRect();
			if (r.bottom > top + 1) {
				return { text: row.querySelector('.text')?.textContent ?? '', offset: Math.round(r.top - top) };
			}
		}
		return { text: '', offset: 0 };
	});
}

/**
 * Scrolls the log to an edge once per frame, as a dragged scrollbar does, until a row whose
 * text starts with `text` is rendered (at most 200 jumps). Runs in the page: no round trips.
 */
function scrollUntil(log: Locator, edge: 'top' | 'bottom', text: string): Promise<{ found: boolean; jumps: number; maxRows: number }> {
	return log.evaluate(
		async (el, [to, wanted]) => {
			let maxRows = 0;
			for (let jumps = 0; jumps < 200; jumps++) {
				const texts = [...el.querySelectorAll('.row .text')];
				maxRows = Math.max(maxRows, el.querySelectorAll('.row').length);
				if (texts.some((t) => t.textContent.startsWith(wanted))) {
					return { found: true, jumps, maxRows };
				}
				el.scrollTop = to === 'top' ? 0 : el.scrollHeight;
				// Scroll events are dispatched before animation frame callbacks.
				await new Promise((resolve) => el.ownerDocument.defaultView.requestAnimationFrame(() => el.ownerDocument.defaultView.requestAnimationFrame(resolve)));
			}
			return { found: false, jumps: 200, maxRows };
		},
		[edge, text] as const,
	);
}

function setScrollTop(log: Locator, value: number | 'bottom'): Promise<void> {
	return log.evaluate((el, v) => {
		el.scrollTop = v === 'bottom' ? el.scrollHeight : v;
	}, value);
}

describe('webview: scrolling and virtualization', function () {
	const browser = useBrowser();
	let panel: Panel;
	let log: Locator;

	beforeEach(async function () {
		panel = await browser.open();
		log = panel.page.getByRole('log');
		await panel.send(connected(), conversations('#general'));
	});

	afterEach(async function () {
		await panel.assertClean();
		await panel.close();
	});

	it('asks for older history near the top and keeps the view still when it arrives', async function () {
		const page = panel.page;
		await panel.send({ type: 'timeline', conversation: '#general', items: history(150, '#general', 1001), hasMoreBefore: true });
		await page.getByText('Message number 1150 from').waitFor();
		assert.equal((await panel.posted()).filter((m) => m.type === 'loadOlder').length, 0);

		await setScrollTop(log, 0);
		const request = await panel.waitForPosted({ type: 'loadOlder' });
		assert.deepEqual(request, { type: 'loadOlder', conversation: '#general', before: 1001 });

		const before = await topRow(log);
		await panel.send({ type: 'prepend', conversation: '#general', items: history(100, '#general', 901), hasMoreBefore: false });
		await page.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector('.intro-loading') === null);
		const after = await topRow(log);
		assert.equal(after.text, before.text);
		assert.ok(Math.abs(after.offset - before.offset) <= 1, `moved from ${before.offset} to ${after.offset}`);
		// One request per answer.
		assert.equal((await panel.posted()).filter((m) => m.type === 'loadOlder').length, 1);

		// Nothing older left: scrolling to the top shows the channel's beginning, and asks nothing.
		for (let i = 0; i < 20 && !(await page.locator('.intro-start').isVisible()); i++) {
			const first = await page.locator('.row .text').first().textContent();
			await setScrollTop(log, 0);
			await page.waitForFunction(
				(previous) => {
					const doc = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }).document;
					return doc.querySelector('.intro-start') !== null || doc.querySelector('.row .text')?.textContent !== previous;
				},
				first,
			);
		}
		await page.getByText('Message number 901 from').waitFor();
		await page.locator('.intro-start').waitFor();
		assert.equal((await panel.posted()).filter((m) => m.type === 'loadOlder').length, 1);
	});

	it('offline, shows cached messages and says older ones load on connect, asking nothing until connected', async function () {
		const page = panel.page;
		await panel.send({ type: 'connection', state: 'offline', server: 'chat.example.com:6697', nick: ME });
		await page.locator('[role=option][data-id="#random"]').click();
		await page.locator('.intro-offline', { hasText: 'the messages load when Parley connects' }).waitFor();
		await page.locator('[role=option][data-id="#general"]').click();
		await panel.send({ type: 'timeline', conversation: '#general', items: history(30, '#general', 501), hasMoreBefore: true });
		await page.getByText('Message number 530 from').waitFor();
		await setScrollTop(log, 0);
		await page.locator('.intro-offline', { hasText: 'Older messages load when Parley connects' }).waitFor();
		assert.equal(await page.locator('.intro-start').count(), 0, 'not "the very beginning"');
		assert.equal((await panel.posted()).filter((m) => m.type === 'loadOlder').length, 0);
		await panel.send(connected());
		assert.deepEqual(await panel.waitForPosted({ type: 'loadOlder' }), { type: 'loadOlder', conversation: '#general', before: 501 });
	});

	it('keeps the DOM bounded with 5,000 messages and still scrolls end to end', async function () {
		this.timeout(90_000);
		const page = panel.page;
		const rows = page.locator('.row');
		await panel.send({ type: 'timeline', conversation: '#general', items: history(5000), hasMoreBefore: false });
		await page.getByText('Message number 5000 from').waitFor();
		assert.ok((await rows.count()) <= ROW_CAP, `${await rows.count()} rows`);

		// Drag the scrollbar to the top, again and again: the window slides up to message 1.
		const up = await scrollUntil(log, 'top', 'Message number 1 from');
		assert.ok(up.found, `message 1 not reached after ${up.jumps} jumps`);
		assert.ok(up.maxRows <= ROW_CAP, `${up.maxRows} rows on the way up`);
		assert.ok(up.jumps > 10, `only ${up.jumps} jumps: the window is not bounded`);
		await page.locator('.intro-start').waitFor();
		assert.equal((await panel.posted()).filter((m) => m.type === 'loadOlder').length, 0);
		assert.equal(await page.locator('.msg', { hasText: 'Message number 5000 from' }).count(), 0);

		// And down again to the newest.
		const down = await scrollUntil(log, 'bottom', 'Message number 5000 from');
		assert.ok(down.found && down.maxRows <= ROW_CAP, JSON.stringify(down));

		// From the middle, the jump button re-renders the newest window.
		const middle = await scrollUntil(log, 'top', 'Message number 2500 from');
		assert.ok(middle.found && middle.maxRows <= ROW_CAP, JSON.stringify(middle));
		const jump = page.locator('.jump-latest');
		await jump.click();
		await page.getByText('Message number 5000 from').waitFor();
		await jump.waitFor({ state: 'hidden' });
		assert.ok((await rows.count()) <= ROW_CAP);
		const gap = await log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
		assert.ok(gap <= 2, `${gap}px from the bottom`);
	});

	it('follows new messages at the bottom, and offers a jump when scrolled up', async function () {
		const page = panel.page;
		await panel.send({ type: 'timeline', conversation: '#general', items: history(200), hasMoreBefore: false });
		await page.getByText('Message number 200 from').waitFor();
		await panel.send({ type: 'append', conversation: '#general', items: [message(201, 'erin', 'fresh one', Date.now())] });
		await page.getByText('fresh one').waitFor();
		assert.ok((await log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)) <= 2);

		await setScrollTop(log, 300);
		await page.locator('.jump-latest', { hasText: 'Jump to latest' }).waitFor();
		const before = await topRow(log);
		await panel.send({ type: 'append', conversation: '#general', items: [message(202, 'erin', 'while you were away', Date.now())] });
		await page.locator('.jump-latest', { hasText: '1 new message' }).waitFor();
		assert.deepEqual(await topRow(log), before);
		await page.locator('.jump-latest').click();
		await page.getByText('while you were away').waitFor();
		await page.locator('.jump-latest').waitFor({ state: 'hidden' });
	});

	it('remembers the reading position per conversation and across a reload', async function () {
		const page = panel.page;
		const general = { type: 'timeline', conversation: '#general', items: history(400), hasMoreBefore: false } as const;
		await panel.send(general);
		await page.getByText('Message number 400 from').waitFor();
		await setScrollTop(log, 1500);
		await page.locator('.jump-latest').waitFor();
		const reading = await topRow(log);
		assert.match(reading.text, /Message number \d+ from/);

		await page.locator('[role=option][data-id="#random"]').click();
		await panel.send({ type: 'timeline', conversation: '#random', items: history(5, '#random', 9001), hasMoreBefore: false });
		await page.getByText('Message number 9005 from').waitFor();
		await page.locator('[role=option][data-id="#general"]').click();
		// The host answers the select with the timeline again; the position holds.
		await panel.send(general);
		assert.deepEqual(await topRow(log), reading);

		await page.waitForFunction(() => {
			const state = (globalThis as unknown as { __parley: { state(): { scroll?: Record<string, unknown> } | undefined } }).__parley.state();
			return typeof state?.scroll?.['#general'] === 'object';
		});
		await page.reload();
		await panel.waitForPosted({ type: 'ready' });
		await panel.send(connected(), conversations('#general'), general);
		await page.getByText(reading.text, { exact: true }).waitFor();
		assert.deepEqual(await topRow(log), reading);
	});
});

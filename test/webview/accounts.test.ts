import * as assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import type { ConversationView } from '../../protocol/webview';
import { CONVERSATIONS, GENERAL_MEMBERS, connected, conversations, history } from './fixtures';
import { type Panel, useBrowser } from './harness';

/** Scrolls the log to `top` and waits for the scroll event to be handled. */
async function setScrollTop(log: Locator, top: number): Promise<void> {
	await log.evaluate((el, value) => new Promise<void>((resolve) => {
		el.addEventListener('scroll', () => resolve(), { once: true });
		el.scrollTop = value;
		if (el.scrollTop === value && el.scrollHeight <= el.clientHeight) {
			resolve();
		}
	}), top);
}

function withGeneral(change: Partial<ConversationView>): ConversationView[] {
	return CONVERSATIONS.map((c) => (c.id === '#general' ? { ...c, ...change } : { ...c }));
}

describe('webview: read state, presence and channel management', function () {
	const browser = useBrowser();
	let panel: Panel;

	beforeEach(async function () {
		panel = await browser.open();
	});

	afterEach(async function () {
		await panel.assertClean();
		await panel.close();
	});

	it('opens a conversation with unread messages at a "New messages" line above the first, and reports what was on screen', async function () {
		const page = panel.page;
		const log = page.getByRole('log');
		await panel.send(connected(), { type: 'conversations', conversations: withGeneral({ unread: 30, mentions: 0, lastReadId: 120 }), active: '#general' });
		await panel.send({ type: 'timeline', conversation: '#general', items: history(150, '#general', 1), hasMoreBefore: false });
		const line = page.locator('.new-messages');
		await line.waitFor();
		assert.equal(await line.count(), 1);
		const row = page.locator('.row', { has: line });
		assert.match((await row.locator('.text').first().textContent()) ?? '', /Message number 121 from/);
		// The line is at the top of the view, not scrolled past.
		const [lineTop, logTop] = await Promise.all([line.evaluate((el) => el.getBoundingClientRect().top), log.evaluate((el) => el.getBoundingClientRect().top)]);
		assert.ok(lineTop - logTop >= 0 && lineTop - logTop < 60, `the line is ${lineTop - logTop}px below the top of the log`);

		// What is on screen is read; the newest is not on screen yet.
		const first = await panel.waitForPosted({ type: 'read', conversation: '#general' }) as { id: number; following: boolean };
		assert.ok(first.id > 121 && first.id < 150, `read up to ${first.id}`);
		assert.equal(first.following, false);
		await setScrollTop(log, 1e9);
		await panel.waitForPosted({ type: 'read', conversation: '#general', id: 150, following: true });
		// Still there while the conversation stays open.
		assert.equal(await line.count(), 1);
	});

	it('shows no line for a conversation opened with nothing unread', async function () {
		await panel.send(connected(), conversations('#general'), { type: 'timeline', conversation: '#general', items: history(40), hasMoreBefore: false });
		await panel.page.getByText('Message number 40 from').waitFor();
		assert.equal(await panel.page.locator('.new-messages').count(), 0);
		await panel.waitForPosted({ type: 'read', conversation: '#general', id: 40, following: true });
	});

	it('shows who is online and each member\'s role; moderators get member actions', async function () {
		const page = panel.page;
		await panel.send(connected(), conversations('#general'), { type: 'timeline', conversation: '#general', items: history(5), hasMoreBefore: false });
		await panel.send({ type: 'members', conversation: '#general', members: GENERAL_MEMBERS.map((m) => (m.nick === 'dave' ? { ...m, away: true } : m)) });
		const members = page.locator('#members');
		await members.locator('.member-nick', { hasText: 'carol' }).waitFor();
		assert.equal(await members.locator('button[data-nick="dave"]').getAttribute('aria-label'), 'dave, away, send a direct message');
		assert.equal(await members.locator('.members-title').textContent(), 'Members — 5');
		assert.deepEqual(await members.locator('.member-group').allTextContents(), ['Online — 4', 'Offline — 1']);
		assert.deepEqual(await members.locator('.member-nick').allTextContents(), ['kim', 'alice', 'bob', 'dave', 'carol'], 'online (you first, then by role), then offline');
		assert.equal(await members.locator('button[data-nick="carol"]').getAttribute('aria-label'), 'carol, offline, send a direct message');
		assert.equal(await members.locator('button[data-nick="alice"]').getAttribute('aria-label'), 'alice, online, owner, send a direct message');
		assert.ok(await members.locator('button[data-nick="carol"]').evaluate((el) => el.classList.contains('offline')));
		assert.equal(await members.locator('.member-actions').count(), 0, 'a plain member moderates nobody');

		await panel.send({ type: 'conversations', conversations: withGeneral({ role: 'op' }), active: '#general' });
		await members.locator('.member-actions').first().waitFor({ state: 'attached' });
		assert.equal(await members.locator('.member-actions').count(), 3, 'bob, dave and carol: not the owner, not me');
		await members.locator('button[data-nick="dave"]').hover();
		await page.getByRole('button', { name: 'Actions for dave' }).click();
		const menu = page.getByRole('menu', { name: 'Actions for dave' });
		await menu.waitFor();
		assert.deepEqual(await menu.getByRole('menuitem').allTextContents(), ['Message dave', 'Make an op', 'Kick from #general', 'Ban from #general']);
		await menu.getByRole('menuitem', { name: 'Make an op' }).click();
		await panel.waitForPosted({ type: 'setRole', channel: '#general', nick: 'dave', role: 'op' });
		assert.equal(await menu.isHidden(), true);
		// From the keyboard: the context menu key on a member, Escape gives focus back.
		await members.locator('button[data-nick="bob"]').focus();
		await page.keyboard.press('Shift+F10');
		const bobMenu = page.getByRole('menu', { name: 'Actions for bob' });
		await bobMenu.waitFor();
		assert.equal(await bobMenu.getByRole('menuitem').nth(1).textContent(), 'Make a plain member');
		await page.keyboard.press('ArrowDown');
		await page.keyboard.press('ArrowDown');
		await page.keyboard.press('Enter');
		await panel.waitForPosted({ type: 'kick', channel: '#general', nick: 'bob' });
	});

	it('offers channel actions by role from the header menu', async function () {
		const page = panel.page;
		const open = async () => {
			await page.getByRole('button', { name: 'Actions for #general' }).click();
			const menu = page.getByRole('menu', { name: 'Actions for #general' });
			await menu.waitFor();
			return menu;
		};
		await panel.send(connected(), { type: 'conversations', conversations: withGeneral({ role: 'member', topicProtected: true }), active: '#general' });
		let menu = await open();
		assert.deepEqual(await menu.getByRole('menuitem').allTextContents(), ['Invite someone…', 'Leave the channel']);
		await page.keyboard.press('Escape');
		assert.equal(await menu.isHidden(), true);

		await panel.send({ type: 'conversations', conversations: withGeneral({ role: 'owner', topicProtected: true, private: true }), active: '#general' });
		await page.locator('.conversation-title .codicon-lock').waitFor();
		menu = await open();
		assert.deepEqual(await menu.getByRole('menuitem').allTextContents(), ['Invite someone…', 'Set the topic…', 'Let every member set the topic', 'Bans…', 'Leave the channel']);
		await menu.getByRole('menuitem', { name: 'Invite someone…' }).click();
		await panel.waitForPosted({ type: 'command', command: 'invite', channel: '#general' });
		menu = await open();
		await menu.getByRole('menuitem', { name: 'Let every member set the topic' }).click();
		await panel.waitForPosted({ type: 'setTopicProtected', channel: '#general', topicProtected: false });
	});

	it('marks DM partners online or offline, private channels with a lock, and channels one was removed from', async function () {
		const page = panel.page;
		const list = [...CONVERSATIONS, { id: 'dave', kind: 'dm' as const, name: 'dave', unread: 0, mentions: 0, online: true, away: true }].map((c) => ({
			...c,
			...(c.id === 'alice' ? { online: true } : c.id === 'bob' ? { online: false } : {}),
			...(c.id === '#release' ? { private: true } : c.id === '#random' ? { joined: false } : {}),
		}));
		await panel.send(connected(), { type: 'conversations', conversations: list, active: '#general' });
		const option = (id: string) => page.locator(`[role=option][data-id="${id}"]`);
		await option('alice').locator('.presence-online').waitFor();
		assert.equal(await option('bob').locator('.presence-offline').count(), 1);
		assert.equal(await option('bob').getAttribute('aria-label'), 'bob, offline');
		assert.equal(await option('dave').getAttribute('aria-label'), 'dave, away');
		assert.equal(await option('dave').locator('.presence-away').count(), 1);
		assert.equal(await option('#release').locator('.codicon-lock').count(), 1);
		assert.match((await option('#release').getAttribute('aria-label')) ?? '', /^#release, private channel/);
		assert.match((await option('#random').getAttribute('aria-label')) ?? '', /you are no longer in it/);
		await page.getByRole('button', { name: 'Create a channel' }).click();
		await panel.waitForPosted({ type: 'command', command: 'createChannel' });
	});
});

import * as assert from 'node:assert/strict';
import type { ConversationView } from '../../protocol/webview';
import { connected, conversations, event, members, message, todayAt } from './fixtures';
import { type Panel, useBrowser } from './harness';

const IMG = '<img src=x onerror=alert(1)>';
const STYLE = '<style onload=alert(1)>body{display:none}</style>';
const SCRIPT = '<script>alert(1)</script>';
const SVG = '<svg onload=alert(1)><iframe src="javascript:alert(1)"></iframe>';
const HOSTILE_NICK = '<img src=x onerror=alert(2)>';
const HOSTILE_CHANNEL = '#<style onload=alert(3)>';
const HOSTILE_TOPIC = `${IMG} javascript:alert(4) &lt;b&gt;`;

describe('webview: hostile text', function () {
	const browser = useBrowser();
	let panel: Panel;

	beforeEach(async function () {
		panel = await browser.open();
	});

	afterEach(async function () {
		await panel.assertClean();
		await panel.close();
	});

	/** No element was created from text: only the page's own two scripts, no img/style/svg/iframe/object. */
	async function assertInert(): Promise<void> {
		const page = panel.page;
		assert.equal(await page.locator('img, style, svg, iframe, object, embed, link[rel=import]').count(), 0);
		assert.equal(await page.locator('script').count(), 2);
		assert.equal(await page.locator('a[href^="javascript:" i], a[href^="data:" i], a[href^="vbscript:" i]').count(), 0);
		assert.equal(await page.locator('[onerror], [onload], [onclick]').count(), 0);
		assert.deepEqual(panel.dialogs, []);
	}

	it('renders hostile message text, nicks and event lines as literal text', async function () {
		const page = panel.page;
		const texts = [IMG, STYLE, SCRIPT, SVG, '[click](javascript:alert(1)) <a href="javascript:alert(1)">x</a>'];
		await panel.send(connected(), conversations('#general'), {
			type: 'timeline',
			conversation: '#general',
			items: [
				...texts.map((text, i) => message(i + 1, 'mallory', text, todayAt(9, i))),
				message(10, HOSTILE_NICK, 'hello from a strange nick', todayAt(10, 0)),
				event('e1', `${HOSTILE_NICK} joined #general`, todayAt(10, 1)),
			],
			hasMoreBefore: false,
		});
		await page.locator('.event-text').waitFor();
		const rendered = await page.locator('.msg .text').allTextContents();
		assert.deepEqual(rendered, [...texts, 'hello from a strange nick']);
		assert.ok(await page.getByText(IMG, { exact: true }).isVisible());
		assert.equal(await page.locator('.nick', { hasText: HOSTILE_NICK }).textContent(), HOSTILE_NICK);
		assert.equal(await page.locator('.event-text').textContent(), `${HOSTILE_NICK} joined #general`);
		// The page's own styles still apply: no injected stylesheet hid the body.
		assert.ok(await page.locator('.timeline').isVisible());
		await assertInert();
	});

	it('renders hostile channel names, topics, DM nicks and members as literal text', async function () {
		const page = panel.page;
		const list: ConversationView[] = [
			{ id: HOSTILE_CHANNEL, kind: 'channel', name: HOSTILE_CHANNEL, topic: HOSTILE_TOPIC, unread: 2, mentions: 0, memberCount: 2 },
			{ id: HOSTILE_NICK, kind: 'dm', name: HOSTILE_NICK, unread: 1, mentions: 1 },
		];
		await panel.send(
			connected(),
			{ type: 'conversations', conversations: list, active: HOSTILE_CHANNEL },
			{ type: 'timeline', conversation: HOSTILE_CHANNEL, items: [], hasMoreBefore: false },
			{ type: 'members', conversation: HOSTILE_CHANNEL, members: members(HOSTILE_NICK, 'kim') },
			{ type: 'notice', text: `Cannot join ${HOSTILE_CHANNEL}: ${SCRIPT}`, level: 'error' },
		);
		await page.locator('.notice-text').waitFor();
		assert.equal(await page.locator('.conversation-title').textContent(), HOSTILE_CHANNEL.slice(1));
		assert.equal(await page.locator('.conversation-topic').textContent(), HOSTILE_TOPIC);
		assert.equal(await page.locator('.conversation-name').first().textContent(), HOSTILE_CHANNEL.slice(1));
		assert.equal(await page.locator('.conversation-name').nth(1).textContent(), HOSTILE_NICK);
		assert.equal(await page.locator('.member-nick', { hasText: HOSTILE_NICK }).textContent(), HOSTILE_NICK);
		assert.equal(await page.locator('.notice-text').textContent(), `Cannot join ${HOSTILE_CHANNEL}: ${SCRIPT}`);
		assert.match((await page.locator('.intro-start').textContent()) ?? '', /<style onload=alert\(3\)>/);
		// The topic's javascript: text is not a link.
		assert.equal(await page.locator('a').count(), 0);
		// The quick switcher renders the same names.
		await panel.send({ type: 'openSwitcher' });
		await page.locator('.switcher-name', { hasText: HOSTILE_NICK }).waitFor();
		assert.equal(await page.locator('.switcher-topic').textContent(), HOSTILE_TOPIC);
		await page.keyboard.press('Escape');
		await assertInert();
	});

	it('makes only http(s) URLs into links, and a click asks the host instead of navigating', async function () {
		const page = panel.page;
		const text = [
			'javascript:alert(1)',
			'JaVaScRiPt:alert(1)',
			'data:text/html,<script>alert(1)</script>',
			'vbscript:msgbox(1)',
			'file:///etc/passwd',
			'ftp://files.example.com/x',
			'xhttps://not.a.link',
			'see https://good.example.com/path?q=1&r=2#frag.',
			'(and http://plain.example.org/wiki/Foo_(bar))',
			'https://evil.example.com/"><img src=x onerror=alert(1)>',
		].join('\n');
		await panel.send(connected(), conversations('#general'), {
			type: 'timeline',
			conversation: '#general',
			items: [message(1, 'mallory', text, todayAt(9, 0))],
			hasMoreBefore: false,
		});
		const links = page.locator('.msg a');
		await links.first().waitFor();
		assert.deepEqual(await links.allTextContents(), [
			'https://good.example.com/path?q=1&r=2#frag',
			'http://plain.example.org/wiki/Foo_(bar)',
			'https://evil.example.com/',
		]);
		assert.equal(await page.locator('.msg .text').textContent(), text);
		const before = page.url();
		await links.first().click();
		await panel.waitForPosted({ type: 'openLink', url: 'https://good.example.com/path?q=1&r=2#frag' });
		await links.nth(1).press('Enter');
		await panel.waitForPosted({ type: 'openLink', url: 'http://plain.example.org/wiki/Foo_(bar)' });
		// Clicking the javascript: text does nothing.
		await page.getByText('javascript:alert(1)', { exact: false }).first().click();
		assert.equal(page.url(), before);
		const opened = (await panel.posted()).filter((m) => m.type === 'openLink');
		assert.equal(opened.length, 2);
		await assertInert();
	});

	it('keeps Markdown inert: no script URLs, no markup from code, labels or language tags', async function () {
		const page = panel.page;
		const texts = [
			'[x](javascript:alert(1)) [y](JaVaScRiPt:alert(1)) [z](data:text/html,<script>alert(1)</script>) [v](vbscript:msgbox(1)) [f](file:///etc/passwd)',
			`\`\`\`html\n${IMG}\n${SCRIPT}\n\`\`\``,
			`\`\`\`${IMG}\nbody\n\`\`\``,
			`inline \`${IMG}\` and **${STYLE}** and [${SVG}](https://ok.example.com/)`,
			`> ${IMG}\n- ${SCRIPT}\n1. ${SVG}`,
			'[a](https://x.example.com/"onmouseover="alert(1)) [b](https://x.example.com/<img>) [c](https://x.example.com/ x)',
			'**[nested *link](https://n.example.com/)** *a **b* c** ~~~~ __ ** [](https://empty.example.com/) [x]() ***',
		];
		await panel.send(connected(), conversations('#general'), {
			type: 'timeline',
			conversation: '#general',
			items: texts.map((text, i) => message(i + 1, 'mallory', text, todayAt(9, i))),
			hasMoreBefore: false,
		});
		await page.locator('.msg').nth(texts.length - 1).waitFor();
		const links = await page.locator('.msg a').evaluateAll((anchors) => anchors.map((a) => a.getAttribute('href')));
		// Broken [text](url) forms leave their URL to the bare-URL rule, which stops before `"` and `<`.
		assert.deepEqual(links, ['https://ok.example.com/', ...Array(3).fill('https://x.example.com/'), 'https://n.example.com/', 'https://empty.example.com/']);
		// The code block holds the hostile HTML as text, highlighted as tags, not run.
		assert.equal(await page.locator('.codeblock').first().locator('code').textContent(), `${IMG}\n${SCRIPT}`);
		assert.equal(await page.locator('.codeblock-lang').nth(1).textContent(), '<img');
		assert.equal(await page.locator('.msg .text').first().textContent(), texts[0]);
		await assertInert();
	});

	it('parses 10,000 asterisks and other pathological Markdown quickly', async function () {
		const page = panel.page;
		const texts = [
			'*'.repeat(10_000),
			'a*'.repeat(5_000),
			'*_'.repeat(2_500) + 'x' + '_*'.repeat(2_500),
			'**a*'.repeat(2_500),
			'['.repeat(5_000) + ']('.repeat(2_500),
			'[a]('.repeat(2_500),
			'`` `'.repeat(2_500),
			'```x\n'.repeat(2_000),
			'> '.repeat(5_000) + 'deep',
			Array.from({ length: 2_000 }, (_, i) => `${' '.repeat(i % 12)}- item`).join('\n'),
			'~~a'.repeat(3_000),
			'_a'.repeat(5_000),
		];
		await panel.send(connected(), conversations('#general'), { type: 'timeline', conversation: '#general', items: [], hasMoreBefore: false });
		const started = Date.now();
		await panel.send({ type: 'append', conversation: '#general', items: texts.map((text, i) => message(i + 1, 'mallory', text, todayAt(9, i))) });
		await page.locator('.msg').nth(texts.length - 1).waitFor();
		const elapsed = Date.now() - started;
		// Linear parsing renders all of this in well under a second; a quadratic one takes minutes.
		assert.ok(elapsed < 5_000, `rendering took ${elapsed} ms`);
		assert.equal(await page.locator('.msg .text').first().textContent(), '*'.repeat(10_000));
		await assertInert();
	});
});

import * as assert from 'node:assert/strict';
import { connected, conversations, message, todayAt } from './fixtures';
import { type Panel, useBrowser } from './harness';

/** The DOM as seen by `outline` (the tests compile without the DOM library). */
interface DomNode {
	nodeType: number;
	textContent: string | null;
	childNodes: Iterable<DomNode>;
}

interface DomElement extends DomNode {
	tagName: string;
	classList: Iterable<string> & { contains(name: string): boolean };
	getAttribute(name: string): string | null;
	hasAttribute(name: string): boolean;
}

/**
 * The rendered DOM of each message's text, as compact markup: tags and text only (code
 * tokens as `<tok-kind>`), so that the expectations read like the Markdown's meaning.
 * Runs in the page.
 */
function outline(texts: DomElement[]): string[] {
	const TEXT_NODE = 3;
	const walk = (node: DomNode): string => {
		if (node.nodeType === TEXT_NODE) {
			return node.textContent ?? '';
		}
		const element = node as DomElement;
		if (element.classList.contains('codeblock-bar')) {
			return '';
		}
		const token = [...element.classList].find((c) => c.startsWith('tok-'));
		const tag = token ?? element.tagName.toLowerCase();
		const inner = [...element.childNodes].map(walk).join('');
		if (tag === 'i' || tag === 'div' || tag === 'span') {
			return inner;
		}
		const attrs = tag === 'a' ? ` ${element.hasAttribute('data-snippet') ? `snippet=${element.getAttribute('data-snippet')}` : `href=${element.getAttribute('href')}`}` : tag === 'ol' && element.hasAttribute('start') ? ` start=${element.getAttribute('start')}` : '';
		return `<${tag}${attrs}>${inner}</${tag}>`;
	};
	return texts.map((t) => [...t.childNodes].map(walk).join(''));
}

describe('webview: Markdown in messages', function () {
	const browser = useBrowser();
	let panel: Panel;

	beforeEach(async function () {
		panel = await browser.open();
	});

	afterEach(async function () {
		await panel.assertClean();
		await panel.close();
	});

	/** Renders each text as a message in #general and returns their outlines. */
	async function render(texts: string[]): Promise<string[]> {
		await panel.send(connected(), conversations('#general'), {
			type: 'timeline',
			conversation: '#general',
			items: texts.map((text, i) => message(i + 1, 'alice', text, todayAt(9, 0) + i)),
			hasMoreBefore: false,
		});
		await panel.page.locator('.msg').nth(texts.length - 1).waitFor();
		// Playwright sends `outline` to the page as source; its own parameter types are DOM ones.
		return panel.page.locator('.msg .text').evaluateAll<string[], undefined>(outline as never);
	}

	it('renders emphasis, strikethrough and inline code, and leaves words with underscores alone', async function () {
		const cases: [string, string][] = [
			['**bold** and __bold__', '<p><strong>bold</strong> and <strong>bold</strong></p>'],
			['*italic* and _italic_', '<p><em>italic</em> and <em>italic</em></p>'],
			['~~gone~~ but ~not this~', '<p><del>gone</del> but ~not this~</p>'],
			['snake_case_names and __init__.py stay', '<p>snake_case_names and <strong>init</strong>.py stay</p>'],
			['call my_func_name() or a*b*c', '<p>call my_func_name() or a<em>b</em>c</p>'],
			['***both***', '<p><em><strong>both</strong></em></p>'],
			['**bold with `code` and *italic***', '<p><strong>bold with <code>code</code> and <em>italic</em></strong></p>'],
			['`**not bold**` in code', '<p><code>**not bold**</code> in code</p>'],
			['\\*escaped\\* and \\_this\\_', '<p>*escaped* and _this_</p>'],
			['**unterminated and *also', '<p>**unterminated and *also</p>'],
			['2 * 3 * 4 = 24', '<p>2 * 3 * 4 = 24</p>'],
			['line one\nline two', '<p>line one\nline two</p>'],
		];
		assert.deepEqual(await render(cases.map((c) => c[0])), cases.map((c) => c[1]));
	});

	it('renders fenced code blocks only at the start of a line, with the language shown', async function () {
		const cases: [string, string][] = [
			['```\nplain block\n```', '<pre><code>plain block</code></pre>'],
			['before\n```py\nx = 1\n```\nafter', '<p>before</p><pre><code>x = <tok-number>1</tok-number></code></pre><p>after</p>'],
			// A fence inside a sentence is not a block (and never one with a blank first line).
			['type ``` to start a block', '<p>type ``` to start a block</p>'],
			['here: ```x``` inline', '<p>here: <code>x</code> inline</p>'],
			// Unclosed: stays text rather than swallowing the rest of the message.
			['```\nnever closed', '<p>```\nnever closed</p>'],
			['````md\n```\ninner fence\n```\n````', '<pre><code>```\ninner fence\n```</code></pre>'],
		];
		assert.deepEqual(await render(cases.map((c) => c[0])), cases.map((c) => c[1]));
		assert.deepEqual(await panel.page.locator('.codeblock-lang').allTextContents(), ['', 'py', 'md']);
	});

	it('highlights keywords, strings, comments and numbers of common languages', async function () {
		const cases: [string, string][] = [
			['```ts\nconst a = "s"; // note\n```', '<pre><code><tok-keyword>const</tok-keyword> a = <tok-string>"s"</tok-string>; <tok-comment>// note</tok-comment></code></pre>'],
			['```json\n{"k": [1, true, null]}\n```', '<pre><code>{<tok-property>"k"</tok-property>: [<tok-number>1</tok-number>, <tok-keyword>true</tok-keyword>, <tok-keyword>null</tok-keyword>]}</code></pre>'],
			['```python\ndef f():  # c\n    return \'x\'\n```', '<pre><code><tok-keyword>def</tok-keyword> f():  <tok-comment># c</tok-comment>\n    <tok-keyword>return</tok-keyword> <tok-string>\'x\'</tok-string></code></pre>'],
			['```sh\necho "$HOME" # home\n```', '<pre><code><tok-keyword>echo</tok-keyword> <tok-string>"$HOME"</tok-string> <tok-comment># home</tok-comment></code></pre>'],
			['```go\nfunc main() { return 0x1F }\n```', '<pre><code><tok-keyword>func</tok-keyword> main() { <tok-keyword>return</tok-keyword> <tok-number>0x1F</tok-number> }</code></pre>'],
			['```rust\nfn f<\'a>(c: char) { let x = \'y\'; }\n```', '<pre><code><tok-keyword>fn</tok-keyword> f&lt;\'a&gt;(c: <tok-keyword>char</tok-keyword>) { <tok-keyword>let</tok-keyword> x = <tok-string>\'y\'</tok-string>; }</code></pre>'.replace(/&lt;/g, '<').replace(/&gt;/g, '>')],
			['```java\n/* c */ public int n = 2;\n```', '<pre><code><tok-comment>/* c */</tok-comment> <tok-keyword>public</tok-keyword> <tok-keyword>int</tok-keyword> n = <tok-number>2</tok-number>;</code></pre>'],
			['```css\na { color: #fff; }\n```', '<pre><code>a { <tok-property>color</tok-property>: <tok-number>#fff</tok-number>; }</code></pre>'],
			['```html\n<a href="x">hi</a>\n```', '<pre><code><tok-tag><a</tok-tag> <tok-property>href</tok-property>=<tok-string>"x"</tok-string><tok-tag>></tok-tag>hi<tok-tag></a</tok-tag><tok-tag>></tok-tag></code></pre>'],
			['```sql\nSELECT 1 -- one\n```', '<pre><code><tok-keyword>SELECT</tok-keyword> <tok-number>1</tok-number> <tok-comment>-- one</tok-comment></code></pre>'],
			['```yaml\nkey: 3 # c\n```', '<pre><code><tok-property>key</tok-property>: <tok-number>3</tok-number> <tok-comment># c</tok-comment></code></pre>'],
			['```diff\n@@ -1 +1 @@\n-old\n+new\n```', '<pre><code><tok-meta>@@ -1 +1 @@\n</tok-meta><tok-deleted>-old\n</tok-deleted><tok-inserted>+new</tok-inserted></code></pre>'],
			['```klingon\nconst x = 1\n```', '<pre><code>const x = 1</code></pre>'],
		];
		assert.deepEqual(await render(cases.map((c) => c[0])), cases.map((c) => c[1]));
	});

	it('renders block quotes and bullet and numbered lists, nested', async function () {
		const cases: [string, string][] = [
			['> quoted\n> twice\n\nreply', '<blockquote><p>quoted\ntwice</p></blockquote><p>reply</p>'],
			['> outer\n> > inner', '<blockquote><p>outer</p><blockquote><p>inner</p></blockquote></blockquote>'],
			['- one\n- **two**\n  - nested\n* other list', '<ul><li><p>one</p></li><li><p><strong>two</strong></p><ul><li><p>nested</p></li></ul></li></ul><ul><li><p>other list</p></li></ul>'],
			['Steps:\n1. build\n2. test\nthanks', '<p>Steps:</p><ol><li><p>build</p></li><li><p>test</p></li></ol><p>thanks</p>'],
			['3) third\n4) fourth', '<ol start=3><li><p>third</p></li><li><p>fourth</p></li></ol>'],
			['-not a list and *not* either', '<p>-not a list and <em>not</em> either</p>'],
		];
		assert.deepEqual(await render(cases.map((c) => c[0])), cases.map((c) => c[1]));
	});

	it('links http(s) URLs and [text](url), and makes a snippet link the header of its code block', async function () {
		const cases: [string, string][] = [
			['see https://example.com/a_b_c.', '<p>see <a href=https://example.com/a_b_c>https://example.com/a_b_c</a>.</p>'],
			['[the **docs**](https://example.com/docs) now', '<p><a href=https://example.com/docs>the <strong>docs</strong></a> now</p>'],
			['**https://example.com/bold**', '<p><strong><a href=https://example.com/bold>https://example.com/bold</a></strong></p>'],
			['[src/billing.ts:8-14](parley-snippet:src/billing.ts?lines=8-14)\n```ts\nlet a = 1;\n```', '<pre><code><tok-keyword>let</tok-keyword> a = <tok-number>1</tok-number>;</code></pre>'],
			['open [this file](parley-snippet:a.ts?lines=1) please', '<p>open <a snippet=parley-snippet:a.ts?lines=1>this file</a> please</p>'],
		];
		assert.deepEqual(await render(cases.map((c) => c[0])), cases.map((c) => c[1]));
		const header = panel.page.locator('.codeblock-header a.snippet-link');
		assert.equal(await header.textContent(), 'src/billing.ts:8-14');
		await header.click();
		await panel.waitForPosted({ type: 'openSnippet', url: 'parley-snippet:src/billing.ts?lines=8-14' });
		await panel.page.locator('.msg a', { hasText: 'https://example.com/a_b_c' }).click();
		await panel.waitForPosted({ type: 'openLink', url: 'https://example.com/a_b_c' });
	});

	it('shows tabs in code at the editor\'s tab size', async function () {
		await render(['```\n\tindented\n```']);
		const tabSize = () => panel.page.locator('.codeblock pre').evaluate((el) => el.ownerDocument.defaultView.getComputedStyle(el).tabSize);
		assert.equal(await tabSize(), '4');
		await panel.send({ type: 'config', tabSize: 2 });
		assert.equal(await tabSize(), '2');
		await panel.send({ type: 'config', tabSize: 8 });
		assert.equal(await tabSize(), '8');
	});
});

/**
 * Message text to DOM: ``` fenced blocks ```, `inline code` and http(s) links. Everything
 * else is a text node. Nothing is ever parsed as HTML.
 */
import { el, icon } from './dom';
import { isSafeLink } from '../protocol/webview';

export type Segment =
	| { kind: 'text'; text: string }
	| { kind: 'code'; text: string }
	| { kind: 'codeblock'; text: string; lang?: string }
	| { kind: 'link'; text: string; url: string };

const FENCE = /```(?:([\w+#.-]*)[ \t]*\n)?([\s\S]*?)```/g;
const INLINE_CODE = /`([^`\n]+)`/g;
// Not preceded by a word character or "/", so "xhttps://" and "javascript:http://" stay text.
const URL_RE = /(?<![\w/:])https?:\/\/[^\s<>"'`]+/gi;

/** Drops trailing punctuation a sentence puts after a link, keeping balanced ")" as in Wikipedia links. */
function trimUrl(url: string): string {
	let end = url.length;
	for (;;) {
		const ch = url[end - 1];
		if ('.,;:!?\'"*_'.includes(ch)) {
			end--;
		} else if (ch === ')') {
			const body = url.slice(0, end);
			const open = body.split('(').length - 1;
			const close = body.split(')').length - 1;
			if (close > open) {
				end--;
			} else {
				break;
			}
		} else {
			break;
		}
	}
	return url.slice(0, end);
}

function linkify(text: string, out: Segment[]): void {
	let last = 0;
	for (const match of text.matchAll(URL_RE)) {
		const url = trimUrl(match[0]);
		const start = match.index;
		if (!isSafeLink(url)) {
			continue;
		}
		if (start > last) {
			out.push({ kind: 'text', text: text.slice(last, start) });
		}
		out.push({ kind: 'link', text: url, url });
		last = start + url.length;
	}
	if (last < text.length) {
		out.push({ kind: 'text', text: text.slice(last) });
	}
}

function inline(text: string, out: Segment[]): void {
	let last = 0;
	for (const match of text.matchAll(INLINE_CODE)) {
		linkify(text.slice(last, match.index), out);
		out.push({ kind: 'code', text: match[1] });
		last = match.index + match[0].length;
	}
	linkify(text.slice(last), out);
}

export function parse(text: string): Segment[] {
	const out: Segment[] = [];
	let last = 0;
	for (const match of text.matchAll(FENCE)) {
		const body = match[2].replace(/^\n/, '').replace(/\n$/, '');
		if (body.length === 0) {
			continue;
		}
		// A block on its own line swallows the newlines around it.
		inline(text.slice(last, match.index).replace(/\n$/, ''), out);
		out.push(match[1] ? { kind: 'codeblock', text: body, lang: match[1] } : { kind: 'codeblock', text: body });
		last = match.index + match[0].length;
		if (text[last] === '\n') {
			last++;
		}
	}
	inline(text.slice(last), out);
	return out.filter((s) => s.kind !== 'text' || s.text.length > 0);
}

function codeBlock(text: string, lang: string | undefined): HTMLElement {
	const copy = el('button', 'icon-button copy-code', { type: 'button', 'aria-label': 'Copy code', title: 'Copy code', 'data-copy': '' }, icon('copy'));
	return el(
		'div',
		'codeblock',
		undefined,
		el('div', 'codeblock-bar', undefined, el('span', 'codeblock-lang', undefined, lang ?? ''), copy),
		el('pre', undefined, { tabindex: 0 }, el('code', undefined, undefined, text)),
	);
}

/** Renders message text into `parent`. Links carry the URL; clicks are handled in links.ts. */
export function renderText(parent: HTMLElement, text: string): void {
	for (const segment of parse(text)) {
		switch (segment.kind) {
			case 'text':
				parent.appendChild(document.createTextNode(segment.text));
				break;
			case 'code':
				parent.appendChild(el('code', 'inline-code', undefined, segment.text));
				break;
			case 'codeblock':
				parent.appendChild(codeBlock(segment.text, segment.lang));
				break;
			case 'link':
				parent.appendChild(el('a', 'link', { href: segment.url, title: segment.url, 'data-url': segment.url }, segment.text));
				break;
		}
	}
}

/**
 * Inline chat Markdown: `code`, **bold** or __bold__, *italic* or _italic_ (never inside a
 * word for `_`, so snake_case_names stay as typed), ~~strikethrough~~, [text](url) and bare
 * http(s) URLs, and backslash escapes. Emphasis follows CommonMark's delimiter rules
 * (emphasis.ts); everything is linear in the text's length.
 */
import { isSafeLink, isSnippetLink } from '../protocol/webview';
import { isMessageLink } from '../protocol/messageLinks';
import { InlineList } from './emphasis';

export type Inline =
	| { type: 'text'; text: string }
	| { type: 'code'; text: string }
	| { type: 'strong' | 'em' | 'del'; children: Inline[] }
	| { type: 'link'; url: string; children: Inline[] }
	/** A `parley-snippet:` link: opens a file of the reader's workspace, through the host. */
	| { type: 'snippet'; url: string; children: Inline[] }
	/** A `parley-message:` link: opens that message's conversation at it, through the host. */
	| { type: 'messageLink'; url: string; children: Inline[] };

const MAX_LABEL = 500;
const MAX_URL = 2048;
/** Parentheses nest this deep in a link's URL at most (Wikipedia's `Foo_(bar)` needs 1). */
const MAX_PARENS = 4;
/** A link's text is parsed again for emphasis; links inside it stay text. */
const ESCAPABLE = /[!-/:-@[-`{-~]/;
const URL_AT = /https?:\/\/[^\s<>"'`]+/iy;
const MESSAGE_LINK_AT = /parley-message:[^\s/]{1,200}\/[0-9]{1,16}/y;
const PUNCTUATION = /[\p{P}\p{S}]/u;
const SPACE = /\s/u;

function isSpace(ch: string | undefined): boolean {
	return ch === undefined || SPACE.test(ch);
}

function isPunctuation(ch: string | undefined): boolean {
	return ch !== undefined && PUNCTUATION.test(ch);
}

/** Drops trailing punctuation a sentence puts after a link, keeping balanced ")" as in Wikipedia links. */
export function trimUrl(url: string): string {
	let end = url.length;
	for (;;) {
		const ch = url[end - 1];
		if ('.,;:!?\'"*_~'.includes(ch)) {
			end--;
		} else if (ch === ')') {
			const body = url.slice(0, end);
			if (body.split(')').length > body.split('(').length) {
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

/** Backtick runs by length, each with a cursor: finds a closing run in amortised O(1). */
class BacktickRuns {
	private readonly byLength = new Map<number, { starts: number[]; cursor: number }>();

	constructor(text: string) {
		for (const m of text.matchAll(/`+/g)) {
			const entry = this.byLength.get(m[0].length) ?? { starts: [], cursor: 0 };
			entry.starts.push(m.index);
			this.byLength.set(m[0].length, entry);
		}
	}

	/** Start of the first run of exactly `length` backticks after `from`, or -1. */
	next(length: number, from: number): number {
		const entry = this.byLength.get(length);
		if (!entry) {
			return -1;
		}
		while (entry.cursor < entry.starts.length && entry.starts[entry.cursor] <= from) {
			entry.cursor++;
		}
		return entry.cursor < entry.starts.length ? entry.starts[entry.cursor] : -1;
	}
}

/** `[label](url)` at `start`: the label's end and the URL, or undefined. */
function linkAt(text: string, start: number): { labelEnd: number; url: string; end: number } | undefined {
	let i = start + 1;
	const labelLimit = Math.min(text.length, start + 1 + MAX_LABEL);
	while (i < labelLimit && text[i] !== ']' && text[i] !== '[' && text[i] !== '\n') {
		i += text[i] === '\\' ? 2 : 1;
	}
	if (i >= labelLimit || text[i] !== ']' || i === start + 1 || text[i + 1] !== '(') {
		return undefined;
	}
	const labelEnd = i;
	let depth = 0;
	let j = i + 2;
	const urlLimit = Math.min(text.length, j + MAX_URL);
	for (; j < urlLimit; j++) {
		const ch = text[j];
		if (SPACE.test(ch) || ch === '[' || ch === ']' || ch === '<' || ch === '>' || ch === '"' || ch === '`') {
			return undefined;
		}
		if (ch === '(') {
			if (++depth > MAX_PARENS) {
				return undefined;
			}
		} else if (ch === ')') {
			if (depth === 0) {
				break;
			}
			depth--;
		}
	}
	if (j >= urlLimit || j === labelEnd + 2) {
		return undefined;
	}
	return { labelEnd, url: text.slice(labelEnd + 2, j), end: j + 1 };
}

class InlineParser {
	private readonly list = new InlineList();
	private buffer = '';

	constructor(private readonly text: string, private readonly allowLinks: boolean) {}

	private flushText(): void {
		if (this.buffer) {
			this.list.add({ type: 'text', text: this.buffer });
			this.buffer = '';
		}
	}

	private add(inline: Inline): void {
		this.flushText();
		this.list.add(inline);
	}

	private addDelimiter(char: string, start: number, length: number): void {
		const text = this.text;
		const before = text[start - 1];
		const after = text[start + length];
		const left = !isSpace(after) && (!isPunctuation(after) || isSpace(before) || isPunctuation(before));
		const right = !isSpace(before) && (!isPunctuation(before) || isSpace(after) || isPunctuation(after));
		let canOpen = left;
		let canClose = right;
		if (char === '_') {
			canOpen = left && (!right || isPunctuation(before));
			canClose = right && (!left || isPunctuation(after));
		}
		if ((char === '~' && length !== 2) || (!canOpen && !canClose)) {
			this.buffer += char.repeat(length);
			return;
		}
		this.flushText();
		this.list.addDelimiter(char, length, canOpen, canClose);
	}

	parse(): Inline[] {
		const text = this.text;
		const ticks = new BacktickRuns(text);
		let i = 0;
		while (i < text.length) {
			const ch = text[i];
			if (ch === '\\' && ESCAPABLE.test(text[i + 1] ?? '')) {
				this.buffer += text[i + 1];
				i += 2;
				continue;
			}
			if (ch === '`') {
				let n = 1;
				while (text[i + n] === '`') {
					n++;
				}
				const close = ticks.next(n, i);
				if (close < 0) {
					this.buffer += text.slice(i, i + n);
				} else {
					this.add({ type: 'code', text: codeSpan(text.slice(i + n, close)) });
					n = close + n - i;
				}
				i += n;
				continue;
			}
			if (ch === '*' || ch === '_' || ch === '~') {
				let n = 1;
				while (text[i + n] === ch) {
					n++;
				}
				this.addDelimiter(ch, i, n);
				i += n;
				continue;
			}
			if (this.allowLinks && ch === '[') {
				const link = linkAt(text, i);
				const safe = link && (isSafeLink(link.url) || isSnippetLink(link.url) || isMessageLink(link.url));
				if (link && safe) {
					const children = new InlineParser(text.slice(i + 1, link.labelEnd), false).parse();
					this.add({ type: isSafeLink(link.url) ? 'link' : isMessageLink(link.url) ? 'messageLink' : 'snippet', url: link.url, children });
					i = link.end;
					continue;
				}
			}
			if (this.allowLinks && (ch === 'h' || ch === 'H') && !/[\w/:]/.test(text[i - 1] ?? ' ')) {
				URL_AT.lastIndex = i;
				const m = URL_AT.exec(text);
				const url = m ? trimUrl(m[0]) : '';
				if (url && isSafeLink(url)) {
					this.add({ type: 'link', url, children: [{ type: 'text', text: url }] });
					i += url.length;
					continue;
				}
			}
			if (this.allowLinks && ch === 'p' && !/[\w/:]/.test(text[i - 1] ?? ' ')) {
				MESSAGE_LINK_AT.lastIndex = i;
				const url = MESSAGE_LINK_AT.exec(text)?.[0];
				if (url && isMessageLink(url)) {
					this.add({ type: 'messageLink', url, children: [{ type: 'text', text: url }] });
					i += url.length;
					continue;
				}
			}
			this.buffer += ch;
			i++;
		}
		this.flushText();
		return this.list.finish();
	}
}

function codeSpan(raw: string): string {
	const text = raw.replace(/\n/g, ' ');
	return text.length > 2 && text.startsWith(' ') && text.endsWith(' ') && text.trim() !== '' ? text.slice(1, -1) : text;
}

export function parseInline(text: string): Inline[] {
	return new InlineParser(text, true).parse();
}

/**
 * Inline chat Markdown: `code`, **bold** or __bold__, *italic* or _italic_ (never inside a
 * word for `_`, so snake_case_names stay as typed), ~~strikethrough~~, [text](url) and bare
 * http(s) URLs, and backslash escapes. Emphasis follows CommonMark's delimiter rules, with
 * its "openers bottom" bound, so that even 10,000 asterisks take linear time.
 */
import { isSafeLink, isSnippetLink } from '../protocol/webview';

export type Inline =
	| { type: 'text'; text: string }
	| { type: 'code'; text: string }
	| { type: 'strong' | 'em' | 'del'; children: Inline[] }
	| { type: 'link'; url: string; children: Inline[] }
	/** A `parley-snippet:` link: opens a file of the reader's workspace, through the host. */
	| { type: 'snippet'; url: string; children: Inline[] };

/** A node of the working list: text, finished inlines, or a run of `*`, `_` or `~`. */
interface Node {
	prev?: Node;
	next?: Node;
	/** Finished inline (text, code, link, emphasis); undefined for a delimiter run. */
	inline?: Inline;
	/** For emphasis made here: its children, as a list. */
	first?: Node;
	last?: Node;
	delim?: Delimiter;
}

interface Delimiter {
	node: Node;
	char: string;
	/** Characters left in the run (matching consumes them from its inner end). */
	count: number;
	/** Length of the run as typed (for the "multiple of 3" rule). */
	length: number;
	canOpen: boolean;
	canClose: boolean;
	/** Increases along the text: "openers bottom" bounds compare these, not (removable) nodes. */
	seq: number;
	prev?: Delimiter;
	next?: Delimiter;
}

const MAX_LABEL = 500;
const MAX_URL = 2048;
/** Parentheses nest this deep in a link's URL at most (Wikipedia's `Foo_(bar)` needs 1). */
const MAX_PARENS = 4;
/** A link's text is parsed again for emphasis; links inside it stay text. */
const ESCAPABLE = /[!-/:-@[-`{-~]/;
const URL_AT = /https?:\/\/[^\s<>"'`]+/iy;
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
	private head?: Node;
	private tail?: Node;
	private lastDelim?: Delimiter;
	private delimiters = 0;
	private buffer = '';

	constructor(private readonly text: string, private readonly allowLinks: boolean) {}

	private push(node: Node): void {
		node.prev = this.tail;
		if (this.tail) {
			this.tail.next = node;
		} else {
			this.head = node;
		}
		this.tail = node;
	}

	private flushText(): void {
		if (this.buffer) {
			this.push({ inline: { type: 'text', text: this.buffer } });
			this.buffer = '';
		}
	}

	private add(inline: Inline): void {
		this.flushText();
		this.push({ inline });
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
		const node: Node = {};
		const delim: Delimiter = { node, char, count: length, length, canOpen, canClose, seq: this.delimiters++, prev: this.lastDelim };
		node.delim = delim;
		if (this.lastDelim) {
			this.lastDelim.next = delim;
		}
		this.lastDelim = delim;
		this.push(node);
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
				const safe = link && (isSafeLink(link.url) || isSnippetLink(link.url));
				if (link && safe) {
					const children = new InlineParser(text.slice(i + 1, link.labelEnd), false).parse();
					this.add({ type: isSafeLink(link.url) ? 'link' : 'snippet', url: link.url, children });
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
			this.buffer += ch;
			i++;
		}
		this.flushText();
		this.processEmphasis();
		return toInlines(this.head);
	}

	private removeDelimiter(delim: Delimiter): void {
		if (delim.prev) {
			delim.prev.next = delim.next;
		}
		if (delim.next) {
			delim.next.prev = delim.prev;
		}
		if (this.lastDelim === delim) {
			this.lastDelim = delim.prev;
		}
	}

	private removeNode(node: Node): void {
		if (node.prev) {
			node.prev.next = node.next;
		} else {
			this.head = node.next;
		}
		if (node.next) {
			node.next.prev = node.prev;
		} else {
			this.tail = node.prev;
		}
	}

	/** CommonMark's "process emphasis", over the whole delimiter list. */
	private processEmphasis(): void {
		let first = this.lastDelim;
		while (first?.prev) {
			first = first.prev;
		}
		// Where the search for an opener stops, per closer kind: at or below it, none matched before.
		const bottoms = new Map<string, number>();
		let closer = first;
		while (closer) {
			if (!closer.canClose) {
				closer = closer.next;
				continue;
			}
			const key = `${closer.char}${closer.canOpen ? 1 : 0}${closer.length % 3}`;
			const bottom = bottoms.get(key) ?? -1;
			let opener = closer.prev;
			while (opener && opener.seq > bottom) {
				if (opener.char === closer.char && opener.canOpen && matches(opener, closer)) {
					break;
				}
				opener = opener.prev;
			}
			if (opener && opener.seq > bottom) {
				closer = this.wrap(opener, closer);
			} else {
				bottoms.set(key, closer.prev?.seq ?? -1);
				const next = closer.next;
				if (!closer.canOpen) {
					this.removeDelimiter(closer);
				}
				closer = next;
			}
		}
	}

	/** Wraps what lies between `opener` and `closer` in emphasis; returns the closer to go on with. */
	private wrap(opener: Delimiter, closer: Delimiter): Delimiter | undefined {
		const use = closer.char === '~' ? 2 : closer.count >= 2 && opener.count >= 2 ? 2 : 1;
		opener.count -= use;
		closer.count -= use;
		const type = closer.char === '~' ? 'del' : use === 2 ? 'strong' : 'em';
		const emphasis: Node = { inline: { type, children: [] } };
		const inside = opener.node.next !== closer.node ? opener.node.next : undefined;
		if (inside) {
			emphasis.first = inside;
			emphasis.last = closer.node.prev;
			inside.prev = undefined;
			emphasis.last!.next = undefined;
		}
		opener.node.next = emphasis;
		emphasis.prev = opener.node;
		emphasis.next = closer.node;
		closer.node.prev = emphasis;
		// Delimiters between the two can no longer match anything.
		let between = closer.prev;
		while (between && between !== opener) {
			const prev = between.prev;
			this.removeDelimiter(between);
			between = prev;
		}
		opener.next = closer;
		closer.prev = opener;
		if (opener.count === 0) {
			this.removeDelimiter(opener);
			this.removeNode(opener.node);
		}
		if (closer.count === 0) {
			const next = closer.next;
			this.removeDelimiter(closer);
			this.removeNode(closer.node);
			return next;
		}
		return closer;
	}
}

/** CommonMark's rule of 3: `*foo**bar*` is not `<em>foo</em><em>bar</em>`. */
function matches(opener: Delimiter, closer: Delimiter): boolean {
	if (closer.char === '~') {
		return true;
	}
	if ((opener.canClose || closer.canOpen) && (opener.length + closer.length) % 3 === 0) {
		return opener.length % 3 === 0 && closer.length % 3 === 0;
	}
	return true;
}

function codeSpan(raw: string): string {
	const text = raw.replace(/\n/g, ' ');
	return text.length > 2 && text.startsWith(' ') && text.endsWith(' ') && text.trim() !== '' ? text.slice(1, -1) : text;
}

/** Emphasis nested deeper than this is shown without the extra levels. */
const MAX_NESTING = 16;

/**
 * The working list to inlines; leftover delimiter characters become text. Iterative, as
 * emphasis can nest thousands deep in hostile text: past MAX_NESTING levels it is flattened.
 */
function toInlines(head: Node | undefined): Inline[] {
	const root: Inline[] = [];
	const stack: { node: Node | undefined; out: Inline[]; depth: number }[] = [{ node: head, out: root, depth: 0 }];
	while (stack.length > 0) {
		const frame = stack[stack.length - 1];
		const node = frame.node;
		if (!node) {
			stack.pop();
			continue;
		}
		frame.node = node.next;
		const inline = node.inline;
		if (node.delim) {
			pushText(frame.out, node.delim.char.repeat(node.delim.count));
		} else if (inline?.type === 'text') {
			pushText(frame.out, inline.text);
		} else if (inline?.type === 'strong' || inline?.type === 'em' || inline?.type === 'del') {
			if (frame.depth >= MAX_NESTING) {
				stack.push({ node: node.first, out: frame.out, depth: frame.depth });
			} else {
				frame.out.push(inline);
				stack.push({ node: node.first, out: inline.children, depth: frame.depth + 1 });
			}
		} else if (inline) {
			frame.out.push(inline);
		}
	}
	return root;
}

function pushText(out: Inline[], text: string): void {
	const last = out[out.length - 1];
	if (last?.type === 'text') {
		out[out.length - 1] = { type: 'text', text: last.text + text };
	} else if (text) {
		out.push({ type: 'text', text });
	}
}

export function parseInline(text: string): Inline[] {
	return new InlineParser(text, true).parse();
}

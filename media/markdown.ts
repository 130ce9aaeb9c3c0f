/**
 * Chat Markdown, parsed into a small tree (no DOM, no HTML): paragraphs, fenced code
 * blocks (only at the start of a line, and only when closed), block quotes, bullet and
 * numbered lists; inside them bold, italic, strikethrough, inline code and links.
 * Raw HTML is not a thing here: `<b>` is text. Work is linear in the text's length.
 */
import { parseInline, type Inline } from './inline';

export type { Inline } from './inline';

export type Block =
	| { type: 'paragraph'; content: Inline[] }
	| { type: 'code'; lang?: string; text: string }
	| { type: 'quote'; blocks: Block[] }
	| { type: 'list'; ordered: boolean; start: number; items: Block[][] };

/** Quotes and lists nest at most this deep; deeper markers stay text. */
const MAX_DEPTH = 6;

// The language is the first word of the info string; the rest is ignored. No backtick after a
// backtick fence (so ```x``` on one line is inline code).
const FENCE_OPEN = /^( {0,3})(`{3,}|~{3,})[ \t]*([^`\s]*)(?:[ \t][^`]*)?$/;
const FENCE_CLOSE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const ITEM = /^( {0,12})([-*+]|(\d{1,9})[.)])( +)(\S.*)$/;

interface ListMarker {
	indent: number;
	/** `-`, `*`, `+`, `.` or `)`: items with another marker start another list. */
	kind: string;
	ordered: boolean;
	number: number;
	/** Column where the item's text starts: continuation lines are indented at least this far. */
	contentIndent: number;
	text: string;
}

function listMarker(line: string): ListMarker | undefined {
	const m = ITEM.exec(line);
	if (!m) {
		return undefined;
	}
	const ordered = m[3] !== undefined;
	return {
		indent: m[1].length,
		kind: ordered ? m[2].slice(-1) : m[2],
		ordered,
		number: ordered ? Number(m[3]) : 1,
		contentIndent: m[1].length + m[2].length + Math.min(m[4].length, 4),
		text: m[5],
	};
}

const isBlank = (line: string) => line.trim() === '';

function indentOf(line: string): number {
	return line.length - line.trimStart().length;
}

/**
 * Finds closing fences. Per fence character it remembers the shortest fence known to have
 * no closing line after it: a later opener at least that long cannot close either, so a
 * message of many unclosed fences is still searched once.
 */
class FenceFinder {
	private readonly unclosed = new Map<string, { from: number; length: number }>();

	constructor(private readonly lines: string[]) {}

	/** Index of the line closing the fence opened at `start`, or -1. */
	closing(start: number, fence: string): number {
		const known = this.unclosed.get(fence[0]);
		if (known && start >= known.from && fence.length >= known.length) {
			return -1;
		}
		for (let i = start + 1; i < this.lines.length; i++) {
			const close = FENCE_CLOSE.exec(this.lines[i]);
			if (close && close[1][0] === fence[0] && close[1].length >= fence.length) {
				return i;
			}
		}
		if (!known || fence.length < known.length) {
			this.unclosed.set(fence[0], { from: start, length: fence.length });
		}
		return -1;
	}
}

function parseBlocks(lines: string[], depth: number): Block[] {
	const blocks: Block[] = [];
	const fences = new FenceFinder(lines);
	let paragraph: string[] = [];
	const flush = () => {
		if (paragraph.length > 0) {
			blocks.push({ type: 'paragraph', content: parseInline(paragraph.join('\n')) });
			paragraph = [];
		}
	};
	let i = 0;
	while (i < lines.length) {
		const line = lines[i];
		if (isBlank(line)) {
			flush();
			i++;
			continue;
		}
		const open = FENCE_OPEN.exec(line);
		// An opening fence without a closing one is text: a stray ``` hides nothing after it.
		const close = open ? fences.closing(i, open[2]) : -1;
		if (open && close > i) {
			flush();
			const indent = open[1].length;
			const body = lines.slice(i + 1, close).map((l) => l.slice(Math.min(indent, indentOf(l))));
			blocks.push(open[3] ? { type: 'code', lang: open[3], text: body.join('\n') } : { type: 'code', text: body.join('\n') });
			i = close + 1;
			continue;
		}
		if (depth < MAX_DEPTH && QUOTE.test(line)) {
			flush();
			const quoted: string[] = [];
			while (i < lines.length && QUOTE.test(lines[i])) {
				quoted.push(QUOTE.exec(lines[i])![1]);
				i++;
			}
			blocks.push({ type: 'quote', blocks: parseBlocks(quoted, depth + 1) });
			continue;
		}
		const marker = depth < MAX_DEPTH ? listMarker(line) : undefined;
		if (marker) {
			flush();
			i = parseList(lines, i, marker, depth, blocks);
			continue;
		}
		paragraph.push(line);
		i++;
	}
	flush();
	return blocks;
}

/** Parses the list starting at `lines[start]` into `out`; returns the index after it. */
function parseList(lines: string[], start: number, first: ListMarker, depth: number, out: Block[]): number {
	const items: Block[][] = [];
	let i = start;
	let marker: ListMarker | undefined = first;
	while (marker) {
		const body = [marker.text];
		i++;
		// The item goes on over lines indented past its marker (blank lines included, when
		// more indented text follows).
		while (i < lines.length) {
			const line = lines[i];
			if (isBlank(line)) {
				let next = i;
				while (next < lines.length && isBlank(lines[next])) {
					next++;
				}
				if (next < lines.length && indentOf(lines[next]) >= marker.contentIndent) {
					body.push(...lines.slice(i, next).map(() => ''));
					i = next;
					continue;
				}
				break;
			}
			if (indentOf(line) < marker.contentIndent) {
				break;
			}
			body.push(line.slice(marker.contentIndent));
			i++;
		}
		items.push(parseBlocks(body, depth + 1));
		// Blank lines between items of one list are allowed.
		let next = i;
		while (next < lines.length && isBlank(lines[next])) {
			next++;
		}
		const following = next < lines.length ? listMarker(lines[next]) : undefined;
		if (following && following.kind === first.kind && following.indent < first.contentIndent) {
			i = next;
			marker = following;
		} else {
			marker = undefined;
		}
	}
	out.push({ type: 'list', ordered: first.ordered, start: first.number, items });
	return i;
}

/** Parses a chat message. */
export function parseMarkdown(text: string): Block[] {
	return parseBlocks(text.replace(/\r\n?/g, '\n').split('\n'), 0);
}

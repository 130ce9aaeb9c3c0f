/**
 * Emphasis as CommonMark's "process emphasis" does it, over a linked list of inline
 * pieces and delimiter runs (`*`, `_`, `~~`) that the inline scanner appends. Linked
 * lists and the "openers bottom" bound keep it linear, even for 10,000 asterisks.
 */
import type { Inline } from './inline';

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

export class InlineList {
	private head?: Node;
	private tail?: Node;
	private lastDelim?: Delimiter;
	private delimiters = 0;

	private push(node: Node): void {
		node.prev = this.tail;
		if (this.tail) {
			this.tail.next = node;
		} else {
			this.head = node;
		}
		this.tail = node;
	}

	/** A finished piece: text, code, a link. */
	add(inline: Inline): void {
		this.push({ inline });
	}

	/** A run of `char` that may open and/or close emphasis (the scanner decides from its neighbours). */
	addDelimiter(char: string, length: number, canOpen: boolean, canClose: boolean): void {
		const node: Node = {};
		const delim: Delimiter = { node, char, count: length, length, canOpen, canClose, seq: this.delimiters++, prev: this.lastDelim };
		node.delim = delim;
		if (this.lastDelim) {
			this.lastDelim.next = delim;
		}
		this.lastDelim = delim;
		this.push(node);
	}

	/** Matches the delimiters and returns the inlines; unmatched delimiter characters become text. */
	finish(): Inline[] {
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

/**
 * What the composer offers to complete at the caret: `/command` at the start of the line,
 * `@nick`, `#channel` and `:emoji:` after a space (or at the start). Pure: the composer
 * owns the list's DOM and keys.
 */
import { EMOJI } from '../protocol/emoji';
import { complete as completeCommand } from './slashCommands';

export type CompletionKind = 'command' | 'nick' | 'channel' | 'emoji';

export interface Completion {
	/** Shown first; also the option's identity. */
	label: string;
	detail?: string;
	/** Replaces the typed word (from `start` to the caret). */
	insert: string;
}

export interface CompletionContext {
	kind: CompletionKind;
	/** Where the word being completed starts in the text. */
	start: number;
	/** What was typed after the trigger character. */
	query: string;
	options: Completion[];
}

export interface CompletionSource {
	/** People to offer after `@`, most relevant first (members of the open conversation first). */
	nicks(): string[];
	/** Channel names (with `#`). */
	channels(): string[];
}

const MAX_OPTIONS = 8;
/** `:` offers emoji only after this many letters, so "re: x" and ":)" do not pop a list. */
const EMOJI_MIN_QUERY = 2;

/** Prefix matches first, then matches anywhere; case-insensitive. */
function rank<T>(items: readonly T[], key: (item: T) => string, query: string): T[] {
	const q = query.toLowerCase();
	const starts: T[] = [];
	const contains: T[] = [];
	for (const item of items) {
		const k = key(item).toLowerCase();
		if (k.startsWith(q)) {
			starts.push(item);
		} else if (q.length > 0 && k.includes(q)) {
			contains.push(item);
		}
	}
	return [...starts, ...contains].slice(0, MAX_OPTIONS);
}

/** The completion for `text` with the caret at `caret`, or undefined when there is none. */
export function completionAt(text: string, caret: number, source: CompletionSource): CompletionContext | undefined {
	const before = text.slice(0, caret);
	const command = /^\/(\w*)$/.exec(before);
	if (command && caret === text.length) {
		const options = completeCommand(command[1]).map((c) => ({ label: c.usage, detail: c.description, insert: `/${c.name} ` }));
		return options.length > 0 ? { kind: 'command', start: 0, query: command[1], options } : undefined;
	}
	const word = /(?:^|[\s(])([@#:])([\w+-]*)$/.exec(before);
	// Only at the end of a word: completing in the middle of one would split it.
	if (!word || /^[\w-]/.test(text.slice(caret))) {
		return undefined;
	}
	const [, trigger, query] = word;
	const start = caret - query.length - 1;
	if (trigger === '@') {
		const options = rank(source.nicks(), (n) => n, query).map((nick) => ({ label: nick, insert: `@${nick} ` }));
		return options.length > 0 ? { kind: 'nick', start, query, options } : undefined;
	}
	if (trigger === '#') {
		const options = rank(source.channels(), (c) => c.replace(/^#/, ''), query).map((channel) => ({ label: channel, insert: `${channel} ` }));
		return options.length > 0 ? { kind: 'channel', start, query, options } : undefined;
	}
	if (query.length < EMOJI_MIN_QUERY) {
		return undefined;
	}
	const options = rank(EMOJI, ([name]) => name, query).map(([name, emoji]) => ({ label: `${emoji}  :${name}:`, insert: emoji }));
	return options.length > 0 ? { kind: 'emoji', start, query, options } : undefined;
}

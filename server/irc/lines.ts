/**
 * IRC lines: parsing what a client sends (IRCv3 tags, source, command, params) and
 * formatting what the server sends, with Parley text split into lines that fit.
 */

/** Longest line without tags, CRLF included (RFC 1459). */
export const MAX_LINE_BYTES = 512;
/** Longest tag section a client may send (IRCv3 message-tags: 4094 plus '@' and ' '). */
export const MAX_CLIENT_TAG_BYTES = 4096;

export interface IrcLine {
	tags: Map<string, string>;
	command: string;
	params: string[];
}

function unescapeTag(value: string): string {
	return value.replace(/\\(.?)/g, (_m, c: string) => ({ ':': ';', s: ' ', r: '\r', n: '\n', '\\': '\\' } as Record<string, string>)[c] ?? c);
}

export function escapeTag(value: string): string {
	return value.replace(/[\\; \r\n]/g, (c) => ({ '\\': '\\\\', ';': '\\:', ' ': '\\s', '\r': '\\r', '\n': '\\n' } as Record<string, string>)[c] ?? c);
}

/** Parses one line (without CRLF); undefined for a line with no command. */
export function parseLine(text: string): IrcLine | undefined {
	let rest = text;
	const tags = new Map<string, string>();
	if (rest.startsWith('@')) {
		const space = rest.indexOf(' ');
		const raw = space < 0 ? rest.slice(1) : rest.slice(1, space);
		rest = space < 0 ? '' : rest.slice(space + 1);
		for (const tag of raw.split(';')) {
			if (tag === '') {
				continue;
			}
			const eq = tag.indexOf('=');
			tags.set(eq < 0 ? tag : tag.slice(0, eq), eq < 0 ? '' : unescapeTag(tag.slice(eq + 1)));
		}
	}
	rest = rest.replace(/^ +/, '');
	if (rest.startsWith(':')) {
		const space = rest.indexOf(' ');
		rest = space < 0 ? '' : rest.slice(space + 1);
	}
	const params: string[] = [];
	let command: string | undefined;
	while (rest !== '') {
		rest = rest.replace(/^ +/, '');
		if (rest === '') {
			break;
		}
		if (command !== undefined && rest.startsWith(':')) {
			params.push(rest.slice(1));
			break;
		}
		const space = rest.indexOf(' ');
		const word = space < 0 ? rest : rest.slice(0, space);
		rest = space < 0 ? '' : rest.slice(space + 1);
		if (command === undefined) {
			command = word.toUpperCase();
		} else {
			params.push(word);
		}
	}
	return command === undefined ? undefined : { tags, command, params };
}

/** Commands whose last param is free text: always sent as a trailing param, as servers do. */
const TEXT_LAST = new Set(['PRIVMSG', 'NOTICE', 'KICK', 'PART', 'TOPIC', 'QUIT', 'ERROR', 'AWAY']);

/** Formats a line: the last param gets a ':' when it needs one, or when it is free text. */
export function formatLine(source: string | undefined, command: string, params: readonly string[], tags?: string): string {
	const parts: string[] = [];
	if (tags) {
		parts.push('@' + tags);
	}
	if (source !== undefined) {
		parts.push(':' + source);
	}
	parts.push(command);
	params.forEach((param, i) => {
		// CR, LF and NUL would end or break the line: text from JSON-RPC users may hold them.
		const p = /[\r\n\0]/.test(param) ? param.replace(/[\r\n\0]/g, ' ') : param;
		const last = i === params.length - 1;
		const text = last && TEXT_LAST.has(command) && (i > 0 || command === 'QUIT' || command === 'ERROR' || command === 'AWAY');
		parts.push(last && (text || p === '' || p.includes(' ') || p.startsWith(':')) ? ':' + p : p);
	});
	return parts.join(' ');
}

/**
 * Splits text into pieces of at most `maxBytes` UTF-8 bytes each, one or more per line
 * of the text, never inside a character (a surrogate pair stays whole). Empty lines are dropped.
 */
export function splitText(text: string, maxBytes: number): string[] {
	const out: string[] = [];
	for (const line of text.split(/\r\n|\r|\n/)) {
		let piece = '';
		let bytes = 0;
		for (const ch of line) {
			const n = Buffer.byteLength(ch, 'utf8');
			if (bytes + n > maxBytes && piece !== '') {
				out.push(piece);
				piece = '';
				bytes = 0;
			}
			piece += ch;
			bytes += n;
		}
		if (piece !== '') {
			out.push(piece);
		}
	}
	return out;
}

/** IRC's ascii case mapping (CASEMAPPING=ascii). */
export function ircLower(s: string): string {
	return s.toLowerCase();
}

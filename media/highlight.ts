/**
 * A small syntax highlighter for code blocks: keywords, strings, comments and numbers for
 * the languages people paste into chat. One left-to-right pass with sticky regexes, so
 * linear in the code's length. Unknown languages are plain text.
 */

export type TokenKind = 'keyword' | 'string' | 'comment' | 'number' | 'tag' | 'property' | 'inserted' | 'deleted' | 'meta';

export interface Token {
	kind?: TokenKind;
	text: string;
}

interface Grammar {
	keywords: ReadonlySet<string>;
	/** Keywords match whatever the case (SQL). */
	caseInsensitive?: boolean;
	/** Tried in order at each position; the first that matches makes a token. */
	rules: [RegExp, TokenKind][];
}

const words = (list: string): ReadonlySet<string> => new Set(list.split(/\s+/).filter(Boolean));

const NUMBER: [RegExp, TokenKind] = [/(?:0[xX][\da-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?)[a-zA-Z]*/y, 'number'];
const SLASH_COMMENTS: [RegExp, TokenKind][] = [
	[/\/\/[^\n]*/y, 'comment'],
	[/\/\*[\s\S]*?(?:\*\/|$)/y, 'comment'],
];
const HASH_COMMENT: [RegExp, TokenKind] = [/#[^\n]*/y, 'comment'];
const DOUBLE: [RegExp, TokenKind] = [/"(?:[^"\\\n]|\\.)*"?/y, 'string'];
const SINGLE: [RegExp, TokenKind] = [/'(?:[^'\\\n]|\\.)*'?/y, 'string'];
const BACKTICK: [RegExp, TokenKind] = [/`(?:[^`\\]|\\[\s\S])*`?/y, 'string'];

const C_FAMILY = 'if else for while do switch case default break continue return goto sizeof typedef struct union enum const static extern volatile register inline void char short int long float double signed unsigned bool true false NULL nullptr auto class public private protected virtual override template typename namespace using new delete this throw try catch operator friend explicit constexpr noexcept static_cast dynamic_cast reinterpret_cast const_cast include define ifdef ifndef endif pragma';
const JAVA = 'abstract assert boolean break byte case catch char class const continue default do double else enum extends final finally float for goto if implements import instanceof int interface long native new null package private protected public return short static strictfp super switch synchronized this throw throws transient try void volatile while true false var record sealed permits yield';
const JS = 'break case catch class const continue debugger default delete do else export extends finally for function if import in instanceof let new return super switch this throw try typeof var void while with yield async await of static get set null undefined true false NaN Infinity as from type interface enum implements private protected public readonly abstract declare namespace module keyof infer is satisfies never unknown any string number boolean object symbol bigint';

const GRAMMARS: Record<string, Grammar> = {
	js: { keywords: words(JS), rules: [...SLASH_COMMENTS, DOUBLE, SINGLE, BACKTICK, NUMBER] },
	json: { keywords: words('true false null'), rules: [[/"(?:[^"\\\n]|\\.)*"(?=\s*:)/y, 'property'], DOUBLE, NUMBER, ...SLASH_COMMENTS] },
	python: {
		keywords: words('and as assert async await break class continue def del elif else except False finally for from global if import in is lambda None nonlocal not or pass raise return True try while with yield match case self print'),
		rules: [HASH_COMMENT, [/[rRbBuUfF]{0,2}("""|''')[\s\S]*?(?:\1|$)/y, 'string'], [/[rRbBuUfF]{0,2}"(?:[^"\\\n]|\\.)*"?/y, 'string'], [/[rRbBuUfF]{0,2}'(?:[^'\\\n]|\\.)*'?/y, 'string'], NUMBER],
	},
	bash: {
		keywords: words('if then else elif fi for while until do done case esac in function return local export readonly declare set unset shift exit source alias echo cd test true false sudo'),
		rules: [[/(?<![\w$])#[^\n]*/y, 'comment'], DOUBLE, [/'[^']*'?/y, 'string'], [/\$\{[^}\n]*\}?|\$[\w@#?$!*-]/y, 'property'], [/\d+(?![\w])/y, 'number']],
	},
	go: {
		keywords: words('break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var true false nil iota string int int8 int16 int32 int64 uint uint8 uint16 uint32 uint64 float32 float64 bool byte rune error any make new len cap append panic recover'),
		rules: [...SLASH_COMMENTS, DOUBLE, [/`[^`]*`?/y, 'string'], [/'(?:[^'\\\n]|\\.)*'?/y, 'string'], NUMBER],
	},
	rust: {
		keywords: words('as async await break const continue crate dyn else enum extern false fn for if impl in let loop match mod move mut pub ref return self Self static struct super trait true type unsafe use where while Some None Ok Err i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize f32 f64 bool char str String Vec Option Result Box'),
		// 'a is a lifetime, 'a' a character.
		rules: [...SLASH_COMMENTS, [/b?"(?:[^"\\]|\\[\s\S])*"?/y, 'string'], [/b?'(?:[^'\\\n]|\\.[^'\n]{0,7})'/y, 'string'], NUMBER],
	},
	c: { keywords: words(C_FAMILY), rules: [...SLASH_COMMENTS, DOUBLE, SINGLE, NUMBER] },
	java: { keywords: words(JAVA), rules: [...SLASH_COMMENTS, [/"""[\s\S]*?(?:"""|$)/y, 'string'], DOUBLE, SINGLE, [/@\w+/y, 'meta'], NUMBER] },
	css: {
		keywords: words('important inherit initial unset revert none auto'),
		rules: [[/\/\*[\s\S]*?(?:\*\/|$)/y, 'comment'], DOUBLE, SINGLE, [/@[\w-]+/y, 'keyword'], [/[\w-]+(?=\s*:(?!:))/y, 'property'], [/#[\da-fA-F]{3,8}\b/y, 'number'], [/-?(?:\d+\.?\d*|\.\d+)(?:%|[a-zA-Z]+)?/y, 'number']],
	},
	html: {
		keywords: words(''),
		rules: [[/<!--[\s\S]*?(?:-->|$)/y, 'comment'], [/<\/?[\w:.-]+|\/?>/y, 'tag'], [/[\w:.-]+(?==)/y, 'property'], DOUBLE, SINGLE, [/&#?\w+;/y, 'keyword']],
	},
	sql: {
		keywords: words('select from where and or not in is null like between join inner left right full outer on as group by order having limit offset insert into values update set delete create table view index drop alter add column primary key foreign references unique default distinct union all case when then else end exists count sum avg min max asc desc with returning begin commit rollback transaction integer int text varchar boolean date timestamp true false'),
		caseInsensitive: true,
		rules: [[/--[^\n]*/y, 'comment'], [/\/\*[\s\S]*?(?:\*\/|$)/y, 'comment'], [/'(?:[^']|'')*'?/y, 'string'], [/"[^"\n]*"?/y, 'property'], NUMBER],
	},
	yaml: {
		keywords: words('true false null yes no on off'),
		rules: [[/(?<![^\s])#[^\n]*/y, 'comment'], [/(?<=^|\n)[ \t]*(?:- )*[\w.-]+(?=[ \t]*:(?:\s|$))/y, 'property'], DOUBLE, SINGLE, [/(?<![\w.-])-?\d[\d_.]*(?![\w.-])/y, 'number'], [/^---$|^\.\.\.$/my, 'meta']],
	},
};

const ALIASES: Record<string, string> = {
	ts: 'js', typescript: 'js', javascript: 'js', jsx: 'js', tsx: 'js', mjs: 'js', cjs: 'js', typescriptreact: 'js', javascriptreact: 'js', jsonc: 'json',
	py: 'python', sh: 'bash', shell: 'bash', zsh: 'bash', shellscript: 'bash', console: 'bash',
	golang: 'go', rs: 'rust', h: 'c', cpp: 'c', 'c++': 'c', cc: 'c', hpp: 'c', cxx: 'c', cs: 'c', csharp: 'c', objc: 'c',
	kotlin: 'java', kt: 'java', scala: 'java', scss: 'css', less: 'css',
	xml: 'html', svg: 'html', xhtml: 'html', vue: 'html', yml: 'yaml', postgres: 'sql', postgresql: 'sql', mysql: 'sql', sqlite: 'sql',
	patch: 'diff',
};

/** The grammar name for a fence's language tag, or undefined when it is not one we know. */
export function languageOf(lang: string | undefined): string | undefined {
	const key = (lang ?? '').toLowerCase();
	const name = ALIASES[key] ?? key;
	return name in GRAMMARS || name === 'diff' ? name : undefined;
}

function diffTokens(code: string): Token[] {
	return code.split(/(?<=\n)/).map((line): Token => {
		if (/^(?:\+\+\+|---|diff |index |@@)/.test(line)) {
			return { kind: 'meta', text: line };
		}
		if (line.startsWith('+')) {
			return { kind: 'inserted', text: line };
		}
		if (line.startsWith('-')) {
			return { kind: 'deleted', text: line };
		}
		return { text: line };
	});
}

const WORD = /[A-Za-z_$][\w$]*/y;

/** Splits `code` into tokens; their texts concatenate back to `code`. */
export function highlight(code: string, lang: string | undefined): Token[] {
	const name = languageOf(lang);
	if (name === 'diff') {
		return diffTokens(code);
	}
	const grammar = name ? GRAMMARS[name] : undefined;
	if (!grammar) {
		return [{ text: code }];
	}
	const tokens: Token[] = [];
	let plain = '';
	const emit = (kind: TokenKind, text: string) => {
		if (plain) {
			tokens.push({ text: plain });
			plain = '';
		}
		tokens.push({ kind, text });
	};
	let i = 0;
	outer: while (i < code.length) {
		for (const [re, kind] of grammar.rules) {
			re.lastIndex = i;
			const m = re.exec(code);
			if (m && m[0].length > 0) {
				emit(kind, m[0]);
				i += m[0].length;
				continue outer;
			}
		}
		WORD.lastIndex = i;
		const word = /[A-Za-z_$]/.test(code[i]) && !/[\w$]/.test(code[i - 1] ?? ' ') ? WORD.exec(code) : null;
		if (word) {
			const text = word[0];
			const known = grammar.caseInsensitive ? grammar.keywords.has(text.toLowerCase()) : grammar.keywords.has(text);
			if (known) {
				emit('keyword', text);
			} else {
				plain += text;
			}
			i += text.length;
			continue;
		}
		plain += code[i];
		i++;
	}
	if (plain) {
		tokens.push({ text: plain });
	}
	return tokens;
}

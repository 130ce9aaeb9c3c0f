/**
 * Shapes: the one way Parley checks data that crosses a trust boundary. Each message is
 * declared once in protocol/ with its type and its shape side by side (`params` of a
 * request or notification, `result` of a request, each host<->webview message), and every
 * receiver checks with `checkShape`/`isShape`: the server its request params, the client
 * the answers and notifications it gets, the host what the webview posts and the webview
 * what the host posts.
 *
 * Unknown fields are ignored, so a newer peer may send optional fields an older one does
 * not know. A problem names the offending field (`clientInfo.name`, `members[3]`).
 */

declare const carried: unique symbol;

export interface ShapeProblem {
	/** Dotted path of the offending field, e.g. `clientInfo.name`; `params` for the whole value. */
	field: string;
	message: string;
}

/** Checks an unknown value; `T` is the type a value that passes has. */
export interface Shape<T> {
	/** What a value must be, in words: "a string", "an integer", "one of 'a', 'b'". */
	readonly expected: string;
	/** True for shapes made by `optional()`: a missing field passes. */
	readonly optional: boolean;
	check(value: unknown, field: string): ShapeProblem | undefined;
	/** Never present at run time: carries `T` for the type checker. */
	readonly [carried]?: T;
}

/** The shape of a field that may be absent. */
export interface OptionalShape<T> extends Shape<T | undefined> {
	readonly optional: true;
}

/** One shape per field of T, optional exactly where T's field is. */
export type Fields<T> = {
	[K in keyof T]-?: undefined extends T[K] ? OptionalShape<Exclude<T[K], undefined>> : Shape<T[K]>;
};

type Kind = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'null' | 'other';

function kindOf(value: unknown): Kind {
	if (value === null) {
		return 'null';
	}
	if (Array.isArray(value)) {
		return 'array';
	}
	switch (typeof value) {
		case 'string': return 'string';
		case 'boolean': return 'boolean';
		case 'number': return Number.isSafeInteger(value) ? 'integer' : 'number';
		case 'object': return 'object';
		default: return 'other';
	}
}

function name(field: string): string {
	return field === '' ? 'params' : field;
}

function wrongKind(field: string, expected: string, value: unknown): ShapeProblem {
	return { field: name(field), message: `Field '${name(field)}' must be ${expected}, not ${kindOf(value)}.` };
}

function make<T>(expected: string, check: (value: unknown, field: string) => ShapeProblem | undefined): Shape<T> {
	return { expected, optional: false, check };
}

/** A string of at most `max` characters (UTF-16 units). */
export function string(max?: number): Shape<string> {
	const expected = 'a string';
	return make(expected, (value, field) => {
		if (typeof value !== 'string') {
			return wrongKind(field, expected, value);
		}
		if (max !== undefined && value.length > max) {
			return { field: name(field), message: `Field '${name(field)}' must be at most ${max} characters long.` };
		}
		return undefined;
	});
}

/** A safe integer (no fraction, within ±2^53). */
export const integer: Shape<number> = make('an integer', (value, field) =>
	(kindOf(value) === 'integer' ? undefined : wrongKind(field, 'an integer', value)));

/** Any finite number. */
export const number: Shape<number> = make('a number', (value, field) =>
	(typeof value === 'number' && Number.isFinite(value) ? undefined : wrongKind(field, 'a number', value)));

export const boolean: Shape<boolean> = make('true or false', (value, field) =>
	(typeof value === 'boolean' ? undefined : wrongKind(field, 'true or false', value)));

/** `null` (the result of requests that answer nothing). */
export const nothing: Shape<null> = make('null', (value, field) =>
	(value === null ? undefined : wrongKind(field, 'null', value)));

/** One of the listed strings. */
export function literal<L extends string>(...values: L[]): Shape<L> {
	const expected = `one of ${values.map((v) => `'${v}'`).join(', ')}`;
	return make(expected, (value, field) =>
		((values as unknown[]).includes(value) ? undefined : { field: name(field), message: `Field '${name(field)}' must be ${expected}.` }));
}

/** A field that may be absent (`undefined`). */
export function optional<T>(shape: Shape<T>): OptionalShape<T> {
	return {
		expected: shape.expected,
		optional: true,
		check: (value, field) => (value === undefined ? undefined : shape.check(value, field)),
	};
}

/** An array of at most `max` items, each of `item`'s shape. */
export function array<T>(item: Shape<T>, max?: number): Shape<T[]> {
	const expected = `a list of ${item.expected}`;
	return make(expected, (value, field) => {
		if (!Array.isArray(value)) {
			return wrongKind(field, 'a list', value);
		}
		if (max !== undefined && value.length > max) {
			return { field: name(field), message: `Field '${name(field)}' must have at most ${max} items.` };
		}
		for (let i = 0; i < value.length; i++) {
			const problem = item.check(value[i], `${name(field)}[${i}]`);
			if (problem) {
				return problem;
			}
		}
		return undefined;
	});
}

function checkFields(record: Record<string, unknown>, fields: Record<string, Shape<unknown>>, field: string): ShapeProblem | undefined {
	for (const key of Object.keys(fields)) {
		const shape = fields[key];
		const path = field === '' ? key : `${field}.${key}`;
		const value = record[key];
		if (value === undefined && !shape.optional) {
			return { field: path, message: `Missing required field '${path}' (${shape.expected}).` };
		}
		const problem = shape.check(value, path);
		if (problem) {
			return problem;
		}
	}
	return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return kindOf(value) === 'object';
}

function notAnObject(field: string): ShapeProblem {
	return { field: name(field), message: `'${name(field)}' must be an object with named fields.` };
}

/** An object with the given fields (others are ignored). */
export function object<T>(fields: Fields<T>): Shape<T> {
	const table = fields as Record<string, Shape<unknown>>;
	return make('an object', (value, field) =>
		(isRecord(value) ? checkFields(value, table, field) : notAnObject(field)));
}

type Case<U, Tag extends string, K> = Fields<Omit<Extract<U, Record<Tag, K>>, Tag>>;

/**
 * A union told apart by one string field, its tag (`type` for host<->webview messages):
 * one field table per tag value, without the tag itself.
 */
export function tagged<U extends Record<Tag, string>, Tag extends string>(tag: Tag, cases: { [K in U[Tag]]: Case<U, Tag, K> }): Shape<U> {
	const table = cases as unknown as Record<string, Record<string, Shape<unknown>>>;
	const tags = literal(...Object.keys(table));
	return make(`an object with a known '${tag}'`, (value, field) => {
		if (!isRecord(value)) {
			return notAnObject(field);
		}
		const problem = tags.check(value[tag], field === '' ? tag : `${field}.${tag}`);
		return problem ?? checkFields(value, table[value[tag] as string], field);
	});
}

/** The first problem with `value`, or undefined when it has the shape. */
export function checkShape<T>(value: unknown, shape: Shape<T>): ShapeProblem | undefined {
	return shape.check(value, '');
}

export function isShape<T>(value: unknown, shape: Shape<T>): value is T {
	return shape.check(value, '') === undefined;
}

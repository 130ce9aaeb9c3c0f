/**
 * Declarative shapes for request params, declared next to each method so that the
 * server validates every request the same way and names the offending field.
 */

export type FieldKind = 'string' | 'integer' | 'boolean' | 'object';

export interface FieldRule {
	kind: FieldKind;
	optional?: boolean;
	/** For `object` fields: the shape of the nested object. */
	fields?: Record<string, FieldRule>;
}

/** One rule per field of P, so a new field cannot be forgotten here. */
export type ParamsShape<P> = { [K in keyof Required<P>]: FieldRule };

const article: Record<FieldKind, string> = {
	string: 'a string',
	integer: 'an integer',
	boolean: 'true or false',
	object: 'an object',
};

function kindOf(value: unknown): FieldKind | 'number' | 'array' | 'null' | 'other' {
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

export interface ShapeProblem {
	/** Dotted path of the offending field, e.g. `clientInfo.name`. */
	field: string;
	message: string;
}

/**
 * Checks `value` against `shape`. Unknown fields are ignored so that newer clients
 * may send optional fields an older server does not know.
 */
export function checkShape(value: unknown, shape: Record<string, FieldRule>, prefix = ''): ShapeProblem | undefined {
	if (kindOf(value) !== 'object') {
		const field = prefix === '' ? 'params' : prefix.slice(0, -1);
		return { field, message: `'${field}' must be an object with named fields.` };
	}
	const record = value as Record<string, unknown>;
	for (const [name, rule] of Object.entries(shape)) {
		const field = prefix + name;
		const fieldValue = record[name];
		if (fieldValue === undefined) {
			if (!rule.optional) {
				return { field, message: `Missing required field '${field}' (${article[rule.kind]}).` };
			}
			continue;
		}
		const actual = kindOf(fieldValue);
		if (actual !== rule.kind) {
			return { field, message: `Field '${field}' must be ${article[rule.kind]}, not ${actual}.` };
		}
		if (rule.kind === 'object' && rule.fields) {
			const nested = checkShape(fieldValue, rule.fields, field + '.');
			if (nested) {
				return nested;
			}
		}
	}
	return undefined;
}

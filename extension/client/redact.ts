/**
 * Keeps secrets out of logs and RPC traces: the values of these fields become "***"
 * wherever they appear (initialize params, register params, initialize results).
 */
const SECRET_FIELDS = ['password', 'serverPassword', 'adminToken', 'resumeToken'];

const SECRET_IN_JSON = new RegExp(`("(?:${SECRET_FIELDS.join('|')})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'g');

/** Redacts secret fields in text holding JSON (a trace line, pretty-printed or not). */
export function redactText(text: string): string {
	return text.replace(SECRET_IN_JSON, '$1"***"');
}

/** A copy of `value` with secret fields redacted at any depth. */
export function redactValue(value: unknown): unknown {
	if (Array.isArray(value)) {
		return value.map(redactValue);
	}
	if (typeof value === 'object' && value !== null) {
		return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, SECRET_FIELDS.includes(key) && field !== undefined ? '***' : redactValue(field)]));
	}
	return typeof value === 'string' ? redactText(value) : value;
}

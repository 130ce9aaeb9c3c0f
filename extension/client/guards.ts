/**
 * Guards for what arrives from the server. TCP is a trust boundary: a message that
 * does not have the promised shape is logged and dropped, never half-used.
 */
import { isMessage } from '../../protocol/messages';
import type { HistoryResult, InitializeResult, JoinChannelResult, Message } from '../../protocol/index';

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isStringArray(value: unknown): value is string[] {
	return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

export function isMessageArray(value: unknown): value is Message[] {
	return Array.isArray(value) && value.every(isMessage);
}

/** Checks that `value` is an object whose listed fields are strings. */
export function hasStrings<K extends string>(value: unknown, ...keys: K[]): value is Record<K, string> {
	return isObject(value) && keys.every((k) => typeof value[k] === 'string');
}

export function isInitializeResult(value: unknown): value is InitializeResult {
	return isObject(value) && typeof value.nick === 'string' && Number.isSafeInteger(value.protocolVersion)
		&& isObject(value.limits) && typeof value.limits.maxMessageLength === 'number';
}

export function isJoinResult(value: unknown): value is JoinChannelResult {
	return isObject(value) && hasStrings(value.channel, 'name') && isStringArray(value.members) && isMessageArray(value.history);
}

export function isHistoryResult(value: unknown): value is HistoryResult {
	return isObject(value) && isMessageArray(value.messages) && typeof value.hasMore === 'boolean';
}

export class ProtocolViolation extends Error {
	constructor(what: string) {
		super(`The server sent a malformed ${what}.`);
		this.name = 'ProtocolViolation';
	}
}

/**
 * Encoding of LSP base-protocol frames: `Content-Length: N\r\n\r\n` + UTF-8 JSON.
 * A fan-out message is encoded once and the same bytes are written to every member.
 */
import type { NotificationType } from 'vscode-jsonrpc/node';

export function encodeFrame(json: string): Buffer {
	const length = Buffer.byteLength(json, 'utf8');
	return Buffer.from(`Content-Length: ${length}\r\n\r\n${json}`, 'utf8');
}

export function encodeMessage(message: object): Buffer {
	return encodeFrame(JSON.stringify(message));
}

/** A notification, typed by its protocol declaration: `encodeNotification(MessageNewNotification.type, { message })`. */
export function encodeNotification<P>(type: NotificationType<P>, params: P): Buffer {
	return encodeFrame(JSON.stringify({ jsonrpc: '2.0', method: type.method, params }));
}

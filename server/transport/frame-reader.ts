/**
 * Reads LSP-framed JSON-RPC from a socket with hard limits, in front of vscode-jsonrpc
 * (whose own reader has no limit on header or body size and desynchronizes on a bad
 * Content-Length). Broken framing ends the connection; a well-framed body that is not
 * valid JSON-RPC is answered with -32700 / -32600 and the connection stays usable.
 * Valid messages go to `hooks.onMessage` (the session hands them to vscode-jsonrpc).
 */
import type { Socket } from 'node:net';
import { TextDecoder } from 'node:util';
import type { Message } from 'vscode-jsonrpc/node';
import { ErrorCodes } from '../../protocol/errors';

export const MAX_HEADER_BYTES = 8 * 1024;

const CRLFCRLF = Buffer.from('\r\n\r\n');
const decoder = new TextDecoder('utf-8', { fatal: true });

export interface FrameReaderHooks {
	/** Framing is broken beyond repair: close the connection, logging `reason`. */
	onViolation(reason: string): void;
	/** Answer a malformed message directly (JSON-RPC error with the given id). */
	onInvalid(id: string | number | null, code: number, message: string): void;
	/** Any bytes arrived (for liveness). */
	onActivity(): void;
	/** A valid JSON-RPC message arrived. */
	onMessage(message: Message): void;
}

type Verdict = { ok: true; message: Message } | { ok: false; id: string | number | null; code: number; text: string };

/** Applies the JSON-RPC 2.0 rules of a valid request, notification or response. */
export function checkEnvelope(value: unknown): Verdict {
	if (Array.isArray(value)) {
		return { ok: false, id: null, code: ErrorCodes.InvalidRequest, text: 'Batch requests are not supported by this server; send each request in its own frame.' };
	}
	if (typeof value !== 'object' || value === null) {
		return { ok: false, id: null, code: ErrorCodes.InvalidRequest, text: 'A JSON-RPC message must be a JSON object.' };
	}
	const m = value as Record<string, unknown>;
	const id = m.id;
	const idOk = id === undefined || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
	const replyId = idOk && id !== undefined ? id : null;
	if (m.jsonrpc !== '2.0') {
		return { ok: false, id: replyId, code: ErrorCodes.InvalidRequest, text: `Field 'jsonrpc' must be exactly "2.0".` };
	}
	if (!idOk) {
		return { ok: false, id: null, code: ErrorCodes.InvalidRequest, text: `Field 'id' must be a string or a number.` };
	}
	if ('method' in m) {
		if (typeof m.method !== 'string' || m.method === '') {
			return { ok: false, id: replyId, code: ErrorCodes.InvalidRequest, text: `Field 'method' must be a non-empty string.` };
		}
		if (m.params === undefined) {
			// Every Parley method takes one named object; absent means empty.
			m.params = {};
		} else if (typeof m.params !== 'object' || m.params === null || Array.isArray(m.params)) {
			return { ok: false, id: replyId, code: ErrorCodes.InvalidRequest, text: `Field 'params' must be an object of named parameters.` };
		}
		return { ok: true, message: m as unknown as Message };
	}
	// A response to a request the server sent (e.g. session/ping).
	if (id !== undefined && ('result' in m || 'error' in m)) {
		return { ok: true, message: m as unknown as Message };
	}
	return { ok: false, id: replyId, code: ErrorCodes.InvalidRequest, text: `A request needs a 'method' string.` };
}

export class GuardedFrameReader {
	private chunks: Buffer[] = [];
	private buffered = 0;
	/** Body length of the frame being read, once its header is complete. */
	private bodyLength = -1;
	/** Where the next search for the header terminator starts. */
	private scanFrom = 0;
	private stopped = false;

	constructor(
		socket: Socket,
		private readonly maxFrameBytes: number,
		private readonly hooks: FrameReaderHooks,
	) {
		socket.on('data', (chunk: Buffer) => this.onData(chunk));
	}

	private onData(chunk: Buffer): void {
		if (this.stopped) {
			return;
		}
		this.hooks.onActivity();
		this.chunks.push(chunk);
		this.buffered += chunk.length;
		while (!this.stopped) {
			if (this.bodyLength < 0) {
				if (!this.readHeader()) {
					return;
				}
			}
			if (this.buffered < this.bodyLength) {
				return;
			}
			const body = this.take(this.bodyLength);
			this.bodyLength = -1;
			this.deliver(body);
		}
	}

	/** Parses a complete header block if buffered; false when more bytes are needed. */
	private readHeader(): boolean {
		const data = this.peekAll();
		const end = data.indexOf(CRLFCRLF, this.scanFrom);
		if (end < 0) {
			if (data.length > MAX_HEADER_BYTES) {
				this.violate(`header block longer than ${MAX_HEADER_BYTES} bytes`);
			} else {
				// Resume where a terminator could still start, so scanning stays linear.
				this.scanFrom = Math.max(0, data.length - 3);
			}
			return false;
		}
		if (end > MAX_HEADER_BYTES) {
			this.violate(`header block longer than ${MAX_HEADER_BYTES} bytes`);
			return false;
		}
		const header = data.subarray(0, end).toString('latin1');
		this.take(end + 4);
		this.scanFrom = 0;
		let length: number | undefined;
		for (const line of header.split('\r\n')) {
			const colon = line.indexOf(':');
			if (colon <= 0) {
				this.violate(`malformed header line '${line.slice(0, 40)}'`);
				return false;
			}
			const name = line.slice(0, colon).trim().toLowerCase();
			const value = line.slice(colon + 1).trim();
			if (name === 'content-length') {
				if (!/^\d{1,15}$/.test(value) || length !== undefined) {
					this.violate(`invalid Content-Length '${value.slice(0, 40)}'`);
					return false;
				}
				length = Number(value);
			} else if (name === 'content-type') {
				const charset = /charset=([^;\s]+)/i.exec(value)?.[1]?.toLowerCase();
				if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
					this.violate(`unsupported charset '${charset.slice(0, 40)}' (only utf-8)`);
					return false;
				}
			}
		}
		if (length === undefined) {
			this.violate('frame without Content-Length header');
			return false;
		}
		if (length > this.maxFrameBytes) {
			this.violate(`frame of ${length} bytes exceeds the limit of ${this.maxFrameBytes}`);
			return false;
		}
		this.bodyLength = length;
		return true;
	}

	private deliver(body: Buffer): void {
		let parsed: unknown;
		try {
			parsed = JSON.parse(decoder.decode(body));
		} catch (error) {
			const what = error instanceof TypeError ? 'is not valid UTF-8' : 'is not valid JSON';
			this.hooks.onInvalid(null, ErrorCodes.ParseError, `Parse error: the message body ${what}.`);
			return;
		}
		const verdict = checkEnvelope(parsed);
		if (!verdict.ok) {
			this.hooks.onInvalid(verdict.id, verdict.code, verdict.text);
			return;
		}
		this.hooks.onMessage(verdict.message);
	}

	private violate(reason: string): void {
		this.stopped = true;
		this.chunks = [];
		this.buffered = 0;
		this.hooks.onViolation(reason);
	}

	private peekAll(): Buffer {
		if (this.chunks.length > 1) {
			this.chunks = [Buffer.concat(this.chunks, this.buffered)];
		}
		return this.chunks[0] ?? Buffer.alloc(0);
	}

	private take(n: number): Buffer {
		const data = this.peekAll();
		const head = data.subarray(0, n);
		const rest = data.subarray(n);
		this.chunks = rest.length > 0 ? [rest] : [];
		this.buffered = rest.length;
		return head;
	}
}

/** A raw TCP peer for framing tests: writes bytes, reads and decodes frames. */
import * as net from 'node:net';

export class RawPeer {
	private buffer = Buffer.alloc(0);
	private waiters: (() => void)[] = [];
	readonly closed: Promise<void>;
	ended = false;

	private constructor(readonly socket: net.Socket) {
		socket.on('data', (chunk: Buffer) => {
			this.buffer = Buffer.concat([this.buffer, chunk]);
			this.wake();
		});
		socket.on('error', () => undefined);
		this.closed = new Promise((resolve) => socket.once('close', () => {
			this.ended = true;
			this.wake();
			resolve();
		}));
	}

	static connect(port: number): Promise<RawPeer> {
		return new Promise((resolve, reject) => {
			const s = net.connect({ port, host: '127.0.0.1', noDelay: true }, () => resolve(new RawPeer(s)));
			s.once('error', reject);
		});
	}

	private wake(): void {
		const waiters = this.waiters;
		this.waiters = [];
		waiters.forEach((w) => w());
	}

	write(data: string | Buffer): void {
		this.socket.write(data);
	}

	/** Writes one well-framed body. */
	send(body: string | Buffer | object): void {
		const bytes = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
		this.socket.write(Buffer.concat([Buffer.from(`Content-Length: ${bytes.length}\r\n\r\n`), bytes]));
	}

	/** Reads the next complete frame and parses its JSON body. */
	async next(timeoutMs = 5000): Promise<Record<string, unknown>> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const end = this.buffer.indexOf('\r\n\r\n');
			if (end >= 0) {
				const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, end).toString())?.[1]);
				if (this.buffer.length >= end + 4 + length) {
					const body = this.buffer.subarray(end + 4, end + 4 + length).toString('utf8');
					this.buffer = this.buffer.subarray(end + 4 + length);
					return JSON.parse(body) as Record<string, unknown>;
				}
			}
			if (this.ended) {
				throw new Error('connection closed before a complete frame arrived');
			}
			const left = deadline - Date.now();
			if (left <= 0) {
				throw new Error(`no complete frame within ${timeoutMs} ms`);
			}
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, left);
				this.waiters.push(() => { clearTimeout(timer); resolve(); });
			});
		}
	}

	/** Reads frames until one has the given id. */
	async response(id: number | string | null, timeoutMs = 5000): Promise<Record<string, unknown>> {
		for (;;) {
			const frame = await this.next(timeoutMs);
			if ('id' in frame && frame.id === id && !('method' in frame)) {
				return frame;
			}
		}
	}

	/** Resolves when the server closes the connection, or fails after the timeout. */
	async expectClosed(timeoutMs = 5000): Promise<void> {
		let timer: NodeJS.Timeout | undefined;
		await Promise.race([
			this.closed,
			new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`server did not close the connection within ${timeoutMs} ms`)), timeoutMs); }),
		]);
		clearTimeout(timer);
	}

	destroy(): void {
		this.socket.destroy();
	}
}

export function initializeFrame(id: number, nick: string): object {
	return { jsonrpc: '2.0', id, method: 'initialize', params: { protocolVersion: 1, nick } };
}

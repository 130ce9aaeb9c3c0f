/**
 * Per-connection output: frames are queued and written together (one socket write of
 * all frames queued since the last flush), and the queue is capped so a client that does
 * not read cannot make the server buffer without bound.
 */
import type { Socket } from 'node:net';

/**
 * Collects the queues with pending output and flushes them all at once. Under light load
 * that is the next event-loop turn. After a flush that took a while (a large fan-out),
 * the next one waits about as long, so frames arriving meanwhile share one write per
 * socket: the cost of a flush is mostly one syscall per socket, not the bytes.
 */
class FlushScheduler {
	private readonly dirty = new Set<OutboundQueue>();
	private scheduled = false;
	/** Duration of the last flush and when it ended (performance.now() ms). */
	private lastDuration = 0;
	private lastEnd = 0;

	mark(queue: OutboundQueue): void {
		this.dirty.add(queue);
		if (this.scheduled) {
			return;
		}
		this.scheduled = true;
		const gap = this.lastDuration < MIN_COALESCE_MS ? 0 : Math.min(MAX_COALESCE_MS, this.lastDuration) - (performance.now() - this.lastEnd);
		if (gap < MIN_COALESCE_MS) {
			setImmediate(this.run);
		} else {
			setTimeout(this.run, gap);
		}
	}

	private readonly run = (): void => {
		const start = performance.now();
		this.scheduled = false;
		for (const queue of this.dirty) {
			queue.flush();
		}
		this.dirty.clear();
		this.lastEnd = performance.now();
		this.lastDuration = this.lastEnd - start;
	};
}

/** Flushes shorter than this never delay the next one (keeps request round trips fast). */
const MIN_COALESCE_MS = 1;
/** The longest a flush is deferred to batch output, bounding the added latency. */
const MAX_COALESCE_MS = 8;

const scheduler = new FlushScheduler();

export class OutboundQueue {
	private chunks: Buffer[] = [];
	private queuedBytes = 0;
	private closed = false;

	/**
	 * @param onOverflow called once when the queue passes `maxBytes`; the owner closes
	 * the connection.
	 */
	constructor(
		private readonly socket: Socket,
		private readonly maxBytes: number,
		private readonly onOverflow: () => void,
	) {}

	get isClosed(): boolean {
		return this.closed;
	}

	/** Bytes waiting here or in the socket's own buffer. */
	get pendingBytes(): number {
		return this.queuedBytes + this.socket.writableLength;
	}

	enqueue(frame: Buffer): void {
		if (this.closed) {
			return;
		}
		this.chunks.push(frame);
		this.queuedBytes += frame.length;
		if (this.pendingBytes > this.maxBytes) {
			this.close();
			this.onOverflow();
			return;
		}
		if (this.chunks.length === 1) {
			scheduler.mark(this);
		}
	}

	/** Writes everything queued in one socket write (per turn, or before a deliberate close). */
	flush(): void {
		if (this.closed || this.chunks.length === 0) {
			return;
		}
		const data = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.queuedBytes);
		this.chunks = [];
		this.queuedBytes = 0;
		this.socket.write(data);
	}

	/** Stops accepting output; queued bytes are dropped. */
	close(): void {
		this.closed = true;
		this.chunks = [];
		this.queuedBytes = 0;
	}
}

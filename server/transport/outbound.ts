/**
 * Per-connection output: frames are queued and written together (one socket write of
 * all frames queued since the last flush), and the queue is capped so a client that does
 * not read cannot make the server buffer without bound.
 */
import type { Socket } from 'node:net';

/**
 * How soon queued output must leave. Writing is mostly one syscall per socket whatever
 * the bytes, so the later output may leave, the more of it shares one write.
 */
export enum Urgency {
	/** Answers to this client (responses, our requests, notices): in the next event-loop turn. */
	Answer = 1,
	/** Chat traffic fanned out to many (messages, topics, nicks): with the next bulk flush. */
	Fanout = 2,
	/** Membership events (joins, leaves): within PRESENCE_DELAY_MS, or earlier with other output. */
	Presence = 4,
}

/**
 * Decides when queued output is written:
 *
 * - Answers are written in the next event-loop turn: a request's
 *   round trip never waits for other traffic, and the answers to requests handled in
 *   one turn share a write per socket (a small write that wakes an idle reader is
 *   expensive: about 0.1 ms here, against about 15 us in a bulk pass).
 * - Fan-out is written in bulk, all sockets at once. Under light load that is the next
 *   event-loop turn. After a flush that took a while (hundreds of sockets), the next one
 *   starts CYCLE_MS after it started (and at least MIN_GAP_MS after it ended), so frames
 *   arriving meanwhile share one write per socket: under load each socket gets one write
 *   per cycle whatever the message rate, and a frame waits at most a cycle and a flush.
 *   The cycle is fixed, not in proportion to the last flush: a cluster node with a third
 *   of a channel's members flushes in a third of the time, and would otherwise write to
 *   each socket three times as often for the same traffic. The write syscalls are most
 *   of a busy server's time, and of a load balancer's and the clients' in front of it.
 * - Presence events wait up to PRESENCE_DELAY_MS, then join the fan-out: a thousand
 *   clients joining one channel make half a million memberJoined frames, and they
 *   leave in a few large writes instead of one per join.
 *
 * Whatever the class, a flush writes everything its queue holds, so a socket's frames
 * leave in the order they were queued.
 */
class FlushScheduler {
	private readonly answers = new Set<OutboundQueue>();
	private answersScheduled = false;
	private readonly fanout = new Set<OutboundQueue>();
	private fanoutScheduled = false;
	private readonly presence = new Set<OutboundQueue>();
	private presenceScheduled = false;
	/** Duration of the last fan-out flush, and when it started and ended (performance.now() ms). */
	private lastDuration = 0;
	private lastStart = 0;
	private lastEnd = 0;

	mark(queue: OutboundQueue, urgency: Urgency): void {
		if (urgency === Urgency.Answer) {
			this.answers.add(queue);
			if (!this.answersScheduled) {
				this.answersScheduled = true;
				setImmediate(this.flushAnswers);
			}
		} else if (urgency === Urgency.Fanout) {
			this.fanout.add(queue);
			if (!this.fanoutScheduled) {
				this.scheduleFanout();
			}
		} else {
			this.presence.add(queue);
			if (!this.presenceScheduled) {
				this.presenceScheduled = true;
				setTimeout(this.flushPresence, PRESENCE_DELAY_MS);
			}
		}
	}

	private scheduleFanout(): void {
		this.fanoutScheduled = true;
		const now = performance.now();
		const gap = this.lastDuration < MIN_COALESCE_MS ? 0 : Math.max(this.lastStart + CYCLE_MS, this.lastEnd + MIN_GAP_MS) - now;
		if (gap < MIN_COALESCE_MS) {
			setImmediate(this.flushFanout);
		} else {
			setTimeout(this.flushFanout, gap);
		}
	}

	private readonly flushAnswers = (): void => {
		this.answersScheduled = false;
		flushAll(this.answers);
	};

	/** The fan-out pass under way: the queues that were dirty when it began. */
	private pass: OutboundQueue[] = [];
	private passIndex = 0;
	/** Time spent writing in the pass under way, over its slices. */
	private passTime = 0;

	/**
	 * One slice of a fan-out pass: at most SLICE_MS of writing, then the rest in the next
	 * turn, so requests (vscode-jsonrpc takes one message per connection per turn) are
	 * not held up behind a thousand writes. A queue that gets frames after its write in
	 * this pass waits for the next pass.
	 */
	private readonly flushFanout = (): void => {
		const start = performance.now();
		if (this.passIndex === 0) {
			this.lastStart = start;
			this.pass = [...this.fanout];
			this.fanout.clear();
		}
		const deadline = start + SLICE_MS;
		while (this.passIndex < this.pass.length) {
			this.pass[this.passIndex++].flush();
			if (this.passIndex % 32 === 0 && performance.now() > deadline) {
				break;
			}
		}
		shared.forget();
		const end = performance.now();
		this.passTime += end - start;
		if (this.passIndex < this.pass.length) {
			setImmediate(this.flushFanout);
			return;
		}
		this.pass = [];
		this.passIndex = 0;
		this.lastEnd = end;
		this.lastDuration = this.passTime;
		this.passTime = 0;
		this.fanoutScheduled = false;
		if (this.fanout.size > 0) {
			this.scheduleFanout();
		}
	};

	/** Presence output that waited its time joins the fan-out (and its sliced passes). */
	private readonly flushPresence = (): void => {
		this.presenceScheduled = false;
		for (const queue of this.presence) {
			this.fanout.add(queue);
		}
		this.presence.clear();
		if (!this.fanoutScheduled && this.fanout.size > 0) {
			this.scheduleFanout();
		}
	};
}

function flushAll(queues: Set<OutboundQueue>): void {
	for (const queue of queues) {
		queue.flush();
	}
	queues.clear();
	shared.forget();
}

/**
 * The bytes of the last few multi-frame writes of a flush pass, with the frames they
 * were joined from. Members of one channel mostly hold the very same frames (fan-out
 * queues the same Buffer objects), so they get the same joined Buffer: one copy and one
 * allocation per distinct run of frames, not per socket. A few are kept, not one,
 * because members of different kinds alternate (IRC members hold IRC lines, JSON-RPC
 * members JSON-RPC frames, and IRC members with other tag capabilities other lines).
 */
class SharedJoin {
	private readonly entries: { frames: readonly Buffer[]; joined: Buffer }[] = [];
	private next = 0;

	join(frames: readonly Buffer[], bytes: number): Buffer {
		for (const entry of this.entries) {
			if (sameFrames(frames, entry.frames)) {
				return entry.joined;
			}
		}
		const joined = Buffer.concat(frames, bytes);
		this.entries[this.next] = { frames, joined };
		this.next = (this.next + 1) % SHARED_JOINS;
		return joined;
	}

	forget(): void {
		this.entries.length = 0;
		this.next = 0;
	}
}

/** Distinct joined writes kept per flush pass. */
const SHARED_JOINS = 4;

function sameFrames(a: readonly Buffer[], b: readonly Buffer[]): boolean {
	if (a.length !== b.length) {
		return false;
	}
	for (let i = 0; i < a.length; i++) {
		if (a[i] !== b[i]) {
			return false;
		}
	}
	return true;
}

const shared = new SharedJoin();

/** Fan-out flushes shorter than this never delay the next one. */
const MIN_COALESCE_MS = 1;
/**
 * After a flush of at least MIN_COALESCE_MS, the next starts this long after it started:
 * the most a frame waits for its write under load (besides the flush itself). Measured
 * with `npm run bench` (docs/performance.md): 16 ms after the end of the last flush wrote
 * each socket about 40 times a second at 800 messages/s, and left a three-node cluster
 * and its load balancer without the CPU to keep up; 64 ms from start to start writes it
 * about 16 times, and one server's p99 stays under 100 ms.
 */
const CYCLE_MS = 64;
/** However long a flush took, the next leaves at least this much time to other work. */
const MIN_GAP_MS = 16;
/** Longest stretch of fan-out writing in one event-loop turn. */
const SLICE_MS = 4;
/** The longest a membership event waits for company. */
const PRESENCE_DELAY_MS = 50;

const scheduler = new FlushScheduler();

export class OutboundQueue {
	private chunks: Buffer[] = [];
	private queuedBytes = 0;
	/** The socket's own unwritten bytes as of the last look (re-read before any verdict). */
	private backlog = 0;
	/** Urgency classes this queue is scheduled under since its last flush. */
	private marks = 0;
	private closed = false;

	/**
	 * @param onOverflow called once when the client has not taken `maxBytes` of what was
	 * written to it; the owner closes the connection. Output waiting here goes out early
	 * (the next turn) once it reaches half of `maxBytes`.
	 */
	constructor(
		private readonly socket: Socket,
		private readonly maxBytes: number,
		private readonly onOverflow: () => void,
	) {}

	enqueue(frame: Buffer, urgency: Urgency): void {
		if (this.closed) {
			return;
		}
		this.chunks.push(frame);
		this.queuedBytes += frame.length;
		// A client is too slow when it has not taken maxBytes of what was written to it:
		// what waits here for the next flush is the server's own doing (fan-out waits for
		// its cycle), and a client that reads must not be dropped for it. The socket's
		// backlog only shrinks between flushes, so the figure from the last flush is an
		// upper bound; it is read again before closing anyone.
		if (this.queuedBytes + this.backlog > this.maxBytes && (this.backlog = this.socket.writableLength) > this.maxBytes) {
			this.close();
			this.onOverflow();
			return;
		}
		if (this.queuedBytes >= this.maxBytes / 2) {
			// Much is waiting: it leaves in the next turn instead of at the end of the cycle.
			urgency = Urgency.Answer;
		}
		if ((this.marks & urgency) === 0) {
			this.marks |= urgency;
			scheduler.mark(this, urgency);
		}
	}

	/** Bytes waiting to be written: queued here and buffered in the socket. */
	get pendingBytes(): number {
		return this.closed ? 0 : this.queuedBytes + this.socket.writableLength;
	}

	/** Writes everything queued in one socket write. */
	flush(): void {
		this.marks = 0;
		if (this.closed || this.chunks.length === 0) {
			return;
		}
		const data = this.chunks.length === 1 ? this.chunks[0] : shared.join(this.chunks, this.queuedBytes);
		this.chunks = [];
		this.queuedBytes = 0;
		this.socket.write(data);
		this.backlog = this.socket.writableLength;
	}

	/** Stops accepting output; queued bytes are dropped. */
	close(): void {
		this.closed = true;
		this.chunks = [];
		this.queuedBytes = 0;
	}
}

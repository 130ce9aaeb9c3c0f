/**
 * Which sessions hold a vscode-jsonrpc connection (an RpcLink) now, and the spare links.
 *
 * Most connections of a chat server sit idle most of the time, sending only a keepalive
 * now and then. A session gets a link when a message arrives and gives it back once
 * nothing arrived for LINK_QUIET_MS and nothing is in flight; the link goes to the
 * spares and serves the next session that wakes. So an idle connection holds its
 * socket, framing and session state but no MessageConnection, and keepalives do not
 * make and throw away a MessageConnection each. The spares are trimmed to about twice
 * the links handed out per sweep, so a burst (a thousand clients joining) leaves no
 * lasting pool behind.
 */
import { systemClock, type Clock, type Timer } from './clock';
import type { Session } from './session';
import { RpcLink } from './transport/rpc-link';

/** A session gives its link back after this long without a message, with nothing in flight. */
export const LINK_QUIET_MS = 1000;
/** Spare links kept however quiet the server is. */
const MIN_SPARE = 16;

export class RpcLinks {
	private readonly awake = new Set<Session>();
	private readonly spare: RpcLink[] = [];
	private handedOut = 0;
	private made = 0;
	private readonly timer: Timer;

	constructor(private readonly quietMs: number = LINK_QUIET_MS, private readonly clock: Clock = systemClock) {
		this.timer = clock.setInterval(() => this.sweep(), Math.max(10, Math.floor(quietMs / 2)));
	}

	/** Sessions holding a link now. */
	get awakeCount(): number {
		return this.awake.size;
	}

	get spareCount(): number {
		return this.spare.length;
	}

	/** Links made since start (each one a MessageConnection). */
	get madeCount(): number {
		return this.made;
	}

	/** A link for `session`, which holds it until the sweep finds it quiet or it closes. */
	acquire(session: Session): RpcLink {
		let link = this.spare.pop();
		if (link === undefined) {
			link = new RpcLink();
			this.made++;
		}
		link.bind(session);
		this.awake.add(session);
		this.handedOut++;
		return link;
	}

	/** A closed session's link is dropped, not reused: requests of ours may still be pending on it. */
	closed(session: Session, link: RpcLink | undefined): void {
		this.awake.delete(session);
		link?.dispose();
	}

	dispose(): void {
		this.timer.cancel();
		for (const link of this.spare.splice(0)) {
			link.dispose();
		}
		this.awake.clear();
	}

	private sweep(): void {
		const now = this.clock.now();
		for (const session of this.awake) {
			if (session.isQuiet(now, this.quietMs)) {
				const link = session.giveBackLink();
				this.awake.delete(session);
				if (link) {
					link.bind(undefined);
					this.spare.push(link);
				}
			}
		}
		const keep = Math.max(MIN_SPARE, 2 * this.handedOut);
		this.handedOut = 0;
		for (const link of this.spare.splice(keep)) {
			link.dispose();
		}
	}
}

/**
 * Thread markers: who takes part in a thread (its root's author, everyone who replied,
 * everyone named in a reply) and, per participant account, the newest reply it has read.
 * Unread replies of a thread count for its participants only, apart from the
 * conversation's unread messages. Markers only move forward. Guests have none.
 */
import { nickKey } from '../../protocol/names';

/** An account's place in one thread it takes part in. */
export interface ThreadMarker {
	/** The conversation of the thread (a channel name or a DM key). */
	conversation: string;
	/** The thread's root message. */
	rootId: number;
	/** The newest reply the account has read (the root's id: none). */
	lastReadId: number;
}

export interface ThreadMarkers {
	/**
	 * Makes the account a participant of the thread, its marker at `readUpTo`. For one
	 * already it changes nothing: being named in a reply must not mark earlier replies
	 * read (`advance` moves a participant's marker).
	 */
	follow(account: string, conversation: string, rootId: number, readUpTo: number): Promise<void>;
	/**
	 * Moves a participant's marker forward to `id`; true when it moved (false when the
	 * marker was at `id` or past it, or the account does not take part in the thread).
	 */
	advance(account: string, rootId: number, id: number): Promise<boolean>;
	/** Every thread the account takes part in, oldest root first. */
	all(account: string): Promise<ThreadMarker[]>;
}

export class MemoryThreadMarkers implements ThreadMarkers {
	/** nickKey -> rootId -> marker */
	private readonly markers = new Map<string, Map<number, ThreadMarker>>();

	async follow(account: string, conversation: string, rootId: number, readUpTo: number): Promise<void> {
		const key = nickKey(account);
		let threads = this.markers.get(key);
		if (!threads) {
			threads = new Map();
			this.markers.set(key, threads);
		}
		if (!threads.has(rootId)) {
			threads.set(rootId, { conversation, rootId, lastReadId: readUpTo });
		}
	}

	async advance(account: string, rootId: number, id: number): Promise<boolean> {
		const marker = this.markers.get(nickKey(account))?.get(rootId);
		if (!marker || marker.lastReadId >= id) {
			return false;
		}
		marker.lastReadId = id;
		return true;
	}

	async all(account: string): Promise<ThreadMarker[]> {
		return [...(this.markers.get(nickKey(account))?.values() ?? [])].sort((a, b) => a.rootId - b.rootId).map((m) => ({ ...m }));
	}
}

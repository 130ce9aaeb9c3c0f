/**
 * Read markers: per account and conversation (a channel name or a DM key), the newest
 * message the account has read. Markers only move forward. Guests have none.
 */
import { nickKey } from '../../protocol/names';

export interface ReadMarkers {
	/** 0 when the account has no marker in the conversation. */
	get(account: string, conversation: string): Promise<number>;
	/** Moves the marker forward to `id` (an older id changes nothing); resolves with the marker now. */
	advance(account: string, conversation: string, id: number): Promise<number>;
	/** Every marker of the account, by conversation. */
	all(account: string): Promise<Map<string, number>>;
}

export class MemoryReadMarkers implements ReadMarkers {
	/** nickKey -> conversation -> id */
	private readonly markers = new Map<string, Map<string, number>>();

	async get(account: string, conversation: string): Promise<number> {
		return this.markers.get(nickKey(account))?.get(conversation) ?? 0;
	}

	async advance(account: string, conversation: string, id: number): Promise<number> {
		const key = nickKey(account);
		let markers = this.markers.get(key);
		if (!markers) {
			markers = new Map();
			this.markers.set(key, markers);
		}
		const now = Math.max(markers.get(conversation) ?? 0, id);
		markers.set(conversation, now);
		return now;
	}

	async all(account: string): Promise<Map<string, number>> {
		return new Map(this.markers.get(nickKey(account)) ?? []);
	}
}

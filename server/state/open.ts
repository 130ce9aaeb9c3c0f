/**
 * Opens the stored state behind its interfaces: in memory (`--memory`), or in the SQLite
 * database of the data directory, one connection shared by every SQLite implementation.
 */
import { MemoryAccessLists, type AccessLists } from './access';
import { MemoryMemberships, type Memberships } from './memberships';
import { MemoryStore } from './memory-store';
import { MemoryReactions, type Reactions } from './reactions';
import { MemoryReadMarkers, type ReadMarkers } from './read-markers';
import { SqliteAccessLists } from './sqlite-access';
import { SqliteMemberships } from './sqlite-memberships';
import { SqliteReactions } from './sqlite-reactions';
import { SqliteReadMarkers } from './sqlite-read-markers';
import { openDatabase } from './sqlite-schema';
import { SqliteStore } from './sqlite-store';
import { SqliteThreadMarkers } from './sqlite-thread-markers';
import { MemoryThreadMarkers, type ThreadMarkers } from './thread-markers';
import type { Store } from './store';

export interface StoredState {
	store: Store;
	memberships: Memberships;
	access: AccessLists;
	readMarkers: ReadMarkers;
	threadMarkers: ThreadMarkers;
	reactions: Reactions;
	/** Commits what is pending and releases the storage. */
	close(): Promise<void>;
}

/** `noSearchIndex`: bench only (`--bench-no-search-index`), SQLite only. */
export async function openState(options: { memory: boolean; dataDir: string; noSearchIndex?: boolean }): Promise<StoredState> {
	if (options.memory) {
		const store = new MemoryStore();
		return {
			store,
			memberships: new MemoryMemberships(),
			access: new MemoryAccessLists(),
			readMarkers: new MemoryReadMarkers(),
			threadMarkers: new MemoryThreadMarkers(),
			reactions: new MemoryReactions(),
			close: () => store.close(),
		};
	}
	const db = openDatabase(options.dataDir);
	const store = new SqliteStore(db, options.noSearchIndex !== true);
	return {
		store,
		memberships: await SqliteMemberships.open(db),
		access: new SqliteAccessLists(db),
		readMarkers: new SqliteReadMarkers(db),
		threadMarkers: new SqliteThreadMarkers(db),
		reactions: new SqliteReactions(db),
		async close() {
			await store.close();
			db.close();
		},
	};
}

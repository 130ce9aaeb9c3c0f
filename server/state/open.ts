/**
 * Opens the stored state behind its interfaces: in memory (`--memory`), in a PostgreSQL
 * database (`--database URL`, one pool shared by every PostgreSQL implementation, which
 * several servers may share), or in the SQLite database of the data directory, one
 * connection shared by every SQLite implementation.
 */
import { MemoryAccessLists, type AccessLists } from './access';
import { MemoryMemberships, type Memberships } from './memberships';
import { MemoryStore } from './memory-store';
import { MemoryReactions, type Reactions } from './reactions';
import { MemoryReadMarkers, type ReadMarkers } from './read-markers';
import { PgAccessLists } from './pg-access';
import { PgMemberships, type GuestLeft } from './pg-memberships';
import { PgReactions } from './pg-reactions';
import { PgReadMarkers } from './pg-read-markers';
import { openPgDatabase, PgDb } from './pg-schema';
import { PgPing } from './pg-ping';
import { CLUSTER_LINGER_MS, LINGER_MS, PgStore } from './pg-store';
import { PgThreadMarkers } from './pg-thread-markers';
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
	/**
	 * A shared database only (PostgreSQL): drops the guest memberships and invitations held
	 * by the node `nodeId` (dead, so its guests' connections are gone); returns the
	 * memberships dropped; with `nick`, only that guest's (it resumed on another node).
	 * See pg-memberships.ts.
	 */
	removeGuestsOf?(nodeId: string, nick?: string): Promise<GuestLeft[]>;
	/**
	 * A round trip to the database (PostgreSQL: on a connection of its own, not the pool's;
	 * SQLite: a query on the open file); throws when it does not answer. For the health check.
	 */
	ping?(): Promise<void>;
	/** Gives up on a ping that never answered (its connection may be dead). */
	abandonPing?(): void;
}

export interface StateOptions {
	memory: boolean;
	dataDir: string;
	/** Bench only (`--bench-no-search-index`), SQLite only. */
	noSearchIndex?: boolean;
	/** A PostgreSQL URL: the state lives there instead of `dataDir` (`memory` wins). */
	database?: string;
	/** This server's node in a cluster sharing the database; the owner of the guests it adds (default 'main'). */
	nodeId?: string;
	/**
	 * In a cluster other nodes' guests are connected while this one opens: only this node's
	 * leftovers are dropped. Otherwise (a single server) every guest row left is dropped.
	 */
	cluster?: boolean;
	/** Errors of idle database connections (the database restarted); the next query reconnects. */
	onDatabaseError?: (error: Error) => void;
}

export async function openState(options: StateOptions): Promise<StoredState> {
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
	if (options.database !== undefined) {
		return openPgState(options.database, options);
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
		async ping() {
			db.prepare('SELECT 1').get();
		},
		async close() {
			await store.close();
			db.close();
		},
	};
}

async function openPgState(url: string, options: StateOptions): Promise<StoredState> {
	const nodeId = options.nodeId ?? 'main';
	const pool = await openPgDatabase(url, { onIdleError: options.onDatabaseError });
	const db = new PgDb(pool);
	const memberships = new PgMemberships(db, nodeId);
	try {
		if (options.cluster) {
			await memberships.removeGuestsOf(nodeId);
		} else {
			await memberships.removeAllGuests();
		}
	} catch (error) {
		await pool.end();
		throw error;
	}
	const store = new PgStore(db, options.cluster ? CLUSTER_LINGER_MS : LINGER_MS);
	const pinger = new PgPing(url);
	return {
		store,
		memberships,
		access: new PgAccessLists(db, nodeId),
		readMarkers: new PgReadMarkers(db),
		reactions: new PgReactions(db),
		threadMarkers: new PgThreadMarkers(db),
		removeGuestsOf: (id, nick) => memberships.removeGuestsOf(id, nick),
		ping: () => pinger.ping(),
		abandonPing: () => pinger.abandon(),
		async close() {
			await pinger.close();
			await store.close();
			await pool.end();
		},
	};
}

/** The public shapes of the ChatClient: its options and what its events carry. */
import type { ConnectionState } from './storeChanges';
import type { ClientInfo, Message } from '../../protocol/types';
import type { BackoffOptions } from './backoff';
import type { ClientClock } from './clientClock';
import type { ConversationStore } from './conversationStore';
import type { PasswordVault } from './credentials';
import type { ClientLog } from './log';
import type { Endpoint } from './transport';

export interface ChatClientOptions {
	/** Read at every connect (TLS included), so a settings change applies to the next one. */
	endpoint: () => Endpoint;
	clientInfo?: ClientInfo;
	log?: ClientLog;
	backoff?: BackoffOptions;
	connectTimeoutMs?: number;
	/** Page size while catching up after a reconnect; default the protocol's maximum. */
	historyPageSize?: number;
	/** Most missed messages fetched per conversation before showing only the latest. */
	maxCatchUp?: number;
	/**
	 * On `server/resync`, the read-again starts after a random wait up to this long (ms,
	 * default 2000), so that the clients of a node do not all ask at the same moment.
	 */
	resyncSpreadMs?: number;
	store?: ConversationStore;
	/** Saved passwords, sent in `initialize` for their server and nick. */
	passwords?: PasswordVault;
	/** What typing indicators time and throttle on; default the system's. */
	clock?: ClientClock;
}

export interface ConnectionStatus {
	state: ConnectionState;
	/** host:port of the server. */
	server: string;
	nick?: string;
	/** Why the state is what it is: the last error, the kick reason, when the next try is. */
	detail?: string;
}

/** A live message from someone else, for notifications. */
export interface IncomingMessage {
	message: Message;
	conversation: string;
	direct: boolean;
	mention: boolean;
}

export interface ServerEvent {
	/** `invited`: someone invited the user to `channel`. */
	kind: 'kicked' | 'shutdown' | 'notice' | 'invited';
	text: string;
	channel?: string;
}

/**
 * Counters the request paths add to (plain number fields: one increment, no allocation),
 * read by `/metrics`. One set per server (tests run several servers in one process).
 */
export class ServerCounters {
	/** Messages committed by message/send (JSON-RPC and IRC), retries answered from history not counted. */
	messagesStored = 0;
	/** Connections accepted by the listeners (JSON-RPC and IRC), refused ones not counted. */
	connectionsAccepted = 0;
}

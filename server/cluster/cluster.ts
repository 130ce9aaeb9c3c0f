/**
 * This server as one node of a cluster (`--redis` with `--database`): presence in Redis,
 * delivery over the Redis bus, the node's lease and the watch on the other nodes'.
 * Everything stored (channels, history, accounts, memberships) is in the shared database.
 * See docs/cluster.md.
 */
import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { NoticeNotification } from '../../protocol/lifecycle';
import type { ClusterLink, Hub } from '../hub';
import type { Logger } from '../log';
import { RedisDelivery } from '../state/redis-delivery';
import { RedisPresence } from '../state/redis-presence';
import type { StoredState } from '../state/open';
import { DEFAULT_LEASE, NodeLease, type LeaseTimings } from './lease';
import { connectRedis, redactedUrl, redisAddress } from './redis';

export interface ClusterNode {
	readonly nodeId: string;
	readonly presence: RedisPresence;
	readonly delivery: RedisDelivery;
	readonly link: ClusterLink;
	/** What /healthz and /metrics read of this node's Redis side. */
	readonly health: ClusterHealth;
	/** Starts the lease and the watch, with the hub that answers for this node. */
	attach(hub: Hub): Promise<void>;
	/** Frees this node's presence, gives its lease back and closes the Redis connections. */
	close(): Promise<void>;
}

export interface ClusterHealth {
	/** `host:port` of Redis. */
	readonly redis: string;
	/** A round trip on the commands connection. */
	ping(): Promise<void>;
	/** Undefined while both connections are up; else which is not and its state. */
	disconnected(): string | undefined;
	/** Undefined while this node serves under its lease; else why not. */
	leaseProblem(): string | undefined;
	/** Nodes holding a lease at the last watch (this one included). */
	nodesAlive(): number;
	/** Nicks online in the whole cluster. */
	usersOnline(): Promise<number>;
}

export interface ClusterOptions {
	redis: string;
	nodeId?: string;
	lease?: LeaseTimings;
}

/** Why a node frees the nicks of another one: what the users' peers read. */
const NODE_GONE = 'connection lost (server node stopped)';
/** Why a guest's old connection ends when it resumed through another node. */
const RECONNECTED = 'connection lost (reconnected)';

export async function joinCluster(options: ClusterOptions, stored: StoredState, log: Logger): Promise<ClusterNode> {
	const nodeId = options.nodeId ?? `node-${randomBytes(4).toString('hex')}`;
	const commands = await connectRedis(options.redis, `${nodeId}-commands`, log);
	let sub: Redis;
	try {
		sub = await connectRedis(options.redis, `${nodeId}-bus`, log);
	} catch (error) {
		commands.disconnect();
		throw error;
	}
	const lease = new NodeLease(commands, nodeId, log, options.lease ?? DEFAULT_LEASE);
	const presence = new RedisPresence(commands, lease);
	const delivery = new RedisDelivery(commands, sub, stored.store, nodeId, log);
	try {
		await delivery.start();
	} catch (error) {
		commands.disconnect();
		sub.disconnect();
		throw error;
	}
	log.info(`cluster: node ${nodeId} joined through Redis at ${redactedUrl(options.redis)}`);
	let hub: Hub | undefined;

	const reap = async (node: string): Promise<void> => {
		const offline = await presence.reap(node);
		for (const { nick, account } of offline) {
			try {
				await hub!.dropOffline(nick, account, NODE_GONE);
			} catch (error) {
				log.error(`cluster: freeing ${nick} of node ${node} failed: ${String(error)}`);
			}
		}
		// Guest memberships the dead node left in the database (its guests are gone with it).
		for (const { channel, nick } of (await stored.removeGuestsOf?.(node)) ?? []) {
			hub!.guestLeft(channel, nick, NODE_GONE);
		}
		if (node !== nodeId || offline.length > 0) {
			log.info(`cluster: freed ${offline.length} nick${offline.length === 1 ? '' : 's'} of node ${node}`);
		}
	};

	return {
		nodeId,
		presence,
		delivery,
		health: {
			redis: redisAddress(options.redis),
			ping: async () => {
				await commands.ping();
			},
			disconnected: () => {
				const down = [commands.status === 'ready' ? '' : `commands connection ${commands.status}`, sub.status === 'ready' ? '' : `bus connection ${sub.status}`].filter((d) => d !== '');
				return down.length === 0 ? undefined : down.join(', ');
			},
			leaseProblem: () => lease.problem,
			nodesAlive: () => lease.nodesAlive,
			usersOnline: () => presence.count(),
		},
		link: {
			nodeId,
			kickElsewhere: (nick, reason) => delivery.kickElsewhere(nick, reason),
			broadcastElsewhere: (frame) => delivery.broadcastElsewhere(frame),
			async resumeGuest(nick, resumeToken) {
				const holder = await presence.resume(nick, resumeToken);
				if (holder === undefined) {
					return false;
				}
				// Its old connection's channels are told it left, as on one server, and its old
				// node (if it still lives) drops that connection, which holds nothing any more.
				for (const { channel } of (await stored.removeGuestsOf?.(holder, nick)) ?? []) {
					hub!.guestLeft(channel, nick, RECONNECTED);
				}
				if (holder !== nodeId) {
					delivery.kickElsewhere(nick, RECONNECTED);
				}
				return true;
			},
		},
		async attach(h) {
			hub = h;
			delivery.commands = {
				kick: (nick, reason) => h.kickHere(nick, reason),
				broadcast: (frame) => h.broadcastHere(frame),
				resync: (reason) => {
					h.resyncHere(reason).catch((error: unknown) => log.error(`cluster: asking clients to read again failed: ${String(error)}`));
				},
			};
			await lease.start({
				reap,
				rebuild: async () => {
					for (const session of [...h.sessions]) {
						if (session.nick === undefined || !session.isOpen) {
							continue;
						}
						const claim = await presence.reclaim({ nick: session.nick, address: session.address, since: session.connectedAt }, session.registered, session.registered ? undefined : session.resumeToken);
						if (claim === 'taken') {
							await h.evict(session, 'nick taken while the cluster recovered');
						}
					}
				},
				onLost: async () => {
					// Synchronously first: nothing more is served as the nicks this node no longer holds.
					const open = [...h.sessions];
					await Promise.all(open.map((session) => {
						if (session.nick !== undefined) {
							session.notify(NoticeNotification.type, { text: 'This server lost contact with the rest of the chat; reconnecting will take you to a server that has it.' });
						}
						return h.evict(session, 'server lost its cluster lease');
					}));
				},
			});
		},
		async close() {
			delivery.close();
			await hub?.settled();
			try {
				await lease.stop(false);
				// Whatever a cleanup did not release (it was cut short) is freed, and announced, now.
				await reap(nodeId);
				await lease.stop(true);
			} catch (error) {
				log.warn(`cluster: leaving the cluster cleanly failed: ${String(error)}`);
			}
			// Events of conversations still reading their marker go out before the connections close.
			await delivery.drained();
			await Promise.allSettled([commands.quit(), sub.quit()]);
		},
	};
}

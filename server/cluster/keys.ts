/**
 * The Redis keys of a Parley cluster, all under `parley:`:
 *
 * - `parley:lease:NODE`   the node's lease: its token, expiring TTL ms after the last renewal
 * - `parley:nodes`        set of the nodes that registered (alive or waiting to be reaped)
 * - `parley:u:NICKKEY`    hash of an online nick: nick, address, since, account (1/0),
 *                         status, text, conns (over all nodes) and `n:NODE` (that node's connections)
 * - `parley:online`       set of the online nick keys
 * - `parley:held:NODE`    set of the nick keys the node has connections of
 * - `parley:conns`        hash node -> connections signed in there
 * - `parley:reaping:NODE` lock of the node that cleans up after a dead node
 * - `parley:bus`          the pub/sub channel every node publishes its events to (bus.ts)
 */
export const PREFIX = 'parley:';
export const NODES = `${PREFIX}nodes`;
export const ONLINE = `${PREFIX}online`;
export const CONNS = `${PREFIX}conns`;
export const BUS = `${PREFIX}bus`;

export const leaseKey = (node: string): string => `${PREFIX}lease:${node}`;
export const userKey = (nickKey: string): string => `${PREFIX}u:${nickKey}`;
export const heldKey = (node: string): string => `${PREFIX}held:${node}`;
export const reapingKey = (node: string): string => `${PREFIX}reaping:${node}`;

/**
 * Presence shared by every node of a cluster, in Redis (keys in cluster/keys.ts). Every
 * change is one Lua script, so two nodes claiming one nick at once cannot both win. Each
 * entry counts its connections per node: a node that dies loses exactly its own (`reap`),
 * and a claim through a node whose lease has run out is refused.
 *
 * Each node also remembers the statuses (`user/setStatus`) set through it, for the nicks it
 * has connections of: when Redis restarts empty, the node claims its connections' nicks
 * again with those statuses (`reclaim`), so an away user stays away. Each status carries
 * the Redis time it was set at; of two nodes restoring one account's status, the newer wins.
 */
import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import { nickKey } from '../../protocol/names';
import { CONNS, NODES, ONLINE, heldKey, leaseKey, userKey } from '../cluster/keys';
import { statusOf, type Claim, type OnlineUser, type Presence, type PresenceEntry, type UserStatus } from './presence';

/** The node's identity in Redis, as its lease holds it (cluster/lease.ts). */
export interface LeaseHolder {
	readonly nodeId: string;
	/** Changes each time the node registers again. */
	readonly token: string;
	/** A script found the lease gone: the node joins again (Redis restarted empty) or drops its connections (the lease ran out). */
	lost(): void;
}

/** This node's lease no longer holds: what it claims is refused. */
export class LeaseLostError extends Error {
	constructor() {
		super('This server lost its place in the cluster (its Redis lease ran out); reconnect, another server will take you.');
	}
}

const U = `local function u(k) return '${userKey('')}' .. k end
local function held(n) return '${heldKey('')}' .. n end
`;

/** Sets a status restored by a reclaim (ARGV 9-12: status, has text, text, set at) unless the hash has a newer one. */
const RESTORE = `local function restore(h)
	if ARGV[12] == nil or ARGV[12] == '' then return end
	if tonumber(ARGV[12]) <= tonumber(redis.call('HGET', h, 'sat') or '-1') then return end
	redis.call('HSET', h, 'status', ARGV[9], 'sat', ARGV[12])
	if ARGV[10] == '1' then redis.call('HSET', h, 'text', ARGV[11]) else redis.call('HDEL', h, 'text') end
end
`;

const CLAIM = `${U}${RESTORE}
local node, token, key = ARGV[1], ARGV[2], ARGV[3]
if redis.call('GET', '${leaseKey('')}' .. node) ~= token then return 'lost' end
local h = u(key)
if redis.call('EXISTS', h) == 1 then
	if ARGV[7] ~= '1' or redis.call('HGET', h, 'account') ~= '1' then return 'taken' end
	redis.call('HINCRBY', h, 'conns', 1)
	redis.call('HINCRBY', h, 'n:' .. node, 1)
	redis.call('SADD', held(node), key)
	redis.call('HINCRBY', '${CONNS}', node, 1)
	restore(h)
	return 'another'
end
redis.call('HSET', h, 'nick', ARGV[4], 'address', ARGV[5], 'since', ARGV[6], 'account', ARGV[7], 'status', 'online', 'conns', 1, 'n:' .. node, 1)
if ARGV[8] ~= '' then redis.call('HSET', h, 'rt', ARGV[8]) end
redis.call('SADD', '${ONLINE}', key)
redis.call('SADD', held(node), key)
redis.call('HINCRBY', '${CONNS}', node, 1)
restore(h)
return 'first'`;

/** 1: the nick is offline now; 2: this node has no connection of it left; 0: otherwise. */
const RELEASE = `${U}
local node, key = ARGV[1], ARGV[2]
local h = u(key)
local mine = tonumber(redis.call('HGET', h, 'n:' .. node) or '0')
if mine <= 0 then return 0 end
if mine == 1 then
	redis.call('HDEL', h, 'n:' .. node)
	redis.call('SREM', held(node), key)
else
	redis.call('HINCRBY', h, 'n:' .. node, -1)
end
redis.call('HINCRBY', '${CONNS}', node, -1)
if redis.call('HINCRBY', h, 'conns', -1) <= 0 then
	redis.call('DEL', h)
	redis.call('SREM', '${ONLINE}', key)
	return 1
end
if mine == 1 then return 2 end
return 0`;

const RENAME = `${U}
local node, token, old, new, nick = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
if redis.call('GET', '${leaseKey('')}' .. node) ~= token then return 'lost' end
local oh = u(old)
if redis.call('HGET', oh, 'conns') ~= '1' or redis.call('HGET', oh, 'n:' .. node) ~= '1' then return 0 end
if new ~= old then
	if redis.call('EXISTS', u(new)) == 1 then return 0 end
	redis.call('RENAME', oh, u(new))
	redis.call('SREM', '${ONLINE}', old)
	redis.call('SADD', '${ONLINE}', new)
	redis.call('SREM', held(node), old)
	redis.call('SADD', held(node), new)
end
redis.call('HSET', u(new), 'nick', nick)
return 1`;

/** Returns {changed (1/0), the Redis time it was set at (ms)}; {0, 0} when the nick is offline. */
const SET_STATUS = `
local h = KEYS[1]
if redis.call('EXISTS', h) == 0 then return {0, 0} end
local t = redis.call('TIME')
local at = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local old = tonumber(redis.call('HGET', h, 'sat') or '-1')
if at <= old then at = old + 1 end
redis.call('HSET', h, 'sat', at)
local text = false
if ARGV[2] == '1' then text = ARGV[3] end
if redis.call('HGET', h, 'status') == ARGV[1] and redis.call('HGET', h, 'text') == text then return {0, at} end
redis.call('HSET', h, 'status', ARGV[1])
if text then redis.call('HSET', h, 'text', text) else redis.call('HDEL', h, 'text') end
return {1, at}`;

/**
 * Frees a guest nick held by one connection when ARGV[2] is the hash of that connection's
 * resume token; returns the node that held it (dead, or about to drop that connection).
 */
const RESUME = `${U}
local key, rt = ARGV[1], ARGV[2]
local h = u(key)
if redis.call('HGET', h, 'account') ~= '0' or redis.call('HGET', h, 'rt') ~= rt then return false end
local node, count = false, 0
local fields = redis.call('HGETALL', h)
for i = 1, #fields, 2 do
	if string.sub(fields[i], 1, 2) == 'n:' then node, count = string.sub(fields[i], 3), tonumber(fields[i + 1]) end
end
if not node or count ~= 1 then return false end
redis.call('DEL', h)
redis.call('SREM', '${ONLINE}', key)
redis.call('SREM', held(node), key)
redis.call('HINCRBY', '${CONNS}', node, -count)
return node`;

/** Removes every connection of a node; returns [nick, account, ...] of the nicks now offline. */
const REAP = `${U}
local node = ARGV[1]
local out = {}
for _, key in ipairs(redis.call('SMEMBERS', held(node))) do
	local h = u(key)
	local mine = tonumber(redis.call('HGET', h, 'n:' .. node) or '0')
	if mine > 0 then
		redis.call('HDEL', h, 'n:' .. node)
		if redis.call('HINCRBY', h, 'conns', -mine) <= 0 then
			table.insert(out, redis.call('HGET', h, 'nick'))
			table.insert(out, redis.call('HGET', h, 'account'))
			redis.call('DEL', h)
			redis.call('SREM', '${ONLINE}', key)
		end
	end
end
redis.call('DEL', held(node))
redis.call('HDEL', '${CONNS}', node)
redis.call('SREM', '${NODES}', node)
return out`;

type Scripted = Redis & {
	parleyClaim(...args: string[]): Promise<string>;
	parleyRelease(...args: string[]): Promise<number>;
	parleyRename(...args: string[]): Promise<number | string>;
	parleySetStatus(key: string, ...args: string[]): Promise<[number, number]>;
	parleyReap(node: string): Promise<(string | null)[]>;
	parleyResume(...args: string[]): Promise<string | null>;
};

/** Defines the scripts on a connection (EVALSHA, loaded on first use and after a Redis restart). */
export function withPresenceScripts(redis: Redis): Scripted {
	redis.defineCommand('parleyClaim', { numberOfKeys: 0, lua: CLAIM });
	redis.defineCommand('parleyRelease', { numberOfKeys: 0, lua: RELEASE });
	redis.defineCommand('parleyRename', { numberOfKeys: 0, lua: RENAME });
	redis.defineCommand('parleySetStatus', { numberOfKeys: 1, lua: SET_STATUS });
	redis.defineCommand('parleyReap', { numberOfKeys: 0, lua: REAP });
	redis.defineCommand('parleyResume', { numberOfKeys: 0, lua: RESUME });
	return redis as Scripted;
}

/** A nick that went offline when its node was reaped. */
export interface Reaped {
	nick: string;
	account: boolean;
}

/** What Redis keeps of a resume token. */
function tokenHash(token: string | undefined): string {
	return token === undefined ? '' : createHash('sha256').update(token).digest('base64');
}

function entryOf(h: Record<string, string>): PresenceEntry | undefined {
	if (h.nick === undefined) {
		return undefined;
	}
	const entry: PresenceEntry = {
		nick: h.nick,
		address: h.address ?? '',
		since: Number(h.since ?? 0),
		connections: Number(h.conns ?? 0),
		account: h.account === '1',
		status: h.status === 'away' ? 'away' : 'online',
	};
	if (h.text !== undefined) {
		entry.statusText = h.text;
	}
	return entry;
}

/** A status set through this node, and the Redis time it was set at. */
interface KnownStatus extends UserStatus {
	at: number;
}

export class RedisPresence implements Presence {
	private readonly redis: Scripted;
	/** By nick key: the statuses set through this node, while it has connections of the nick. */
	private readonly known = new Map<string, KnownStatus>();

	constructor(redis: Redis, private readonly lease: LeaseHolder) {
		this.redis = withPresenceScripts(redis);
	}

	private checkLease(answer: unknown): void {
		if (answer === 'lost') {
			this.lease.lost();
			throw new LeaseLostError();
		}
	}

	async claim(user: OnlineUser, account: boolean, resumeToken?: string): Promise<Claim> {
		const key = nickKey(user.nick);
		const answer = await this.redis.parleyClaim(this.lease.nodeId, this.lease.token, key, user.nick, user.address, String(user.since), account ? '1' : '0', tokenHash(resumeToken));
		this.checkLease(answer);
		if (answer === 'first') {
			// A new sign-in starts online, whatever an earlier holder of the nick set.
			this.known.delete(key);
		}
		return answer as Claim;
	}

	/**
	 * Claims the nick of a connection this node kept through a Redis restart, with the
	 * status set through this node (unless another node restores a newer one).
	 */
	async reclaim(user: OnlineUser, account: boolean, resumeToken?: string): Promise<Claim> {
		const key = nickKey(user.nick);
		const known = this.known.get(key);
		const status = known ? [known.status, known.text === undefined ? '0' : '1', known.text ?? '', String(known.at)] : [];
		const answer = await this.redis.parleyClaim(this.lease.nodeId, this.lease.token, key, user.nick, user.address, String(user.since), account ? '1' : '0', tokenHash(resumeToken), ...status);
		this.checkLease(answer);
		return answer as Claim;
	}

	/**
	 * Frees a guest nick held by a connection whose resume token is `resumeToken` (on a
	 * node that died, or whose connection is stale); returns that node, undefined otherwise.
	 */
	async resume(nick: string, resumeToken: string): Promise<string | undefined> {
		return (await this.redis.parleyResume(nickKey(nick), tokenHash(resumeToken))) ?? undefined;
	}

	async promote(nick: string): Promise<void> {
		const h = userKey(nickKey(nick));
		// Only while online: HSET on a missing hash would make a half entry.
		await this.redis.eval(`if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'account', '1') end return 0`, 1, h);
	}

	async rename(oldNick: string, newNick: string): Promise<boolean> {
		const answer = await this.redis.parleyRename(this.lease.nodeId, this.lease.token, nickKey(oldNick), nickKey(newNick), newNick);
		this.checkLease(answer);
		if (answer === 1 && nickKey(oldNick) !== nickKey(newNick)) {
			const known = this.known.get(nickKey(oldNick));
			this.known.delete(nickKey(oldNick));
			if (known) {
				this.known.set(nickKey(newNick), known);
			}
		}
		return answer === 1;
	}

	async release(nick: string): Promise<boolean> {
		const answer = await this.redis.parleyRelease(this.lease.nodeId, nickKey(nick));
		if (answer !== 0) {
			this.known.delete(nickKey(nick));
		}
		return answer === 1;
	}

	async setStatus(nick: string, status: 'online' | 'away', text: string | undefined): Promise<boolean> {
		const [changed, at] = await this.redis.parleySetStatus(userKey(nickKey(nick)), status, text === undefined ? '0' : '1', text ?? '');
		if (at > 0) {
			this.known.set(nickKey(nick), text === undefined ? { status, at } : { status, text, at });
		}
		return changed === 1;
	}

	async get(nick: string): Promise<PresenceEntry | undefined> {
		return entryOf(await this.redis.hgetall(userKey(nickKey(nick))));
	}

	async areOnline(nicks: readonly string[]): Promise<boolean[]> {
		if (nicks.length === 0) {
			return [];
		}
		const answers = await this.redis.smismember(ONLINE, ...nicks.map(nickKey));
		return answers.map((a) => a === 1);
	}

	async statuses(nicks: readonly string[]): Promise<(UserStatus | undefined)[]> {
		if (nicks.length === 0) {
			return [];
		}
		const pipeline = this.redis.pipeline();
		for (const nick of nicks) {
			pipeline.hgetall(userKey(nickKey(nick)));
		}
		const results = (await pipeline.exec()) ?? [];
		return results.map(([, h]) => {
			const entry = entryOf(h as Record<string, string>);
			return entry && statusOf(entry);
		});
	}

	async list(): Promise<PresenceEntry[]> {
		const keys = await this.redis.smembers(ONLINE);
		if (keys.length === 0) {
			return [];
		}
		const pipeline = this.redis.pipeline();
		for (const key of keys) {
			pipeline.hgetall(userKey(key));
		}
		const results = (await pipeline.exec()) ?? [];
		return results.map(([, h]) => entryOf(h as Record<string, string>)).filter((e): e is PresenceEntry => e !== undefined);
	}

	async count(): Promise<number> {
		return this.redis.scard(ONLINE);
	}

	async connections(): Promise<number> {
		const counts = await this.redis.hvals(CONNS);
		return counts.reduce((sum, c) => sum + Math.max(0, Number(c)), 0);
	}

	/** Removes every connection of `node` (dead, or this one after losing its lease); returns the nicks now offline. */
	async reap(node: string): Promise<Reaped[]> {
		const flat = await this.redis.parleyReap(node);
		if (node === this.lease.nodeId) {
			this.known.clear();
		}
		const out: Reaped[] = [];
		for (let i = 0; i + 1 < flat.length; i += 2) {
			if (flat[i] !== null) {
				out.push({ nick: flat[i]!, account: flat[i + 1] === '1' });
			}
		}
		return out;
	}
}

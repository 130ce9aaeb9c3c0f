/**
 * Connections to the cluster's Redis. A node that cannot reach Redis at start refuses to
 * start, naming what and where; once started, a lost connection is retried for ever
 * (costing latency, never messages: see bus.ts for how the gaps are filled).
 */
import Redis from 'ioredis';
import type { Logger } from '../log';

/** `host:port` of a Redis URL, for messages. */
export function redisAddress(url: string): string {
	try {
		const u = new URL(url);
		return `${u.hostname || '127.0.0.1'}:${u.port || '6379'}`;
	} catch {
		return url;
	}
}

/** The URL without its password, for logs. */
export function redactedUrl(url: string): string {
	try {
		const u = new URL(url);
		if (u.password) {
			u.password = '***';
		}
		return u.toString();
	} catch {
		return url;
	}
}

/**
 * Connects to Redis; rejects with a message naming Redis and host:port when the first
 * connection fails. `name` tells the connections apart in logs.
 */
export async function connectRedis(url: string, name: string, log: Logger): Promise<Redis> {
	let started = false;
	const redis = new Redis(url, {
		lazyConnect: true,
		connectionName: `parley-${name}`,
		connectTimeout: 3000,
		// Commands wait through a reconnect instead of failing: Redis lost costs latency.
		maxRetriesPerRequest: null,
		enableOfflineQueue: true,
		retryStrategy: (times) => (started ? Math.min(50 * times, 1000) : null),
	});
	let lastError = '';
	redis.on('error', (error: Error) => {
		if (started && error.message !== lastError) {
			log.warn(`redis (${name}) at ${redisAddress(url)}: ${error.message}`);
		}
		lastError = error.message;
	});
	try {
		await redis.connect();
		await redis.ping();
	} catch (error) {
		redis.disconnect();
		const why = error instanceof Error ? error.message : String(error);
		throw new Error(`Cannot reach Redis at ${redisAddress(url)} (${why}). Start redis-server there or fix --redis / PARLEY_REDIS_URL.`, { cause: error });
	}
	started = true;
	redis.on('ready', () => {
		if (lastError !== '') {
			log.info(`redis (${name}) at ${redisAddress(url)}: connected again`);
			lastError = '';
		}
	});
	return redis;
}

/**
 * Passwords and secrets: scrypt-hashed account passwords with per-hash salt and
 * parameters, constant-time comparisons, and a per-address throttle on failed logins.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { systemClock, type Clock } from './clock';

const KEY_LENGTH = 64;
const TOKEN_BYTES = 18;
/** Random bytes drawn in bulk: one system call per 256 tokens, not per token. */
let tokenPool = Buffer.alloc(0);
let tokenOffset = 0;

/** A fresh random token (144 bits, base64url) for secrets such as resume tokens. */
export function randomToken(): string {
	if (tokenOffset + TOKEN_BYTES > tokenPool.length) {
		tokenPool = randomBytes(TOKEN_BYTES * 256);
		tokenOffset = 0;
	}
	const token = tokenPool.toString('base64url', tokenOffset, tokenOffset + TOKEN_BYTES);
	tokenOffset += TOKEN_BYTES;
	return token;
}
const COST = { N: 16384, r: 8, p: 1 };

function derive(password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		scrypt(password, salt, KEY_LENGTH, { N, r, p, maxmem: 64 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key)));
	});
}

/** `scrypt$N$r$p$salt$key` with base64 salt and key. */
export async function hashPassword(password: string): Promise<string> {
	const salt = randomBytes(16);
	const key = await derive(password, salt, COST.N, COST.r, COST.p);
	return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
	const [scheme, n, r, p, salt, key] = stored.split('$');
	if (scheme !== 'scrypt' || !salt || !key) {
		return false;
	}
	const expected = Buffer.from(key, 'base64');
	const actual = await derive(password, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p));
	return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Compares a secret given by a client with the configured one in constant time. */
export function secretMatches(given: string | undefined, expected: string): boolean {
	const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
	return timingSafeEqual(digest(given ?? ''), digest(expected)) && given !== undefined;
}

/** Allows `limit` failed logins per address per window; then refuses until it ends. */
export class LoginThrottle {
	private readonly failures = new Map<string, { count: number; since: number }>();

	constructor(private readonly clock: Clock = systemClock, private readonly limit = 5, private readonly windowMs = 60_000) {}

	/** Ms until this address may try again; 0 when it may now. */
	retryAfter(ip: string): number {
		const now = this.clock.now();
		const entry = this.failures.get(ip);
		if (!entry || now - entry.since >= this.windowMs) {
			return 0;
		}
		return entry.count >= this.limit ? entry.since + this.windowMs - now : 0;
	}

	fail(ip: string): void {
		const now = this.clock.now();
		const entry = this.failures.get(ip);
		if (!entry || now - entry.since >= this.windowMs) {
			this.failures.set(ip, { count: 1, since: now });
		} else {
			entry.count++;
		}
	}

	/** Forgets windows that have ended (called by the sweep). */
	prune(): void {
		const now = this.clock.now();
		for (const [ip, entry] of this.failures) {
			if (now - entry.since >= this.windowMs) {
				this.failures.delete(ip);
			}
		}
	}
}

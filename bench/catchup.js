'use strict';
/**
 * The client process of `npm run bench`'s `catchup` step (bench/db-steps.js runs it
 * pinned to CPU 1, like loadgen.js): an account that was away while `channels` x
 * `perChannel` messages were sent in its channels reconnects, signs in and catches up
 * with exactly the requests the extension makes after a reconnect:
 *
 * 1. `initialize` with its nick, password and the resume token of its last session
 *    (extension/client/login.ts); the answer lists its channels with their read state.
 * 2. per channel, all at once (extension/client/resync.ts `rejoin`): `channel/join`, then
 *    `message/history` with `after` = the last id it had and `limit` 500 (the client's
 *    page size, MAX_HISTORY_LIMIT), page after page until `hasMore` is false
 *    (extension/client/history.ts `fetchAfter`; the client's cap of 5,000 a conversation
 *    is not reached).
 * 3. per channel, all at once (extension/client/messageActions.ts `refresh`):
 *    `message/history` with `limit` min(200, messages it holds), to see edits.
 *
 * Timed from the connect to the last answer. Checked: every channel's catch-up holds
 * exactly the ids the senders were acknowledged, in order, nothing twice. Done `repeat`
 * times (each time from the same last ids, on a new connection).
 *
 * Usage: node bench/catchup.js SPEC.json RESULT.json
 */
const { Client, runMain, summary, round } = require('./loadgen');
const { performance } = require('node:perf_hooks');
const fs = require('node:fs');

const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const now = () => performance.now();
const say = (text) => process.stderr.write(`    ${text}\n`);
const PAGE = 500;
const REFRESH_LIMIT = 200;
const PASSWORD = 'catch-up-password';

async function open(nick) {
	const c = new Client('jsonrpc', 0);
	c.nick = nick;
	await c.connect(spec.host, spec.port);
	return c;
}

/** Every page of `channel` after `after` (fetchAfter). */
async function fetchAfter(c, channel, after, stats) {
	const messages = [];
	let cursor = after;
	for (;;) {
		const page = await c.call('message/history', { conversation: channel, after: cursor, limit: PAGE });
		stats.requests++;
		const fresh = page.messages.filter((m) => m.id > cursor);
		messages.push(...fresh);
		if (!page.hasMore || fresh.length === 0) {
			return messages;
		}
		cursor = fresh.reduce((top, m) => Math.max(top, m.id), cursor);
	}
}

/** Sends `count` messages to each channel (writer i to channel i), `inFlight` in flight in all; the acknowledged ids per channel. */
async function sendAll(writers, channels, count, inFlight) {
	const acked = channels.map(() => []);
	const perWriter = Math.max(1, Math.floor(inFlight / writers.length));
	const t0 = now();
	await Promise.all(writers.flatMap((w, i) => Array.from({ length: perWriter }, async (_, lane) => {
		for (let k = lane; k < count; k += perWriter) {
			const { message } = await w.call('message/send', { to: channels[i], text: `catch-up ${k} of ${channels[i]}: the deploy of the new build went fine, tests are green` });
			acked[i].push(message.id);
		}
	})));
	for (const ids of acked) {
		ids.sort((a, b) => a - b);
	}
	return { acked, seconds: (now() - t0) / 1000 };
}

async function catchup() {
	const channels = Array.from({ length: spec.channels }, (_, i) => `#catchup${i}`);
	// The reader: an account, a member of every channel.
	const first = await open('reader');
	const signedIn = await first.call('initialize', { protocolVersion: 1, nick: 'reader', clientInfo: { name: 'parley-bench' } });
	await first.call('account/register', { password: PASSWORD });
	const writers = [];
	for (let i = 0; i < channels.length; i++) {
		const w = await open(`writer${i}`);
		await w.call('initialize', { protocolVersion: 1, nick: w.nick, clientInfo: { name: 'parley-bench' } });
		await w.call('channel/join', { channel: channels[i] });
		writers.push(w);
	}
	for (const channel of channels) {
		await first.call('channel/join', { channel });
	}
	// What the reader saw before it went away: a few messages a channel, read.
	const seen = (await sendAll(writers, channels, spec.before, spec.inFlight)).acked.map((ids) => ids.at(-1));
	for (const [i, channel] of channels.entries()) {
		await first.call('conversation/markRead', { conversation: channel, id: seen[i] });
	}
	const resumeToken = signedIn.resumeToken;
	// Away: the connection drops.
	first.close();
	say(`sending ${spec.perChannel} messages to each of ${channels.length} channels (${spec.inFlight} in flight)`);
	const sent = await sendAll(writers, channels, spec.perChannel, spec.inFlight);
	const total = sent.acked.reduce((a, ids) => a + ids.length, 0);
	say(`${total} sent and acknowledged in ${sent.seconds.toFixed(1)} s (${Math.round(total / sent.seconds)}/s)`);
	const runs = [];
	let token = resumeToken;
	for (let r = 0; r < spec.repeat; r++) {
		await new Promise((resolve) => setTimeout(resolve, 500));
		const stats = { requests: 0 };
		const t0 = now();
		const c = await open('reader');
		const init = await c.call('initialize', { protocolVersion: 1, nick: 'reader', password: PASSWORD, resumeToken: token, clientInfo: { name: 'parley-bench' } });
		stats.requests++;
		const t1 = now();
		token = init.resumeToken;
		const caught = await Promise.all(channels.map(async (channel, i) => {
			await c.call('channel/join', { channel });
			stats.requests++;
			return fetchAfter(c, channel, seen[i], stats);
		}));
		const t2 = now();
		await Promise.all(channels.map(async (channel, i) => {
			await c.call('message/history', { conversation: channel, limit: Math.min(REFRESH_LIMIT, caught[i].length + 1) });
			stats.requests++;
		}));
		const t3 = now();
		c.close();
		const problems = [];
		for (const [i, messages] of caught.entries()) {
			const ids = messages.map((m) => m.id);
			const want = sent.acked[i];
			if (ids.length !== want.length || ids.some((id, k) => id !== want[k])) {
				problems.push(`${channels[i]}: got ${ids.length} messages, ${want.length} acknowledged${ids.length === want.length ? ' (different ids or order)' : ''}`);
			}
		}
		const unread = (init.conversations ?? []).reduce((a, s) => a + (s.unread ?? 0), 0);
		const run = {
			totalMs: round(t3 - t0), initializeMs: round(t1 - t0), resyncMs: round(t2 - t1), refreshMs: round(t3 - t2),
			requests: stats.requests, messages: caught.reduce((a, m) => a + m.length, 0), unreadAtSignIn: unread, problems,
		};
		say(`catch-up ${r + 1}: ${run.messages} messages in ${run.totalMs} ms (initialize ${run.initializeMs}, join + history ${run.resyncMs}, refresh ${run.refreshMs}; ${run.requests} requests)${problems.length ? ` PROBLEMS: ${problems.join('; ')}` : ''}`);
		runs.push(run);
	}
	for (const w of writers) {
		w.close();
	}
	return {
		channels: channels.length, perChannel: spec.perChannel, missed: total,
		sendSeconds: round(sent.seconds), sendsPerSec: Math.round(total / sent.seconds),
		runs, totalMs: summary(runs.map((r) => r.totalMs)), complete: runs.every((r) => r.problems.length === 0),
	};
}

runMain(catchup);

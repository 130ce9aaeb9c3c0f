/**
 * Quiet sessions give their vscode-jsonrpc connection back and take one again on the
 * next message; a link serves one session at a time and carries nothing over.
 */
import * as assert from 'node:assert/strict';
import { useServer, type TestServer } from '../helpers/fixture';
import { initializeFrame, type RawPeer } from '../helpers/raw';
import type { Session } from '../../server/session';

const QUIET_MS = 100;

function sessionOf(server: TestServer, nick: string): Session {
	const session = [...server.hub.sessions].find((s) => s.nick === nick);
	assert.ok(session, `no session for ${nick}`);
	return session;
}

describe('rpc links: quiet sessions hold no vscode-jsonrpc connection', () => {
	describe('with a short quiet time', () => {
		// The link sweep runs every 50 ms of the test clock, the keepalive sweep every 250 ms.
		const fx = useServer({ memory: true, linkQuietMs: QUIET_MS, idleTimeoutMs: 1000 }, { manualClock: true });
		const peer = (): Promise<RawPeer> => fx.raw();

		it('gives the link back when quiet and answers the next request with a link again', async () => {
			const alice = await peer();
			alice.send(initializeFrame(1, 'alice'));
			assert.equal((await alice.response(1)).error, undefined);
			const session = sessionOf(fx.server, 'alice');
			assert.equal(session.isAwake, true, 'a session that just spoke holds a link');
			fx.clock.advance(QUIET_MS - 50);
			assert.equal(session.isAwake, true, 'not before the quiet time');
			fx.clock.advance(50);
			assert.equal(session.isAwake, false, 'parked after the quiet time');
			assert.equal(fx.server.links.awakeCount, 0);
			assert.equal(fx.server.links.spareCount, 1, 'the link went to the spares');

			alice.send({ jsonrpc: '2.0', id: 2, method: 'channel/join', params: { channel: '#room' } });
			const joined = await alice.response(2);
			assert.deepEqual((joined.result as { members: string[] }).members, ['alice']);
			assert.equal(session.isAwake, true);
			assert.equal(fx.server.links.madeCount, 1, 'the spare link was used, not a new one');
		});

		it('hands a link to the next session without carrying answers or ids over', async () => {
			const a = await peer();
			a.send(initializeFrame(1, 'first'));
			await a.response(1);
			fx.clock.advance(QUIET_MS);
			assert.equal(fx.server.links.awakeCount, 0, 'first is parked');

			// The same request id on another connection, served by the same link.
			const b = await peer();
			b.send(initializeFrame(1, 'second'));
			const answer = await b.response(1);
			assert.equal((answer.result as { nick: string }).nick, 'second');
			assert.equal(fx.server.links.madeCount, 1, 'one link served both sessions');

			// Both wake at once: now they need two links, and each gets its own answers.
			// The next frame on the first connection is its own answer: it heard nothing of the second.
			a.send({ jsonrpc: '2.0', id: 7, method: 'session/ping', params: { token: 'a' } });
			b.send({ jsonrpc: '2.0', id: 7, method: 'session/ping', params: { token: 'b' } });
			assert.deepEqual(await a.next(), { jsonrpc: '2.0', id: 7, result: { token: 'a' } });
			assert.deepEqual(await b.next(), { jsonrpc: '2.0', id: 7, result: { token: 'b' } });
			assert.equal(fx.server.links.madeCount, 2);
		});

		it('keeps the link while its ping awaits an answer, and gives it back after', async () => {
			const quiet = await peer();
			quiet.send(initializeFrame(1, 'quiet'));
			await quiet.response(1);
			const session = sessionOf(fx.server, 'quiet');
			fx.clock.advance(QUIET_MS);
			assert.equal(session.isAwake, false, 'quiet is parked');
			// Over 1 s of silence: the server pings, and the session takes a link for it.
			fx.clock.advance(1250 - QUIET_MS);
			const ping = await quiet.next();
			assert.equal(ping.method, 'session/ping');
			assert.equal(session.isAwake, true);
			fx.clock.advance(4 * QUIET_MS);
			assert.equal(session.isAwake, true, 'a link with a pending request is not given back');

			quiet.send({ jsonrpc: '2.0', id: ping.id, result: {} });
			// Answered after the server took the answer in: our ping no longer holds the link.
			quiet.send({ jsonrpc: '2.0', id: 2, method: 'session/ping', params: {} });
			assert.deepEqual(await quiet.next(), { jsonrpc: '2.0', id: 2, result: {} });
			fx.clock.advance(QUIET_MS);
			assert.equal(session.isAwake, false, 'quiet is parked after answering');
			assert.equal(quiet.ended, false, 'the answering client stays connected');
		});

		it('trims the spares after a burst', async () => {
			const burst = await Promise.all(Array.from({ length: 40 }, () => peer()));
			burst.forEach((p, i) => p.send(initializeFrame(1, `burst${i}`)));
			await Promise.all(burst.map((p) => p.response(1)));
			assert.ok(fx.server.links.madeCount >= 20, `a burst needs many links at once (made ${fx.server.links.madeCount})`);
			fx.clock.advance(QUIET_MS);
			assert.equal(fx.server.links.awakeCount, 0, 'every session is parked');
			assert.equal(fx.server.links.spareCount, 16, 'the spares trimmed');
		});

		it('drops the link of a session that closes while holding it', async () => {
			const gone = await peer();
			gone.send(initializeFrame(1, 'gone'));
			await gone.response(1);
			assert.equal(fx.server.links.awakeCount, 1);
			gone.destroy();
			await fx.server.waitForLog(/disconnect gone \(/);
			assert.equal(fx.server.hub.sessions.size, 0, 'the closed session is forgotten');
			assert.equal(fx.server.links.awakeCount, 0);
			assert.equal(fx.server.links.spareCount, 0, 'a closed session\'s link is not reused');
		});
	});
});

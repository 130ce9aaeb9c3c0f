/**
 * Quiet sessions give their vscode-jsonrpc connection back and take one again on the
 * next message; a link serves one session at a time and carries nothing over.
 */
import * as assert from 'node:assert/strict';
import { eventually } from '../helpers/client';
import { useServer } from '../helpers/fixture';
import { initializeFrame, RawPeer } from '../helpers/raw';
import type { Session } from '../../server/session';
import type { TestServer } from '../helpers/server';

const QUIET_MS = 100;

function sessionOf(server: TestServer, nick: string): Session {
	const session = [...server.hub.sessions].find((s) => s.nick === nick);
	assert.ok(session, `no session for ${nick}`);
	return session;
}

describe('rpc links: quiet sessions hold no vscode-jsonrpc connection', () => {
	describe('with a short quiet time', () => {
		const fx = useServer({ memory: true, linkQuietMs: QUIET_MS, idleTimeoutMs: 1000 });
		const peers: RawPeer[] = [];
		afterEach(() => peers.splice(0).forEach((p) => p.destroy()));
		const peer = async (): Promise<RawPeer> => {
			const p = await RawPeer.connect(fx.server.port);
			peers.push(p);
			return p;
		};

		it('gives the link back when quiet and answers the next request with a link again', async () => {
			const alice = await peer();
			alice.send(initializeFrame(1, 'alice'));
			assert.equal((await alice.response(1)).error, undefined);
			const session = sessionOf(fx.server, 'alice');
			assert.equal(session.isAwake, true, 'a session that just spoke holds a link');
			await eventually(() => !session.isAwake, 'alice is parked', 3000);
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
			await eventually(() => fx.server.links.awakeCount === 0, 'first is parked', 3000);

			// The same request id on another connection, served by the same link.
			const b = await peer();
			b.send(initializeFrame(1, 'second'));
			const answer = await b.response(1);
			assert.equal((answer.result as { nick: string }).nick, 'second');
			assert.equal(fx.server.links.madeCount, 1, 'one link served both sessions');
			await assert.rejects(a.next(300), /no complete frame/, 'the first connection hears nothing of the second');

			// Both wake at once: now they need two links, and each gets its own answers.
			a.send({ jsonrpc: '2.0', id: 7, method: 'session/ping', params: { token: 'a' } });
			b.send({ jsonrpc: '2.0', id: 7, method: 'session/ping', params: { token: 'b' } });
			assert.deepEqual((await a.response(7)).result, { token: 'a' });
			assert.deepEqual((await b.response(7)).result, { token: 'b' });
			assert.equal(fx.server.links.madeCount, 2);
		});

		it('keeps the link while its ping awaits an answer, and gives it back after', async () => {
			const quiet = await peer();
			quiet.send(initializeFrame(1, 'quiet'));
			await quiet.response(1);
			const session = sessionOf(fx.server, 'quiet');
			await eventually(() => !session.isAwake, 'quiet is parked', 3000);
			// After 1 s of silence the server pings; the session takes a link for it.
			const ping = await quiet.next(5000);
			assert.equal(ping.method, 'session/ping');
			assert.equal(session.isAwake, true);
			await new Promise((resolve) => setTimeout(resolve, 4 * QUIET_MS));
			assert.equal(session.isAwake, true, 'a link with a pending request is not given back');

			quiet.send({ jsonrpc: '2.0', id: ping.id, result: {} });
			await eventually(() => !session.isAwake, 'quiet is parked after answering', 900);
			assert.equal(quiet.ended, false, 'the answering client stays connected');
		});

		it('trims the spares after a burst', async () => {
			const burst = await Promise.all(Array.from({ length: 40 }, () => peer()));
			burst.forEach((p, i) => p.send(initializeFrame(1, `burst${i}`)));
			await Promise.all(burst.map((p) => p.response(1)));
			assert.ok(fx.server.links.madeCount >= 20, `a burst needs many links at once (made ${fx.server.links.madeCount})`);
			await eventually(() => fx.server.links.awakeCount === 0 && fx.server.links.spareCount <= 16, 'every session is parked and the spares trimmed', 3000);
		});

		it('drops the link of a session that closes while holding it', async () => {
			const gone = await peer();
			gone.send(initializeFrame(1, 'gone'));
			await gone.response(1);
			assert.equal(fx.server.links.awakeCount, 1);
			gone.destroy();
			await eventually(() => fx.server.hub.sessions.size === 0, 'the closed session is forgotten', 3000);
			assert.equal(fx.server.links.awakeCount, 0);
			assert.equal(fx.server.links.spareCount, 0, 'a closed session\'s link is not reused');
		});
	});
});

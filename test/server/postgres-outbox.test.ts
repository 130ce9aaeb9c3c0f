/**
 * The extension's client when the server's PostgreSQL goes away: what the user typed is
 * kept (the server answers Unavailable, not a refusal), the user is told once, and the
 * messages are sent by themselves, once each and in order, when the database is back.
 * Runs in `npm run test:postgres` (a real PostgreSQL, stopped and started by the test).
 */
import * as assert from 'node:assert/strict';
import { JoinChannelRequest } from '../../protocol/channels';
import { createHarness, sendAll, until, waitFor, type Harness } from '../client/harness';
import { TestClient } from '../helpers/client';
import { PostgresServer, testingPostgres } from '../helpers/postgres';

if (testingPostgres()) {
	describe('PostgreSQL down: the extension keeps what the user typed', function () {
		this.timeout(60_000);
		let h: Harness;
		let pg: PostgresServer | undefined;
		beforeEach(() => {
			h = createHarness();
		});
		afterEach(async () => {
			await h.cleanup();
			await pg?.stop();
			pg = undefined;
		});

		it('queues messages the server cannot store for now, says so once, and sends them once, in order, when the database is back', async () => {
			pg = await PostgresServer.start();
			const server = await h.server({ database: await pg.createDatabase() });
			const ana = await h.login(server.port, 'ana');
			const general = await ana.join('#general');
			await sendAll(ana, general, ['before']);
			const refused: string[] = [];
			const delayed: string[] = [];
			ana.onDidFailToSend((failure) => refused.push(failure.entry.text));
			ana.onDidDelaySend((delay) => delayed.push(`${delay.entry.text}: ${delay.reason}`));

			await pg.pause();
			ana.send(general, 'typed while the database is down');
			ana.send(general, 'and one more');
			await waitFor(ana.onDidDelaySend, () => true, 'the client to be told the server cannot store it', 15_000);
			assert.equal(ana.outbox.size, 2, 'both messages are still queued');
			assert.deepEqual(refused, [], 'nothing is reported as refused');

			await pg.resume();
			await until(ana.store.onDidChange, () => ana.outbox.size === 0, 'the queued messages to be stored', 30_000);
			assert.deepEqual(refused, []);
			assert.equal(delayed.length, 1, `told once per outage, not per try: ${delayed.join(' | ')}`);
			assert.match(delayed[0], /^typed while the database is down: .*database/);

			const bob = await TestClient.login(server.port, 'bob');
			try {
				const joined = await bob.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
				assert.deepEqual(joined.history.map((m) => m.text), ['before', 'typed while the database is down', 'and one more']);
			} finally {
				bob.close();
			}
		});
	});
}

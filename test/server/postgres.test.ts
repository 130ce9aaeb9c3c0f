/**
 * PostgreSQL as a shared database (`--database`): what the state contract cannot show with
 * one process. Several "nodes" (states opened on one database) append, create and join
 * at once; a server whose database goes away answers errors, never acknowledgements, and
 * recovers by itself; a server that cannot reach its database at start says which one.
 * The tests that need a running PostgreSQL run in `npm run test:postgres`.
 */
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { JoinChannelRequest } from '../../protocol/channels';
import { ErrorCodes } from '../../protocol/errors';
import { HistoryRequest, SendMessageRequest } from '../../protocol/messages';
import pg from 'pg';
import { openState, type StoredState } from '../../server/state/open';
import { openPgDatabase, PgDb } from '../../server/state/pg-schema';
import { PgStore } from '../../server/state/pg-store';
import { TestClient, rpcError } from '../helpers/client';
import { useServer } from '../helpers/fixture';
import { PostgresServer, sharedPostgres, testingPostgres } from '../helpers/postgres';

describe('PostgreSQL: a server that cannot reach its database', () => {
	const fx = useServer({}, { start: false });

	it('exits at start naming PostgreSQL and host:port/database, never the password', async () => {
		const closed = await new Promise<number>((resolve) => {
			// A port nothing listens on: one the OS just gave and took back.
			const server = net.createServer();
			server.listen(0, '127.0.0.1', () => {
				const { port } = server.address() as net.AddressInfo;
				server.close(() => resolve(port));
			});
		});
		const proc = fx.spawn(['--port', '0', '--database', `postgres://parley:hunter2-secret@127.0.0.1:${closed}/chat`]);
		const { code } = await proc.exited;
		assert.notEqual(code, 0);
		assert.match(proc.stderr, new RegExp(`Cannot reach the PostgreSQL database at 127\\.0\\.0\\.1:${closed}/chat`));
		assert.ok(!proc.stderr.includes('hunter2'), `the password stays out of the message: ${proc.stderr}`);
		assert.equal(proc.stdout, '', 'it never said it was listening');
	});

	it('refuses a --database that is not a PostgreSQL URL, hiding its password', async () => {
		const proc = fx.spawn(['--port', '0', '--database', 'mysql://root:hunter2@db/chat']);
		const { code } = await proc.exited;
		assert.equal(code, 2);
		assert.match(proc.stderr, /--database takes a PostgreSQL URL/);
		assert.ok(!proc.stderr.includes('hunter2'));
	});
});

if (testingPostgres()) {
	describe('PostgreSQL: several nodes sharing one database', () => {
		let url = '';
		const open: StoredState[] = [];
		const node = async (nodeId: string, cluster = true): Promise<StoredState> => {
			const state = await openState({ memory: false, dataDir: '', database: url, nodeId, cluster });
			open.push(state);
			return state;
		};
		beforeEach(async () => {
			url = await (await sharedPostgres()).createDatabase();
		});
		afterEach(async () => {
			await Promise.all(open.splice(0).map((s) => s.close()));
		});

		it('orders one conversation: a reader paging after its last id misses nothing that commits later', async () => {
			const [a, b, reader] = [await node('a'), await node('b'), await node('r')];
			const sent: number[] = [];
			const seen: number[] = [];
			let writing = true;
			const read = (async () => {
				let last = 0;
				while (writing || last < Math.max(...sent)) {
					const page = await reader.store.page('#busy', { after: last, limit: 50 });
					for (const m of page.messages) {
						seen.push(m.id);
						last = m.id;
					}
				}
			})();
			const writes: Promise<void>[] = [];
			for (let i = 0; i < 200; i++) {
				const store = (i % 2 === 0 ? a : b).store;
				writes.push(store.append({ ts: i, from: `u${i % 7}`, to: '#busy', conversation: '#busy', text: `m${i}` }).then((r) => { sent.push(r.message.id); }));
				if (i % 3 === 0) {
					// Some appends to another conversation take ids in between.
					writes.push(store.append({ ts: i, from: 'x', to: '#other', conversation: '#other', text: 'elsewhere' }).then(() => undefined));
				}
			}
			await Promise.all(writes);
			writing = false;
			await read;
			assert.equal(new Set(sent).size, 200, 'every append has its own id');
			assert.deepEqual(seen, [...sent].sort((x, y) => x - y), 'the reader saw every message, in id order, each once');
		});

		/** The sizes of the batches `store` writes from now on (writeBatch is the one statement of a batch). */
		const batchesOf = (store: StoredState['store']): number[] => {
			const batches: number[] = [];
			const spied = store as unknown as { writeBatch(drafts: unknown[]): Promise<unknown> };
			const writeBatch = spied.writeBatch.bind(store);
			spied.writeBatch = (drafts) => {
				batches.push(drafts.length);
				return writeBatch(drafts);
			};
			return batches;
		};
		const draft = (text: string) => ({ ts: 1, from: 'ana', to: '#busy', conversation: '#busy', text });

		/** After a busy batch (three at once), `count` appends one every `everyMs`; answers the batches after the busy one. */
		async function trickleAfterBurst(store: StoredState['store'], batches: number[], count: number, everyMs: number): Promise<number[]> {
			await Promise.all([1, 2, 3].map((i) => store.append(draft(`burst ${i}`))));
			const from = batches.length;
			const trickle: Promise<unknown>[] = [];
			for (let i = 0; i < count; i++) {
				trickle.push(store.append(draft(`trickle ${i}`)));
				await new Promise((resolve) => setTimeout(resolve, everyMs));
			}
			await Promise.all(trickle);
			return batches.slice(from);
		}

		it('under load lets a batch wait up to 20 ms for company; a lone append after a quiet moment goes at once', async () => {
			const store = (await node('a', false)).store;
			const batches = batchesOf(store);
			const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
			// Quiet: one append is written in the next turn, not after a wait.
			const lone = store.append(draft('lone'));
			await nextTurn();
			assert.deepEqual(batches, [1], 'written at once');
			await lone;
			// Busy: a batch of three, then one append every 5 ms for 15 ms right after it.
			const after = await trickleAfterBurst(store, batches, 4, 5);
			assert.ok(after.length <= 2, `the four trickled appends shared their batches (one a batch without the wait): ${JSON.stringify(batches)}`);
			assert.equal(after.reduce((a, b) => a + b, 0), 4);
			const { messages } = await store.page('#busy', { limit: 10 });
			assert.deepEqual(messages.map((m) => m.text), ['lone', 'burst 1', 'burst 2', 'burst 3', 'trickle 0', 'trickle 1', 'trickle 2', 'trickle 3']);
		});

		it('lingers 40 ms on a node of a cluster and 20 ms on a server of its own; the linger is what holds a batch back', async () => {
			const clustered = await node('a');
			const single = await node('b', false);
			assert.equal((clustered.store as unknown as { lingerMs: number }).lingerMs, 40, 'a cluster node lingers 40 ms');
			assert.equal((single.store as unknown as { lingerMs: number }).lingerMs, 20, 'a server of its own lingers 20 ms');
			// What the linger does, with one long enough that timers on a busy machine cannot blur it:
			// five appends 10 ms apart after a busy batch wait for one another and go as one batch.
			const pool = await openPgDatabase(url, { maxConnections: 2 });
			try {
				const store = new PgStore(new PgDb(pool), 400);
				const after = await trickleAfterBurst(store, batchesOf(store), 5, 10);
				assert.deepEqual(after, [5], 'one batch for the five trickled appends');
				await store.close();
			} finally {
				await pool.end();
			}
		});

		it('answers each append, on any node, with the id committed just before it in its conversation: one chain', async () => {
			const [a, b] = [await node('a'), await node('b')];
			const chain = new Map<number, number>();
			const writes: Promise<void>[] = [];
			for (let i = 0; i < 200; i++) {
				const store = (i % 2 === 0 ? a : b).store;
				const reply = i > 0 && i % 5 === 0 ? { replyTo: Math.min(...chain.keys()) } : {};
				writes.push(store.append({ ts: i, from: `u${i % 7}`, to: '#busy', conversation: '#busy', text: `m${i}`, ...reply }).then((r) => { chain.set(r.message.id, r.previousId!); }));
				if (i % 3 === 0) {
					writes.push(store.append({ ts: i, from: 'x', to: '#other', conversation: '#other', text: 'elsewhere' }).then(() => undefined));
				}
				if (i % 20 === 0) {
					await Promise.all(writes);
				}
			}
			await Promise.all(writes);
			const ids = [...chain.keys()].sort((x, y) => x - y);
			assert.deepEqual(ids.map((id) => chain.get(id)), [0, ...ids.slice(0, -1)], 'each previousId is the id before it');
			assert.equal(await b.store.headId('#busy'), ids.at(-1));
		});

		it('migrates a schema 1 database: each conversation\'s row gets its newest id, and appends chain on from it', async () => {
			const first = await node('a', false);
			const { message } = await first.store.append({ ts: 1, from: 'ana', to: '#old', conversation: '#old', text: 'before' });
			await first.close();
			open.pop();
			// Back to schema 1 as an older server left it, with a message it wrote (no row for its conversation).
			const client = new pg.Client({ connectionString: url });
			await client.connect();
			try {
				await client.query(`DROP TRIGGER messages_last_ids ON messages; DROP FUNCTION parley_conversation_last_ids();
					ALTER TABLE conversations DROP COLUMN last_id; UPDATE parley_schema SET version = 1`);
				await client.query(`INSERT INTO messages (id, ts, conversation, sender, sender_key, recipient, text) VALUES (nextval('message_ids'), 2, '#older', 'bob', 'bob', '#older', 'no row')`);
			} finally {
				await client.end();
			}
			const again = await node('b');
			assert.equal(await again.store.headId('#old'), message.id);
			const older = (await again.store.page('#older', { limit: 1 })).messages[0].id;
			assert.equal(await again.store.headId('#older'), older);
			assert.equal((await again.store.append({ ts: 3, from: 'ana', to: '#old', conversation: '#old', text: 'after' })).previousId, message.id);
			assert.equal((await again.store.append({ ts: 4, from: 'ana', to: '#older', conversation: '#older', text: 'after' })).previousId, older);
		});

		it('stores a (sender, client id) once when two nodes get it at the same time', async () => {
			const [a, b] = [await node('a'), await node('b')];
			const draft = { ts: 1, from: 'Ana', to: '#a', conversation: '#a', text: 'once', clientMsgId: 'c-1' };
			const results = await Promise.all([a.store.append(draft), b.store.append({ ...draft, from: 'ana' }), a.store.append(draft)]);
			assert.equal(new Set(results.map((r) => r.message.id)).size, 1, 'one id for all');
			assert.equal(results.filter((r) => !r.duplicate).length, 1, 'one of them stored it');
			assert.equal((await b.store.page('#a', { limit: 10 })).messages.length, 1);
		});

		it('creates a channel and adds a member once when nodes race', async () => {
			const [a, b] = [await node('a'), await node('b')];
			const created = await Promise.all([a, b, a, b].map((s) => s.store.createChannel({ name: '#race', private: false, topicProtected: false })));
			assert.equal(created.filter((c) => c !== undefined).length, 1);
			const added = await Promise.all([a, b, a, b].map((s, i) => s.memberships.add('#race', { nick: i % 2 ? 'KIM' : 'kim', role: 'member', guest: false })));
			assert.equal(added.filter(Boolean).length, 1);
			assert.deepEqual((await a.memberships.members('#race')).length, 1);
		});

		it('drops only the guests of the node that left (removeGuestsOf), and a node\'s own leftovers when it opens again', async () => {
			const [a, b] = [await node('a'), await node('b')];
			await a.memberships.add('#x', { nick: 'ga', role: 'member', guest: true });
			await a.access.invite('#p', 'ga', true);
			await b.memberships.add('#x', { nick: 'gb', role: 'member', guest: true });
			await b.access.invite('#p', 'gb', true);
			await b.memberships.add('#x', { nick: 'acct', role: 'owner', guest: false });
			await b.memberships.add('#y', { nick: 'gb2', role: 'member', guest: true });
			assert.deepEqual((await a.memberships.members('#x')).map((m) => m.nick), ['ga', 'gb', 'acct'], 'each node sees the other\'s guests');

			// Node b restarts: its own leftovers go, a's guests stay.
			await b.close();
			open.splice(open.indexOf(b), 1);
			const b2 = await node('b');
			assert.deepEqual((await b2.memberships.members('#x')).map((m) => m.nick), ['ga', 'acct']);
			assert.equal(await b2.access.isInvited('#p', 'gb'), false);
			assert.equal(await b2.access.isInvited('#p', 'ga'), true);

			// Node a dies: the cluster drops its guests.
			assert.deepEqual(await b2.removeGuestsOf!('a'), [{ channel: '#x', nick: 'ga' }]);
			assert.deepEqual((await b2.memberships.members('#x')).map((m) => m.nick), ['acct']);
			assert.equal(await b2.access.isInvited('#p', 'ga'), false);

			// A single server (no cluster) opening drops every guest left.
			await b2.memberships.add('#z', { nick: 'gc', role: 'member', guest: true });
			const single = await node('other', false);
			assert.deepEqual(await single.memberships.members('#z'), []);
		});
	});

	describe('PostgreSQL: the database goes away under a running server', () => {
		const fx = useServer({}, { start: false });
		let pg: PostgresServer | undefined;
		afterEach(async () => {
			await pg?.stop();
			pg = undefined;
		});

		it('answers message/send with an error (no acknowledgement), keeps running, and resumes by itself', async () => {
			pg = await PostgresServer.start();
			const server = await fx.start({ database: await pg.createDatabase() });
			const ana = await fx.login('ana');
			await ana.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
			const first = await ana.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: 'before' });

			await pg.pause();
			const error = await rpcError(ana.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: 'lost', clientMsgId: 'while-down' }));
			assert.match(error.message, /database/i);
			assert.equal(error.code, ErrorCodes.Unavailable, 'a failure to try again, not a refusal');
			assert.equal((error.data as { retryAfterMs?: unknown } | undefined)?.retryAfterMs, 1000);
			await server.waitForLog(/message\/send from .* failed/);
			await ana.sync();

			await pg.resume();
			let again: Awaited<ReturnType<typeof sendAgain>> | undefined;
			const sendAgain = () => ana.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: 'after' });
			const deadline = Date.now() + 20_000;
			while (again === undefined) {
				try {
					again = await sendAgain();
				} catch (e) {
					if (Date.now() > deadline) {
						throw e;
					}
					await new Promise((r) => setTimeout(r, 100));
				}
			}
			assert.ok(again.message.id > first.message.id);
			const bob = await TestClient.login(server.port, 'bob');
			fx.closeLater(bob, (c) => c.close());
			const joined = await bob.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
			assert.deepEqual(joined.history.map((m) => m.text), ['before', 'after'], 'what failed was not stored');
			const retried = await ana.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: 'lost', clientMsgId: 'while-down' });
			assert.equal(retried.message.text, 'lost', 'the retry of what failed is stored now');
			const history = await bob.connection.sendRequest(HistoryRequest.type, { conversation: '#general', limit: 10 });
			assert.deepEqual(history.messages.map((m) => m.text), ['before', 'after', 'lost']);
		});
	});
}

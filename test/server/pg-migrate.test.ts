/**
 * `node server migrate --from parley.db --to postgres://...`: a SQLite data directory with
 * history, threads, edits, deletions, accounts, memberships, bans, invitations, read
 * markers and reactions, copied into PostgreSQL and served from there. Needs a running
 * PostgreSQL: in `npm run test:postgres`.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { JoinChannelRequest } from '../../protocol/channels';
import { SearchRequest } from '../../protocol/search';
import { SendMessageRequest } from '../../protocol/messages';
import { openState } from '../../server/state/open';
import { dmConversation } from '../../server/state/store';
import { useServer } from '../helpers/fixture';
import { sharedPostgres, testingPostgres } from '../helpers/postgres';

if (testingPostgres()) {
	describe('node server migrate: SQLite to PostgreSQL', function () {
		this.timeout(60_000);
		const fx = useServer({}, { start: false });

		/** A SQLite data directory written through the state interfaces; answers what to expect. */
		async function sqliteWithEverything(dataDir: string) {
			const state = await openState({ memory: false, dataDir });
			const { store, memberships, access, readMarkers, reactions } = state;
			await store.createChannel({ name: '#general', private: false, topicProtected: true, topic: 'Ship it' });
			await store.createChannel({ name: '#secret', private: true, topicProtected: false });
			const ids: number[] = [];
			for (let i = 0; i < 30; i++) {
				ids.push((await store.append({ ts: 1000 + i, from: i % 2 ? 'Ana' : 'bob', to: '#general', conversation: '#general', text: `message ${i} café`, clientMsgId: `c${i}` })).message.id);
			}
			const reply = (await store.append({ ts: 2000, from: 'bob', to: '#general', conversation: '#general', text: 'a threaded reply', replyTo: ids[0] })).message;
			const dm = (await store.append({ ts: 3000, from: 'Ana', to: 'Bob', conversation: dmConversation('Ana', 'Bob'), text: 'private words' })).message;
			await store.edit(ids[1], 'edited déploiement', 4000);
			await store.remove(ids[2]);
			await store.setPasswordHash('Ana', 'scrypt$hash-of-ana');
			await memberships.add('#general', { nick: 'Ana', role: 'owner', guest: false });
			await memberships.add('#general', { nick: 'bob', role: 'op', guest: false });
			await memberships.add('#secret', { nick: 'Ana', role: 'owner', guest: false });
			await memberships.add('#general', { nick: 'guest1', role: 'member', guest: true });
			await access.ban('#general', { nick: 'Mallory', by: 'Ana', reason: 'spam', ts: 5 });
			await access.invite('#secret', 'carl', false);
			await readMarkers.advance('ana', '#general', ids[10]);
			await reactions.set(ids[3], '👍', 'Ana', true);
			await reactions.set(ids[3], '👍', 'bob', true);
			await state.close();
			return { ids, reply, dm };
		}

		it('copies everything, keeps ids, prints matching counts; the server then runs on it', async () => {
			const dataDir = fx.tempDir();
			const { ids, reply, dm } = await sqliteWithEverything(dataDir);
			const url = await (await sharedPostgres()).createDatabase();
			const proc = fx.spawn(['migrate', '--from', path.join(dataDir, 'parley.db'), '--to', url]);
			const { code } = await proc.exited;
			assert.equal(code, 0, proc.stderr);
			for (const [table, n] of [['channels', 2], ['messages', 32], ['search index', 31], ['accounts', 1], ['memberships', 3], ['bans', 1], ['invitations', 1], ['read_markers', 1], ['direct_conversations', 2], ['reactions', 2]] as const) {
				assert.match(proc.stdout, new RegExp(`${table} +${n} -> +${n}\\n`), `${table} in ${proc.stdout}`);
			}

			const state = await openState({ memory: false, dataDir: '', database: url });
			try {
				const page = await state.store.page('#general', { limit: 50 });
				assert.deepEqual(page.messages.map((m) => m.id), ids, 'the history, ids kept, the reply in its thread');
				assert.deepEqual(page.messages[0].replyCount, 1);
				assert.deepEqual((await state.store.thread(ids[0], { limit: 5 })).messages.map((m) => m.id), [reply.id]);
				assert.equal(page.messages[1].text, 'edited déploiement');
				assert.equal(page.messages[2].deleted, true);
				assert.equal((await state.store.getMessage(ids[4]))?.message.clientMsgId, 'c4');
				assert.deepEqual((await state.store.search({ words: ['deploi'], conversations: ['#general'], limit: 5 })).messages.map((m) => m.id), [ids[1]]);
				assert.equal((await state.store.search({ words: ['cafe'], conversations: ['#general'], limit: 50 })).messages.length, 28, '30 but the edited one and the deleted one');
				assert.deepEqual(await state.store.directConversations('bob'), [{ peer: 'Ana', conversation: dmConversation('ana', 'bob') }]);
				assert.equal(await state.store.getPasswordHash('ANA'), 'scrypt$hash-of-ana');
				assert.deepEqual(await state.memberships.members('#general'), [{ nick: 'Ana', role: 'owner', guest: false }, { nick: 'bob', role: 'op', guest: false }]);
				assert.deepEqual(await state.access.bans('#general'), [{ nick: 'Mallory', by: 'Ana', reason: 'spam', ts: 5 }]);
				assert.equal(await state.access.isInvited('#secret', 'Carl'), true);
				assert.equal(await state.readMarkers.get('Ana', '#general'), ids[10]);
				assert.deepEqual((await state.reactions.of([ids[3]])).get(ids[3]), [{ emoji: '👍', nicks: ['Ana', 'bob'] }]);
				assert.equal((await state.store.getChannel('#general'))?.topic, 'Ship it');
				// New rows after the copied ones.
				await state.memberships.add('#general', { nick: 'dora', role: 'member', guest: false });
				assert.deepEqual((await state.memberships.members('#general')).map((m) => m.nick), ['Ana', 'bob', 'dora']);
			} finally {
				await state.close();
			}

			await fx.start({ database: url });
			const dora = await fx.login('dora');
			const joined = await dora.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
			assert.equal(joined.history.at(-1)?.id, ids[29]);
			const sent = await dora.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: 'first on PostgreSQL' });
			assert.ok(sent.message.id > dm.id, 'new ids follow the copied ones');
			const found = await dora.connection.sendRequest(SearchRequest.type, { query: 'café 12' });
			assert.deepEqual(found.messages.map((m) => m.id), [ids[12]]);
		});

		it('refuses a database that is not empty, and a file that is not there', async () => {
			const dataDir = fx.tempDir();
			await sqliteWithEverything(dataDir);
			const url = await (await sharedPostgres()).createDatabase();
			const first = fx.spawn(['migrate', '--from', path.join(dataDir, 'parley.db'), '--to', url]);
			assert.equal((await first.exited).code, 0, first.stderr);
			const again = fx.spawn(['migrate', '--from', path.join(dataDir, 'parley.db'), '--to', url]);
			assert.equal((await again.exited).code, 1);
			assert.match(again.stderr, /is not empty: migrate into a new, empty database/);
			const missing = fx.spawn(['migrate', '--from', path.join(dataDir, 'nope.db'), '--to', url]);
			assert.equal((await missing.exited).code, 1);
			assert.match(missing.stderr, /There is no SQLite database at/);
		});
	});
}

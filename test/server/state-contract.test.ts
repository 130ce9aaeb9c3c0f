/**
 * The contract of each stored-state interface in server/state/, run against every
 * implementation: memory and SQLite in `npm test`; PostgreSQL in `npm run test:postgres`
 * (PARLEY_TEST_DATABASE=postgres: a real PostgreSQL, test/helpers/postgres.ts, a fresh
 * database per test), which runs only that one so that no test is counted twice.
 */
import * as assert from 'node:assert/strict';
import { dmConversation, searchWords, type SearchQuery } from '../../server/state/store';
import { openState, type StoredState } from '../../server/state/open';
import { ServerFixture } from '../helpers/fixture';
import { sharedPostgres, testingPostgres } from '../helpers/postgres';

interface Implementation {
	name: string;
	/** A fresh, empty state; `tempDir` gives a directory removed after the test. */
	open(tempDir: () => string): Promise<StoredState>;
	/** The same state opened again after `close()` (a restart); absent when nothing outlives the process. */
	reopen?(): Promise<StoredState>;
}

function sqlite(): Implementation {
	let dir = '';
	return {
		name: 'sqlite',
		open: (tempDir) => openState({ memory: false, dataDir: (dir = tempDir()) }),
		reopen: () => openState({ memory: false, dataDir: dir }),
	};
}

function postgres(): Implementation {
	let url = '';
	return {
		name: 'postgres',
		open: async () => openState({ memory: false, dataDir: '', database: (url = await (await sharedPostgres()).createDatabase()) }),
		reopen: () => openState({ memory: false, dataDir: '', database: url }),
	};
}

const implementations: Implementation[] = testingPostgres()
	? [postgres()]
	: [{ name: 'memory', open: () => openState({ memory: true, dataDir: '' }) }, sqlite()];

/** Opens a state per test and closes it after. */
function useState(impl: Implementation): { readonly state: StoredState; restart(): Promise<StoredState> } {
	let state: StoredState | undefined;
	let dirs: ServerFixture | undefined;
	beforeEach(async () => {
		const fixture = new ServerFixture();
		dirs = fixture;
		state = await impl.open(() => fixture.tempDir());
	});
	afterEach(async () => {
		await state?.close();
		state = undefined;
		await dirs?.cleanup();
	});
	return {
		get state(): StoredState {
			return state!;
		},
		async restart(): Promise<StoredState> {
			await state!.close();
			state = await impl.reopen!();
			return state;
		},
	};
}

for (const impl of implementations) {
	describe(`state contract: ChannelStore (${impl.name})`, () => {
		const s = useState(impl);

		it('creates a channel once; a taken name, public or private, is refused', async () => {
			const { store } = s.state;
			const created = await store.createChannel({ name: '#secret', private: true, topicProtected: true, topic: 'shh' });
			assert.deepEqual({ ...created, createdAt: 0 }, { name: '#secret', topic: 'shh', createdAt: 0, private: true, topicProtected: true });
			assert.equal(await store.createChannel({ name: '#secret', private: false, topicProtected: false }), undefined);
			assert.deepEqual(await store.getChannel('#secret'), created);
			await store.ensureChannel('#general');
			assert.equal(await store.createChannel({ name: '#general', private: true, topicProtected: true }), undefined);
			assert.equal((await store.getChannel('#general'))?.private, false, 'ensureChannel leaves an existing channel as it is');
		});

		it('ensureChannel makes a public, unprotected channel; lists channels by name', async () => {
			const { store } = s.state;
			await store.ensureChannel('#b');
			await store.createChannel({ name: '#a', private: false, topicProtected: true });
			const list = await store.listChannels();
			assert.deepEqual(list.map((c) => [c.name, c.private, c.topicProtected]), [['#a', false, true], ['#b', false, false]]);
		});

		it('sets and clears a topic, turns topic protection on and off', async () => {
			const { store } = s.state;
			await store.createChannel({ name: '#a', private: false, topicProtected: true });
			await store.setTopic('#a', 'hello');
			assert.equal((await store.getChannel('#a'))?.topic, 'hello');
			await store.setTopic('#a', '');
			assert.ok(!('topic' in (await store.getChannel('#a'))!));
			await store.setTopicProtected('#a', false);
			assert.equal((await store.getChannel('#a'))?.topicProtected, false);
			await store.setTopicProtected('#a', true);
			assert.equal((await store.getChannel('#a'))?.topicProtected, true);
		});

		if (impl.reopen) {
			it('keeps channels and their flags across a restart', async () => {
				await s.state.store.createChannel({ name: '#p', private: true, topicProtected: false, topic: 't' });
				const again = await s.restart();
				assert.deepEqual((await again.store.getChannel('#p'))?.private, true);
				assert.deepEqual((await again.store.getChannel('#p'))?.topic, 't');
			});
		}
	});

	describe(`state contract: MessageStore and AccountStore (${impl.name})`, () => {
		const s = useState(impl);
		const say = (from: string, to: string, text: string) => s.state.store.append({
			ts: 1, from, to, text, conversation: to.startsWith('#') ? to : dmConversation(from, to),
		});

		it('tells the latest id of a conversation, 0 for none', async () => {
			const { store } = s.state;
			assert.equal(await store.latestId('#a'), 0);
			await say('ana', '#a', 'one');
			const { message } = await say('bob', '#a', 'two');
			await say('bob', '#b', 'elsewhere');
			assert.equal(await store.latestId('#a'), message.id);
		});

		it('answers each append with the id before it in its conversation, thread replies included, also within one batch', async () => {
			const { store } = s.state;
			const root = await say('ana', '#a', 'root');
			assert.equal(root.previousId, 0);
			const elsewhere = await say('ana', '#b', 'elsewhere');
			assert.equal(elsewhere.previousId, 0);
			const reply = await store.append({ ts: 2, from: 'bob', to: '#a', text: 'in the thread', conversation: '#a', replyTo: root.message.id });
			assert.equal(reply.previousId, root.message.id);
			// Appended together (one batch where the store batches): a chain in id order.
			const together = await Promise.all([say('ana', '#a', 'one'), say('bob', '#a', 'two'), say('eve', '#b', 'three'), say('ana', 'bob', 'dm')]);
			assert.deepEqual(together.map((r) => r.previousId), [reply.message.id, together[0].message.id, elsewhere.message.id, 0]);
			const first = await store.append({ ts: 3, from: 'ana', to: '#a', text: 'once', conversation: '#a', clientMsgId: 'k1' });
			const again = await store.append({ ts: 3, from: 'ana', to: '#a', text: 'once', conversation: '#a', clientMsgId: 'k1' });
			assert.equal(first.previousId, together[1].message.id);
			assert.deepEqual([again.duplicate, again.previousId], [true, undefined]);
			const next = await say('bob', '#a', 'after the retry');
			assert.equal(next.previousId, first.message.id, 'a duplicate takes no place in the chain');
			assert.equal(await store.headId('#a'), next.message.id);
			assert.equal(await store.headId('#c'), 0);
		});

		it('pages every message of a conversation, thread replies included, for a gap fill', async () => {
			const { store } = s.state;
			const root = (await say('ana', '#a', 'root')).message;
			const reply = (await store.append({ ts: 2, from: 'bob', to: '#a', text: 'in the thread', conversation: '#a', replyTo: root.id })).message;
			await say('ana', '#b', 'elsewhere');
			const last = (await say('bob', '#a', 'last')).message;
			assert.equal(await store.latestId('#a'), last.id);
			assert.equal(await store.headId('#a'), last.id);
			const all = await store.allAfter('#a', 0, 10);
			assert.deepEqual(all.messages.map((m) => m.id), [root.id, reply.id, last.id]);
			assert.equal(all.hasMore, false);
			assert.deepEqual(all.messages[1], reply);
			assert.deepEqual(await store.allAfter('#a', root.id, 1), { messages: [reply], hasMore: true });
			assert.deepEqual(await store.allAfter('#a', last.id, 5), { messages: [], hasMore: false });
		});

		it('finds a message by id with its conversation; edits and deletions change it and its pages', async () => {
			const { store } = s.state;
			assert.equal(await store.getMessage(1), undefined);
			const first = (await store.append({ ts: 1, from: 'Ana', to: 'bob', text: 'hi', conversation: dmConversation('Ana', 'bob'), clientMsgId: 'c1' })).message;
			const second = (await say('bob', '#a', 'two')).message;
			assert.deepEqual(await store.getMessage(first.id), { message: { ...first, clientMsgId: 'c1' }, conversation: '@ana bob' });
			const page = await store.page('#a', { limit: 10 });
			await store.edit(second.id, 'TWO', 50);
			assert.deepEqual(page.messages, [second], 'a page already read does not change');
			assert.deepEqual((await store.page('#a', { limit: 10 })).messages, [{ ...second, text: 'TWO', editedTs: 50 }]);
			await store.remove(second.id);
			await store.edit(second.id, 'back?', 60);
			const stub = { id: second.id, ts: second.ts, from: 'bob', to: '#a', text: '', deleted: true };
			assert.deepEqual((await store.page('#a', { limit: 10 })).messages, [stub], 'a deleted message keeps no text and cannot be edited');
			assert.deepEqual(await store.getMessage(second.id), { message: stub, conversation: '#a' });
			await store.edit(first.id, 'hello', 70);
			assert.deepEqual(await store.findSent('ana', 'c1'), { ...first, text: 'hello', editedTs: 70 });
		});

		it('searches by word prefixes in any order, ignoring case and accents, newest first, in the given conversations', async () => {
			const { store } = s.state;
			const a = (await say('ana', '#a', 'Le café est prêt: deploy tonight')).message;
			const b = (await say('Bob', '#a', 'DEPLOYED the cafe build')).message;
			const c = (await say('bob', '#b', 'deploy cafe elsewhere')).message;
			const d = (await say('ana', 'bob', 'cafe deploy in a DM')).message;
			await say('ana', '#a', 'nothing to see');
			const find = async (words: string[], more: Partial<SearchQuery> = {}) =>
				(await store.search({ words, conversations: ['#a', dmConversation('ana', 'bob')], limit: 10, ...more })).messages.map((m) => m.id);
			assert.deepEqual(await find(searchWords('CAFÉ depl')), [d.id, b.id, a.id]);
			assert.deepEqual(await find(searchWords('pret')), [a.id]);
			assert.deepEqual(await find(searchWords('caf'), { conversations: ['#b'] }), [c.id]);
			assert.deepEqual(await find(searchWords('caf'), { fromKey: 'bob' }), [b.id]);
			assert.deepEqual(await find(searchWords('caf'), { before: d.id }), [b.id, a.id]);
			assert.deepEqual(await store.search({ words: ['caf'], conversations: ['#a'], limit: 1 }), { messages: [b], hasMore: true });
			assert.deepEqual(await find(['afe']), [], 'a word is matched from its start');
			await store.edit(b.id, 'renamed', 2);
			await store.remove(a.id);
			assert.deepEqual(await find(searchWords('cafe')), [d.id], 'edits and deletions leave the index');
			assert.deepEqual(await find(['renamed']), [b.id]);
		});

		it('searches prefixes with many completions, words of one to three letters, and words no message starts', async () => {
			const { store } = s.state;
			const ids: number[] = [];
			for (let i = 0; i < 150; i++) {
				ids.push((await say('ana', '#a', `zeta${i} common ${i % 2 === 0 ? 'even' : 'odd'}`)).message.id);
			}
			const find = async (query: string, limit = 100) => store.search({ words: searchWords(query), conversations: ['#a'], limit });
			const all = await find('zeta');
			assert.deepEqual([all.messages.map((m) => m.id), all.hasMore], [ids.slice(50).reverse(), true], 'more completions than a query expands');
			const twelve = [12, ...Array.from({ length: 10 }, (_, k) => 120 + k)].map((i) => ids[i]).sort((x, y) => y - x);
			assert.deepEqual((await find('ZETA12 comm')).messages.map((m) => m.id), twelve);
			assert.deepEqual((await find('zeta1 eve', 5)).messages.map((m) => m.id), [148, 146, 144, 142, 140].map((i) => ids[i]));
			assert.deepEqual((await find('z o', 2)).messages.map((m) => m.id), [ids[149], ids[147]]);
			assert.deepEqual((await find('zetaz')).messages, []);
			assert.deepEqual((await find('common nowhere')).messages, []);
		});

		it('finds what was just appended or edited, never what was deleted', async () => {
			const { store } = s.state;
			const a = (await say('ana', '#a', 'fresh quokka')).message;
			const b = (await say('ana', '#a', 'second quokka')).message;
			await store.edit(b.id, 'second wombat', 3);
			await store.remove(a.id);
			const c = (await say('ana', '#a', 'third quokka')).message;
			const find = async (query: string) => (await store.search({ words: searchWords(query), conversations: ['#a'], limit: 10 })).messages.map((m) => m.id);
			assert.deepEqual(await find('quokka'), [c.id]);
			assert.deepEqual(await find('wombat'), [b.id]);
			await store.edit(c.id, 'third wombat', 4);
			assert.deepEqual(await find('wombat'), [c.id, b.id]);
			assert.deepEqual(await find('quokka'), []);
		});

		if (impl.reopen) {
			it('finds after a restart what was appended just before it', async () => {
				const { message } = await say('ana', '#a', 'last words before the restart');
				const again = await s.restart();
				assert.deepEqual((await again.store.search({ words: ['restart'], conversations: ['#a'], limit: 5 })).messages, [message]);
			});
		}

		it('keeps replies in their thread, out of the history and its counts unless also to the channel; counts them on the root', async () => {
			const { store } = s.state;
			const root = (await say('ana', '#a', 'root')).message;
			const r1 = (await store.append({ ts: 5, from: 'bob', to: '#a', text: 'r1', conversation: '#a', replyTo: root.id })).message;
			const r2 = (await store.append({ ts: 6, from: 'bob', to: '#a', text: 'r2', conversation: '#a', replyTo: root.id, alsoToChannel: true })).message;
			assert.deepEqual([r1.replyTo, r1.alsoToChannel, r2.alsoToChannel], [root.id, undefined, true]);
			const counted = { ...root, replyCount: 2, lastReplyTs: 6 };
			assert.deepEqual((await store.page('#a', { limit: 10 })).messages, [counted, r2]);
			assert.deepEqual(await store.thread(root.id, { limit: 10 }), { messages: [r1, r2], hasMore: false });
			assert.deepEqual(await store.thread(root.id, { limit: 1 }), { messages: [r2], hasMore: true });
			assert.deepEqual(await store.thread(root.id, { after: r1.id, limit: 5 }), { messages: [r2], hasMore: false });
			assert.equal(await store.latestId('#a'), r2.id);
			assert.equal((await store.unread('#a', 0, 'ana', undefined, 10)).count, 1, 'r1 is not unread in the channel');
			assert.deepEqual((await store.search({ words: ['r1'], conversations: ['#a'], limit: 5 })).messages, [r1], 'replies are found');
			await store.remove(root.id);
			assert.deepEqual((await store.getMessage(root.id))?.message, { id: root.id, ts: root.ts, from: 'ana', to: '#a', text: '', deleted: true, replyCount: 2, lastReplyTs: 6 });
		});

		it('keeps a notice marked as one, in history and by id, and drops the mark when it is deleted', async () => {
			const { store } = s.state;
			const plain = (await say('ana', '#a', 'plain')).message;
			const notice = (await store.append({ ts: 7, from: 'bot', to: '#a', text: 'build passed', conversation: '#a', notice: true })).message;
			assert.equal(notice.notice, true);
			assert.equal(plain.notice, undefined);
			assert.deepEqual((await store.page('#a', { limit: 10 })).messages, [plain, notice]);
			assert.deepEqual((await store.getMessage(notice.id))?.message, notice);
			await store.remove(notice.id);
			assert.equal((await store.getMessage(notice.id))?.message.notice, undefined);
		});

		it('counts unread messages from others after a marker, up to a cap, with the texts holding a needle', async () => {
			const { store } = s.state;
			const first = await say('bob', '#a', 'hi Kim');
			await say('kim', '#a', 'mine, kim, not counted');
			await say('bob', '#a', 'unrelated');
			await say('carl', '#a', 'KIMBERLY and kim_2 and 100%');
			await say('bob', '#b', 'kim elsewhere');
			assert.deepEqual(await store.unread('#a', 0, 'kim', 'kim', 100), { count: 3, candidates: ['hi Kim', 'KIMBERLY and kim_2 and 100%'] });
			assert.deepEqual(await store.unread('#a', first.message.id, 'kim', 'kim', 100), { count: 2, candidates: ['KIMBERLY and kim_2 and 100%'] });
			assert.deepEqual(await store.unread('#a', 0, 'kim', undefined, 100), { count: 3, candidates: [] });
			// The cap bounds the work: only the oldest `cap` unread are read.
			assert.deepEqual(await store.unread('#a', 0, 'kim', 'kim', 1), { count: 1, candidates: ['hi Kim'] });
			// LIKE wildcards in the needle are plain characters.
			assert.deepEqual((await store.unread('#a', 0, 'kim', 'm_2', 100)).candidates, ['KIMBERLY and kim_2 and 100%']);
			assert.deepEqual((await store.unread('#a', 0, 'kim', 'i%', 100)).candidates, []);
		});

		it('indexes DM conversations for both parties, with the nick as first written', async () => {
			const { store } = s.state;
			await say('Ana', 'Bob', 'hi');
			await say('bob', 'ana', 'hi back');
			await say('carl', 'ANA', 'me too');
			await say('ana', '#general', 'not a DM');
			assert.deepEqual(await store.directConversations('ana'), [
				{ peer: 'Bob', conversation: dmConversation('ana', 'bob') },
				{ peer: 'carl', conversation: dmConversation('ana', 'carl') },
			]);
			assert.deepEqual(await store.directConversations('BOB'), [{ peer: 'Ana', conversation: dmConversation('ana', 'bob') }]);
			assert.deepEqual(await store.directConversations('dora'), []);
		});

		it('keeps accounts by nick ignoring case, with the nick as written', async () => {
			const { store } = s.state;
			assert.equal(await store.accountNick('kim'), undefined);
			await store.setPasswordHash('Kim', 'hash-1');
			assert.equal(await store.getPasswordHash('KIM'), 'hash-1');
			assert.equal(await store.accountNick('kim'), 'Kim');
			await store.setAccountNick('KIM');
			assert.equal(await store.accountNick('kim'), 'KIM');
			assert.equal(await store.getPasswordHash('kim'), 'hash-1');
		});

		if (impl.reopen) {
			it('keeps the DM index and accounts across a restart', async () => {
				await say('ana', 'bob', 'hi');
				await s.state.store.setPasswordHash('ana', 'h');
				const again = await s.restart();
				assert.deepEqual(await again.store.directConversations('bob'), [{ peer: 'ana', conversation: dmConversation('ana', 'bob') }]);
				assert.equal(await again.store.accountNick('ANA'), 'ana');
			});
		}
	});

	describe(`state contract: Memberships (${impl.name})`, () => {
		const s = useState(impl);

		it('adds members once, in join order, with roles; removes them', async () => {
			const m = s.state.memberships;
			assert.equal(await m.add('#a', { nick: 'Ana', role: 'owner', guest: false }), true);
			assert.equal(await m.add('#a', { nick: 'ANA', role: 'member', guest: true }), false, 'already a member');
			await m.add('#a', { nick: 'bob', role: 'member', guest: true });
			await m.add('#b', { nick: 'ana', role: 'member', guest: false });
			assert.deepEqual(await m.members('#a'), [{ nick: 'Ana', role: 'owner', guest: false }, { nick: 'bob', role: 'member', guest: true }]);
			assert.deepEqual(await m.get('#a', 'ana'), { nick: 'Ana', role: 'owner', guest: false });
			assert.equal(await m.get('#a', 'carl'), undefined);
			assert.deepEqual(await m.channelsOf('ANA'), [{ channel: '#a', role: 'owner' }, { channel: '#b', role: 'member' }]);
			assert.deepEqual([...(await m.counts())].sort(), [['#a', 2], ['#b', 1]]);
			assert.equal(await m.remove('#a', 'BOB'), true);
			assert.equal(await m.remove('#a', 'bob'), false);
			assert.deepEqual(await m.members('#a'), [{ nick: 'Ana', role: 'owner', guest: false }]);
			await m.remove('#b', 'ana');
			assert.deepEqual([...(await m.counts())], [['#a', 1]], 'an emptied channel has no count');
		});

		it('changes roles of members only', async () => {
			const m = s.state.memberships;
			await m.add('#a', { nick: 'bob', role: 'member', guest: false });
			assert.equal(await m.setRole('#a', 'BOB', 'op'), true);
			assert.equal((await m.get('#a', 'bob'))?.role, 'op');
			assert.equal(await m.setRole('#a', 'carl', 'op'), false);
			assert.equal(await m.get('#a', 'carl'), undefined);
		});

		it('removes only the guest memberships of a guest; keep() makes them an account\'s', async () => {
			const m = s.state.memberships;
			await m.add('#a', { nick: 'kim', role: 'member', guest: true });
			await m.add('#b', { nick: 'kim', role: 'owner', guest: true });
			await m.add('#a', { nick: 'bob', role: 'member', guest: false });
			assert.deepEqual(await m.removeGuest('bob'), []);
			await m.keep('KIM');
			assert.deepEqual(await m.removeGuest('kim'), []);
			assert.deepEqual((await m.members('#b')).map((x) => x.guest), [false]);
			await m.add('#c', { nick: 'dora', role: 'member', guest: true });
			assert.deepEqual(await m.removeGuest('Dora'), ['#c']);
			assert.deepEqual(await m.channelsOf('dora'), []);
		});

		it('renames: memberships move, the new nick keeps its own where it has one', async () => {
			const m = s.state.memberships;
			await m.add('#a', { nick: 'guest1', role: 'owner', guest: true });
			await m.add('#b', { nick: 'guest1', role: 'member', guest: true });
			await m.add('#b', { nick: 'kim', role: 'op', guest: false });
			assert.deepEqual(await m.rename('guest1', 'kim', false), ['#a']);
			assert.deepEqual(await m.channelsOf('guest1'), []);
			assert.deepEqual((await m.channelsOf('kim')).sort((x, y) => x.channel.localeCompare(y.channel)), [{ channel: '#a', role: 'owner' }, { channel: '#b', role: 'op' }]);
			assert.deepEqual(await m.get('#a', 'kim'), { nick: 'kim', role: 'owner', guest: false });
		});

		it('lists members right after every kind of change, read between changes', async () => {
			const m = s.state.memberships;
			const list = async () => (await m.members('#a')).map((x) => `${x.nick}:${x.role}${x.guest ? ':guest' : ''}`);
			assert.deepEqual(await list(), []);
			await m.add('#a', { nick: 'ana', role: 'owner', guest: false });
			await m.add('#a', { nick: 'g1', role: 'member', guest: true });
			assert.deepEqual(await list(), ['ana:owner', 'g1:member:guest']);
			await m.setRole('#a', 'G1', 'op');
			assert.deepEqual(await list(), ['ana:owner', 'g1:op:guest']);
			await m.keep('g1');
			assert.deepEqual(await list(), ['ana:owner', 'g1:op']);
			await m.add('#a', { nick: 'g2', role: 'member', guest: true });
			assert.deepEqual(await m.removeGuest('g2'), ['#a']);
			assert.deepEqual(await list(), ['ana:owner', 'g1:op']);
			await m.rename('g1', 'kim', false);
			assert.deepEqual(await list(), ['ana:owner', 'kim:op']);
			await m.remove('#a', 'ANA');
			assert.deepEqual(await list(), ['kim:op']);
			const before = await m.members('#a');
			await m.setRole('#a', 'kim', 'member');
			assert.deepEqual(before.map((x) => x.role), ['op'], 'what a caller read stays as it was');
		});

		it('a change of case keeps each membership in its place', async () => {
			const m = s.state.memberships;
			await m.add('#a', { nick: 'kim', role: 'member', guest: true });
			await m.add('#a', { nick: 'bob', role: 'member', guest: true });
			assert.deepEqual(await m.rename('kim', 'Kim', true), []);
			assert.deepEqual((await m.members('#a')).map((x) => x.nick), ['Kim', 'bob']);
		});

		if (impl.reopen) {
			it('keeps account memberships across a restart and drops the guests\'', async () => {
				const m = s.state.memberships;
				await m.add('#a', { nick: 'kim', role: 'owner', guest: false });
				await m.add('#a', { nick: 'guest', role: 'member', guest: true });
				await m.add('#a', { nick: 'bob', role: 'member', guest: false });
				await m.setRole('#a', 'bob', 'op');
				await m.add('#b', { nick: 'registers', role: 'owner', guest: true });
				await m.keep('registers');
				await m.add('#c', { nick: 'guest2', role: 'member', guest: true });
				await m.rename('guest2', 'Signs-In', false);
				await m.add('#d', { nick: 'leaves', role: 'member', guest: false });
				await m.remove('#d', 'leaves');
				const again = (await s.restart()).memberships;
				assert.deepEqual(await again.members('#a'), [{ nick: 'kim', role: 'owner', guest: false }, { nick: 'bob', role: 'op', guest: false }]);
				assert.deepEqual(await again.members('#b'), [{ nick: 'registers', role: 'owner', guest: false }]);
				assert.deepEqual(await again.members('#c'), [{ nick: 'Signs-In', role: 'member', guest: false }]);
				assert.deepEqual(await again.members('#d'), []);
			});
		}
	});

	describe(`state contract: AccessLists (${impl.name})`, () => {
		const s = useState(impl);

		it('bans and unbans by nick ignoring case, lists bans oldest first; a new ban of a nick is the newest', async () => {
			const a = s.state.access;
			await a.ban('#a', { nick: 'Bob', by: 'ana', reason: 'spam', ts: 10 });
			await a.ban('#a', { nick: 'carl', by: 'ana', ts: 20 });
			await a.ban('#b', { nick: 'dora', by: 'ana', ts: 30 });
			assert.equal(await a.isBanned('#a', 'BOB'), true);
			assert.equal(await a.isBanned('#b', 'bob'), false);
			assert.deepEqual(await a.bans('#a'), [{ nick: 'Bob', by: 'ana', reason: 'spam', ts: 10 }, { nick: 'carl', by: 'ana', ts: 20 }]);
			await a.ban('#a', { nick: 'bob', by: 'eve', reason: 'again', ts: 40 });
			assert.deepEqual((await a.bans('#a')).map((b) => `${b.nick}/${b.by}`), ['carl/ana', 'bob/eve']);
			assert.equal(await a.unban('#a', 'Carl'), true);
			assert.equal(await a.unban('#a', 'carl'), false);
			assert.deepEqual((await a.bans('#a')).map((b) => b.nick), ['bob']);
		});

		it('invites until taken; a ban drops the invitation; a guest\'s lapse with its connection', async () => {
			const a = s.state.access;
			await a.invite('#p', 'Kim', false);
			await a.invite('#p', 'kim', false);
			assert.equal(await a.isInvited('#p', 'KIM'), true);
			assert.equal(await a.takeInvite('#p', 'kim'), true);
			assert.equal(await a.takeInvite('#p', 'kim'), false);
			await a.invite('#p', 'bob', false);
			await a.ban('#p', { nick: 'bob', by: 'ana', ts: 1 });
			assert.equal(await a.isInvited('#p', 'bob'), false);
			await a.invite('#p', 'guest', true);
			await a.invite('#q', 'guest', true);
			await a.invite('#q', 'carl', false);
			await a.dropGuestInvites('GUEST');
			assert.equal(await a.isInvited('#p', 'guest'), false);
			assert.equal(await a.isInvited('#q', 'guest'), false);
			assert.equal(await a.isInvited('#q', 'carl'), true);
		});

		if (impl.reopen) {
			it('keeps bans and account invitations across a restart, not guest invitations', async () => {
				const a = s.state.access;
				await a.ban('#a', { nick: 'bob', by: 'ana', reason: 'r', ts: 5 });
				await a.invite('#p', 'kim', false);
				await a.invite('#p', 'guest', true);
				const again = await s.restart();
				assert.deepEqual(await again.access.bans('#a'), [{ nick: 'bob', by: 'ana', reason: 'r', ts: 5 }]);
				assert.equal(await again.access.isInvited('#p', 'kim'), true);
				assert.equal(await again.access.isInvited('#p', 'guest'), false);
			});
		}
	});

	describe(`state contract: Reactions (${impl.name})`, () => {
		const s = useState(impl);

		it('adds and removes per nick ignoring case, in the order given; tells whether anything changed', async () => {
			const r = s.state.reactions;
			assert.equal(await r.set(1, '👍', 'Bob', true), true);
			assert.equal(await r.set(1, '👍', 'bob', true), false, 'once per nick');
			assert.equal(await r.set(1, ':tada:', 'ana', true), true);
			assert.equal(await r.set(1, '👍', 'ana', true), true);
			assert.equal(await r.set(2, '👍', 'ana', true), true);
			assert.deepEqual([...(await r.of([1, 2, 3]))], [
				[1, [{ emoji: '👍', nicks: ['Bob', 'ana'] }, { emoji: ':tada:', nicks: ['ana'] }]],
				[2, [{ emoji: '👍', nicks: ['ana'] }]],
			]);
			assert.equal(await r.set(1, ':tada:', 'ANA', false), true);
			assert.equal(await r.set(1, ':tada:', 'ana', false), false);
			assert.deepEqual((await r.of([1])).get(1), [{ emoji: '👍', nicks: ['Bob', 'ana'] }]);
			await r.clear(1);
			assert.deepEqual([...(await r.of([1]))], []);
			assert.deepEqual([...(await r.of([]))], []);
		});

		if (impl.reopen) {
			it('keeps reactions across a restart', async () => {
				await s.state.reactions.set(5, '🔥', 'kim', true);
				const again = await s.restart();
				assert.deepEqual((await again.reactions.of([5])).get(5), [{ emoji: '🔥', nicks: ['kim'] }]);
			});
		}
	});

	describe(`state contract: ReadMarkers (${impl.name})`, () => {
		const s = useState(impl);

		it('starts at 0 and only moves forward, per account (ignoring case) and conversation', async () => {
			const r = s.state.readMarkers;
			assert.equal(await r.get('kim', '#a'), 0);
			assert.equal(await r.advance('Kim', '#a', 10), 10);
			assert.equal(await r.advance('kim', '#a', 5), 10, 'never backwards');
			assert.equal(await r.advance('KIM', '#a', 12), 12);
			await r.advance('kim', '@bob kim', 3);
			await r.advance('bob', '#a', 1);
			assert.equal(await r.get('kim', '#a'), 12);
			assert.deepEqual([...(await r.all('kim'))].sort(), [['#a', 12], ['@bob kim', 3]]);
			assert.deepEqual([...(await r.all('nobody'))], []);
		});

		if (impl.reopen) {
			it('keeps markers across a restart', async () => {
				await s.state.readMarkers.advance('kim', '#a', 7);
				const again = await s.restart();
				assert.equal(await again.readMarkers.get('kim', '#a'), 7);
			});
		}
	});
	describe(`state contract: ThreadMarkers (${impl.name})`, () => {
		const s = useState(impl);

		it('follows threads per account (ignoring case); following again leaves the marker; markers only move forward; advance is for participants only', async () => {
			const t = s.state.threadMarkers;
			assert.equal(await t.advance('kim', 5, 9), false, 'not a participant');
			assert.deepEqual(await t.all('kim'), []);
			await t.follow('Kim', '#a', 5, 5);
			await t.follow('kim', '@bob kim', 3, 4);
			await t.follow('bob', '#a', 5, 7);
			assert.equal(await t.advance('KIM', 5, 8), true);
			assert.equal(await t.advance('kim', 5, 6), false, 'never backwards');
			assert.equal(await t.advance('kim', 5, 8), false, 'no change');
			await t.follow('kim', '#a', 5, 6);
			assert.deepEqual(await t.all('kim'), [{ conversation: '@bob kim', rootId: 3, lastReadId: 4 }, { conversation: '#a', rootId: 5, lastReadId: 8 }]);
			await t.follow('kim', '#a', 5, 11);
			assert.deepEqual(await t.all('bob'), [{ conversation: '#a', rootId: 5, lastReadId: 7 }]);
			assert.deepEqual((await t.all('kim'))[1], { conversation: '#a', rootId: 5, lastReadId: 8 }, 'being named again does not mark earlier replies read');
		});

		if (impl.reopen) {
			it('keeps thread markers across a restart', async () => {
				await s.state.threadMarkers.follow('kim', '#a', 2, 3);
				const again = await s.restart();
				assert.deepEqual(await again.threadMarkers.all('KIM'), [{ conversation: '#a', rootId: 2, lastReadId: 3 }]);
			});
		}
	});
}

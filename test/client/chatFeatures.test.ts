import * as assert from 'node:assert/strict';
import type { Tracer } from 'vscode-jsonrpc/node';
import { parseSearchQuery } from '../../extension/client/search';
import { CONTEXT_BEFORE } from '../../extension/client/messageContext';
import { TYPING_SHOWN_MS, type TypingChange } from '../../extension/client/typing';
import { ManualClock } from '../helpers/clock';
import { createHarness, sendAll, until, waitFor } from './harness';

/** Stored message ids of a conversation, in timeline order. */
function ids(client: { store: { get(id: string): { timeline(): { kind: string; message?: { id: number }; pending?: boolean }[] } | undefined } }, conversation: string): number[] {
	return (client.store.get(conversation)?.timeline() ?? []).flatMap((i) => (i.kind === 'message' && !i.pending && i.message ? [i.message.id] : []));
}

describe('client: search, opening a result, typing, away (real server)', function () {
	this.timeout(20_000);
	const h = createHarness();
	afterEach(() => h.cleanup());

	it('parses in: and from: filters out of the query; typed filters win over chosen ones', () => {
		assert.deepEqual(parseSearchQuery('deploy in:#general from:@bob friday'), { text: 'deploy friday', conversation: '#general', from: 'bob' });
		assert.deepEqual(parseSearchQuery('cafe in:@ana'), { text: 'cafe', conversation: 'ana' });
		assert.deepEqual(parseSearchQuery('x', { conversation: '#random', from: 'kim' }), { text: 'x', conversation: '#random', from: 'kim' });
		assert.deepEqual(parseSearchQuery('x in:#general', { conversation: '#random' }), { text: 'x', conversation: '#general' });
	});

	it('finds messages newest first with their conversation, filtered by in: and from:, paged with before', async () => {
		const server = await h.server();
		const alice = await h.login(server.port, 'alice');
		const bob = await h.login(server.port, 'bob');
		await alice.join('#general');
		await alice.join('#random');
		await bob.join('#general');
		await bob.join('#random');
		await sendAll(bob, '#general', ['Deploying the café service', 'lunch?']);
		await sendAll(alice, '#random', ['deploy notes are in the wiki']);
		const dm = await bob.openDirect('alice');
		await sendAll(bob, dm, ['did the deployment work?']);
		await until(alice.store.onDidChange, () => alice.store.get('bob') !== undefined, 'the DM at alice');

		const all = await alice.search.search(parseSearchQuery('depl'));
		assert.deepEqual(all.hits.map((h) => [h.conversation, h.name, h.message.from, h.message.text]), [
			['bob', 'bob', 'bob', 'did the deployment work?'],
			['#random', '#random', 'alice', 'deploy notes are in the wiki'],
			['#general', '#general', 'bob', 'Deploying the café service'],
		]);
		assert.equal(all.hasMore, false);
		assert.deepEqual(all.words, ['depl']);

		const inGeneral = await alice.search.search(parseSearchQuery('CAFE in:#General'));
		assert.deepEqual(inGeneral.hits.map((h) => h.message.text), ['Deploying the café service']);
		const fromAlice = await alice.search.search(parseSearchQuery('deploy', { from: 'alice' }));
		assert.deepEqual(fromAlice.hits.map((h) => h.message.text), ['deploy notes are in the wiki']);
		// From the other side, the DM is filed under alice.
		const bobs = await bob.search.search(parseSearchQuery('deployment in:alice'));
		assert.deepEqual(bobs.hits.map((h) => [h.conversation, h.name]), [['alice', 'alice']]);

		await sendAll(bob, '#general', Array.from({ length: 25 }, (_, i) => `release note ${i}`));
		const first = await alice.search.search(parseSearchQuery('release'));
		assert.equal(first.hits.length, 20);
		assert.equal(first.hasMore, true);
		const next = await alice.search.search(parseSearchQuery('release'), first.hits.at(-1)!.message.id);
		assert.equal(next.hits.length, 5);
		assert.equal(next.hasMore, false);
		const texts = [...first.hits, ...next.hits].map((h) => h.message.text);
		assert.deepEqual(texts, Array.from({ length: 25 }, (_, i) => `release note ${24 - i}`));
	});

	it('says in plain words what is wrong with a search', async () => {
		const server = await h.server();
		const alice = await h.login(server.port, 'alice');
		await alice.join('#general');
		await assert.rejects(alice.search.search(parseSearchQuery('')), /^Error: Type a word to search for\.$/);
		await assert.rejects(alice.search.search(parseSearchQuery('!!! ???')), /letters or digits/);
		await assert.rejects(alice.search.search(parseSearchQuery('x in:#secret')), /you are not in #secret/);
		await assert.rejects(alice.search.search(parseSearchQuery('x from:9lives')), /from:9lives/);
		await alice.disconnect();
		await assert.rejects(alice.search.search(parseSearchQuery('x')), /Not connected/);
	});

	it('opens an old result with the messages around it loaded, and no gap up to what was shown', async () => {
		const server = await h.server();
		const bob = await h.login(server.port, 'bob');
		await bob.join('#general');
		await sendAll(bob, '#general', Array.from({ length: 120 }, (_, i) => (i === 30 ? 'the needle' : `hay ${i}`)));
		const alice = await h.login(server.port, 'alice');
		await alice.join('#general');
		const before = ids(alice, '#general');
		const hit = (await alice.search.search(parseSearchQuery('needle'))).hits[0];
		assert.ok(hit.message.id < before[0], 'the result is older than what joining loaded');

		await alice.openAt(hit.conversation, hit.message.id);
		const after = ids(alice, '#general');
		const at = after.indexOf(hit.message.id);
		assert.ok(at >= 0, 'the result is in the timeline');
		assert.equal(at, CONTEXT_BEFORE, `${CONTEXT_BEFORE} older messages above it`);
		// Every message from there to the newest, each once, in order (only #general has messages here, so their ids run on).
		assert.deepEqual(after, Array.from({ length: after.at(-1)! - after[0] + 1 }, (_, i) => after[0] + i));
		assert.equal(after.at(-1), before.at(-1));
		assert.equal(alice.store.active, '#general');
		assert.equal(alice.store.get('#general')!.hasMoreBefore, true);

		// Already loaded: nothing changes, no error.
		await alice.openAt('#general', hit.message.id);
		assert.deepEqual(ids(alice, '#general'), after);
		await assert.rejects(alice.openAt('#general', 999_999), /no longer there/);
	});

	it('shows who types for 5 s after their last notification, clears them when their message arrives, and throttles what it sends', async () => {
		const clock = new ManualClock(Date.now());
		const server = await h.server({ clock });
		const alice = await h.login(server.port, 'alice', { clock });
		const bob = await h.login(server.port, 'bob', { clock });
		await alice.join('#general');
		await bob.join('#general');
		const sent: string[] = [];
		const tracer: Tracer = { log: (message: unknown) => sent.push(String(message)) };
		bob.setTrace('messages', tracer);
		const typingSent = () => sent.filter((line) => /Sending notification 'conversation\/typing'/.test(line)).length;

		// What alice's connection received, from its trace: the second notification changes nothing she shows.
		let received = 0;
		let wanted: { count: number; resolve: () => void } | undefined;
		alice.setTrace('messages', { log: (message: unknown) => {
			if (/Received notification 'conversation\/typing'/.test(String(message)) && ++received >= (wanted?.count ?? Infinity)) {
				wanted?.resolve();
			}
		} });
		const aliceReceived = (count: number) => (received >= count ? Promise.resolve() : new Promise<void>((resolve) => { wanted = { count, resolve }; }));

		const seen = waitFor(alice.typing.onDidChange, (c: TypingChange) => c.nicks.includes('bob'), 'bob typing');
		bob.typing.typing('#general');
		assert.deepEqual(await seen, { conversation: '#general', nicks: ['bob'] });
		bob.typing.typing('#general');
		clock.advance(2999);
		bob.typing.typing('#general');
		assert.equal(typingSent(), 1, 'one notification per 3 s');
		clock.advance(1);
		bob.typing.typing('#general');
		assert.equal(typingSent(), 2);
		await aliceReceived(2);
		// 5 s after the last notification (just received), and not before.
		clock.advance(TYPING_SHOWN_MS - 1);
		assert.deepEqual(alice.typing.typingIn('#general'), ['bob']);
		clock.advance(1);
		assert.deepEqual(alice.typing.typingIn('#general'), []);

		// Their message ends it at once.
		clock.advance(3000);
		const again = waitFor(alice.typing.onDidChange, (c: TypingChange) => c.nicks.includes('bob'), 'bob typing a third time');
		bob.typing.typing('#general');
		await again;
		const cleared = waitFor(alice.typing.onDidChange, (c: TypingChange) => c.nicks.length === 0, 'bob no longer typing');
		bob.send('#general', 'done typing');
		await cleared;
		assert.deepEqual(alice.typing.snapshot(), []);
	});

	it('shows who is away to someone who signs in later: on a DM from before and in the members of a channel joined', async () => {
		const server = await h.server();
		const alice = await h.login(server.port, 'alice');
		await alice.join('#general');
		const carol = await h.login(server.port, 'carol');
		await carol.register('correct horse');
		const dm = await carol.openDirect('alice');
		await sendAll(carol, dm, ['see you after lunch']);
		await carol.disconnect();

		await alice.ownStatus.set('away', 'at lunch');
		await carol.connect('carol');
		const peer = carol.store.views().find((c) => c.id === 'alice');
		assert.equal(peer?.away, true, 'the DM partner is away at sign-in, before any user/presence');
		assert.equal(peer?.statusText, 'at lunch');

		await carol.join('#general');
		const member = carol.store.get('#general')!.members?.find((m) => m.nick === 'alice');
		assert.deepEqual({ online: member?.online, away: member?.away, statusText: member?.statusText }, { online: true, away: true, statusText: 'at lunch' });
	});

	it('sets away with a text that others see on the member and the DM, again after a reconnect, and back online', async () => {
		const server = await h.server();
		const alice = await h.login(server.port, 'alice');
		const bob = await h.login(server.port, 'bob');
		await alice.join('#general');
		await bob.join('#general');
		await bob.openDirect('alice');
		const member = () => bob.store.get('#general')!.members?.find((m) => m.nick === 'alice');

		await alice.ownStatus.set('away', '  at lunch ');
		assert.deepEqual(alice.ownStatus.state, { status: 'away', text: 'at lunch' });
		await until(bob.store.onDidChange, () => member()?.away === true, 'alice away at bob');
		assert.equal(member()?.statusText, 'at lunch');
		assert.equal(bob.store.views().find((c) => c.id === 'alice')!.statusText, 'at lunch');

		// The server starts every sign-in online: the client sets away again (a guest also rejoins).
		await alice.disconnect();
		await until(bob.store.onDidChange, () => !member()?.online, 'alice gone at bob');
		await alice.connect('alice');
		await until(bob.store.onDidChange, () => member()?.online === true && member()?.away === true, 'alice away again at bob');
		assert.equal(member()?.statusText, 'at lunch');

		await alice.ownStatus.set('online');
		await until(bob.store.onDidChange, () => member()?.online === true && !member()?.away, 'alice back at bob');
		assert.equal(member()?.statusText, undefined);
		await assert.rejects(alice.ownStatus.set('away', 'x'.repeat(101)), /at most 100 characters/);
	});
});

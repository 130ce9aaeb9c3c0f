/** message/search over real TCP and SQLite: what it finds, where it looks, and that user text is never FTS syntax. */
import * as assert from 'node:assert/strict';
import { DeleteMessageRequest, EditMessageRequest } from '../../protocol/edits';
import { ErrorCodes } from '../../protocol/errors';
import { SendMessageRequest } from '../../protocol/messages';
import { SearchRequest, type SearchParams } from '../../protocol/search';
import type { Message } from '../../protocol/types';
import { rpcError, type TestClient } from '../helpers/client';
import { useServer } from '../helpers/fixture';
import { signInCast } from './cast';

const send = async (c: TestClient, to: string, text: string): Promise<Message> =>
	(await c.connection.sendRequest(SendMessageRequest.type, { to, text })).message;
const search = (c: TestClient, params: SearchParams) => c.connection.sendRequest(SearchRequest.type, params);
const ids = async (c: TestClient, params: SearchParams): Promise<number[]> => (await search(c, params)).messages.map((m) => m.id);

describe('messages: search', () => {
	const fx = useServer();
	let ana: TestClient;
	let bob: TestClient;
	let eve: TestClient;
	beforeEach(async () => {
		({ ana, bob, eve } = await signInCast(fx));
	});

	it('finds prefixes in any order, ignoring case and accents, newest first, with paging', async () => {
		const a = await send(ana, '#general', 'The Café deployment is DONE');
		const b = await send(bob, '#general', 'done: cafe deploy');
		await send(bob, '#general', 'unrelated');
		assert.deepEqual(await ids(bob, { query: 'depl CAFE' }), [b.id, a.id]);
		assert.deepEqual(await ids(bob, { query: 'café' }), [b.id, a.id]);
		assert.deepEqual(await ids(bob, { query: 'deployment' }), [a.id]);
		assert.deepEqual(await ids(bob, { query: 'cafe', from: 'ANA' }), [a.id]);
		const first = await search(bob, { query: 'cafe', limit: 1 });
		assert.deepEqual([first.messages.map((m) => m.id), first.hasMore], [[b.id], true]);
		const next = await search(bob, { query: 'cafe', limit: 1, before: b.id });
		assert.deepEqual([next.messages.map((m) => m.id), next.hasMore], [[a.id], false]);
	});

	it('searches only what the caller can read: never a private channel they are not in, a channel they did not join, or others\' DMs', async () => {
		const secret = await send(ana, '#secret', 'launch codes');
		const dm = await send(ana, 'bob', 'launch party');
		const pub = await send(ana, '#general', 'launch day');
		const mine = await send(eve, 'ana', 'launch question');
		assert.deepEqual(await ids(eve, { query: 'launch' }), [mine.id]);
		assert.deepEqual(await ids(bob, { query: 'launch' }), [pub.id, dm.id]);
		assert.deepEqual(await ids(ana, { query: 'launch' }), [mine.id, pub.id, dm.id, secret.id]);
		assert.deepEqual(await ids(ana, { query: 'launch', conversation: 'bob' }), [dm.id]);
		// Naming a hidden channel answers as history does: like a channel that does not exist.
		const hidden = await rpcError(search(eve, { query: 'launch', conversation: '#secret' }));
		const missing = await rpcError(search(eve, { query: 'launch', conversation: '#nothing' }));
		assert.equal(hidden.code, ErrorCodes.NoSuchChannel);
		assert.equal(hidden.message.replace('#secret', '#x'), missing.message.replace('#nothing', '#x'));
		assert.equal((await rpcError(search(eve, { query: 'launch', conversation: '#general' }))).code, ErrorCodes.NotInChannel);
	});

	it('follows edits and deletions', async () => {
		const m = await send(ana, '#general', 'typo here');
		assert.deepEqual(await ids(bob, { query: 'typo' }), [m.id]);
		await ana.connection.sendRequest(EditMessageRequest.type, { id: m.id, text: 'fixed here' });
		assert.deepEqual(await ids(bob, { query: 'typo' }), []);
		assert.deepEqual(await ids(bob, { query: 'fixed' }), [m.id]);
		await ana.connection.sendRequest(DeleteMessageRequest.type, { id: m.id });
		assert.deepEqual(await ids(bob, { query: 'fixed here' }), []);
	});

	it('keeps FTS syntax inert: quotes, operators, stars, minus and columns are plain words', async () => {
		const m = await send(ana, '#general', 'near and or not text star minus');
		for (const query of ['"near', 'NEAR(and or)', 'and OR not', 'star*', '-minus', 'text:star', '^near', 'text : near', '{text}: and', 'NOT near']) {
			const found = await search(ana, { query });
			assert.ok(found.messages.every((x) => x.id === m.id), query);
		}
		assert.deepEqual(await ids(ana, { query: 'NEAR(and or)' }), [m.id], 'the words, not an operator');
		const empty = await rpcError(search(ana, { query: '"*-:' }));
		assert.deepEqual([empty.code, empty.data], [ErrorCodes.InvalidParams, { field: 'query' }]);
		assert.match(empty.message, /letters or digits/);
		assert.equal((await rpcError(search(ana, { query: 'x', limit: 101 }))).code, ErrorCodes.InvalidParams);
	});
});

import * as assert from 'node:assert/strict';
import { JoinChannelRequest } from '../../protocol/channels';
import { ErrorCodes } from '../../protocol/errors';
import { HistoryRequest, MessageNewNotification, SendMessageRequest } from '../../protocol/messages';
import { UserListRequest } from '../../protocol/users';
import { rpcError, type TestClient } from '../helpers/client';
import { useServer } from '../helpers/fixture';

describe('messages: send, DMs, history', () => {
	const send = (c: TestClient, to: string, text: string, clientMsgId?: string) =>
		c.connection.sendRequest(SendMessageRequest.type, clientMsgId === undefined ? { to, text } : { to, text, clientMsgId });
	const history = (c: TestClient, params: { conversation: string; before?: number; after?: number; limit?: number }) =>
		c.connection.sendRequest(HistoryRequest.type, params);

	describe('defaults', () => {
		const fx = useServer({ maxMessageLength: 100 }, { manualClock: true });
		const { login } = fx;
		let ana: TestClient;
		let bob: TestClient;
		let carl: TestClient;
		beforeEach(async () => {
			ana = await login('Ana');
			bob = await login('bob');
			carl = await login('carl');
			for (const c of [ana, bob]) {
				await c.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
			}
		});

		it('stores a channel message, answers with it and delivers it to the other members only', async () => {
			fx.clock.advance(1234);
			const { message } = await send(ana, '#General', 'hello <b>world</b>');
			assert.equal(message.from, 'Ana');
			assert.equal(message.to, '#general');
			assert.equal(message.text, 'hello <b>world</b>');
			assert.ok(Number.isSafeInteger(message.id) && message.id > 0);
			assert.equal(message.ts, fx.clock.now(), 'stamped with the server\'s time');
			assert.deepEqual(await bob.waitFor(MessageNewNotification.type), { message });
			// Whatever the send queued for ana or carl was queued before they ask.
			await ana.sync();
			await carl.sync();
			assert.equal(ana.received(MessageNewNotification.type).length, 0, 'the sender gets no copy');
			assert.equal(carl.received(MessageNewNotification.type).length, 0, 'a non-member gets nothing');
		});

		it('gives ids that increase across the server, in the order each client sent', async () => {
			const sends = [];
			for (let i = 0; i < 20; i++) {
				sends.push(send(ana, '#general', `a${i}`), send(bob, '#general', `b${i}`), send(ana, 'carl', `dm${i}`));
			}
			const ids = (await Promise.all(sends)).map((r) => r.message);
			const byAna = ids.filter((m) => m.from === 'Ana' && m.to === '#general');
			assert.deepEqual(byAna.map((m) => m.text), Array.from({ length: 20 }, (_, i) => `a${i}`));
			assert.ok(byAna.every((m, i) => i === 0 || m.id > byAna[i - 1].id));
			assert.equal(new Set(ids.map((m) => m.id)).size, ids.length, 'ids are unique');
		});

		it('appends a connection\'s next sends (up to 8) before the ones before have committed, keeping the order sent', async () => {
			// Commits are held back: each append is made at once, its result waits for the gate.
			const store = fx.server.hub.store;
			const append = store.append.bind(store);
			let open!: () => void;
			const gate = new Promise<void>((resolve) => (open = resolve));
			let calls = 0;
			store.append = (draft) => {
				calls++;
				const appended = append(draft);
				return gate.then(() => appended);
			};
			try {
				const texts = Array.from({ length: 10 }, (_, i) => `m${i}`);
				const sends = texts.map((text) => send(ana, '#general', text));
				await ana.sync();
				assert.equal(calls, 8, 'eight appended while none has committed; the other two wait their turn');
				open();
				const acks = (await Promise.all(sends)).map((r) => r.message);
				assert.deepEqual(acks.map((m) => m.text), texts);
				assert.ok(acks.every((m, i) => i === 0 || m.id > acks[i - 1].id), 'ids in the order sent');
				await bob.waitFor(MessageNewNotification.type, (n) => n.message.text === 'm9');
				assert.deepEqual(bob.received(MessageNewNotification.type).map((n) => n.message.id), acks.map((m) => m.id), 'delivered in the order sent');
				const { messages } = await history(bob, { conversation: '#general' });
				assert.deepEqual(messages.map((m) => m.text), texts);
			} finally {
				open();
				store.append = append;
			}
		});

		it('delivers a DM to the recipient only, with the nick as registered', async () => {
			const { message } = await send(bob, 'ANA', 'psst');
			assert.equal(message.to, 'Ana');
			assert.deepEqual(await ana.waitFor(MessageNewNotification.type), { message });
			await carl.sync();
			await bob.sync();
			assert.equal(carl.received(MessageNewNotification.type).length, 0, 'not to others');
			assert.equal(bob.received(MessageNewNotification.type).length, 0, 'no copy to the sender');
		});

		it('answers the send errors: 1005, 1010, 1007, 1006, 1004, 1011 and -32602', async () => {
			const cases: [() => Promise<unknown>, number, RegExp][] = [
				[() => send(ana, 'nobody', 'hi'), ErrorCodes.NoSuchNick, /^There is no one called 'nobody' here: no one online uses that nick and no account has it\. Check the spelling\.$/],
				[() => send(ana, 'ana', 'hi'), ErrorCodes.CannotMessageSelf, /yourself/],
				[() => send(ana, '#general', 'x'.repeat(101)), ErrorCodes.MessageTooLong, /101 characters long; the limit is 100/],
				[() => send(carl, '#general', 'hi'), ErrorCodes.NotInChannel, /You are not in #general; join it first/],
				[() => send(ana, '#nowhere', 'hi'), ErrorCodes.NoSuchChannel, /no channel #nowhere/],
				[() => send(ana, '#bad name', 'hi'), ErrorCodes.InvalidChannelName, /only letters/],
				[() => send(ana, '#general', '   '), ErrorCodes.InvalidParams, /'text' is empty/],
				[() => send(ana, '#general', 'hi', ''), ErrorCodes.InvalidParams, /clientMsgId/],
			];
			for (const [request, code, message] of cases) {
				const error = await rpcError(request());
				assert.equal(error.code, code, error.message);
				assert.match(error.message, message);
			}
			await bob.sync();
			assert.equal(bob.received(MessageNewNotification.type).length, 0, 'no failed send was delivered');
		});

		it('returns the same message for a repeated clientMsgId and delivers it once', async () => {
			const first = await send(ana, '#general', 'only once', 'c-1');
			assert.equal(first.message.clientMsgId, 'c-1');
			const again = await send(ana, '#general', 'only once', 'c-1');
			assert.deepEqual(again, first);
			// Two retries racing in the same turn are one message too.
			const [x, y] = await Promise.all([send(ana, '#general', 'race', 'c-2'), send(ana, '#general', 'race', 'c-2')]);
			assert.equal(x.message.id, y.message.id);
			await send(ana, '#general', 'marker');
			await bob.waitFor(MessageNewNotification.type, (p) => p.message.text === 'marker');
			assert.deepEqual(bob.received(MessageNewNotification.type).map((p) => p.message.text), ['only once', 'race', 'marker']);
			// Another sender may use the same client id.
			assert.notEqual((await send(bob, '#general', 'mine', 'c-1')).message.id, first.message.id);
			// The same id for a different message is refused, not silently answered with the old one.
			const reused = await rpcError(send(ana, '#general', 'something else', 'c-1'));
			assert.equal(reused.code, ErrorCodes.InvalidParams);
			assert.match(reused.message, /already used for a different message/);
		});

		it('shows the sender, and only the sender, its clientMsgId in history', async () => {
			const { message } = await send(ana, '#general', 'tagged', 'tag-1');
			await send(bob, 'ana', 'dm tagged', 'tag-2');
			const own = (await history(ana, { conversation: '#general' })).messages.find((m) => m.id === message.id);
			assert.equal(own?.clientMsgId, 'tag-1');
			const theirs = (await history(bob, { conversation: '#general' })).messages.find((m) => m.id === message.id);
			assert.ok(theirs && !('clientMsgId' in theirs), 'not shown to others');
			const dm = (await history(ana, { conversation: 'bob' })).messages;
			assert.ok(dm.length === 1 && !('clientMsgId' in dm[0]), 'not shown to the DM partner');
			assert.equal((await history(bob, { conversation: 'ana' })).messages[0].clientMsgId, 'tag-2');
			const joined = await carl.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
			assert.ok(joined.history.every((m) => !('clientMsgId' in m)), 'not in another member\'s join history');
			const bobNew = await bob.waitFor(MessageNewNotification.type, (p) => p.message.id === message.id);
			assert.ok(!('clientMsgId' in bobNew.message), 'never fanned out');
		});

		it('answers a retried DM with the stored message even after the recipient left', async () => {
			const first = await send(ana, 'carl', 'did you get this?', 'dm-1');
			carl.close();
			await fx.server.waitForLog(/disconnect carl \(/);
			assert.deepEqual((await ana.connection.sendRequest(UserListRequest.type, {})).users.map((u) => u.nick).sort(), ['Ana', 'bob']);
			assert.deepEqual(await send(ana, 'CARL', 'did you get this?', 'dm-1'), first);
			assert.equal((await rpcError(send(ana, 'carl', 'new message', 'dm-2'))).code, ErrorCodes.NoSuchNick);
		});

		it('pages history backwards and forwards with hasMore', async () => {
			const sent = [];
			for (let i = 1; i <= 120; i++) {
				sent.push((await send(ana, '#general', `m${i}`)).message);
			}
			const latest = await history(bob, { conversation: '#general' });
			assert.equal(latest.messages.length, 50);
			assert.deepEqual(latest.messages.map((m) => m.text), sent.slice(70).map((m) => m.text));
			assert.equal(latest.hasMore, true);
			const older = await history(bob, { conversation: '#general', before: latest.messages[0].id, limit: 60 });
			assert.deepEqual(older.messages.map((m) => m.id), sent.slice(10, 70).map((m) => m.id));
			assert.equal(older.hasMore, true);
			const oldest = await history(bob, { conversation: '#general', before: older.messages[0].id, limit: 500 });
			assert.deepEqual(oldest.messages.map((m) => m.id), sent.slice(0, 10).map((m) => m.id));
			assert.equal(oldest.hasMore, false);
			const missed = await history(bob, { conversation: '#general', after: sent[99].id, limit: 15 });
			assert.deepEqual(missed.messages.map((m) => m.id), sent.slice(100, 115).map((m) => m.id));
			assert.equal(missed.hasMore, true);
			const between = await history(bob, { conversation: '#general', after: sent[4].id, before: sent[8].id });
			assert.deepEqual(between.messages.map((m) => m.text), ['m6', 'm7', 'm8']);
		});

		it('keeps DM history per pair, readable by both sides and no one else', async () => {
			await send(ana, 'bob', 'one');
			await send(bob, 'ana', 'two');
			await send(ana, 'carl', 'other');
			const fromAna = await history(ana, { conversation: 'BOB' });
			assert.deepEqual(fromAna.messages.map((m) => `${m.from}>${m.to}:${m.text}`), ['Ana>bob:one', 'bob>Ana:two']);
			assert.deepEqual((await history(bob, { conversation: 'ana' })).messages, fromAna.messages);
			assert.deepEqual((await history(carl, { conversation: 'ana' })).messages.map((m) => m.text), ['other']);
		});

		it('checks history params: membership, limit, ids, conversation', async () => {
			const cases: [() => Promise<unknown>, number, RegExp][] = [
				[() => history(carl, { conversation: '#general' }), ErrorCodes.NotInChannel, /not in #general/],
				[() => history(ana, { conversation: '#general', limit: 501 }), ErrorCodes.InvalidParams, /from 1 to 500/],
				[() => history(ana, { conversation: '#general', limit: 0 }), ErrorCodes.InvalidParams, /from 1 to 500/],
				[() => history(ana, { conversation: '#general', before: -1 }), ErrorCodes.InvalidParams, /'before'/],
				[() => history(ana, { conversation: 'not a nick' }), ErrorCodes.InvalidParams, /'conversation'/],
				[() => history(ana, { conversation: 'ana' }), ErrorCodes.CannotMessageSelf, /yourself/],
			];
			for (const [request, code, message] of cases) {
				const error = await rpcError(request());
				assert.equal(error.code, code, error.message);
				assert.match(error.message, message);
			}
		});
	});

	describe('flood control', () => {
		const fx = useServer({ floodRate: 5, floodBurst: 3 }, { manualClock: true });
		const { login } = fx;

		it('answers 1008 with retryAfterMs past the burst, for that client only', async () => {
			const ana = await login('ana');
			const bob = await login('bob');
			for (const c of [ana, bob]) {
				await c.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
			}
			for (let i = 0; i < 3; i++) {
				await send(ana, '#general', `burst ${i}`);
			}
			const error = await rpcError(send(ana, '#general', 'one too many'));
			assert.equal(error.code, ErrorCodes.RateLimited);
			// Five tokens a second: the next one in 200 ms.
			assert.deepEqual(error.data, { retryAfterMs: 200 });
			assert.match(error.message, /sending too fast; wait 0.2 s/);
			assert.equal((await send(bob, '#general', 'bob is fine')).message.text, 'bob is fine');
			fx.clock.advance(150);
			const early = await rpcError(send(ana, '#general', 'too early'));
			assert.deepEqual(early.data, { retryAfterMs: 50 });
			fx.clock.advance(50);
			assert.equal((await send(ana, '#general', 'after waiting')).message.text, 'after waiting');
			assert.equal((await rpcError(send(ana, '#general', 'and again'))).code, ErrorCodes.RateLimited, 'one token, spent');
			// Tokens save up to the burst, no more (10 s would be 50).
			fx.clock.advance(10_000);
			for (let i = 0; i < 3; i++) {
				await send(ana, '#general', `burst again ${i}`);
			}
			assert.equal((await rpcError(send(ana, '#general', 'past the burst'))).code, ErrorCodes.RateLimited);
		});
	});
});

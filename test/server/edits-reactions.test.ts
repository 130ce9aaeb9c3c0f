/**
 * message/edit, message/delete and message/react over real TCP and SQLite: who may, what
 * everyone who can see the message is told, idempotence, and that a message the caller
 * cannot read answers exactly like a missing one.
 */
import * as assert from 'node:assert/strict';
import type { ResponseError } from 'vscode-jsonrpc/node';
import { RegisterRequest } from '../../protocol/account';
import { JoinChannelRequest } from '../../protocol/channels';
import { DeleteMessageRequest, EditMessageRequest, MessageDeletedNotification, MessageEditedNotification } from '../../protocol/edits';
import { ErrorCodes } from '../../protocol/errors';
import { HistoryRequest, SendMessageRequest } from '../../protocol/messages';
import { ReactionsNotification, ReactRequest } from '../../protocol/reactions';
import type { Message } from '../../protocol/types';
import { rpcError, type TestClient } from '../helpers/client';
import { useServer } from '../helpers/fixture';
import { assertNone, PASSWORD, signIn } from './accounts-helpers';
import { signInCast } from './cast';

const send = async (c: TestClient, to: string, text: string): Promise<Message> =>
	(await c.connection.sendRequest(SendMessageRequest.type, { to, text })).message;
const edit = (c: TestClient, id: number, text: string) => c.connection.sendRequest(EditMessageRequest.type, { id, text });
const del = (c: TestClient, id: number) => c.connection.sendRequest(DeleteMessageRequest.type, { id });
const react = (c: TestClient, id: number, emoji: string, add = true) => c.connection.sendRequest(ReactRequest.type, { id, emoji, add });
const history = async (c: TestClient, conversation: string): Promise<Message[]> =>
	(await c.connection.sendRequest(HistoryRequest.type, { conversation })).messages;

/** An error with the message id taken out, to compare answers about different ids. */
function shape(error: ResponseError<unknown>, id: number): unknown {
	return { code: error.code, message: error.message.split(String(id)).join('<id>'), data: error.data };
}

describe('messages: edit, delete, react', () => {
	const fx = useServer();
	let ana: TestClient;
	let bob: TestClient;
	let eve: TestClient;
	beforeEach(async () => {
		({ ana, bob, eve } = await signInCast(fx));
	});

	it('answers for a message the caller cannot read exactly as for a missing id, for every method', async () => {
		const hidden = [
			await send(ana, '#secret', 'private channel'),
			await send(ana, 'bob', 'their DM'),
			await send(ana, '#general', 'a public channel eve is not in'),
		];
		const missing = hidden[2].id + 1000;
		const calls: [string, (id: number) => Promise<unknown>][] = [
			['react', (id) => react(eve, id, '👍')],
			['edit', (id) => edit(eve, id, 'mine now')],
			['delete', (id) => del(eve, id)],
		];
		for (const [name, call] of calls) {
			const expected = shape(await rpcError(call(missing)), missing);
			assert.equal((expected as { code: number }).code, ErrorCodes.NoSuchMessage, name);
			for (const m of hidden) {
				assert.deepEqual(shape(await rpcError(call(m.id)), m.id), expected, `${name} of '${m.text}'`);
			}
		}
		assert.deepEqual(await history(ana, '#secret'), [hidden[0]], 'nothing changed');
	});

	it('lets the author edit: everyone who can see it is told, history has the new text; the same text again is no change', async () => {
		const sent = await send(ana, '#general', 'helo');
		const { message } = await edit(ana, sent.id, 'hello');
		assert.equal(message.text, 'hello');
		assert.equal(typeof message.editedTs, 'number');
		assert.deepEqual(await bob.waitFor(MessageEditedNotification.type), { message });
		assert.deepEqual((await history(bob, '#general')).at(-1), message);
		assert.deepEqual((await edit(ana, sent.id, 'hello')).message, message, 'idempotent');
		await bob.sync();
		assert.equal(bob.received(MessageEditedNotification.type).length, 1);

		const notYours = await rpcError(edit(bob, sent.id, 'bob was here'));
		assert.equal(notYours.code, ErrorCodes.Forbidden);
		assert.match(notYours.message, /Only the author/);
		const tooLong = await rpcError(edit(ana, sent.id, 'x'.repeat(5000)));
		assert.equal(tooLong.code, ErrorCodes.MessageTooLong);
		assert.equal((await rpcError(edit(ana, sent.id, '  '))).code, ErrorCodes.InvalidParams);
	});

	it('edits DMs: the other party is told', async () => {
		const sent = await send(bob, 'ana', 'hi ana');
		const { message } = await edit(bob, sent.id, 'hi Ana');
		assert.deepEqual(await ana.waitFor(MessageEditedNotification.type), { message });
		assert.equal((await history(ana, 'bob')).at(-1)?.text, 'hi Ana');
	});

	it('deletes for the author and the channel owner, not for others; idempotent; history keeps a textless stub', async () => {
		const bobs = await send(bob, '#general', 'oops');
		const anas = await send(ana, '#general', 'keep me');
		const refused = await rpcError(del(bob, anas.id));
		assert.equal(refused.code, ErrorCodes.Forbidden);
		assert.match(refused.message, /author.*owner or an op of #general/);

		assert.equal(await del(ana, bobs.id), null, 'the owner deletes a member\'s message');
		assert.deepEqual(await bob.waitFor(MessageDeletedNotification.type), { conversation: '#general', id: bobs.id });
		assert.equal(await del(bob, bobs.id), null, 'deleting again succeeds');
		await bob.sync();
		assert.equal(bob.received(MessageDeletedNotification.type).length, 1, 'and tells no one');
		const stub = (await history(bob, '#general')).find((m) => m.id === bobs.id);
		assert.deepEqual(stub, { id: bobs.id, ts: bobs.ts, from: 'bob', to: '#general', text: '', deleted: true });
		assert.equal((await rpcError(edit(bob, bobs.id, 'undo'))).code, ErrorCodes.Forbidden, 'a deleted message cannot be edited');
		assert.equal((await rpcError(react(ana, bobs.id, '👍'))).code, ErrorCodes.Forbidden, 'nor reacted to');
	});

	it('deletes DMs only for their author; the other party is told with the peer as conversation', async () => {
		const dm = await send(ana, 'bob', 'secret plan');
		assert.match((await rpcError(del(bob, dm.id))).message, /Only the author of message \d+ can delete it/);
		await del(ana, dm.id);
		assert.deepEqual(await bob.waitFor(MessageDeletedNotification.type), { conversation: 'ana', id: dm.id });
		assert.equal((await history(bob, 'ana')).at(-1)?.deleted, true);
	});

	it('adds and removes reactions, tells everyone who can see the message, and keeps them in history', async () => {
		const m = await send(ana, '#general', 'ship it?');
		await react(bob, m.id, '👍');
		const first = await ana.waitFor(ReactionsNotification.type);
		assert.deepEqual(first, { conversation: '#general', id: m.id, reactions: [{ emoji: '👍', nicks: ['bob'] }] });
		await bob.waitFor(ReactionsNotification.type);
		await react(ana, m.id, '👍');
		await react(ana, m.id, ':tada:');
		await react(ana, m.id, '👍🏽');
		await react(bob, m.id, '👍'); // again: no change
		await ana.waitFor(ReactionsNotification.type, (p) => p.reactions.length === 3);
		await bob.sync();
		assert.equal(bob.received(ReactionsNotification.type).length, 4, 'one per change, none for a repeat');
		const expected = [{ emoji: '👍', nicks: ['bob', 'ana'] }, { emoji: ':tada:', nicks: ['ana'] }, { emoji: '👍🏽', nicks: ['ana'] }];
		assert.deepEqual((await history(bob, '#general')).at(-1)?.reactions, expected);

		await react(bob, m.id, '👍', false);
		await react(bob, m.id, '👍', false);
		await ana.waitFor(ReactionsNotification.type, (p) => p.reactions[0].nicks.length === 1);
		await ana.sync();
		assert.equal(ana.received(ReactionsNotification.type).length, 5);
		await del(ana, m.id);
		assert.equal((await history(bob, '#general')).at(-1)?.reactions, undefined, 'a deleted message has no reactions');
	});

	it('refuses anything but one emoji or a listed shortcode, saying what is allowed', async () => {
		const m = await send(ana, '#general', 'x');
		for (const bad of ['hello', '👍👍', ':no_such_code:', 'a', '', ':thumbsup', '1']) {
			const error = await rpcError(react(ana, m.id, bad));
			assert.equal(error.code, ErrorCodes.InvalidParams, bad);
			assert.deepEqual(error.data, { field: 'emoji' });
			assert.match(error.message, /one emoji .* shortcode .* :thumbsup:/);
		}
		for (const good of ['🇫🇷', '1️⃣', '👨‍💻', ':+1:', '❤️']) {
			await react(ana, m.id, good);
		}
		await eve.sync();
		assertNone(eve, ReactionsNotification.type, () => true, 'for a channel eve is not in');
	});

	it('keeps edits, deletions and reactions across a restart', async () => {
		await ana.connection.sendRequest(RegisterRequest.type, { password: PASSWORD });
		const a = await send(ana, '#general', 'one');
		const b = await send(ana, '#general', 'two');
		await edit(ana, a.id, 'one!');
		await del(ana, b.id);
		await react(bob, a.id, ':fire:');
		const before = await history(ana, '#general');
		const dataDir = fx.server.dataDir;
		await fx.server.stop();
		await fx.start({ dataDir });
		const again = await signIn(fx, 'ana');
		assert.deepEqual(await history(again, '#general'), before);
	});

	it('lets a server operator delete in a channel they are not in, never in someone else\'s DM', async () => {
		const dataDir = fx.server.dataDir;
		await fx.server.stop();
		await fx.start({ dataDir, adminToken: 'op-token-123' });
		const kim = await fx.login('kim');
		await fx.login('lee');
		await kim.connection.sendRequest(JoinChannelRequest.type, { channel: '#ops-test' });
		const spam = await send(kim, '#ops-test', 'spam');
		const dm = await send(kim, 'lee', 'private');
		const op = await fx.login('root', { adminToken: 'op-token-123' });
		assert.equal(await del(op, spam.id), null);
		assert.deepEqual(await kim.waitFor(MessageDeletedNotification.type), { conversation: '#ops-test', id: spam.id });
		assert.equal((await rpcError(del(op, dm.id))).code, ErrorCodes.NoSuchMessage);
		assert.equal((await rpcError(edit(op, spam.id + 1, 'x'))).code, ErrorCodes.NoSuchMessage, 'and reads nothing more than others');
	});
});

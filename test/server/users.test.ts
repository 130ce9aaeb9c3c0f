import * as assert from 'node:assert/strict';
import { JoinChannelRequest } from '../../protocol/channels';
import { ErrorCodes } from '../../protocol/errors';
import { HistoryRequest, MessageNewNotification, SendMessageRequest } from '../../protocol/messages';
import { NickChangedNotification, SetNickRequest, UserListRequest } from '../../protocol/users';
import { rpcError } from '../helpers/client';
import { useServer } from '../helpers/fixture';

describe('users: list and nick changes', () => {
	const { login } = useServer();

	it('lists everyone online with their channels', async () => {
		const ana = await login('ana');
		await login('Bob');
		await ana.connection.sendRequest(JoinChannelRequest.type, { channel: '#b' });
		await ana.connection.sendRequest(JoinChannelRequest.type, { channel: '#a' });
		const { users } = await ana.connection.sendRequest(UserListRequest.type, {});
		assert.deepEqual(users.map((u) => ({ ...u, channels: u.channels.sort() })), [
			{ nick: 'ana', channels: ['#a', '#b'] },
			{ nick: 'Bob', channels: [] },
		]);
	});

	it('changes nick, tells channel peers once, and routes DMs to the new nick', async () => {
		const ana = await login('ana');
		const bob = await login('bob');
		for (const channel of ['#one', '#two']) {
			await ana.connection.sendRequest(JoinChannelRequest.type, { channel });
			await bob.connection.sendRequest(JoinChannelRequest.type, { channel });
		}
		assert.deepEqual(await bob.connection.sendRequest(SetNickRequest.type, { nick: 'robert' }), { nick: 'robert' });
		assert.deepEqual(await ana.waitFor(NickChangedNotification.type), { oldNick: 'bob', newNick: 'robert' });
		await ana.connection.sendRequest(SendMessageRequest.type, { to: 'robert', text: 'hi robert' });
		await bob.waitFor(MessageNewNotification.type, (p) => p.message.text === 'hi robert');
		assert.equal(ana.received(NickChangedNotification.type).length, 1, 'told once though sharing two channels');
		const error = await rpcError(ana.connection.sendRequest(SendMessageRequest.type, { to: 'bob', text: 'x' }));
		assert.equal(error.code, ErrorCodes.NoSuchNick);
		// The old nick is free.
		await login('bob');
		// Sending to a channel shows the new nick.
		const { message } = await bob.connection.sendRequest(SendMessageRequest.type, { to: '#one', text: 'still here' });
		assert.equal(message.from, 'robert');
		const page = await ana.connection.sendRequest(HistoryRequest.type, { conversation: '#one' });
		assert.equal(page.messages.at(-1)?.from, 'robert');
	});

	it('refuses a taken or invalid nick, allows a change of case', async () => {
		const ana = await login('ana');
		await login('bob');
		assert.equal((await rpcError(ana.connection.sendRequest(SetNickRequest.type, { nick: 'BOB' }))).code, ErrorCodes.NickInUse);
		assert.equal((await rpcError(ana.connection.sendRequest(SetNickRequest.type, { nick: '1x' }))).code, ErrorCodes.InvalidNick);
		assert.deepEqual(await ana.connection.sendRequest(SetNickRequest.type, { nick: 'Ana' }), { nick: 'Ana' });
	});
});

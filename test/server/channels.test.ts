import * as assert from 'node:assert/strict';
import {
	ChannelListRequest, ChannelMembersRequest, CreateChannelRequest, JoinChannelRequest, LeaveChannelRequest,
	MemberJoinedNotification, MemberLeftNotification, SetTopicRequest, TopicChangedNotification,
} from '../../protocol/channels';
import { ErrorCodes } from '../../protocol/errors';
import { SendMessageRequest } from '../../protocol/messages';
import { rpcError, type TestClient } from '../helpers/client';
import { useServer } from '../helpers/fixture';

describe('channels', () => {
	const join = (c: TestClient, channel: string) => c.connection.sendRequest(JoinChannelRequest.type, { channel });

	describe('with creation allowed', () => {
		const { login } = useServer({ channels: ['#general'] });

		it('join creates a missing channel, lower-cases its name and lists members', async () => {
			const ana = await login('Ana');
			const result = await join(ana, '#Rust-Lang');
			assert.deepEqual(result, {
				channel: { name: '#rust-lang', private: false, topicProtected: true },
				members: ['Ana'],
				details: [{ nick: 'Ana', online: true, role: 'owner' }],
				history: [],
				role: 'owner',
			});
			const list = await ana.connection.sendRequest(ChannelListRequest.type, {});
			assert.deepEqual(list.channels, [
				{ name: '#general', private: false, topicProtected: false, memberCount: 0 },
				{ name: '#rust-lang', private: false, topicProtected: true, memberCount: 1 },
			]);
		});

		it('announces joins to the other members only, once', async () => {
			const ana = await login('ana');
			const bob = await login('bob');
			await join(ana, '#general');
			const result = await join(bob, '#GENERAL');
			assert.deepEqual(result.members.sort(), ['ana', 'bob']);
			assert.deepEqual(await ana.waitFor(MemberJoinedNotification.type), { channel: '#general', nick: 'bob' });
			await join(bob, '#general');
			await ana.connection.sendRequest(ChannelMembersRequest.type, { channel: '#general' });
			assert.equal(ana.received(MemberJoinedNotification.type).length, 1, 'a second join is not announced again');
			assert.equal(bob.received(MemberJoinedNotification.type).length, 0, 'the joiner is not told of itself');
		});

		it('returns the latest 50 messages as history, oldest first', async () => {
			const ana = await login('ana');
			await join(ana, '#general');
			for (let i = 1; i <= 60; i++) {
				await ana.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: `m${i}` });
			}
			const bob = await login('bob');
			const { history } = await join(bob, '#general');
			assert.equal(history.length, 50);
			assert.equal(history[0].text, 'm11');
			assert.equal(history[49].text, 'm60');
			assert.ok(history.every((m, i) => i === 0 || m.id > history[i - 1].id), 'ids increase');
		});

		it('leave answers null and tells the others; leaving again is 1006', async () => {
			const ana = await login('ana');
			const bob = await login('bob');
			await join(ana, '#general');
			await join(bob, '#general');
			assert.equal(await bob.connection.sendRequest(LeaveChannelRequest.type, { channel: '#General' }), null);
			assert.deepEqual(await ana.waitFor(MemberLeftNotification.type), { channel: '#general', nick: 'bob' });
			const error = await rpcError(bob.connection.sendRequest(LeaveChannelRequest.type, { channel: '#general' }));
			assert.equal(error.code, ErrorCodes.NotInChannel);
			assert.equal(error.message, 'You are not in #general; join it first.');
			assert.deepEqual((await ana.connection.sendRequest(ChannelMembersRequest.type, { channel: '#general' })).members, ['ana']);
		});

		it('channel/members lists members; a missing channel is 1004', async () => {
			const ana = await login('ana');
			await join(ana, '#general');
			assert.deepEqual(await ana.connection.sendRequest(ChannelMembersRequest.type, { channel: '#general' }),
				{ members: ['ana'], details: [{ nick: 'ana', online: true, role: 'member' }] });
			const error = await rpcError(ana.connection.sendRequest(ChannelMembersRequest.type, { channel: '#nowhere' }));
			assert.equal(error.code, ErrorCodes.NoSuchChannel);
		});

		it('rejects invalid channel names with 1011 and a hint', async () => {
			const ana = await login('ana');
			for (const [name, hint] of [['general', /try "#general"/], ['#', /at least one/], ['#a b', /only letters/], ['#' + 'x'.repeat(33), /at most 32/]] as const) {
				const error = await rpcError(join(ana, name));
				assert.equal(error.code, ErrorCodes.InvalidChannelName, name);
				assert.match(error.message, hint);
			}
		});

		it('sets a topic, tells every member, and shows it in join and list', async () => {
			const ana = await login('ana');
			const bob = await login('bob');
			await join(ana, '#general');
			await join(bob, '#general');
			assert.equal(await ana.connection.sendRequest(SetTopicRequest.type, { channel: '#general', topic: 'Release day' }), null);
			const expected = { channel: '#general', topic: 'Release day', by: 'ana' };
			assert.deepEqual(await bob.waitFor(TopicChangedNotification.type), expected);
			assert.deepEqual(await ana.waitFor(TopicChangedNotification.type), expected);
			const carl = await login('carl');
			assert.deepEqual((await join(carl, '#general')).channel, { name: '#general', topic: 'Release day', private: false, topicProtected: false });
			const error = await rpcError(carl.connection.sendRequest(SetTopicRequest.type, { channel: '#random', topic: 'x' }));
			assert.equal(error.code, ErrorCodes.NoSuchChannel);
		});
	});

	describe('with a fixed channel list (--no-create)', () => {
		const { login } = useServer({ channels: ['#general', '#random'], noCreate: true });

		it('joins listed channels and answers 1004 for others', async () => {
			const ana = await login('ana');
			assert.equal((await join(ana, '#random')).channel.name, '#random');
			const error = await rpcError(join(ana, '#secret'));
			assert.equal(error.code, ErrorCodes.NoSuchChannel);
			assert.match(error.message, /There is no channel #secret; see 'channel\/list'/);
			const create = await rpcError(ana.connection.sendRequest(CreateChannelRequest.type, { channel: '#secret', private: true }));
			assert.equal(create.code, ErrorCodes.Forbidden);
			assert.equal(create.message, 'This server has a fixed list of channels; ask its operator to add one.');
		});
	});
});

/** Roles, kicks, bans and topic protection. */
import * as assert from 'node:assert/strict';
import {
	ChannelMembersRequest, CreateChannelRequest, JoinChannelRequest, MemberLeftNotification, SetTopicRequest, TopicChangedNotification,
} from '../../protocol/channels';
import { ErrorCodes } from '../../protocol/errors';
import { MessageNewNotification, SendMessageRequest } from '../../protocol/messages';
import {
	ChannelBanRequest, ChannelBansRequest, ChannelKickRequest, ChannelUnbanRequest, ChannelUpdatedNotification,
	RoleChangedNotification, SetRoleRequest, SetTopicProtectedRequest,
} from '../../protocol/moderation';
import { rpcError, type TestClient } from '../helpers/client';
import { useServer } from '../helpers/fixture';
import { barrier } from './accounts-helpers';

describe('moderation: roles, kicks, bans, topic protection', () => {
	const { login } = useServer({ channels: ['#lobby'], adminToken: 'op-token-123' });
	const join = (c: TestClient, channel: string) => c.connection.sendRequest(JoinChannelRequest.type, { channel });
	let ana: TestClient;
	let bob: TestClient;
	let carl: TestClient;
	beforeEach(async () => {
		ana = await login('ana');
		bob = await login('bob');
		carl = await login('carl');
		await ana.connection.sendRequest(CreateChannelRequest.type, { channel: '#dev' });
		await join(bob, '#dev');
		await join(carl, '#dev');
	});

	it('lets the owner make ops; every member hears of it; the owner\'s role is fixed', async () => {
		assert.equal(await ana.connection.sendRequest(SetRoleRequest.type, { channel: '#dev', nick: 'BOB', role: 'op' }), null);
		const changed = { channel: '#dev', nick: 'bob', role: 'op', by: 'ana' };
		for (const c of [ana, bob, carl]) {
			assert.deepEqual(await c.waitFor(RoleChangedNotification.type), changed);
		}
		const details = (await carl.connection.sendRequest(ChannelMembersRequest.type, { channel: '#dev' })).details;
		assert.deepEqual(details.map((d) => `${d.nick}:${d.role}`), ['ana:owner', 'bob:op', 'carl:member']);
		const refused = await rpcError(carl.connection.sendRequest(SetRoleRequest.type, { channel: '#dev', nick: 'carl', role: 'op' }));
		assert.equal(refused.code, ErrorCodes.Forbidden);
		assert.equal(refused.message, 'Only the owner or an op of #dev can change roles.');
		const owner = await rpcError(bob.connection.sendRequest(SetRoleRequest.type, { channel: '#dev', nick: 'ana', role: 'member' }));
		assert.equal(owner.code, ErrorCodes.Forbidden);
		assert.match(owner.message, /The owner of #dev cannot be made a plain member/);
		const missing = await rpcError(bob.connection.sendRequest(SetRoleRequest.type, { channel: '#dev', nick: 'dora', role: 'op' }));
		assert.equal(missing.code, ErrorCodes.NotInChannel);
		assert.equal(missing.message, "'dora' is not a member of #dev.");
	});

	it('lets an op kick a member (everyone, the kicked included, hears why); refuses a member, saying who may', async () => {
		await ana.connection.sendRequest(SetRoleRequest.type, { channel: '#dev', nick: 'bob', role: 'op' });
		const refused = await rpcError(carl.connection.sendRequest(ChannelKickRequest.type, { channel: '#dev', nick: 'bob' }));
		assert.equal(refused.code, ErrorCodes.Forbidden);
		assert.equal(refused.message, 'Only the owner or an op of #dev can kick members.');
		const owner = await rpcError(bob.connection.sendRequest(ChannelKickRequest.type, { channel: '#dev', nick: 'ana' }));
		assert.equal(owner.message, 'The owner of #dev cannot be kicked.');

		assert.equal(await bob.connection.sendRequest(ChannelKickRequest.type, { channel: '#dev', nick: 'Carl', reason: ' off topic ' }), null);
		const left = { channel: '#dev', nick: 'carl', reason: 'kicked by bob: off topic' };
		for (const c of [ana, bob, carl]) {
			assert.deepEqual(await c.waitFor(MemberLeftNotification.type), left);
		}
		await ana.connection.sendRequest(SendMessageRequest.type, { to: '#dev', text: 'after the kick' });
		await barrier(ana, carl, 'carl');
		assert.ok(!carl.received(MessageNewNotification.type).some((p) => p.message.text === 'after the kick'), 'the kicked get nothing more');
		assert.equal((await rpcError(carl.connection.sendRequest(SendMessageRequest.type, { to: '#dev', text: 'hi' }))).code, ErrorCodes.NotInChannel);
		// A kick is no ban: they may come back.
		await join(carl, '#dev');
		await ana.connection.sendRequest(ChannelKickRequest.type, { channel: '#dev', nick: 'carl' });
		await carl.waitFor(MemberLeftNotification.type, (p) => p.reason === 'kicked by ana');
	});

	it('bans: removes the member, refuses rejoining until unbanned, lists bans for ops', async () => {
		await ana.connection.sendRequest(SetRoleRequest.type, { channel: '#dev', nick: 'bob', role: 'op' });
		assert.equal(await bob.connection.sendRequest(ChannelBanRequest.type, { channel: '#dev', nick: 'carl', reason: 'flooding' }), null);
		assert.deepEqual(await carl.waitFor(MemberLeftNotification.type), { channel: '#dev', nick: 'carl', reason: 'banned by bob: flooding' });
		assert.deepEqual(await ana.waitFor(MemberLeftNotification.type), { channel: '#dev', nick: 'carl', reason: 'banned by bob: flooding' });
		const banned = await rpcError(join(carl, '#dev'));
		assert.equal(banned.code, ErrorCodes.Banned);
		assert.equal(banned.message, 'You are banned from #dev.');
		await bob.connection.sendRequest(ChannelBanRequest.type, { channel: '#dev', nick: 'Mallory' });
		const { bans } = await ana.connection.sendRequest(ChannelBansRequest.type, { channel: '#dev' });
		assert.deepEqual(bans.map((b) => ({ ...b, ts: 0 })), [
			{ nick: 'carl', by: 'bob', reason: 'flooding', ts: 0 },
			{ nick: 'Mallory', by: 'bob', ts: 0 },
		]);
		assert.equal((await rpcError(carl.connection.sendRequest(ChannelBansRequest.type, { channel: '#dev' }))).message,
			'Only the owner or an op of #dev can see its bans.');
		assert.equal((await rpcError(bob.connection.sendRequest(ChannelBanRequest.type, { channel: '#dev', nick: 'ana' }))).message,
			'The owner of #dev cannot be banned.');

		assert.equal(await bob.connection.sendRequest(ChannelUnbanRequest.type, { channel: '#dev', nick: 'CARL' }), null);
		assert.equal(await bob.connection.sendRequest(ChannelUnbanRequest.type, { channel: '#dev', nick: 'never-banned' }), null);
		assert.deepEqual((await join(carl, '#dev')).members, ['ana', 'bob', 'carl']);
	});

	it('protects the topic of a new channel; the owner may turn that off, and members are told', async () => {
		const refused = await rpcError(carl.connection.sendRequest(SetTopicRequest.type, { channel: '#dev', topic: 'mine' }));
		assert.equal(refused.code, ErrorCodes.Forbidden);
		assert.equal(refused.message, 'Only the owner or an op of #dev can set its topic while it is protected.');
		await ana.connection.sendRequest(SetRoleRequest.type, { channel: '#dev', nick: 'bob', role: 'op' });
		await bob.connection.sendRequest(SetTopicRequest.type, { channel: '#dev', topic: 'by an op' });
		await carl.waitFor(TopicChangedNotification.type, (p) => p.topic === 'by an op');
		const notOwner = await rpcError(bob.connection.sendRequest(SetTopicProtectedRequest.type, { channel: '#dev', topicProtected: false }));
		assert.equal(notOwner.message, 'Only the owner of #dev can turn topic protection on or off.');

		assert.equal(await ana.connection.sendRequest(SetTopicProtectedRequest.type, { channel: '#dev', topicProtected: false }), null);
		const updated = { channel: { name: '#dev', topic: 'by an op', private: false, topicProtected: false }, by: 'ana' };
		for (const c of [ana, bob, carl]) {
			assert.deepEqual(await c.waitFor(ChannelUpdatedNotification.type), updated);
		}
		await carl.connection.sendRequest(SetTopicRequest.type, { channel: '#dev', topic: 'anyone may' });
		// A channel the server made (--channels, or from a v1 database) has no owner and no protection.
		assert.equal((await join(carl, '#lobby')).role, 'member');
		assert.equal(await carl.connection.sendRequest(SetTopicRequest.type, { channel: '#lobby', topic: 'free for all' }), null);
	});

	it('lets a server operator moderate any channel without being in it', async () => {
		const op = await login('root', { adminToken: 'op-token-123' });
		await op.connection.sendRequest(ChannelKickRequest.type, { channel: '#dev', nick: 'carl', reason: 'spam' });
		assert.deepEqual(await ana.waitFor(MemberLeftNotification.type), { channel: '#dev', nick: 'carl', reason: 'kicked by root: spam' });
		await op.connection.sendRequest(SetRoleRequest.type, { channel: '#dev', nick: 'bob', role: 'op' });
		await op.connection.sendRequest(SetTopicProtectedRequest.type, { channel: '#dev', topicProtected: false });
		await bob.waitFor(ChannelUpdatedNotification.type);
	});
});

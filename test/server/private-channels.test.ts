/**
 * Private channels: invisible to outsiders, joined by invitation, and answered to an
 * outsider exactly as a channel that does not exist, byte for byte.
 */
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import {
	ChannelListRequest, ChannelMembersRequest, CreateChannelRequest, JoinChannelRequest, LeaveChannelRequest, SetTopicRequest,
} from '../../protocol/channels';
import { MarkReadRequest } from '../../protocol/conversations';
import { ErrorCodes } from '../../protocol/errors';
import { InitializeRequest } from '../../protocol/lifecycle';
import { HistoryRequest, SendMessageRequest } from '../../protocol/messages';
import {
	ChannelBanRequest, ChannelBansRequest, ChannelKickRequest, ChannelUnbanRequest, InvitedNotification, InviteRequest, SetRoleRequest,
	SetTopicProtectedRequest,
} from '../../protocol/moderation';
import { UserListRequest } from '../../protocol/users';
import { RegisterRequest } from '../../protocol/account';
import { rpcError, type TestClient } from '../helpers/client';
import { useServer } from '../helpers/fixture';
import { PASSWORD } from './accounts-helpers';

/** A peer that sees the server's answers as the exact bytes of their bodies. */
class BytePeer {
	private buffer = Buffer.alloc(0);
	private readonly bodies = new Map<number, string>();
	private wake: (() => void) | undefined;

	private constructor(private readonly socket: net.Socket) {
		socket.on('data', (chunk: Buffer) => {
			this.buffer = Buffer.concat([this.buffer, chunk]);
			for (;;) {
				const end = this.buffer.indexOf('\r\n\r\n');
				const length = end < 0 ? NaN : Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, end).toString())?.[1]);
				if (end < 0 || this.buffer.length < end + 4 + length) {
					break;
				}
				const body = this.buffer.subarray(end + 4, end + 4 + length).toString('utf8');
				this.buffer = this.buffer.subarray(end + 4 + length);
				const id = (JSON.parse(body) as { id?: unknown }).id;
				if (typeof id === 'number') {
					this.bodies.set(id, body);
				}
			}
			this.wake?.();
		});
	}

	static connect(port: number): Promise<BytePeer> {
		return new Promise((resolve, reject) => {
			const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(new BytePeer(s)));
			s.once('error', reject);
		});
	}

	/** Sends a request and resolves with the body of its answer, as sent. */
	async call(id: number, method: string, params: object): Promise<string> {
		const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
		this.socket.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
		const deadline = Date.now() + 5000;
		while (!this.bodies.has(id)) {
			assert.ok(Date.now() < deadline, `no answer to ${method}`);
			await new Promise<void>((resolve) => {
				this.wake = resolve;
				setTimeout(resolve, 100);
			});
		}
		return this.bodies.get(id)!;
	}

	close(): void {
		this.socket.destroy();
	}
}

describe('private channels', () => {
	const fixture = useServer();
	const { login } = fixture;
	const create = (c: TestClient, channel: string, extra: { private?: boolean; topic?: string } = {}) =>
		c.connection.sendRequest(CreateChannelRequest.type, { channel, ...extra });
	const account = async (nick: string): Promise<TestClient> => {
		const c = await login(nick);
		await c.connection.sendRequest(RegisterRequest.type, { password: PASSWORD });
		return c;
	};

	it('answers an outsider about a private channel byte for byte as about a channel that does not exist', async () => {
		const ana = await account('ana');
		const bob = await login('bob');
		const eve = await BytePeer.connect(fixture.server.port);
		try {
			await eve.call(1, InitializeRequest.method, { protocolVersion: 1, nick: 'eve' });
			await eve.call(2, RegisterRequest.method, { password: PASSWORD });
			const channel = '#Secret';
			const requests: [string, object][] = [
				[ChannelListRequest.method, {}],
				[UserListRequest.method, {}],
				[ChannelMembersRequest.method, { channel }],
				[HistoryRequest.method, { conversation: channel }],
				[SendMessageRequest.method, { to: channel, text: 'hello?' }],
				[SetTopicRequest.method, { channel, topic: 'mine now' }],
				[LeaveChannelRequest.method, { channel }],
				[MarkReadRequest.method, { conversation: channel, id: 1 }],
				[InviteRequest.method, { channel, nick: 'eve' }],
				[ChannelKickRequest.method, { channel, nick: 'bob', reason: 'x' }],
				[ChannelBanRequest.method, { channel, nick: 'bob' }],
				[ChannelUnbanRequest.method, { channel, nick: 'mallory' }],
				[ChannelBansRequest.method, { channel }],
				[SetRoleRequest.method, { channel, nick: 'bob', role: 'op' }],
				[SetTopicProtectedRequest.method, { channel, topicProtected: false }],
			];
			const ask = async (): Promise<string[]> => {
				const answers: string[] = [];
				for (const [i, [method, params]] of requests.entries()) {
					answers.push(await eve.call(100 + i, method, params));
				}
				return answers;
			};
			const missing = await ask();

			await create(ana, '#secret', { private: true, topic: 'the plan' });
			await ana.connection.sendRequest(InviteRequest.type, { channel: '#secret', nick: 'bob' });
			await bob.connection.sendRequest(JoinChannelRequest.type, { channel: '#secret' });
			await ana.connection.sendRequest(SendMessageRequest.type, { to: '#secret', text: 'the plan is...' });
			await ana.connection.sendRequest(ChannelBanRequest.type, { channel: '#secret', nick: 'mallory' });
			const hidden = await ask();

			for (const [i, [method]] of requests.entries()) {
				assert.equal(hidden[i], missing[i], `${method} tells a private channel from a missing one`);
			}
			assert.match(missing[2], /"code":1004,"message":"There is no channel #secret; /);
			// Its members see it.
			const list = await bob.connection.sendRequest(ChannelListRequest.type, {});
			assert.deepEqual(list.channels, [{ name: '#secret', topic: 'the plan', private: true, topicProtected: true, memberCount: 2 }]);
			const users = await bob.connection.sendRequest(UserListRequest.type, {});
			assert.deepEqual(users.users.find((u) => u.nick === 'ana')?.channels, ['#secret']);
		} finally {
			eve.close();
		}
	});

	it('lets only invited users join; the invitation goes to every connection and is used up by the join', async () => {
		const ana = await account('ana');
		const carl1 = await account('carl');
		const carl2 = await login('carl', { password: PASSWORD });
		const created = await create(ana, '#Secret', { private: true });
		assert.deepEqual(created.channel, { name: '#secret', private: true, topicProtected: true });
		assert.equal(created.role, 'owner');

		const refused = await rpcError(carl1.connection.sendRequest(JoinChannelRequest.type, { channel: '#secret' }));
		assert.equal(refused.code, ErrorCodes.InviteOnly);
		assert.equal(refused.message, '#secret is invite-only: ask its owner or an op to invite you.');
		const byMember = await rpcError(carl1.connection.sendRequest(InviteRequest.type, { channel: '#secret', nick: 'carl' }));
		assert.equal(byMember.code, ErrorCodes.NoSuchChannel, 'an outsider cannot invite itself, nor learn the channel is there');

		assert.equal(await ana.connection.sendRequest(InviteRequest.type, { channel: '#secret', nick: 'CARL' }), null);
		assert.deepEqual(await carl1.waitFor(InvitedNotification.type), { channel: '#secret', by: 'ana' });
		assert.deepEqual(await carl2.waitFor(InvitedNotification.type), { channel: '#secret', by: 'ana' });
		const joined = await carl2.connection.sendRequest(JoinChannelRequest.type, { channel: '#secret' });
		assert.deepEqual(joined.members, ['ana', 'carl']);
		assert.equal(joined.role, 'member');
		await carl1.connection.sendRequest(LeaveChannelRequest.type, { channel: '#secret' });
		assert.equal((await rpcError(carl1.connection.sendRequest(JoinChannelRequest.type, { channel: '#secret' }))).code, ErrorCodes.InviteOnly,
			'the invitation was used up');
		const nobody = await rpcError(ana.connection.sendRequest(InviteRequest.type, { channel: '#secret', nick: 'nobody' }));
		assert.equal(nobody.code, ErrorCodes.NoSuchNick);
	});

	it('answers a taken name with ChannelExists, the same for a public and a private channel', async () => {
		const ana = await login('ana');
		const eve = await login('eve');
		await create(ana, '#secret', { private: true });
		await ana.connection.sendRequest(JoinChannelRequest.type, { channel: '#open' });
		const hidden = await rpcError(create(eve, '#SECRET'));
		const open = await rpcError(create(eve, '#open', { private: true }));
		assert.equal(hidden.code, ErrorCodes.ChannelExists);
		assert.equal(hidden.message, 'The name #secret is taken; pick another name.');
		assert.equal(open.code, ErrorCodes.ChannelExists);
		assert.equal(open.message, 'The name #open is taken; pick another name.');
		const made = await create(eve, '#mine', { topic: '  ours  ' });
		assert.deepEqual(made.channel, { name: '#mine', topic: 'ours', private: false, topicProtected: true });
		assert.deepEqual(made.details, [{ nick: 'eve', online: true, role: 'owner' }]);
	});
});

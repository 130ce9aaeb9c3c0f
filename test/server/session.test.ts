import * as assert from 'node:assert/strict';
import { ChannelListRequest, JoinChannelRequest, MemberLeftNotification } from '../../protocol/channels';
import { ErrorCodes } from '../../protocol/errors';
import { InitializeRequest, PingRequest, QuitRequest } from '../../protocol/lifecycle';
import { rpcError } from '../helpers/client';
import { useServer } from '../helpers/fixture';

describe('session: initialize, quit, ping', () => {
	const fixture = useServer({ motd: 'Welcome to the test server', maxClients: 3 });
	const { login, connect } = fixture;

	it('answers initialize with version, server info, nick, motd and limits', async () => {
		const c = await connect();
		const result = await c.initialize('Kim', { clientInfo: { name: 'test', version: '1' } });
		assert.equal(result.protocolVersion, 1);
		assert.equal(result.nick, 'Kim');
		assert.equal(result.serverInfo.name, 'parley');
		assert.match(result.serverInfo.version, /^\d+\.\d+\.\d+/);
		assert.equal(result.motd, 'Welcome to the test server');
		assert.deepEqual(result.limits, { maxMessageLength: 4000, maxFrameBytes: 1024 * 1024, minPasswordLength: 8 });
		assert.ok(fixture.server.logs.some((l) => l.includes('nick Kim set by 127.0.0.1')), 'logs the nick');
	});

	it('refuses other requests before initialize with -32002', async () => {
		const c = await connect();
		const error = await rpcError(c.connection.sendRequest(ChannelListRequest.type, {}));
		assert.equal(error.code, ErrorCodes.NotInitialized);
		assert.match(error.message, /initialize/);
	});

	it('answers ping before and after initialize', async () => {
		const c = await connect();
		assert.deepEqual(await c.connection.sendRequest(PingRequest.type, { token: 'x1' }), { token: 'x1' });
	});

	it('rejects an invalid nick with 1002 and keeps the connection for another try', async () => {
		const c = await connect();
		for (const bad of ['', '9lives', 'has space', 'a'.repeat(33), 'semi;colon']) {
			const error = await rpcError(c.initialize(bad));
			assert.equal(error.code, ErrorCodes.InvalidNick, `nick ${JSON.stringify(bad)}`);
		}
		assert.equal((await c.initialize('a'.repeat(32))).nick, 'a'.repeat(32));
	});

	it('rejects a taken nick (ignoring case) with 1001, then accepts another on the same connection', async () => {
		await login('kim');
		const c = await connect();
		const error = await rpcError(c.initialize('KIM'));
		assert.equal(error.code, ErrorCodes.NickInUse);
		assert.equal(error.message, "Nickname 'KIM' is taken; pick another.");
		assert.equal((await c.initialize('kim2')).nick, 'kim2');
	});

	it('lets a client resume its nick with the resume token while the old connection lingers', async () => {
		const ana = await login('ana');
		const old = await connect();
		const first = await old.initialize('kim');
		await old.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		await ana.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		assert.match(first.resumeToken, /^[A-Za-z0-9_-]{20,}$/);
		// The old socket is silently gone from the client's point of view but still open here.
		const fresh = await connect();
		assert.equal((await rpcError(fresh.initialize('kim'))).code, ErrorCodes.NickInUse);
		assert.equal((await rpcError(fresh.initialize('kim', { resumeToken: 'not-the-token' }))).code, ErrorCodes.NickInUse);
		const resumed = await fresh.initialize('kim', { resumeToken: first.resumeToken });
		assert.equal(resumed.nick, 'kim');
		assert.notEqual(resumed.resumeToken, first.resumeToken, 'a fresh token per session');
		assert.deepEqual(await ana.waitFor(MemberLeftNotification.type), { channel: '#general', nick: 'kim', reason: 'connection lost (reconnected)' });
		await old.closed;
	});

	it('answers a second successful initialize with -32600', async () => {
		const c = await login('ana');
		const error = await rpcError(c.connection.sendRequest(InitializeRequest.type, { protocolVersion: 1, nick: 'bob' }));
		assert.equal(error.code, ErrorCodes.InvalidRequest);
		assert.match(error.message, /already initialized as 'ana'/);
	});

	it('rejects an unsupported protocol version naming the field', async () => {
		const c = await connect();
		const error = await rpcError(c.connection.sendRequest(InitializeRequest.type, { protocolVersion: 2, nick: 'ana' }));
		assert.equal(error.code, ErrorCodes.InvalidParams);
		assert.deepEqual(error.data, { field: 'protocolVersion' });
	});

	it('answers 1003 ServerFull past --max-clients', async () => {
		await login('a1');
		await login('a2');
		await login('a3');
		const c = await connect();
		const error = await rpcError(c.initialize('a4'));
		assert.equal(error.code, ErrorCodes.ServerFull);
		assert.match(error.message, /full \(3 users\)/);
	});

	it('session/quit answers null, closes the socket and tells the channels with the reason', async () => {
		const ana = await login('ana');
		const bob = await login('bob');
		await ana.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		await bob.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		assert.equal(await bob.connection.sendRequest(QuitRequest.type, { reason: 'lunch' }), null);
		await bob.closed;
		const left = await ana.waitFor(MemberLeftNotification.type);
		assert.deepEqual(left, { channel: '#general', nick: 'bob', reason: 'quit: lunch' });
		// The nick is free again.
		assert.equal((await login('bob')).nick, 'bob');
	});

	it('treats a dropped socket as a quit with reason "connection lost"', async () => {
		const ana = await login('ana');
		const bob = await login('bob');
		await ana.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		await bob.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		bob.socket.destroy();
		const left = await ana.waitFor(MemberLeftNotification.type);
		assert.deepEqual(left, { channel: '#general', nick: 'bob', reason: 'connection lost' });
		assert.ok(fixture.server.logs.some((l) => /disconnect bob \(127\.0\.0\.1:\d+\): connection lost; \d+ connected/.test(l)), 'logs the disconnect with the count');
	});
});

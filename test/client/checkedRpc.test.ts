/** The client checks every answer and notification against its declared shape. */
import * as assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { JoinChannelRequest, MemberJoinedNotification } from '../../protocol/channels';
import { PingRequest } from '../../protocol/lifecycle';
import type { ShapeProblem } from '../../protocol/shapes';
import { onNotification, ProtocolViolation, request } from '../../extension/client/checkedRpc';

function pair(): [MessageConnection, MessageConnection] {
	const up = new PassThrough();
	const down = new PassThrough();
	const client = createMessageConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
	const server = createMessageConnection(new StreamMessageReader(up), new StreamMessageWriter(down));
	client.listen();
	server.listen();
	return [client, server];
}

describe('client: checked requests and notifications', () => {
	let client: MessageConnection;
	let server: MessageConnection;
	beforeEach(() => {
		[client, server] = pair();
	});
	afterEach(() => {
		client.dispose();
		server.dispose();
	});

	it('resolves an answer that has the declared shape and refuses one that does not', async () => {
		let answer: unknown = { channel: { name: '#a' }, members: ['ana'], history: [] };
		server.onRequest(JoinChannelRequest.method, () => answer);
		assert.deepEqual(await request(client, JoinChannelRequest, { channel: '#a' }), answer);
		answer = { channel: { name: '#a' }, members: ['ana', 7], history: [] };
		await assert.rejects(request(client, JoinChannelRequest, { channel: '#a' }), (error: unknown) =>
			error instanceof ProtocolViolation && error.problem?.field === 'members[1]' && /malformed channel\/join answer/.test(error.message));
	});

	it('hands on well-formed notifications and drops malformed ones, in order', async () => {
		const seen: string[] = [];
		const dropped: ShapeProblem[] = [];
		onNotification(client, MemberJoinedNotification, (p) => seen.push(p.nick), (_method, problem) => dropped.push(problem));
		await server.sendNotification(MemberJoinedNotification.method, { channel: '#a', nick: 'bo' });
		await server.sendNotification(MemberJoinedNotification.method, { channel: '#a' });
		await server.sendNotification(MemberJoinedNotification.method, { channel: '#a', nick: 'cy' });
		// A request answered after the notifications: by then all three were handled.
		client.onRequest(PingRequest.method, () => ({}));
		await server.sendRequest(PingRequest.method, {});
		assert.deepEqual(seen, ['bo', 'cy']);
		assert.deepEqual(dropped.map((p) => p.field), ['nick']);
	});
});

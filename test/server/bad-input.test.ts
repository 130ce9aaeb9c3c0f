import * as assert from 'node:assert/strict';
import { JoinChannelRequest, MemberLeftNotification } from '../../protocol/channels';
import { ErrorCodes } from '../../protocol/errors';
import { MessageNewNotification, SendMessageRequest } from '../../protocol/messages';
import { initializeFrame } from '../helpers/raw';
import { useServer } from '../helpers/fixture';

describe('bad input: JSON-RPC errors and broken framing', () => {
	const fx = useServer({ maxFrameBytes: 64 * 1024 });
	const { raw } = fx;
	const errorOf = (frame: Record<string, unknown>) => frame.error as { code: number; message: string; data?: { field?: string } };

	it('answers invalid JSON with -32700 and id null, and the connection stays usable', async () => {
		const peer = await raw();
		peer.send('{"jsonrpc": "2.0", "id": 1, "method": ');
		const reply = await peer.next();
		assert.equal(reply.id, null);
		assert.equal(errorOf(reply).code, ErrorCodes.ParseError);
		peer.send(initializeFrame(2, 'ana'));
		assert.equal((await peer.response(2)).result !== undefined, true);
	});

	it('answers invalid UTF-8 with -32700 and stays usable', async () => {
		const peer = await raw();
		peer.send(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
		const reply = await peer.next();
		assert.equal(errorOf(reply).code, ErrorCodes.ParseError);
		assert.match(errorOf(reply).message, /UTF-8/);
		peer.send(initializeFrame(3, 'ana'));
		assert.ok((await peer.response(3)).result);
	});

	it('answers malformed requests with -32600, as the specification examples do', async () => {
		const peer = await raw();
		const cases: [unknown, number | string | null, RegExp][] = [
			[{ id: 1, method: 'channel/list', params: {} }, 1, /'jsonrpc' must be exactly "2.0"/],
			[{ jsonrpc: '1.0', id: 2, method: 'channel/list' }, 2, /"2.0"/],
			[{ jsonrpc: '2.0', id: 3, method: 1, params: 'bar' }, 3, /'method' must be a non-empty string/],
			[{ jsonrpc: '2.0', id: { x: 1 }, method: 'channel/list' }, null, /'id' must be a string or a number/],
			[{ jsonrpc: '2.0', id: 'p', method: 'channel/list', params: [1, 2] }, 'p', /'params' must be an object/],
			[{ jsonrpc: '2.0', id: 5 }, 5, /needs a 'method'/],
			[[], null, /Batch requests are not supported/],
			[[{ jsonrpc: '2.0', id: 6, method: 'session/ping', params: {} }], null, /Batch/],
			['just a string', null, /must be a JSON object/],
		];
		for (const [body, id, message] of cases) {
			peer.send(JSON.stringify(body));
			const reply = await peer.next();
			assert.equal(reply.id, id, JSON.stringify(body));
			assert.equal(errorOf(reply).code, ErrorCodes.InvalidRequest, JSON.stringify(body));
			assert.match(errorOf(reply).message, message);
		}
	});

	it('answers an unknown method with -32601 and bad params with -32602 naming the field', async () => {
		const peer = await raw('ana');
		peer.send({ jsonrpc: '2.0', id: 1, method: 'channel/explode', params: {} });
		const unknown = await peer.response(1);
		assert.equal(errorOf(unknown).code, ErrorCodes.MethodNotFound);
		assert.match(errorOf(unknown).message, /Unknown method 'channel\/explode'.*docs\/protocol\.md/);
		const cases: [string, object, string, RegExp][] = [
			['channel/join', {}, 'channel', /Missing required field 'channel' \(a string\)/],
			['channel/join', { channel: 7 }, 'channel', /'channel' must be a string, not integer/],
			['message/send', { to: '#x' }, 'text', /Missing required field 'text'/],
			['message/history', { conversation: '#x', limit: 1.5 }, 'limit', /must be an integer, not number/],
			['initialize', { protocolVersion: 1, nick: 'x', clientInfo: { version: '1' } }, 'clientInfo.name', /'clientInfo.name'/],
		];
		let id = 10;
		for (const [method, params, field, message] of cases) {
			peer.send({ jsonrpc: '2.0', id: ++id, method, params });
			const reply = await peer.response(id);
			assert.equal(errorOf(reply).code, ErrorCodes.InvalidParams, method);
			assert.equal(errorOf(reply).data?.field, field);
			assert.match(errorOf(reply).message, message);
		}
	});

	it('reads a frame split byte by byte', async () => {
		const peer = await raw();
		const body = JSON.stringify(initializeFrame(1, 'slowpoke'));
		const frame = Buffer.from(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
		for (const byte of frame) {
			peer.write(Buffer.from([byte]));
			await new Promise((r) => setImmediate(r));
		}
		assert.equal((await peer.response(1)).result !== undefined, true);
	});

	it('answers a thousand frames written at once, in order', async () => {
		const peer = await raw();
		const frames = [];
		for (let id = 1; id <= 1000; id++) {
			const body = JSON.stringify({ jsonrpc: '2.0', id, method: 'session/ping', params: { token: String(id) } });
			frames.push(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
		}
		peer.write(frames.join(''));
		for (let id = 1; id <= 1000; id++) {
			const reply = await peer.next();
			assert.equal(reply.id, id);
			assert.deepEqual(reply.result, { token: String(id) });
		}
	});

	const violations: [string, string | Buffer, RegExp][] = [
		['a frame without Content-Length', 'Content-Type: application/json\r\n\r\n{}', /without Content-Length/],
		['a negative Content-Length', 'Content-Length: -5\r\n\r\n{}', /invalid Content-Length/],
		['a non-decimal Content-Length', 'Content-Length: 0x10\r\n\r\n{}', /invalid Content-Length/],
		['a Content-Length over the frame limit', `Content-Length: ${64 * 1024 + 1}\r\n\r\n`, /exceeds the limit of 65536/],
		['a header block over 8 KiB without an end', 'X-Filler: ' + 'a'.repeat(9000), /header block longer than 8192/],
		['a header line without a colon', 'Content-Length 5\r\n\r\nhello', /malformed header line/],
		['a charset other than utf-8', 'Content-Length: 2\r\nContent-Type: application/json; charset=latin1\r\n\r\n{}', /unsupported charset/],
	];
	for (const [what, bytes, reason] of violations) {
		it(`closes the connection on ${what}, logs why, and others are undisturbed`, async () => {
			const ana = await fx.login('ana');
			const bob = await fx.login('bob');
			await ana.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
			await bob.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
			const peer = await raw('mallory');
			peer.send({ jsonrpc: '2.0', id: 1, method: 'channel/join', params: { channel: '#general' } });
			await peer.response(1);
			peer.write(bytes);
			const notice = await peer.next();
			assert.equal(notice.method, 'server/notice', 'the client is told why');
			assert.match((notice.params as { text: string }).text, reason);
			await peer.expectClosed();
			assert.deepEqual(await ana.waitFor(MemberLeftNotification.type), { channel: '#general', nick: 'mallory', reason: 'protocol violation' }, 'others see no internals');
			assert.ok(fx.server.logs.some((l) => /closing mallory .*protocol violation/.test(l) && reason.test(l)), `log names the reason: ${fx.server.logs.slice(-3).join(' | ')}`);
			await ana.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: 'still fine' });
			await bob.waitFor(MessageNewNotification.type, (p) => p.message.text === 'still fine');
		});
	}
});

/** The shapes every receiver checks: field paths, limits, unions and the declared messages. */
import * as assert from 'node:assert/strict';
import { InitializeRequest } from '../../protocol/lifecycle';
import { MessageNewNotification } from '../../protocol/messages';
import * as s from '../../protocol/shapes';
import { hostMessageShape, webviewMessageShape } from '../../protocol/webview';

const message = { id: 7, ts: 1700000000000, from: 'ana', to: '#general', text: 'hi' };

describe('protocol: shapes', () => {
	it('names the offending field, nested and in lists', () => {
		assert.equal(s.checkShape({ message }, MessageNewNotification.params), undefined);
		assert.deepEqual(s.checkShape({ message: { ...message, id: 1.5 } }, MessageNewNotification.params),
			{ field: 'message.id', message: "Field 'message.id' must be an integer, not number." });
		assert.deepEqual(s.checkShape({}, MessageNewNotification.params),
			{ field: 'message', message: "Missing required field 'message' (an object)." });
		const page = { type: 'append', conversation: '#general', items: [{ kind: 'message', message }, { kind: 'message', message: { ...message, text: 3 } }] };
		assert.equal(s.checkShape(page, hostMessageShape)?.field, 'items[1].message.text');
	});

	it('checks an answer whole: one bad field rejects it', () => {
		const answer = { protocolVersion: 1, serverInfo: { name: 'parley', version: '0.1.0' }, nick: 'ana', limits: { maxMessageLength: 4000, maxFrameBytes: 1 }, resumeToken: 't' };
		assert.equal(s.checkShape(answer, InitializeRequest.result), undefined);
		assert.equal(s.checkShape({ ...answer, operator: 'yes' }, InitializeRequest.result)?.field, 'operator');
		assert.equal(s.checkShape({ ...answer, limits: null }, InitializeRequest.result)?.field, 'limits');
	});

	it('tells tagged unions apart and refuses unknown tags and oversized strings', () => {
		assert.ok(s.isShape({ type: 'ready' }, webviewMessageShape));
		assert.ok(s.isShape({ type: 'send', conversation: '#a', text: 'x', extra: true }, webviewMessageShape), 'unknown fields are ignored');
		assert.deepEqual(s.checkShape({ type: 'explode' }, webviewMessageShape)?.field, 'type');
		assert.equal(s.checkShape({ type: 'send', conversation: '#a' }, webviewMessageShape)?.field, 'text');
		assert.match(s.checkShape({ type: 'select', conversation: 'x'.repeat(65) }, webviewMessageShape)?.message ?? '', /at most 64 characters/);
		assert.match(s.checkShape({ type: 'command', command: 'rm' }, webviewMessageShape)?.message ?? '', /one of 'connect', 'disconnect'/);
		assert.equal(s.checkShape('ready', webviewMessageShape)?.field, 'params');
	});

	it('bounds lists and accepts only what optional() allows to be missing', () => {
		const shape = s.object<{ tags: string[]; note?: string }>({ tags: s.array(s.string(), 2), note: s.optional(s.string()) });
		assert.equal(s.checkShape({ tags: ['a', 'b'] }, shape), undefined);
		assert.match(s.checkShape({ tags: ['a', 'b', 'c'] }, shape)?.message ?? '', /at most 2 items/);
		assert.equal(s.checkShape({ tags: ['a'], note: null }, shape)?.field, 'note');
		assert.equal(s.checkShape({ note: 'x' }, shape)?.field, 'tags');
	});
});

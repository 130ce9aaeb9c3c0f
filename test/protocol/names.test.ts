import * as assert from 'node:assert/strict';
import { channelProblem, isValidChannelName, isValidNick, nickProblem, normalizeChannel } from '../../protocol/names';
import { checkShape } from '../../protocol/shapes';
import { SendMessageRequest } from '../../protocol/messages';
import { InitializeRequest } from '../../protocol/lifecycle';

describe('protocol: names and shapes', () => {
	it('accepts nicks of a letter then letters, digits, _ or -, up to 32', () => {
		for (const nick of ['a', 'Kim', 'x_y-z9', 'A'.repeat(32)]) {
			assert.equal(isValidNick(nick), true, nick);
			assert.equal(nickProblem(nick), undefined);
		}
		const bad: [string, RegExp][] = [['', /empty/], ['1a', /start with a letter/], ['_a', /start with a letter/], ['a b', /only letters/], ['ünï', /start with a letter/], ['a'.repeat(33), /at most 32/]];
		for (const [nick, why] of bad) {
			assert.equal(isValidNick(nick), false, nick);
			assert.match(nickProblem(nick) ?? '', why);
		}
	});

	it('accepts channels of # then 1 to 32 letters, digits, - or _, case-insensitively', () => {
		for (const name of ['#a', '#General', '#rust-lang_2', '#' + 'x'.repeat(32), '#123']) {
			assert.equal(isValidChannelName(name), true, name);
		}
		for (const name of ['general', '#', '##a', '#a.b', '#' + 'x'.repeat(33)]) {
			assert.equal(isValidChannelName(name), false, name);
			assert.ok(channelProblem(name));
		}
		assert.equal(normalizeChannel('#General'), '#general');
	});

	it('checks params against a method shape and names the field', () => {
		assert.equal(checkShape({ to: '#a', text: 'hi' }, SendMessageRequest.params), undefined);
		assert.equal(checkShape({ to: '#a', text: 'hi', extra: 1 }, SendMessageRequest.params), undefined, 'unknown fields are allowed');
		assert.deepEqual(checkShape({ to: '#a' }, SendMessageRequest.params), { field: 'text', message: "Missing required field 'text' (a string)." });
		assert.deepEqual(checkShape({ to: '#a', text: null }, SendMessageRequest.params), { field: 'text', message: "Field 'text' must be a string, not null." });
		assert.equal(checkShape([], SendMessageRequest.params)?.field, 'params');
		assert.equal(checkShape({ protocolVersion: 1, nick: 'a', clientInfo: 'x' }, InitializeRequest.params)?.field, 'clientInfo');
		assert.equal(checkShape({ protocolVersion: 1, nick: 'a', clientInfo: { name: 3 } }, InitializeRequest.params)?.field, 'clientInfo.name');
	});
});

import * as assert from 'node:assert/strict';
import { ResponseError } from 'vscode-jsonrpc/node';
import { ErrorCodes } from '../../protocol/errors';
import { Backoff } from '../../extension/client/backoff';
import { missingSecret, PasswordVault } from '../../extension/client/credentials';
import { redactText, redactValue } from '../../extension/client/redact';
import { MemorySecretStore } from './harness';
import { ConversationStore, type StoreChange } from '../../extension/client/conversationStore';
import { mentionsNick } from '../../protocol/mentions';
import { Outbox } from '../../extension/client/outbox';
import type { Message } from '../../protocol/types';

let nextTs = 1;
function msg(id: number, from: string, to: string, text = `m${id}`, clientMsgId?: string): Message {
	return { id, ts: nextTs++, from, to, text, ...(clientMsgId ? { clientMsgId } : {}) };
}

describe('client units', () => {
	describe('Backoff', () => {
		it('grows exponentially up to the cap, with jitter inside [1 - jitter, 1] of the step', () => {
			const high = new Backoff({ initialDelayMs: 100, maxDelayMs: 1000, random: () => 1 });
			assert.deepEqual([1, 2, 3, 4, 5, 6].map(() => high.next()), [100, 200, 400, 800, 1000, 1000]);
			const low = new Backoff({ initialDelayMs: 100, maxDelayMs: 1000, jitter: 0.5, random: () => 0 });
			assert.deepEqual([1, 2, 3].map(() => low.next()), [50, 100, 200]);
			assert.equal(low.attempts, 3);
			low.reset();
			assert.equal(low.next(), 50);
		});
	});

	describe('redaction', () => {
		it('hides passwords, tokens and the resume token in trace text and values', () => {
			const params = { protocolVersion: 1, nick: 'kim', password: 'p"w\\1', serverPassword: 's', adminToken: 'a', resumeToken: 'r' };
			const text = redactText(`Params: ${JSON.stringify(params, null, 4)}\n\nResult: {"resumeToken":"r2","nick":"kim"}`);
			for (const secret of ['p\\"w', 's"', '"a"', '"r"', 'r2']) {
				assert.ok(!text.includes(secret), `${secret} in ${text}`);
			}
			assert.match(text, /"password": "\*\*\*"/);
			assert.match(text, /"nick": "kim"/);
			assert.deepEqual(redactValue({ params: [params], token: 't' }), {
				params: [{ protocolVersion: 1, nick: 'kim', password: '***', serverPassword: '***', adminToken: '***', resumeToken: '***' }], token: 't',
			});
		});
	});

	describe('passwords', () => {
		it('tells which password a refused login lacks from the error\'s data.secret', () => {
			const refusal = (data: unknown, code: number = ErrorCodes.AuthFailed) => missingSecret(new ResponseError(code, 'any wording', data));
			assert.equal(refusal({ secret: 'serverPassword' }), 'serverPassword');
			assert.equal(refusal({ secret: 'password' }), 'password');
			assert.equal(refusal({ secret: 'adminToken' }), undefined);
			assert.equal(refusal(undefined), undefined);
			assert.equal(refusal({ secret: 'password' }, ErrorCodes.RateLimited), undefined);
			assert.equal(missingSecret(new Error('x')), undefined);
		});

		it('keys saved passwords by server and nick in lower case, and forgets them all through its index', async () => {
			const store = new MemorySecretStore();
			const vault = new PasswordVault(store);
			const server = { host: 'Chat.Example.com', port: 7420 };
			await Promise.all([
				vault.save(server, 'Kim', { password: 'kim-pw', serverPassword: 'srv-pw' }),
				vault.save({ host: '::1', port: 7000 }, 'lee', { password: 'lee-pw' }),
			]);
			assert.deepEqual([...store.values.keys()].filter((k) => k !== 'parley.passwords').sort(), [
				'parley.password/[::1]:7000/lee', 'parley.password/chat.example.com:7420/kim', 'parley.serverPassword/chat.example.com:7420',
			]);
			assert.deepEqual(await vault.forLogin({ host: 'chat.example.com', port: 7420 }, 'KIM'), { password: 'kim-pw', serverPassword: 'srv-pw' });
			assert.deepEqual(await vault.forLogin(server, 'other'), { serverPassword: 'srv-pw' });
			assert.equal(await vault.count(), 3, 'concurrent saves both reached the index');
			assert.equal(await vault.forgetAll(), 3);
			assert.deepEqual(await vault.forLogin(server, 'kim'), {});
		});
	});

	describe('mentionsNick', () => {
		it('matches the nick as a word, with or without @, ignoring case', () => {
			assert.ok(mentionsNick('hi kim', 'kim'));
			assert.ok(mentionsNick('@Kim: look', 'kim'));
			assert.ok(mentionsNick('kim, you there?', 'Kim'));
			assert.ok(!mentionsNick('kimberly is here', 'kim'));
			assert.ok(!mentionsNick('joakim', 'kim'));
			assert.ok(!mentionsNick('kim-2 said', 'kim'));
			assert.ok(mentionsNick('ping a.b', 'a'));
		});
	});

	describe('Outbox', () => {
		it('keeps entries in order with stable ids until removed', () => {
			const outbox = new Outbox();
			const a = outbox.add('#x', '#x', 'one');
			const b = outbox.add('#x', '#x', 'two');
			assert.match(a.clientMsgId, /^[0-9a-f-]{36}$/);
			assert.notEqual(a.clientMsgId, b.clientMsgId);
			assert.equal(outbox.peek(), a);
			outbox.remove(a.clientMsgId);
			assert.equal(outbox.peek(), b);
			outbox.add('#y', '#y', 'three');
			assert.equal(outbox.removeConversation('#x').length, 1);
			assert.equal(outbox.size, 1);
		});
	});

	describe('ConversationStore', () => {
		function store(self = 'me'): { store: ConversationStore; changes: StoreChange[] } {
			const s = new ConversationStore();
			s.setSelf(self);
			const changes: StoreChange[] = [];
			s.onDidChange((c) => changes.push(c));
			return { store: s, changes };
		}

		it('stores each message once, in id order, whatever order they arrive in', () => {
			const { store: s, changes } = store();
			s.addMessages([msg(5, 'a', '#c'), msg(3, 'a', '#c')], true);
			s.addMessages([msg(4, 'a', '#c'), msg(5, 'a', '#c'), msg(6, 'a', '#c')], true);
			s.addMessages([msg(3, 'a', '#c')], true);
			const c = s.get('#C')!;
			assert.deepEqual(c.messageIds(), [3, 4, 5, 6]);
			assert.equal(c.unread, 4, 'duplicates do not count');
			assert.equal(c.lastSeenId, 6);
			assert.ok(changes.some((x) => x.kind === 'timeline'), 'an insertion in the middle replaces the timeline');
		});

		it('reports an append when new messages go to the end, after earlier event lines', () => {
			const { store: s, changes } = store();
			s.applyJoin({ name: '#c' }, ['me'], [msg(1, 'a', '#c')], false);
			s.memberJoined('#c', 'bob');
			changes.length = 0;
			s.addMessages([msg(2, 'bob', '#c')], true);
			const appends = changes.filter((x) => x.kind === 'appended');
			assert.equal(appends.length, 1);
			const kinds = s.get('#c')!.timeline().map((i) => (i.kind === 'message' ? i.message.id : i.text));
			assert.deepEqual(kinds, [1, 'bob joined #c', 2]);
		});

		it('counts unread and mentions until the panel shows them, and reads new ones at once while it follows the conversation', () => {
			const { store: s, changes } = store('kim');
			const reads: number[] = [];
			s.onDidRead((r) => reads.push(r.id));
			s.applyJoin({ name: '#c' }, ['kim'], [], false);
			s.addMessages([msg(1, 'a', '#c', 'hello'), msg(2, 'a', '#c', 'kim: look'), msg(3, 'kim', '#c', 'mine')], true);
			assert.deepEqual(s.totals(), { unread: 2, mentions: 1 });
			s.addMessages([msg(4, 'bob', 'kim', 'dm')], true);
			assert.equal(s.get('bob')?.kind, 'dm');
			assert.deepEqual(s.totals(), { unread: 3, mentions: 2 });
			s.setActive('#c');
			s.setVisible(true);
			assert.equal(s.get('#c')!.unread, 2, 'opening is not reading: only what was on screen is');
			s.markSeen('#c', 1, false);
			assert.deepEqual([s.get('#c')!.unread, s.get('#c')!.mentions, s.get('#c')!.lastReadId], [1, 1, 1]);
			s.addMessages([msg(5, 'a', '#c', 'while scrolled up')], true);
			assert.equal(s.get('#c')!.unread, 2, 'not following: new messages are unread');
			s.markSeen('#c', 5, true);
			assert.deepEqual([s.get('#c')!.unread, s.get('#c')!.mentions], [0, 0]);
			s.addMessages([msg(6, 'a', '#c', 'seen at once')], true);
			assert.equal(s.get('#c')!.unread, 0, 'following in a visible panel: read as it arrives');
			assert.equal(s.get('#c')!.lastReadId, 6);
			s.setVisible(false);
			s.addMessages([msg(7, 'a', '#c', 'panel hidden')], true);
			assert.equal(s.get('#c')!.unread, 1);
			s.markSeen('#c', 3, false);
			assert.equal(s.get('#c')!.lastReadId, 6, 'a marker never moves back');
			assert.deepEqual(reads, [1, 5, 6]);
			const views = changes.filter((c) => c.kind === 'conversations').at(-1);
			assert.ok(views?.kind === 'conversations' && views.conversations.find((c) => c.id === '#c')?.lastReadId === 6);
		});

		it('takes an account\'s counts from the server and moves them when another window reads', () => {
			const { store: s } = store('kim');
			const reads: number[] = [];
			s.onDidRead((r) => reads.push(r.id));
			// Already in #old from an earlier session; #gone was left meanwhile in another window.
			s.applyJoin({ name: '#gone' }, ['kim'], [], false);
			const gone = s.applyServerState([
				{ conversation: '#c', lastReadId: 10, unread: 3, mentions: 1, lastMessageId: 13 },
				{ conversation: 'Bob', lastReadId: 0, unread: 2, mentions: 2, lastMessageId: 21 },
			]);
			assert.deepEqual(gone, ['#gone']);
			assert.deepEqual(s.list().map((c) => c.id), ['#c', 'bob']);
			assert.deepEqual(s.totals(), { unread: 5, mentions: 3 });
			// The rejoin's history holds what the server counted: not counted twice.
			s.applyJoin({ name: '#c' }, ['kim', 'a'], [msg(9, 'a', '#c'), msg(10, 'a', '#c'), msg(11, 'a', '#c'), msg(12, 'a', '#c', 'kim!'), msg(13, 'a', '#c')], false);
			assert.deepEqual([s.get('#c')!.unread, s.get('#c')!.mentions], [3, 1]);
			s.addMessages([msg(14, 'a', '#c', 'new')], true);
			assert.equal(s.get('#c')!.unread, 4);
			// Another window read up to 12.
			s.applyRead('#c', 12);
			assert.deepEqual([s.get('#c')!.unread, s.get('#c')!.mentions, s.get('#c')!.lastReadId], [2, 0, 12]);
			s.applyRead('bob', 21);
			assert.deepEqual([s.get('bob')!.unread, s.get('bob')!.mentions], [0, 0]);
			assert.deepEqual(reads, [], 'what the server said is not sent back to it');
		});


		it('replaces a pending item when its message is acknowledged or arrives through history', () => {
			const { store: s, changes } = store('me');
			const settled: string[] = [];
			s.onDidSettlePending((p) => settled.push(p.clientMsgId));
			s.applyJoin({ name: '#c' }, ['me'], [], false);
			s.addPending('#c', '#c', 'hi', 'id-1');
			s.addPending('#c', '#c', 'there', 'id-2');
			assert.equal(s.get('#c')!.timeline().filter((i) => i.kind === 'message' && i.pending).length, 2);
			s.acknowledge('id-1', msg(10, 'me', '#c', 'hi', 'id-1'));
			assert.ok(changes.some((x) => x.kind === 'acknowledged' && x.clientMsgId === 'id-1'));
			s.addMessages([msg(11, 'me', '#c', 'there', 'id-2')], true);
			assert.equal(s.get('#c')!.hasPending('id-2'), false, 'history resolved the pending item');
			assert.deepEqual(settled, ['id-2'], 'only history settles (the outbox then drops the entry)');
			s.acknowledge('id-2', msg(11, 'me', '#c', 'there', 'id-2'));
			assert.deepEqual(s.get('#c')!.messageIds(), [10, 11]);
			assert.equal(s.get('#c')!.unread, 0, 'own messages are never unread');
		});

		it('merges a rejoin: history newer than the last id seen counts as unread, older does not', () => {
			const { store: s } = store();
			s.applyJoin({ name: '#c' }, ['me'], [msg(1, 'a', '#c'), msg(2, 'a', '#c')], false);
			assert.equal(s.get('#c')!.unread, 0);
			s.applyJoin({ name: '#c', topic: 'new' }, ['me', 'a'], [msg(1, 'a', '#c'), msg(2, 'a', '#c'), msg(3, 'a', '#c')], false);
			const c = s.get('#c')!;
			assert.deepEqual(c.messageIds(), [1, 2, 3]);
			assert.equal(c.unread, 1);
			assert.equal(c.topic, 'new');
		});

		it('keeps a bounded timeline and then says there is more before', () => {
			const { store: s } = store();
			s.applyJoin({ name: '#c' }, ['me'], [], false);
			s.addMessages(Array.from({ length: 1001 }, (_, i) => msg(i + 1, 'a', '#c')), false);
			const c = s.get('#c')!;
			assert.ok(c.timeline().length <= 1000);
			assert.equal(c.hasMoreBefore, true);
			assert.equal(c.lastSeenId, 1001);
		});

		it('follows presence: online, away and offline members, and the other party of a DM', () => {
			const { store: s, changes } = store('me');
			s.applyJoin({ name: '#c' }, [{ nick: 'me', online: true, role: 'owner' }, { nick: 'ann', online: false, role: 'member' }], [], false);
			s.ensureDirect('ann');
			s.presenceChanged('ann', 'online');
			assert.deepEqual(s.get('#c')!.members?.find((m) => m.nick === 'ann'), { nick: 'ann', online: true, role: 'member', away: false });
			s.presenceChanged('ann', 'away');
			const last = changes.filter((c) => c.kind === 'members').at(-1);
			assert.ok(last?.kind === 'members' && last.members.some((m) => m.nick === 'ann' && m.online && m.away === true));
			assert.deepEqual([s.get('ann')!.view().online, s.get('ann')!.view().away], [true, true]);
			s.presenceChanged('ann', 'offline');
			assert.deepEqual([s.get('ann')!.view().online, s.get('ann')!.view().away], [false, undefined]);
			assert.ok(s.get('#c')!.members!.some((m) => m.nick === 'ann'), 'going offline is not leaving');
			assert.ok(!s.get('#c')!.timeline().some((i) => i.kind === 'event'), 'no line for presence');
		});

		it('renames members and the user on a nick change', () => {
			const { store: s } = store('me');
			s.applyJoin({ name: '#c' }, ['me', 'bob'], [], false);
			s.nickChanged('bob', 'robert');
			assert.deepEqual(s.get('#c')!.members?.map((m) => m.nick), ['me', 'robert']);
			s.nickChanged('me', 'myself');
			assert.equal(s.selfNick, 'myself');
		});
	});
});

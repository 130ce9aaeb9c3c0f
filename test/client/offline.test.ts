import * as assert from 'node:assert/strict';
import { ConversationStore } from '../../extension/client/conversationStore';
import { CACHE_LIMITS, parseCache, parseOutbox, restoreCache, snapshotCache } from '../../extension/client/offlineCache';
import type { TimelineEntry } from '../../extension/client/storeChanges';
import type { Message } from '../../protocol/types';
import { createHarness, texts, until, waitFor } from './harness';
import { TcpProxy } from './proxy';

let nextTs = 1;
function msg(id: number, from: string, to: string, text = `m${id}`): Message {
	return { id, ts: nextTs++, from, to, text };
}

function key(entry: TimelineEntry): string {
	return entry.kind === 'event' ? `e:${entry.id}` : entry.pending ? `p:${entry.message.clientMsgId}` : `m:${entry.message.id}`;
}

/**
 * What the webview ends up showing when it applies the store's changes as media/state.ts
 * does: `appended` after everything (pending messages included), `acknowledged` in place.
 */
function webviewOf(store: ConversationStore): Map<string, TimelineEntry[]> {
	const shown = new Map<string, TimelineEntry[]>();
	store.onDidChange((change) => {
		const list = 'conversation' in change ? shown.get(change.conversation) ?? [] : [];
		switch (change.kind) {
			case 'timeline':
				shown.set(change.conversation, [...change.entries]);
				break;
			case 'appended':
				shown.set(change.conversation, [...list, ...change.entries.filter((e) => !list.some((i) => key(i) === key(e)))]);
				break;
			case 'prepended':
				shown.set(change.conversation, [...change.entries, ...list]);
				break;
			case 'acknowledged': {
				const at = list.findIndex((i) => i.kind === 'message' && i.pending === true && i.message.clientMsgId === change.clientMsgId);
				if (at >= 0) {
					list.splice(at, 1, { kind: 'message', message: change.message });
				}
				break;
			}
			default:
				break;
		}
	});
	return shown;
}

function shownTexts(shown: Map<string, TimelineEntry[]>, id: string): string[] {
	return (shown.get(id) ?? []).flatMap((e) => (e.kind === 'message' ? [`${e.message.text}${e.pending ? ' (pending)' : ''}`] : []));
}

describe('client: offline order and the offline cache', function () {
	this.timeout(15_000);

	describe('outbox order in the timeline', () => {
		it('shows messages typed offline after what others said meanwhile, by the id the server gave them', () => {
			const store = new ConversationStore();
			store.setSelf('me');
			const shown = webviewOf(store);
			store.applyJoin({ name: '#c' }, ['me', 'ann'], [msg(1, 'ann', '#c', 'before')], false);
			store.addPending('#c', '#c', 'typed offline 1', 'p1');
			store.addPending('#c', '#c', 'typed offline 2', 'p2');
			// The catch-up after the reconnect, then the outbox.
			store.addMessages([msg(2, 'ann', '#c', 'meanwhile 1'), msg(3, 'ann', '#c', 'meanwhile 2')], true);
			assert.deepEqual(shownTexts(shown, '#c'), ['before', 'meanwhile 1', 'meanwhile 2', 'typed offline 1 (pending)', 'typed offline 2 (pending)']);
			store.acknowledge('p1', { ...msg(4, 'me', '#c', 'typed offline 1'), clientMsgId: 'p1' });
			// A live message stored between the two sends.
			store.addMessages([msg(5, 'ann', '#c', 'live')], true);
			store.acknowledge('p2', { ...msg(6, 'me', '#c', 'typed offline 2'), clientMsgId: 'p2' });
			const expected = ['before', 'meanwhile 1', 'meanwhile 2', 'typed offline 1', 'live', 'typed offline 2'];
			assert.deepEqual(shownTexts(shown, '#c'), expected);
			assert.deepEqual(store.get('#c')!.messages().map((m) => m.text), expected);
		});

		it('places an acknowledged message by id when a later one arrived first', () => {
			const store = new ConversationStore();
			store.setSelf('me');
			const shown = webviewOf(store);
			store.applyJoin({ name: '#c' }, ['me'], [], false);
			store.addPending('#c', '#c', 'mine', 'p1');
			store.addMessages([msg(8, 'ann', '#c', 'later')], true);
			store.acknowledge('p1', { ...msg(7, 'me', '#c', 'mine'), clientMsgId: 'p1' });
			assert.deepEqual(shownTexts(shown, '#c'), ['mine', 'later']);
		});
	});

	describe('offline cache', () => {
		function filledStore(): ConversationStore {
			const store = new ConversationStore();
			store.setSelf('kim');
			store.applyJoin({ name: '#dev', topic: 'shipping' }, ['kim', 'ann'], Array.from({ length: 80 }, (_, i) => msg(i + 1, 'ann', '#dev')), true);
			store.applyDirectHistory('Bob', [msg(100, 'Bob', 'kim', 'hi kim'), msg(101, 'kim', 'Bob', 'hi bob')], false);
			store.ensureChannel('#left');
			return store;
		}

		it('keeps joined channels and DMs with their latest messages, and restores them', () => {
			const cache = snapshotCache(filledStore(), 'kim');
			assert.deepEqual(cache.conversations.map((c) => c.id), ['bob', '#dev'], 'newest first; not the channel left');
			const dev = cache.conversations.find((c) => c.id === '#dev')!;
			assert.equal(dev.messages.length, CACHE_LIMITS.messagesPerConversation);
			assert.equal(dev.messages.at(-1)?.id, 80);
			assert.equal(dev.hasMoreBefore, true);
			assert.equal(dev.topic, 'shipping');

			const parsed = parseCache(JSON.parse(JSON.stringify(cache)));
			assert.ok(parsed);
			const store = new ConversationStore();
			restoreCache(store, parsed);
			assert.equal(store.selfNick, 'kim');
			assert.deepEqual(store.list().map((c) => [c.id, c.name, c.joined, c.loaded, c.lastSeenId]), [['#dev', '#dev', true, true, 80], ['bob', 'Bob', false, true, 101]]);
			assert.equal(store.get('#dev')!.topic, 'shipping');
			const timeline = store.snapshot().find((c) => c.kind === 'timeline' && c.conversation === '#dev');
			assert.ok(timeline?.kind === 'timeline' && timeline.hasMoreBefore && timeline.entries.length === 50);
		});

		it('stays within its size budget', () => {
			const store = new ConversationStore();
			store.setSelf('kim');
			const long = 'x'.repeat(3900);
			for (let c = 0; c < 10; c++) {
				store.applyJoin({ name: `#c${c}` }, ['kim'], Array.from({ length: 50 }, (_, i) => msg(c * 100 + i + 1, 'ann', `#c${c}`, long)), false);
			}
			const cache = snapshotCache(store, 'kim');
			assert.ok(JSON.stringify(cache).length <= CACHE_LIMITS.chars + 1000, `${JSON.stringify(cache).length} characters`);
			assert.equal(cache.conversations.length, 10);
			assert.ok(cache.conversations.every((c) => c.messages.length > 0 && c.hasMoreBefore));
		});

		it('refuses what is not a cache, and messages that do not belong to their conversation', () => {
			for (const bad of [undefined, null, 'x', { v: 2, nick: 'kim', conversations: [] }, { v: 1, nick: '9x', conversations: [] }, { v: 1, nick: 'kim', conversations: [{ id: '#a' }] }]) {
				assert.equal(parseCache(bad), undefined, JSON.stringify(bad));
			}
			const cache = {
				v: 1, nick: 'kim', conversations: [
					{ id: '#a', kind: 'channel', name: '#a', joined: true, hasMoreBefore: false, messages: [msg(1, 'x', '#b')] },
					{ id: 'bob', kind: 'dm', name: 'bob', joined: false, hasMoreBefore: false, messages: [msg(2, 'bob', 'kim')] },
					{ id: '#B', kind: 'channel', name: '#B', joined: true, hasMoreBefore: false, messages: [] },
				],
			};
			assert.deepEqual(parseCache(cache)?.conversations.map((c) => c.id), ['bob']);
			assert.deepEqual(parseOutbox([{ clientMsgId: 'a', conversation: '#a', to: '#a', text: 'hi' }, 7]), []);
			assert.deepEqual(parseOutbox([{ clientMsgId: 'a', conversation: '#a', to: '#a', text: 'hi' }]).length, 1);
		});
	});

	describe('against a real server', () => {
		const h = createHarness();
		afterEach(() => h.cleanup());

		it('messages typed offline land after what was said meanwhile, in the same order for everyone', async () => {
			const server = await h.server();
			const proxy = await TcpProxy.start(server.port);
			// Retries only when the test says (reconnectNow).
			const kim = h.client(proxy.port, { backoff: { initialDelayMs: 60_000, maxDelayMs: 60_000 } });
			const shown = webviewOf(kim.store);
			await kim.connect('kim');
			await kim.join('#room');
			const ann = await h.login(server.port, 'ann');
			await ann.join('#room');

			const lost = waitFor(kim.onDidChangeStatus, (status) => status.state === 'reconnecting', 'reconnecting');
			proxy.last.dropClientSide();
			await lost;
			kim.send('#room', 'offline 1');
			kim.send('#room', 'offline 2');
			ann.send('#room', 'meanwhile 1');
			ann.send('#room', 'meanwhile 2');
			await until(ann.store.onDidChange, () => ann.outbox.size === 0, 'ann\'s messages stored');

			kim.reconnectNow();
			await until(kim.store.onDidChange, () => kim.outbox.size === 0 && kim.isConnected, 'kim\'s outbox to drain');
			await until(ann.store.onDidChange, () => texts(ann, '#room').length === 4, 'ann to get kim\'s messages');
			const order = ['meanwhile 1', 'meanwhile 2', 'offline 1', 'offline 2'];
			assert.deepEqual(texts(ann, '#room'), order);
			assert.deepEqual(texts(kim, '#room'), order);
			assert.deepEqual(shownTexts(shown, '#room'), order, 'the panel shows the same order');
		});
	});
});

/**
 * Unread replies of the threads the user takes part in (extension/client/threadUnread.ts),
 * against a real server: counted live, cleared by opening the thread or reading it in
 * another window, and taken from `initialize` at sign-in.
 */
import * as assert from 'node:assert/strict';
import type { ChatClient } from '../../extension/client/chatClient';
import { PasswordVault } from '../../extension/client/credentials';
import type { ThreadUnreadCount } from '../../extension/client/storeChanges';
import { createHarness, MemorySecretStore, sendAll, texts, until } from './harness';

const PASSWORD = 'correct horse battery';

describe('client: unread thread replies (real server)', function () {
	this.timeout(15_000);
	const h = createHarness();
	afterEach(() => h.cleanup());

	function unread(client: ChatClient, conversation: string, root: number): ThreadUnreadCount | undefined {
		return client.messages.unread.counts(conversation).find((t) => t.id === root);
	}

	/** alice (an account, signed in with `vault`) and bob (a guest) in #room; alice's root question. */
	async function setup(): Promise<{ port: number; vault: PasswordVault; alice: ChatClient; bob: ChatClient; root: number }> {
		const server = await h.server();
		const vault = new PasswordVault(new MemorySecretStore());
		const alice = await h.login(server.port, 'alice', { passwords: vault });
		await alice.register(PASSWORD);
		await alice.join('#room');
		const bob = await h.login(server.port, 'bob');
		await bob.join('#room');
		await sendAll(alice, '#room', ['root question']);
		await until(bob.store.onDidChange, () => texts(bob, '#room').includes('root question'), 'bob to see the root');
		const root = alice.store.get('#room')!.messages().find((m) => m.text === 'root question')!.id;
		return { port: server.port, vault, alice, bob, root };
	}

	it('counts replies to the user\'s root, marks one that names the user, and clears them when the thread is opened', async () => {
		const { alice, bob, root } = await setup();
		await bob.messages.reply('#room', root, 'an answer', false);
		await until(alice.store.onDidChange, () => unread(alice, '#room', root)?.unread === 1, 'alice to see 1 unread reply');
		assert.deepEqual(unread(alice, '#room', root), { id: root, unread: 1, mentions: 0 });
		await bob.messages.reply('#room', root, 'alice: does that help?', false);
		await until(alice.store.onDidChange, () => unread(alice, '#room', root)?.unread === 2, 'alice to see 2 unread replies');
		assert.equal(unread(alice, '#room', root)?.mentions, 1, 'the reply naming alice is a mention');
		assert.equal(bob.messages.unread.counts('#room').length, 0, 'the replier has nothing unread (and a guest takes part in nothing)');

		await alice.messages.openThread(root);
		assert.equal(unread(alice, '#room', root), undefined, 'opening the thread reads it');
		assert.deepEqual(alice.messages.unread.counts('#room'), []);
	});

	it('counts a thread the user takes no part in only from a reply naming the user, or after replying', async () => {
		const { alice, bob } = await setup();
		await sendAll(bob, '#room', ['bob asks']);
		await until(alice.store.onDidChange, () => texts(alice, '#room').includes('bob asks'), 'alice to see bob\'s root');
		const bobs = alice.store.get('#room')!.messages().find((m) => m.text === 'bob asks')!.id;
		await bob.messages.reply('#room', bobs, 'talking to myself', false);
		await bob.messages.reply('#room', bobs, 'alice, any idea?', false);
		await until(alice.store.onDidChange, () => unread(alice, '#room', bobs)?.unread === 1, 'the reply naming alice to count');
		assert.equal(unread(alice, '#room', bobs)?.mentions, 1, 'only the reply that named her; the one before it does not count');

		// Replying reads the thread, and makes her take part in it.
		await alice.messages.reply('#room', bobs, 'no idea, sorry', false);
		assert.equal(unread(alice, '#room', bobs), undefined, 'her own reply reads what came before');
		await bob.messages.reply('#room', bobs, 'thanks anyway', false);
		await until(alice.store.onDidChange, () => unread(alice, '#room', bobs)?.unread === 1, 'a reply after hers to count');
		assert.equal(unread(alice, '#room', bobs)?.mentions, 0);
	});

	it('reads replies that come while the thread is in sight (readThread), on the server too', async () => {
		const { port, vault, alice, bob, root } = await setup();
		await alice.messages.openThread(root);
		await bob.messages.reply('#room', root, 'live answer', false);
		await until(alice.store.onDidChange, () => unread(alice, '#room', root)?.unread === 1, 'alice to count the live reply');
		await alice.messages.readThread('#room', root);
		assert.equal(unread(alice, '#room', root), undefined);
		const again = h.client(port, { passwords: vault });
		await again.connect('alice');
		assert.deepEqual(again.messages.unread.counts('#room'), [], 'the server\'s marker moved too');
	});

	it('takes the count from initialize at sign-in, and clears it when another window reads the thread', async () => {
		const { port, vault, alice, bob, root } = await setup();
		await alice.disconnect();
		await bob.messages.reply('#room', root, 'alice, still there?', false);
		await bob.messages.reply('#room', root, 'while you were away', false);

		const one = h.client(port, { passwords: vault });
		await one.connect('alice');
		assert.deepEqual(unread(one, '#room', root), { id: root, unread: 2, mentions: 1 }, 'the server\'s count, from initialize');
		const two = h.client(port, { passwords: vault });
		await two.connect('alice');
		assert.equal(unread(two, '#room', root)?.unread, 2);

		await two.messages.openThread(root);
		assert.equal(unread(two, '#room', root), undefined);
		await until(one.store.onDidChange, () => unread(one, '#room', root) === undefined, 'the other window to clear it on conversation/threadRead');

		const three = h.client(port, { passwords: vault });
		await three.connect('alice');
		assert.deepEqual(three.messages.unread.counts('#room'), [], 'read on the server too');
	});
});

/**
 * One account in several windows (ChatClients) against a real server: signing in with the
 * saved password, the server's conversations and counts, read markers shared, joins and
 * leaves followed, presence instead of leave lines, channels created and moderated.
 */
import * as assert from 'node:assert/strict';
import type { ChatClient } from '../../extension/client/chatClient';
import { PasswordVault } from '../../extension/client/credentials';
import { createHarness, MemorySecretStore, texts, until, waitFor } from './harness';

const PASSWORD = 'correct horse battery';

describe('client: one account in several windows (real server)', function () {
	this.timeout(15_000);
	const h = createHarness();
	afterEach(() => h.cleanup());

	/** Registers `nick` and returns a vault with its password saved, as "Remember" leaves it. */
	async function account(port: number, nick: string): Promise<PasswordVault> {
		const vault = new PasswordVault(new MemorySecretStore());
		const first = await h.login(port, nick, { passwords: vault });
		await first.register(PASSWORD);
		await first.disconnect();
		return vault;
	}

	/** A window: a client signed in as `nick` with the saved password. */
	async function window(port: number, nick: string, vault: PasswordVault): Promise<ChatClient> {
		const client = h.client(port, { passwords: vault });
		await client.connect(nick);
		return client;
	}

	function counts(client: ChatClient, id: string): [number, number] {
		const c = client.store.get(id);
		return [c?.unread ?? -1, c?.mentions ?? -1];
	}

	it('signs a second window in as the same account, with the saved password, and both follow the conversation', async () => {
		const server = await h.server();
		const vault = await account(server.port, 'kim');
		const one = await window(server.port, 'kim', vault);
		await one.join('#dev');
		const two = await window(server.port, 'kim', vault);
		assert.equal(two.nick, 'kim', 'the same account, not another nick');
		assert.equal(two.isRegistered, true);
		await until(two.store.onDidChange, () => two.store.get('#dev')?.joined === true && two.store.get('#dev')!.loaded, 'the second window to show #dev, from the server\'s conversations');

		const notified: string[] = [];
		two.onDidReceiveMessage((m) => notified.push(m.message.text));
		one.send('#dev', 'sent from window one');
		await until(two.store.onDidChange, () => texts(two, '#dev').includes('sent from window one'), 'window two to show window one\'s message');
		assert.deepEqual(counts(two, '#dev'), [0, 0], 'one\'s own messages are not unread');
		assert.deepEqual(notified, [], 'nor a notification');
	});

	it('shows the same unread counts in every window, and reading in one updates the other at once', async () => {
		const server = await h.server();
		const vault = await account(server.port, 'kim');
		const one = await window(server.port, 'kim', vault);
		await one.join('#dev');
		const two = await window(server.port, 'kim', vault);
		await until(two.store.onDidChange, () => two.store.get('#dev')?.loaded === true, '#dev in window two');
		const ann = await h.login(server.port, 'ann');
		await ann.join('#dev');
		for (const text of ['one', 'two', 'kim: three', 'four']) {
			ann.send('#dev', text);
		}
		await until(one.store.onDidChange, () => one.store.get('#dev')!.unread === 4, 'window one to count 4 unread');
		await until(two.store.onDidChange, () => two.store.get('#dev')!.unread === 4, 'window two to count 4 unread');
		assert.deepEqual(counts(one, '#dev'), [4, 1]);
		assert.deepEqual(counts(two, '#dev'), [4, 1]);

		// Window one shows #dev and its panel has had the first three messages on screen.
		const third = one.store.get('#dev')!.messages().find((m) => m.text === 'kim: three')!;
		one.store.setVisible(true);
		one.store.setActive('#dev');
		one.markSeen('#dev', third.id, false);
		assert.deepEqual(counts(one, '#dev'), [1, 0]);
		await until(two.store.onDidChange, () => two.store.get('#dev')!.unread === 1, 'window two to hear of the read (conversation/read)');
		assert.deepEqual(counts(two, '#dev'), [1, 0]);
		assert.equal(two.store.get('#dev')!.lastReadId, third.id);

		// A third window signing in later starts from the server's counts.
		const three = await window(server.port, 'kim', vault);
		assert.deepEqual(counts(three, '#dev'), [1, 0]);
		await until(three.store.onDidChange, () => three.store.get('#dev')?.loaded === true, '#dev loaded in window three');
		assert.deepEqual(counts(three, '#dev'), [1, 0], 'the history the rejoin brings is not counted again');
	});

	it('follows joins and leaves made in another window; an account\'s disconnect is presence, not a leave', async () => {
		const server = await h.server();
		const vault = await account(server.port, 'kim');
		const one = await window(server.port, 'kim', vault);
		const two = await window(server.port, 'kim', vault);
		const ann = await h.login(server.port, 'ann');
		await ann.join('#ops');
		ann.send('#ops', 'welcome');

		await one.join('#ops');
		await until(two.store.onDidChange, () => two.store.get('#ops')?.joined === true && texts(two, '#ops').includes('welcome'), 'window two to show #ops, joined in window one');
		await until(ann.store.onDidChange, () => ann.store.get('#ops')?.members?.some((m) => m.nick === 'kim') ?? false, 'ann to see kim join');

		// Both of kim's windows close: ann sees kim go offline, but no "kim left".
		const offline = until(ann.store.onDidChange, () => ann.store.get('#ops')?.members?.find((m) => m.nick === 'kim')?.online === false, 'kim offline in ann\'s member list');
		await Promise.all([one.disconnect(), two.disconnect()]);
		await offline;
		assert.ok(!ann.store.get('#ops')!.timeline().some((i) => i.kind === 'event' && /kim left/.test(i.text)), 'no leave line for a disconnect');
		assert.ok(ann.store.get('#ops')!.members!.some((m) => m.nick === 'kim'), 'kim is still a member');

		// Back, and leaving in one window leaves in the other.
		const three = await window(server.port, 'kim', vault);
		const four = await window(server.port, 'kim', vault);
		await until(ann.store.onDidChange, () => ann.store.get('#ops')?.members?.find((m) => m.nick === 'kim')?.online === true, 'kim online again');
		await until(four.store.onDidChange, () => four.store.get('#ops')?.loaded === true, '#ops in window four');
		await three.leave('#ops');
		await until(four.store.onDidChange, () => four.store.get('#ops') === undefined, 'window four to drop #ops');
		await until(ann.store.onDidChange, () => ann.store.get('#ops')!.timeline().some((i) => i.kind === 'event' && i.text === 'kim left #ops'), 'a real leave line');
	});

	it('creates a private channel, invites, sets roles and the topic, kicks and bans; refusals say why', async () => {
		const server = await h.server();
		const vault = await account(server.port, 'kim');
		const kim = await window(server.port, 'kim', vault);
		const lee = await h.login(server.port, 'lee');
		const invited = waitFor(lee.onDidReceiveServerEvent, (e) => e.kind === 'invited', 'lee to be invited');

		const id = await kim.admin.create('#Secret', { private: true });
		assert.equal(id, '#secret');
		const secret = kim.store.get('#secret')!;
		assert.deepEqual([secret.joined, secret.role, secret.isPrivate, kim.store.active], [true, 'owner', true, '#secret']);
		await assert.rejects(lee.join('#secret'), /invit/i, 'a private channel needs an invitation');
		await assert.rejects(kim.admin.create('#secret', { private: false }), (error: Error) => /exists|taken/i.test(error.message));

		await kim.admin.invite('#secret', 'lee');
		assert.match((await invited).text, /kim invited you to #secret/);
		await lee.join('#secret');
		await until(kim.store.onDidChange, () => kim.store.get('#secret')!.members!.some((m) => m.nick === 'lee'), 'lee in kim\'s member list');
		await assert.rejects(lee.admin.kick('#secret', 'kim'), (error: Error) => error.message.length > 0, 'a plain member cannot kick the owner');

		await kim.admin.setRole('#secret', 'lee', 'op');
		await until(lee.store.onDidChange, () => lee.store.get('#secret')!.role === 'op', 'lee to be an op');
		assert.ok(lee.store.get('#secret')!.timeline().some((i) => i.kind === 'event' && i.text === 'kim made you an op'));
		await lee.admin.setTopic('#secret', 'plans');
		await until(kim.store.onDidChange, () => kim.store.get('#secret')!.topic === 'plans', 'the topic');

		await kim.admin.kick('#secret', 'lee', 'enough');
		await until(lee.store.onDidChange, () => lee.store.get('#secret')?.joined === false, 'lee removed');
		assert.ok(lee.store.get('#secret')!.timeline().some((i) => i.kind === 'event' && /You were removed from #secret \(kicked by kim: enough\)/.test(i.text)));
		await kim.admin.invite('#secret', 'lee');
		await kim.admin.ban('#secret', 'lee', 'really enough');
		// A ban also takes the invitation back: the server may say either.
		await assert.rejects(lee.join('#secret'), /ban|invit/i);
		assert.deepEqual((await kim.admin.bans('#secret')).map((b) => b.nick.toLowerCase()), ['lee']);
		await kim.admin.unban('#secret', 'lee');
		assert.deepEqual(await kim.admin.bans('#secret'), []);
	});
});

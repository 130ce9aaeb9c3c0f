/**
 * The cluster's guarantees under failures and skew (docs/cluster.md, "Guarantees" and
 * "Failures"), each against real processes: three `node server` nodes, a real PostgreSQL
 * and a real redis-server. Away statuses through a Redis restart; node clocks minutes
 * apart (libfaketime, Debian's `faketime`); a guest resuming through another node after
 * kill -9; every client's view equal to history under kill -9 with traffic from every
 * node; PostgreSQL stopped and started under the cluster; one node's Redis connections
 * killed (CLIENT KILL) while Redis stays up.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import Redis from 'ioredis';
import { RegisterRequest } from '../../protocol/account';
import { ChannelMembersRequest, JoinChannelRequest, MemberJoinedNotification, MemberLeftNotification } from '../../protocol/channels';
import { DeleteMessageRequest } from '../../protocol/edits';
import { ResyncNotification } from '../../protocol/lifecycle';
import { MessageNewNotification, SendMessageRequest } from '../../protocol/messages';
import { SetStatusRequest, UserListRequest } from '../../protocol/users';
import { eventually, rpcError, type TestClient } from '../helpers/client';
import { IrcTestClient } from '../irc/irc-client';
import { sharedPostgres } from '../helpers/postgres';
import { history, PASSWORD, received, useCluster } from './common';
import type { ClusterHarness } from './harness';

const FAKETIME_LIB = process.env.PARLEY_FAKETIME_LIB ?? '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

/** `nick status [text]` of everyone online, as `viewer`'s node lists them. */
async function statuses(viewer: TestClient): Promise<string[]> {
	const { users } = await viewer.connection.sendRequest(UserListRequest.type, {});
	return users.map((u) => [u.nick, u.status ?? 'online', u.statusText].filter((x) => x !== undefined).join(' '));
}

/** What every node logged so far (stdout and stderr). */
function logs(cluster: ClusterHarness): string {
	return cluster.nodes.map((n) => `${n.proc.stdout}\n${n.proc.stderr}`).join('\n');
}

describe('away statuses through a Redis restart', function () {
	this.timeout(60_000);
	const { cluster, redis } = useCluster();

	it('every node claims its connections\' statuses again with their nicks: users on every node still see who is away', async () => {
		const c = cluster();
		const dee0 = await c.login(0, 'dee');
		await dee0.connection.sendRequest(RegisterRequest.type, { password: PASSWORD });
		const dee1 = await c.login(1, 'dee', { password: PASSWORD });
		const gus = await c.login(2, 'gus');
		const obs = await c.login(0, 'obs');
		// The account's status set through n1, then changed through n0: n0's is the newer one.
		await dee1.connection.sendRequest(SetStatusRequest.type, { status: 'away', text: 'lunch' });
		await dee0.connection.sendRequest(SetStatusRequest.type, { status: 'away', text: 'in a meeting' });
		await gus.connection.sendRequest(SetStatusRequest.type, { status: 'away', text: 'brb' });
		// Away, then back: online again.
		await obs.connection.sendRequest(SetStatusRequest.type, { status: 'away' });
		await obs.connection.sendRequest(SetStatusRequest.type, { status: 'online' });
		const expected = ['dee away in a meeting', 'gus away brb', 'obs online'];
		for (const viewer of [obs, dee1, gus]) {
			assert.deepEqual(await statuses(viewer), expected);
		}

		await redis().kill();
		await redis().resume();
		// Redis is empty now: only the nodes' claims can bring the statuses back.
		for (const viewer of [obs, dee1, gus]) {
			await eventually(async () => JSON.stringify(await statuses(viewer)) === JSON.stringify(expected), `the statuses are back as seen from ${viewer.nick}'s node`, 20_000);
		}
		// Nothing was lost meanwhile: the connections stayed.
		for (const client of [dee0, dee1, gus, obs]) {
			await client.sync();
		}
		// A status set after the restart is the newest, and a new sign-in of a freed nick starts online.
		await dee1.connection.sendRequest(SetStatusRequest.type, { status: 'online' });
		gus.close();
		await eventually(async () => !(await statuses(obs)).some((s) => s.startsWith('gus')), 'gus offline', 10_000);
		const gus2 = await c.login(1, 'gus');
		assert.deepEqual(await statuses(gus2), ['dee online', 'gus online', 'obs online']);
	});
});

describe('node clocks minutes apart (libfaketime)', function () {
	this.timeout(90_000);
	const skewed = (offset: string): NodeJS.ProcessEnv => ({ LD_PRELOAD: FAKETIME_LIB, FAKETIME: offset, FAKETIME_DONT_FAKE_MONOTONIC: '1' });
	// n0 five minutes ahead, n1 five minutes behind, n2 on the machine's clock.
	const offsets = [300_000, -300_000, 0];
	const { cluster, redis } = useCluster({ env: { n0: skewed('+300s'), n1: skewed('-300s') } });

	before(() => {
		assert.ok(fs.existsSync(FAKETIME_LIB), `libfaketime is not installed (no ${FAKETIME_LIB}): apt-get install faketime, or set PARLEY_FAKETIME_LIB`);
	});

	it('one order everywhere, each node\'s own ts, and no lease confused', async () => {
		const c = cluster();
		const senders = await Promise.all([0, 1, 2].map((i) => c.login(i, `talk${i}`)));
		const watchers = await Promise.all([0, 1, 2].map((i) => c.login(i, `watch${i}`)));
		const guests = await Promise.all([0, 1, 2].map((i) => c.login(i, `idle${i}`)));
		for (const client of [...senders, ...watchers]) {
			await client.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		}
		const startedAt = Date.now();
		// Alternately through the three nodes, one after the other: the ts of consecutive
		// messages jump five minutes back and forth, the ids do not.
		const rounds = 10;
		for (let i = 0; i < rounds * 3; i++) {
			const node = i % 3;
			const before = Date.now();
			const { message } = await senders[node].connection.sendRequest(SendMessageRequest.type, { to: '#general', text: `alternate ${i}` });
			const skew = message.ts - before - offsets[node];
			assert.ok(skew >= -1000 && skew <= Date.now() - before + 1000, `message ${i} through n${node}: ts ${message.ts} is not that node's clock (${offsets[node]} ms off, measured ${skew} ms more)`);
		}
		// Then all at once.
		await Promise.all(senders.map(async (client, node) => {
			for (let i = 0; i < rounds; i++) {
				await client.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: `together n${node} ${i}` });
			}
		}));
		const total = rounds * 6;
		const stored = await history(watchers[2], '#general');
		assert.equal(stored.length, total);
		assert.deepEqual(stored.slice(0, rounds * 3).map((m) => m.text), Array.from({ length: rounds * 3 }, (_, i) => `alternate ${i}`));
		const ids = stored.map((m) => m.id);
		assert.deepEqual([...ids].sort((a, b) => a - b), ids, 'history is in id order');
		// Ts are not in order (that is the point), yet every view is history's order.
		assert.ok(stored.some((m, i) => i > 0 && m.ts < stored[i - 1].ts), 'the skew shows in ts');
		for (let node = 0; node < 3; node++) {
			assert.deepEqual(await history(watchers[node], '#general').then((h) => h.map((m) => m.id)), ids, `history through n${node}`);
		}
		for (const client of [...watchers, ...senders]) {
			const expected = stored.filter((m) => m.from !== client.nick).map((m) => m.id);
			await eventually(() => received(client, '#general').length >= expected.length, `${client.nick} has every message`, 15_000);
			await client.sync();
			assert.deepEqual(received(client, '#general').map((m) => m.id), expected, `${client.nick}'s live view is history's order`);
		}

		// Leases: watch each node renew its lease (Redis's TTL goes back up) past one full
		// lease time, then check nobody was reaped or dropped.
		const probe = new Redis(redis().url);
		try {
			const renewals = [0, 0, 0];
			const last = [Infinity, Infinity, Infinity];
			await eventually(async () => {
				for (let node = 0; node < 3; node++) {
					const ttl = await probe.pttl(`parley:lease:n${node}`);
					assert.ok(ttl > 0, `n${node}'s lease is in Redis (PTTL ${ttl})`);
					if (ttl > last[node]) {
						renewals[node]++;
					}
					last[node] = ttl;
				}
				return renewals.every((n) => n >= 4) && Date.now() - startedAt > 7000;
			}, 'every node renews its lease', 30_000);
			assert.deepEqual((await probe.smembers('parley:nodes')).sort(), ['n0', 'n1', 'n2']);
		} finally {
			probe.disconnect();
		}
		assert.doesNotMatch(logs(c), /lost its lease|freeing its nicks/);
		assert.deepEqual((await statuses(watchers[1])).map((s) => s.split(' ')[0]), ['idle0', 'idle1', 'idle2', 'talk0', 'talk1', 'talk2', 'watch0', 'watch1', 'watch2']);
		for (let node = 0; node < 3; node++) {
			await guests[node].sync();
			// Each guest's nick is still held: no other node hands it out.
			const clash = await c.connect((node + 1) % 3);
			const error = await rpcError(clash.initialize(`IDLE${node}`));
			assert.match(error.message, /in use|taken/i);
		}
	});
});

// kill -9 of a node under steady traffic from every node: test/cluster/redis-order.test.ts (with the strict live order).

describe('PostgreSQL stopped and started under a cluster', function () {
	this.timeout(120_000);
	const { cluster } = useCluster();

	it('sends are refused meanwhile with a clear error on every node, none is acknowledged and lost, and service resumes by itself', async () => {
		const c = cluster();
		const clients = await Promise.all([0, 1, 2].map((i) => c.login(i, `p${i}`)));
		for (const client of clients) {
			await client.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		}
		for (const [i, client] of clients.entries()) {
			await client.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: `before ${i}`, clientMsgId: `before-${i}` });
		}
		// Delivered everywhere first, so that the outage starts with every node caught up.
		for (const client of clients) {
			await eventually(() => received(client, '#general').length === 2, `${client.nick} has the others' first messages`, 10_000);
		}
		// The run's PostgreSQL, the one the nodes use: stopped, and started again below.
		const pg = await sharedPostgres();
		await pg.pause();
		const refused: string[] = [];
		try {
			for (const [i, client] of clients.entries()) {
				const error = await rpcError(client.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: `during ${i}`, clientMsgId: `during-${i}` }));
				assert.match(error.message, /database/i, `n${i}'s refusal says why`);
				refused.push(`during-${i}`);
			}
		} finally {
			await pg.resume();
		}
		// Each client retries what was refused, with the same clientMsgId, until it is stored.
		for (const [i, client] of clients.entries()) {
			const deadline = Date.now() + 30_000;
			for (;;) {
				try {
					await client.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: `during ${i}`, clientMsgId: `during-${i}` });
					break;
				} catch (error) {
					assert.ok(Date.now() < deadline, `n${i} did not resume within 30 s: ${String(error)}`);
					await new Promise((resolve) => setTimeout(resolve, 200));
				}
			}
		}
		for (const [i, client] of clients.entries()) {
			await client.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: `after ${i}`, clientMsgId: `after-${i}` });
		}
		const stored = await history(clients[1], '#general');
		assert.deepEqual(stored.map((m) => m.text), ['before 0', 'before 1', 'before 2', 'during 0', 'during 1', 'during 2', 'after 0', 'after 1', 'after 2']);
		for (const [i, client] of clients.entries()) {
			const others = stored.filter((m) => m.from !== `p${i}`).map((m) => m.id);
			await eventually(() => received(client, '#general').length >= others.length, `p${i} has every stored message`, 15_000);
			await client.sync();
			assert.deepEqual(received(client, '#general').map((m) => m.id), others, `p${i} got each stored message once, in order`);
		}
		assert.equal(refused.length, 3);
	});
});

describe('one node\'s Redis connections killed (CLIENT KILL), Redis up', function () {
	this.timeout(90_000);
	const { cluster, redis } = useCluster();

	it('costs no message: the node fills the gap from PostgreSQL, in order, once', async () => {
		const c = cluster();
		const talkers = await Promise.all([c.login(0, 'k0'), c.login(2, 'k2')]);
		const listeners = await Promise.all([c.login(1, 'l1'), c.login(1, 'm1'), c.login(0, 'l0')]);
		for (const client of [...talkers, ...listeners]) {
			await client.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		}
		const admin = new Redis(redis().url);
		let kills = 0;
		try {
			/** The ids of n1's connections (commands and bus). */
			const node1 = async (): Promise<string[]> => ((await admin.client('LIST')) as string).split('\n')
				.filter((line) => /\bname=parley-n1-/.test(line)).map((line) => /\bid=(\d+)\b/.exec(line)![1]);
			const killNode1 = async (): Promise<void> => {
				// Both connected (again) first, so that every round kills both.
				await eventually(async () => (await node1()).length === 2, 'n1 connected to Redis', 10_000);
				for (const id of await node1()) {
					await admin.client('KILL', 'ID', id);
					kills++;
				}
			};
			const perTalker = 30;
			await Promise.all(talkers.map(async (client, t) => {
				for (let i = 0; i < perTalker; i++) {
					if (t === 0 && i % 10 === 5) {
						await killNode1();
					}
					await client.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: `k${t} ${i}` });
				}
			}));
		} finally {
			admin.disconnect();
		}
		assert.equal(kills, 6, 'killed both of n1\'s connections three times');
		const stored = await history(listeners[0], '#general');
		assert.equal(stored.length, 60);
		for (const client of listeners) {
			const ids = stored.map((m) => m.id);
			await eventually(() => received(client, '#general').length >= ids.length, `${client.nick} has every message`, 15_000);
			await client.sync();
			assert.deepEqual(received(client, '#general').map((m) => m.id), ids, `${client.nick}: every message once, in history's order`);
		}
		// n1 noticed its bus connection dropped, kept its lease and its users.
		assert.match(c.node(1).proc.stderr, /filling gaps from the database/);
		assert.doesNotMatch(`${c.node(1).proc.stdout}${c.node(1).proc.stderr}`, /lost its lease/);
		assert.deepEqual((await statuses(listeners[2])).map((s) => s.split(' ')[0]), ['k0', 'k2', 'l0', 'l1', 'm1']);
	});
});

describe('events of a Redis outage (a deletion meanwhile)', function () {
	this.timeout(90_000);
	const { cluster, redis } = useCluster();

	it('each node asks its clients to read again once its bus is back (server/resync; a notice in words on IRC): they find it deleted', async () => {
		const c = cluster();
		const author = await c.login(0, 'a0');
		const reader = await c.login(1, 'r1');
		const irc = await IrcTestClient.register(c.node(2).ircPort, 'i2');
		for (const client of [author, reader]) {
			await client.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		}
		irc.send('JOIN #general');
		await irc.waitFor(/ 366 /);
		const { message } = await author.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: 'my password is hunter2' });
		await reader.waitFor(MessageNewNotification.type, (p) => p.message.id === message.id);
		await redis().kill();
		// Deleted while no node hears the others: stored, and told to the author's node only.
		await author.connection.sendRequest(DeleteMessageRequest.type, { id: message.id });
		await redis().resume();
		const resync = await reader.waitFor(ResyncNotification.type, () => true, 30_000);
		assert.match(resync.reason, /lost events of the other servers/);
		// Whether the deletion itself still came (published late by the author's node once
		// Redis was back) or was lost depends on which reconnected first; either way node 1
		// cannot know, so it asks its clients to read again.
		const stored = (await history(reader, '#general')).find((m) => m.id === message.id);
		assert.deepEqual([stored?.deleted, stored?.text], [true, ''], 'reading again shows it deleted');
		await irc.waitFor(/NOTICE i2 :This server lost its link to the other servers/, 30_000);
		irc.close();
	});
});

describe('a guest resuming through another node with its resume token', function () {
	this.timeout(90_000);
	const { cluster } = useCluster();

	it('gets its nick back at once through another node with its resume token; only that token does', async () => {
		const c = cluster();
		const watcher = await c.login(0, 'watcher');
		const guestConnection = await c.connect(2);
		const { resumeToken } = await guestConnection.initialize('roamer');
		for (const client of [watcher, guestConnection]) {
			await client.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		}
		await c.kill(2);
		const killedAt = Date.now();
		// Someone else, with a made-up token, cannot take the nick.
		const intruder = await c.connect(1);
		assert.match((await rpcError(intruder.initialize('roamer', { resumeToken: 'not-the-token' }))).message, /taken/);
		const back = await c.connect(1);
		await back.initialize('roamer', { resumeToken });
		const tookMs = Date.now() - killedAt;
		assert.ok(tookMs < 6000, `the nick came back ${tookMs} ms after the kill, before the dead node's lease ran out`);
		const left = await watcher.waitFor(MemberLeftNotification.type, (p) => p.nick === 'roamer');
		assert.match(left.reason ?? '', /connection lost/);
		await back.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		await watcher.waitFor(MemberJoinedNotification.type, (p) => p.nick === 'roamer');
		// Once the others have reaped the dead node, the guest still holds its nick and its channel.
		await eventually(() => /cluster: freed \d+ nicks? of node n2/.test(c.node(0).proc.stderr + c.node(1).proc.stderr), 'the dead node reaped', 20_000);
		await watcher.sync();
		await back.sync();
		assert.equal(watcher.received(MemberLeftNotification.type).filter((p) => p.nick === 'roamer').length, 1, 'the guest left once (when it resumed)');
		const { members } = await watcher.connection.sendRequest(ChannelMembersRequest.type, { channel: '#general' });
		assert.deepEqual(members.map((m) => m.toLowerCase()).sort(), ['roamer', 'watcher']);
		assert.deepEqual((await statuses(watcher)).map((x) => x.split(' ')[0]), ['roamer', 'watcher']);
		assert.match((await rpcError((await c.connect(0)).initialize('ROAMER'))).message, /taken/);
	});
	it('takes its nick over through another node while its old node lives (a stale connection): the old connection is closed, the new one keeps the channels it joins', async () => {
		const c = cluster();
		const watcher = await c.login(0, 'watcher');
		const old = await c.connect(2);
		const { resumeToken } = await old.initialize('mover');
		for (const client of [watcher, old]) {
			await client.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		}
		const moved = await c.connect(1);
		await moved.initialize('mover', { resumeToken });
		await old.closed;
		await watcher.waitFor(MemberLeftNotification.type, (p) => p.nick === 'mover' && /reconnected/.test(p.reason ?? ''));
		await moved.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		await watcher.waitFor(MemberJoinedNotification.type, (p) => p.nick === 'mover');
		// n2 has finished with the old connection (logged once its release ran).
		await c.node(2).proc.waitForOutput(/disconnect mover/, 'stderr', 10_000);
		await watcher.sync();
		assert.equal(watcher.received(MemberLeftNotification.type).filter((p) => p.nick === 'mover').length, 1);
		const { members } = await watcher.connection.sendRequest(ChannelMembersRequest.type, { channel: '#general' });
		assert.deepEqual(members.map((m) => m.toLowerCase()).sort(), ['mover', 'watcher']);
		assert.deepEqual((await statuses(watcher)).map((x) => x.split(' ')[0]), ['mover', 'watcher']);
		await moved.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: 'moved' });
		await watcher.waitFor(MessageNewNotification.type, (p) => p.message.text === 'moved' && p.message.from === 'mover');
	});
});

describe('a node paused past its lease, its guest\'s nick taken meanwhile', function () {
	this.timeout(90_000);
	const { cluster } = useCluster();

	it('leaves the new holder\'s channels alone when it resumes and drops its connections', async () => {
		const c = cluster();
		const watcher = await c.login(0, 'watcher');
		const sleepy = await c.login(2, 'sleepy');
		for (const client of [watcher, sleepy]) {
			await client.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		}
		c.pause(2);
		await watcher.waitFor(MemberLeftNotification.type, (p) => p.nick === 'sleepy', 15_000);
		const taker = await c.login(1, 'sleepy');
		await taker.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		await watcher.waitFor(MemberJoinedNotification.type, (p) => p.nick === 'sleepy');
		const from = c.node(2).proc.stderr.length;
		c.resume(2);
		await sleepy.closed;
		// n2 has cleaned up after its dropped connection (logged once its release ran).
		await c.node(2).proc.waitForOutput(/disconnect sleepy/, 'stderr', 15_000, from);
		await watcher.sync();
		await taker.sync();
		assert.equal(watcher.received(MemberLeftNotification.type).filter((p) => p.nick === 'sleepy').length, 1, 'no second "left" for the new holder');
		const { members } = await watcher.connection.sendRequest(ChannelMembersRequest.type, { channel: '#general' });
		assert.deepEqual(members.map((m) => m.toLowerCase()).sort(), ['sleepy', 'watcher'], 'the new holder is still a member');
	});
});

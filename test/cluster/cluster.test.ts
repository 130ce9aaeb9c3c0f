/**
 * Three `node server` processes as one chat: a real PostgreSQL (test/helpers/postgres.ts),
 * a real redis-server (test/helpers/redis.ts), clients on different nodes. Then the
 * failures: kill -9 of a node under traffic, Redis killed and restarted, a node paused
 * (SIGSTOP) for longer than its lease, and one node shutting down.
 */
import * as assert from 'node:assert/strict';
import { RegisterRequest } from '../../protocol/account';
import { AdminBroadcastRequest, AdminKickRequest } from '../../protocol/admin';
import { ChannelMembersRequest, CreateChannelRequest, JoinChannelRequest, MemberLeftNotification, SetTopicRequest, TopicChangedNotification } from '../../protocol/channels';
import { TypingNotification } from '../../protocol/conversations';
import { ChannelKickRequest } from '../../protocol/moderation';
import { KickedNotification, NoticeNotification, ShutdownNotification } from '../../protocol/lifecycle';
import { EditMessageRequest, MessageEditedNotification } from '../../protocol/edits';
import { MessageNewNotification, SendMessageRequest } from '../../protocol/messages';
import { ThreadRequest } from '../../protocol/threads';
import type { Message } from '../../protocol/types';
import { PresenceNotification, UserListRequest } from '../../protocol/users';
import { eventually, rpcError, type TestClient } from '../helpers/client';
import { httpRequest, metricValue } from '../helpers/metrics';
import { IrcTestClient } from '../irc/irc-client';
import { sharedPostgres } from '../helpers/postgres';
import { ServerProcess } from '../helpers/process';
import { freePort } from '../helpers/ports';
import { type RedisServer } from '../helpers/redis';
import { SlowLink } from './slow-link';
import { history, PASSWORD, received, useCluster } from './common';
import { ADMIN_TOKEN, type ClusterHarness } from './harness';

function assertOnce(ids: number[], what: string): void {
	assert.equal(new Set(ids).size, ids.length, `${what}: a message arrived twice: ${ids.join(',')}`);
}

describe('a cluster node at start', function () {
	this.timeout(30_000);

	it('exits with a message naming Redis and where when it cannot reach it', async () => {
		const port = await freePort();
		const proc = ServerProcess.start(['--port', '0', '--database', await (await sharedPostgres()).createDatabase(), '--redis', `redis://127.0.0.1:${port}`]);
		const { code } = await proc.exited;
		assert.equal(code, 1);
		assert.match(proc.stderr, new RegExp(`Cannot reach Redis at 127\\.0\\.0\\.1:${port}`));
	});
});

describe('a cluster of three nodes', function () {
	this.timeout(90_000);
	const setup = useCluster();
	let redis: RedisServer;
	let cluster: ClusterHarness;
	beforeEach(() => {
		cluster = setup.cluster();
		redis = setup.redis();
	});

	it('clients on three nodes chat in one channel and by DM: each gets each message once, in the order of history', async () => {
		const clients = await Promise.all(['ana', 'bob', 'cy'].map((nick, i) => cluster.login(i, nick)));
		for (const client of clients) {
			await client.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		}
		const perSender = 20;
		await Promise.all(clients.map(async (client) => {
			for (let i = 0; i < perSender; i++) {
				await client.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: `${client.nick} ${i}` });
			}
		}));
		const stored = await history(clients[0], '#general');
		assert.equal(stored.length, 3 * perSender);
		for (const client of clients) {
			await eventually(() => received(client, '#general').length >= 2 * perSender, `${client.nick} gets the others' messages`, 10_000);
			await client.sync();
			const ids = received(client, '#general').map((m) => m.id);
			assertOnce(ids, client.nick!);
			assert.deepEqual(ids, stored.filter((m) => m.from !== client.nick).map((m) => m.id), `${client.nick} got them in the order of history`);
		}
		// DMs across nodes: the recipient gets each once.
		await clients[0].connection.sendRequest(SendMessageRequest.type, { to: 'bob', text: 'from ana to bob' });
		await clients[2].connection.sendRequest(SendMessageRequest.type, { to: 'ana', text: 'from cy to ana' });
		await clients[1].waitFor(MessageNewNotification.type, (p) => p.message.text === 'from ana to bob');
		await clients[0].waitFor(MessageNewNotification.type, (p) => p.message.text === 'from cy to ana');
		for (const client of clients) {
			await client.sync();
		}
		assert.equal(received(clients[1], 'bob').length, 1);
		assert.equal(received(clients[0], 'ana').length, 1);
		assert.equal(received(clients[2]).filter((m) => m.to !== '#general').length, 0);
		// Who is online and who is in the channel, seen from any node.
		for (const client of clients) {
			const { users } = await client.connection.sendRequest(UserListRequest.type, {});
			assert.deepEqual(users.map((u) => u.nick).sort(), ['ana', 'bob', 'cy']);
			const { details } = await client.connection.sendRequest(ChannelMembersRequest.type, { channel: '#general' });
			assert.deepEqual(details.map((d) => [d.nick, d.online]).sort(), [['ana', true], ['bob', true], ['cy', true]]);
		}
	});

	it('one account signed in on two nodes gets what the account gets, once per connection', async () => {
		const first = await cluster.login(0, 'dee');
		await first.connection.sendRequest(RegisterRequest.type, { password: PASSWORD });
		const second = await cluster.login(1, 'dee', { password: PASSWORD });
		const other = await cluster.login(2, 'eli');
		// Joining through one connection subscribes the other, on the other node.
		await first.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		await other.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		await other.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: 'to the channel' });
		await other.connection.sendRequest(SendMessageRequest.type, { to: 'dee', text: 'to dee' });
		const sent = await first.connection.sendRequest(SendMessageRequest.type, { to: 'eli', text: 'dee to eli' });
		for (const client of [first, second]) {
			await client.waitFor(MessageNewNotification.type, (p) => p.message.text === 'to dee');
			await client.waitFor(MessageNewNotification.type, (p) => p.message.text === 'to the channel');
		}
		// The sender's other connection sees what it sent.
		await second.waitFor(MessageNewNotification.type, (p) => p.message.id === sent.message.id);
		await other.waitFor(MessageNewNotification.type, (p) => p.message.id === sent.message.id);
		for (const client of [first, second, other]) {
			await client.sync();
			assertOnce(received(client).map((m) => m.id), client.nick!);
		}
		assert.equal(received(first).length, 2);
		assert.equal(received(second).length, 3);
		// One connection ending keeps the account online.
		first.close();
		const { users } = await other.connection.sendRequest(UserListRequest.type, {});
		assert.ok(users.some((u) => u.nick === 'dee'));
		await other.sync();
		assert.equal(other.received(PresenceNotification.type).filter((p) => p.status === 'offline').length, 0);
	});

	it('IRC clients on one node and protocol clients on others share channels and DMs', async () => {
		const ana = await cluster.login(0, 'ana');
		const cy = await cluster.login(2, 'cy');
		const irc = await IrcTestClient.register(cluster.node(1).ircPort, 'ircy');
		try {
			irc.send('JOIN #general');
			await irc.waitFor(/ 366 ircy #general /);
			await ana.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
			await irc.waitFor(/:ana!\S+ JOIN #general/);
			await ana.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: 'hello irc' });
			await irc.waitFor(/:ana!\S+ PRIVMSG #general :hello irc/);
			await cy.connection.sendRequest(SendMessageRequest.type, { to: 'ircy', text: 'psst' });
			await irc.waitFor(/:cy!\S+ PRIVMSG ircy :psst/);
			irc.send('PRIVMSG #general :hello from irc');
			await ana.waitFor(MessageNewNotification.type, (p) => p.message.text === 'hello from irc' && p.message.from === 'ircy');
			// The nick is held cluster-wide: a protocol client cannot take it on another node.
			const clash = await cluster.connect(2);
			await assert.rejects(clash.initialize('IRCY'));
		} finally {
			irc.close();
		}
	});

	it('typing, topics and a channel kick reach members on every node; the kicked one stops receiving', async () => {
		const owner = await cluster.login(0, 'own');
		const member = await cluster.login(1, 'mem');
		const witness = await cluster.login(1, 'wit');
		const observer = await cluster.login(2, 'obs');
		await owner.connection.sendRequest(CreateChannelRequest.type, { channel: '#mod' });
		for (const client of [member, witness, observer]) {
			await client.connection.sendRequest(JoinChannelRequest.type, { channel: '#mod' });
		}
		await observer.connection.sendNotification(TypingNotification.type, { conversation: '#mod' });
		await member.waitFor(TypingNotification.type, (p) => p.conversation === '#mod' && p.nick === 'obs');
		await owner.connection.sendRequest(SetTopicRequest.type, { channel: '#mod', topic: 'release on friday' });
		for (const client of [member, observer]) {
			await client.waitFor(TopicChangedNotification.type, (p) => p.topic === 'release on friday');
		}
		await owner.connection.sendRequest(ChannelKickRequest.type, { channel: '#mod', nick: 'mem', reason: 'testing' });
		for (const client of [member, observer]) {
			await client.waitFor(MemberLeftNotification.type, (p) => p.nick === 'mem' && /kicked by own/.test(p.reason ?? ''));
		}
		await owner.connection.sendRequest(SendMessageRequest.type, { to: '#mod', text: 'after the kick' });
		// Once its neighbour on the same node has it, the kicked member would have it too.
		await witness.waitFor(MessageNewNotification.type, (p) => p.message.text === 'after the kick');
		await member.sync();
		assert.equal(received(member, '#mod').length, 0);
	});

	it('a message, then at once its edit and a kick through a node that hears the bus late: on every node, clients see the message first, every time', async () => {
		// n3 hears the bus 150 ms late: its own edit and kick of a message it has not heard yet
		// must wait for it there, as they would come after it on one server.
		const slow = await SlowLink.start(redis.port, 150);
		cluster.redisUrls.set('n3', slow.url);
		await cluster.startNode('n3');
		try {
			const author = await cluster.login(0, 'writer');
			await author.connection.sendRequest(RegisterRequest.type, { password: PASSWORD });
			const editor = await cluster.login(3, 'writer', { password: PASSWORD });
			const owner = await cluster.login(3, 'boss');
			await owner.connection.sendRequest(CreateChannelRequest.type, { channel: '#order' });
			const observers = await Promise.all([0, 1, 2, 3].map((i) => cluster.login(i, `seer${i}`)));
			for (const client of [author, ...observers]) {
				await client.connection.sendRequest(JoinChannelRequest.type, { channel: '#order' });
			}
			await checkOrder(author, editor, owner, observers);
		} finally {
			await cluster.stop();
			await slow.close();
		}
	});

	async function checkOrder(author: TestClient, editor: TestClient, owner: TestClient, observers: TestClient[]): Promise<void> {
		const rounds = 15;
		const victims: TestClient[] = [];
		for (let r = 0; r < rounds; r++) {
			const victim = await cluster.login(r % 4, `gone${r}`);
			await victim.connection.sendRequest(JoinChannelRequest.type, { channel: '#order' });
			victims.push(victim);
			const { message } = await author.connection.sendRequest(SendMessageRequest.type, { to: '#order', text: `said ${r}` });
			await Promise.all([
				editor.connection.sendRequest(EditMessageRequest.type, { id: message.id, text: `said ${r}, edited` }),
				owner.connection.sendRequest(ChannelKickRequest.type, { channel: '#order', nick: `gone${r}` }),
			]);
		}
		/** Where in the client's notifications the first one matching comes (-1: none). */
		const at = (client: TestClient, match: (n: { method: string; params: unknown }) => boolean): number => client.notifications.findIndex(match);
		const said = (r: number) => (n: { method: string; params: unknown }) => n.method === MessageNewNotification.method && (n.params as { message: Message }).message.text === `said ${r}`;
		const edited = (r: number) => (n: { method: string; params: unknown }) => n.method === MessageEditedNotification.method && (n.params as { message: Message }).message.text === `said ${r}, edited`;
		const kicked = (r: number) => (n: { method: string; params: unknown }) => n.method === MemberLeftNotification.method && (n.params as { nick: string }).nick === `gone${r}`;
		for (const client of [owner, ...observers]) {
			await eventually(() => client.received(MessageEditedNotification.type).length >= rounds && client.received(MemberLeftNotification.type).length >= rounds, `${client.nick} sees every edit and kick`, 15_000);
			for (let r = 0; r < rounds; r++) {
				const message = at(client, said(r));
				assert.ok(message >= 0, `${client.nick} got message ${r}`);
				assert.ok(at(client, edited(r)) > message, `${client.nick} saw the edit of message ${r} after it`);
				assert.ok(at(client, kicked(r)) > message, `${client.nick} saw kick ${r} after message ${r}`);
			}
		}
		for (const [r, victim] of victims.entries()) {
			await eventually(() => at(victim, kicked(r)) >= 0, `gone${r} is told it was kicked`, 15_000);
			const message = at(victim, said(r));
			assert.ok(message >= 0 && message < at(victim, kicked(r)), `gone${r} (node ${r % 4}) got message ${r} before its kick`);
		}
	}

	it('a guest nick raced through two nodes is won by exactly one', async () => {
		for (let round = 0; round < 10; round++) {
			const [a, b] = await Promise.all([cluster.connect(0), cluster.connect(1)]);
			const results = await Promise.allSettled([a.initialize(`racer${round}`), b.initialize(`Racer${round}`)]);
			assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, `round ${round}: ${results.map((r) => r.status).join(',')}`);
		}
	});

	it('operator kick and broadcast reach users on any node; a shutdown of one node ends only its own clients', async () => {
		const op = await cluster.login(0, 'op', { adminToken: ADMIN_TOKEN });
		const far = await cluster.login(2, 'far');
		const near = await cluster.login(1, 'near');
		const { recipients } = await op.connection.sendRequest(AdminBroadcastRequest.type, { text: 'maintenance at noon' });
		assert.equal(recipients, 3);
		for (const client of [far, near]) {
			await client.waitFor(NoticeNotification.type, (p) => p.text === 'maintenance at noon');
		}
		await op.connection.sendRequest(AdminKickRequest.type, { nick: 'far', reason: 'testing' });
		await far.waitFor(KickedNotification.type);
		await far.closed;
		const error = await rpcError(op.connection.sendRequest(AdminKickRequest.type, { nick: 'nobody', reason: 'x' }));
		assert.match(error.message, /nobody/);

		cluster.node(1).proc.kill('SIGTERM');
		await near.waitFor(ShutdownNotification.type);
		await near.closed;
		await cluster.node(1).proc.exited;
		await op.sync();
		assert.equal(op.received(ShutdownNotification.type).length, 0);
		const { users } = await op.connection.sendRequest(UserListRequest.type, {});
		assert.deepEqual(users.map((u) => u.nick), ['op']);
	});

	it('kill -9 of a node under traffic: every acknowledged message is in history once, the sender retries on another node, the dead node\'s guest goes offline within 10 s', async () => {
		const watcher = await cluster.login(0, 'watcher');
		const guest = await cluster.login(2, 'victim');
		let sender = await cluster.login(2, 'sender');
		await sender.connection.sendRequest(RegisterRequest.type, { password: PASSWORD });
		for (const client of [watcher, guest, sender]) {
			await client.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		}
		const acked = new Set<string>();
		const total = 60;
		let killedAt = 0;
		for (let i = 0; i < total; i++) {
			const text = `steady ${i}`;
			if (i === 25) {
				const kill = cluster.kill(2);
				killedAt = Date.now();
				// A send in flight while the node dies: its answer may never come.
				await Promise.race([sender.connection.sendRequest(SendMessageRequest.type, { to: '#general', text, clientMsgId: `id-${i}` }).then(() => acked.add(text), () => undefined), kill]);
				await kill;
				sender.close();
				// The client reconnects to another node and retries what was not acknowledged.
				sender = await cluster.login(1, 'sender', { password: PASSWORD });
			}
			await sender.connection.sendRequest(SendMessageRequest.type, { to: '#general', text, clientMsgId: `id-${i}` });
			acked.add(text);
		}
		const stored = await history(watcher, '#general');
		const texts = stored.map((m) => m.text);
		assert.equal(new Set(texts).size, texts.length, 'no message twice in history');
		assert.deepEqual(texts, Array.from({ length: total }, (_, i) => `steady ${i}`));
		await eventually(() => received(watcher, '#general').length >= total, 'the watcher has every message', 10_000);
		await watcher.sync();
		assert.deepEqual(received(watcher, '#general').map((m) => m.id), stored.map((m) => m.id));

		const left = await watcher.waitFor(MemberLeftNotification.type, (p) => p.nick === 'victim', 12_000);
		assert.ok(Date.now() - killedAt <= 10_000, `the guest went offline ${Date.now() - killedAt} ms after the kill`);
		assert.match(left.reason ?? '', /connection lost/);
		const { users } = await watcher.connection.sendRequest(UserListRequest.type, {});
		assert.deepEqual(users.map((u) => u.nick).sort(), ['sender', 'watcher']);
		// The nick is free again, on any node.
		await cluster.login(1, 'victim');
		void guest;
	});

	it('Redis killed and restarted under traffic costs latency, never messages (thread replies included)', async () => {
		const sender = await cluster.login(0, 'talker');
		const listeners = await Promise.all([cluster.login(1, 'one'), cluster.login(2, 'two')]);
		for (const client of [sender, ...listeners]) {
			await client.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		}
		const total = 40;
		let root: number | undefined;
		for (let i = 0; i < total; i++) {
			if (i === 10) {
				await redis.kill();
			}
			if (i === 20) {
				await redis.resume();
			}
			// Every third one a reply that stays in its thread (out of history, sent live to the channel).
			const reply = root !== undefined && i % 3 === 2 ? { replyTo: root } : {};
			const sent = await sender.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: `through ${i}`, ...reply });
			root ??= sent.message.id;
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
		const mainLine = await history(sender, '#general');
		const replies = (await sender.connection.sendRequest(ThreadRequest.type, { id: root!, limit: 500 })).messages;
		assert.equal(replies.length, 13);
		assert.equal(mainLine.length + replies.length, total);
		const stored = [...mainLine, ...replies].map((m) => m.id).sort((a, b) => a - b);
		for (const client of listeners) {
			await eventually(() => received(client, '#general').length >= total, `${client.nick} has every message`, 15_000);
			await client.sync();
			const ids = received(client, '#general').map((m) => m.id);
			assertOnce(ids, client.nick!);
			assert.deepEqual(ids, stored, `${client.nick} got every message and reply once, in id order`);
		}
		// Presence came back with the connections: everyone is still online, nicks still unique.
		await eventually(async () => (await sender.connection.sendRequest(UserListRequest.type, {})).users.length === 3, 'everyone online again', 10_000);
		const late = await cluster.connect(2);
		await assert.rejects(late.initialize('one'));
	});

	it('each node\'s /healthz and /metrics: 200 and cluster-wide gauges; 503 naming Redis while it is down, 200 once it is back', async () => {
		const clients = await Promise.all([cluster.login(0, 'ana'), cluster.login(1, 'bob'), cluster.login(2, 'cy')]);
		for (const client of clients) {
			await client.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		}
		for (let i = 0; i < 3; i++) {
			const answer = await cluster.healthz(i);
			assert.equal(answer.status, 200, answer.body);
			assert.match(answer.body, new RegExp(`^redis: ok \\(127\\.0\\.0\\.1:${redis.port}, round trip [\\d.]+ ms, lease held\\)$`, 'm'));
			assert.match(answer.body, /^database: ok \(postgres 127\.0\.0\.1:\d+\/\w+, /m);
		}
		await eventually(async () => {
			const m = await cluster.metrics(0);
			return metricValue(m, 'parley_cluster_nodes_alive') === 3 && metricValue(m, 'parley_cluster_users_online') === 3;
		}, 'node n0 sees three nodes and three users', 10_000);
		const m0 = await cluster.metrics(0);
		assert.equal(metricValue(m0, 'parley_node_info', { node_id: 'n0', store: 'postgres' }), 1);
		assert.equal(metricValue(m0, 'parley_users_online'), 1);
		assert.equal(metricValue(m0, 'parley_redis_up'), 1);
		assert.equal(m0.get('parley_redis_round_trip_seconds')?.type, 'histogram');
		const fillsBefore = metricValue(await cluster.metrics(2), 'parley_gap_fills_total');

		await redis.kill();
		for (let i = 0; i < 3; i++) {
			await eventually(async () => (await cluster.healthz(i)).status === 503, `node n${i} says 503 without Redis`, 5000);
		}
		const down = await cluster.healthz(1);
		assert.match(down.body, new RegExp(`^redis: (disconnected|not answering) \\(127\\.0\\.0\\.1:${redis.port}\\) (since|for) [\\d.]+ s`));
		assert.match(down.body, /^database: ok /m, 'the database is still fine');
		const m1 = await cluster.metrics(1);
		assert.equal(metricValue(m1, 'parley_redis_up'), 0);
		assert.equal(metricValue(m1, 'parley_healthy'), 0);

		await redis.resume();
		for (let i = 0; i < 3; i++) {
			await eventually(async () => (await cluster.healthz(i)).status === 200, `node n${i} says 200 once Redis is back`, 15_000);
		}
		// Each node read from the database what the bus may have missed meanwhile.
		await eventually(async () => metricValue(await cluster.metrics(2), 'parley_gap_fills_total') > fillsBefore, 'node n2 counted its gap fill', 5000);
	});

	it('a node paused (SIGSTOP) longer than its lease drops its connections when it resumes', async () => {
		const watcher = await cluster.login(0, 'watcher');
		const paused = await cluster.login(2, 'sleepy');
		for (const client of [watcher, paused]) {
			await client.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		}
		const stoppedAt = Date.now();
		cluster.pause(2);
		// A paused process still has its ports (the kernel accepts), but /healthz gets no answer: a balancer's check fails.
		await assert.rejects(httpRequest(cluster.node(2).metricsPort, '/healthz', 'GET', 1000), /no answer within 1000 ms/);
		await watcher.waitFor(MemberLeftNotification.type, (p) => p.nick === 'sleepy', 12_000);
		assert.ok(Date.now() - stoppedAt <= 10_000, `offline after ${Date.now() - stoppedAt} ms`);
		// The nick is someone else's now.
		const taker = await cluster.login(1, 'sleepy');
		cluster.resume(2);
		await paused.closed;
		await taker.sync();
		assert.equal((await watcher.connection.sendRequest(UserListRequest.type, {})).users.filter((u) => u.nick === 'sleepy').length, 1);
		// The node serves again, under a new lease.
		const back = await cluster.login(2, 'rested');
		await back.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		await eventually(async () => (await cluster.healthz(2)).status === 200, 'the resumed node is healthy again', 5000);
	});
});

import * as assert from 'node:assert/strict';
import { ChannelListRequest, JoinChannelRequest, SetTopicRequest } from '../../protocol/channels';
import { HistoryRequest, SendMessageRequest } from '../../protocol/messages';
import type { Message } from '../../protocol/types';
import { TestClient } from '../helpers/client';
import { useServer } from '../helpers/fixture';

describe('persistence', () => {
	const fx = useServer({}, { start: false });
	const { login } = fx;

	it('keeps history, channels and topics across a restart; ids keep increasing', async () => {
		const { dataDir } = await fx.start();
		const ana = await login('ana');
		await ana.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		await ana.connection.sendRequest(SetTopicRequest.type, { channel: '#general', topic: 'Ship it' });
		const before: Message[] = [];
		for (let i = 0; i < 5; i++) {
			before.push((await ana.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: `before ${i}` })).message);
		}
		await fx.server.stop();

		await fx.start({ dataDir });
		const bob = await login('bob');
		const list = await bob.connection.sendRequest(ChannelListRequest.type, {});
		assert.deepEqual(list.channels, [{ name: '#general', topic: 'Ship it', private: false, topicProtected: true, memberCount: 0 }]);
		const joined = await bob.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		assert.deepEqual(joined.history, before);
		const after = await bob.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: 'after' });
		assert.ok(after.message.id > before[4].id, 'ids keep increasing after a restart');
	});

	it('keeps nothing with --memory', async () => {
		const { dataDir } = await fx.start({ memory: true });
		const ana = await login('ana');
		await ana.connection.sendRequest(JoinChannelRequest.type, { channel: '#general' });
		await ana.connection.sendRequest(SendMessageRequest.type, { to: '#general', text: 'gone soon' });
		ana.close();
		await fx.server.stop();
		await fx.start({ dataDir, memory: true });
		const bob = await login('bob');
		assert.deepEqual((await bob.connection.sendRequest(ChannelListRequest.type, {})).channels, []);
	});

	it('after kill -9 mid-traffic, every acknowledged message is stored and ids keep increasing', async function () {
		this.timeout(30_000);
		const dataDir = fx.tempDir();
		const proc = fx.spawn(['--port', '0', '--data', dataDir, '--flood-rate', '0', '--log-level', 'warn']);
		const port = await proc.port();
		const senders = await Promise.all(['s1', 's2', 's3'].map(async (nick) => fx.closeLater(await TestClient.login(port, nick), (c) => c.close())));
		for (const s of senders) {
			await s.connection.sendRequest(JoinChannelRequest.type, { channel: '#crash' });
		}
		const acknowledged: Message[] = [];
		const wanted = 1500;
		let enough: () => void = () => undefined;
		const enoughAcknowledged = new Promise<void>((resolve) => { enough = resolve; });
		let killed = false;
		// Each sender keeps 20 sends in flight until the server dies under them.
		const pump = async (client: TestClient, nick: string): Promise<void> => {
			let i = 0;
			const inFlight = new Set<Promise<void>>();
			while (!killed) {
				const p = client.connection.sendRequest(SendMessageRequest.type, { to: '#crash', text: `${nick} ${i++}` })
					.then((r) => {
						if (acknowledged.push(r.message) === wanted) {
							enough();
						}
					}, () => undefined)
					.finally(() => inFlight.delete(p));
				inFlight.add(p);
				if (inFlight.size >= 20) {
					await Promise.race(inFlight);
				}
			}
			await Promise.allSettled(inFlight);
		};
		const pumps = senders.map((s, i) => pump(s, `s${i + 1}`));
		let timer: NodeJS.Timeout | undefined;
		try {
			await Promise.race([
				enoughAcknowledged,
				proc.exited.then(() => { throw new Error(`the server exited before ${wanted} sends were acknowledged: ${proc.stderr}`); }),
				new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`only ${acknowledged.length} of ${wanted} sends acknowledged within 10 s`)), 10_000); }),
			]);
		} catch (error) {
			killed = true;
			throw error;
		} finally {
			clearTimeout(timer);
		}
		proc.kill('SIGKILL');
		killed = true;
		await proc.exited;
		// Disposing rejects the requests still in flight (never acknowledged).
		senders.forEach((s) => s.close());
		await Promise.all(pumps);

		await fx.start({ dataDir });
		const reader = await login('reader');
		await reader.connection.sendRequest(JoinChannelRequest.type, { channel: '#crash' });
		const stored: Message[] = [];
		let before: number | undefined;
		for (;;) {
			const page = await reader.connection.sendRequest(HistoryRequest.type, { conversation: '#crash', limit: 500, ...(before ? { before } : {}) });
			stored.unshift(...page.messages);
			if (!page.hasMore) {
				break;
			}
			before = page.messages[0].id;
		}
		const storedIds = new Set(stored.map((m) => m.id));
		const missing = acknowledged.filter((m) => !storedIds.has(m.id));
		assert.equal(missing.length, 0, `${missing.length} of ${acknowledged.length} acknowledged messages are missing`);
		for (const m of acknowledged) {
			assert.deepEqual(stored.find((s) => s.id === m.id), m, 'stored exactly as acknowledged');
		}
		assert.ok(stored.every((m, i) => i === 0 || m.id > stored[i - 1].id));
		const next = await reader.connection.sendRequest(SendMessageRequest.type, { to: '#crash', text: 'after the crash' });
		assert.ok(next.message.id > Math.max(...acknowledged.map((m) => m.id)), 'ids keep increasing');
	});
});

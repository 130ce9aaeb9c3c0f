import * as assert from 'node:assert/strict';
import { ResponseError } from 'vscode-jsonrpc/node';
import { ErrorCodes } from '../../protocol/errors';
import { missingSecret, PasswordVault } from '../../extension/client/credentials';
import { createHarness, MemorySecretStore, waitFor } from './harness';

const MANUAL = { backoff: { initialDelayMs: 60_000, maxDelayMs: 60_000 } };

async function refusal(promise: Promise<unknown>): Promise<ResponseError<unknown>> {
	const error = await promise.then(() => undefined, (e: unknown) => e);
	assert.ok(error instanceof ResponseError, `expected a refusal, got ${String(error)}`);
	return error;
}

describe('client: accounts and passwords against a real server', function () {
	this.timeout(15_000);
	const h = createHarness();
	afterEach(() => h.cleanup());

	it('registers the nick, saves the password per server and nick, and signs in with it next time', async () => {
		const server = await h.server();
		const secrets = new MemorySecretStore();
		const vault = new PasswordVault(secrets);
		const kim = await h.login(server.port, 'Kim', { passwords: vault });
		assert.equal(kim.isRegistered, false);
		await assert.rejects(kim.register('short'), /8 to 256 characters/);
		assert.deepEqual(await kim.register('correct horse'), { nick: 'Kim', saved: true });
		assert.equal(kim.isRegistered, true);
		assert.equal(secrets.values.get(`parley.password/127.0.0.1:${server.port}/kim`), 'correct horse');
		await kim.disconnect();

		const stranger = h.client(server.port);
		const error = await refusal(stranger.connect('kim'));
		assert.equal(error.code, ErrorCodes.AuthFailed);
		assert.equal(missingSecret(error), 'password');

		const again = h.client(server.port, { passwords: vault });
		const result = await again.connect('KIM');
		assert.equal(result.registered, true, 'the saved password was sent');
		assert.equal(again.isRegistered, true);
	});

	it("follows the server's --min-password-length instead of its own minimum", async () => {
		const server = await h.server({ minPasswordLength: 4 });
		const kim = await h.login(server.port, 'Kim');
		assert.equal(kim.minPasswordLength, 4);
		await assert.rejects(kim.register('abc'), /4 to 256 characters/);
		assert.deepEqual(await kim.register('abcd'), { nick: 'Kim', saved: false });
		assert.equal(kim.isRegistered, true);
	});

	it('keeps a typed password in memory for reconnects after a server restart', async () => {
		const first = await h.server();
		const { port, dataDir } = first;
		const setup = await h.login(port, 'kim');
		await setup.register('correct horse');
		await setup.disconnect();

		const kim = h.client(port, MANUAL);
		assert.equal(missingSecret(await refusal(kim.connect('kim'))), 'password');
		await kim.connect('kim', { password: 'correct horse' });
		const reconnecting = waitFor(kim.onDidChangeStatus, (s) => s.state === 'reconnecting', 'reconnecting');
		await first.stop();
		await reconnecting;
		await h.server({ port, dataDir });
		const synced = waitFor(kim.onDidSynchronize, () => true, 'resync');
		kim.reconnectNow();
		await synced;
		assert.equal(kim.serverInfo?.registered, true);
	});

	it('on a private server, says the server password is missing, then the account password', async () => {
		const server = await h.server({ password: 'server-secret' });
		const setup = h.client(server.port);
		assert.equal(missingSecret(await refusal(setup.connect('kim'))), 'serverPassword');
		await setup.connect('kim', { serverPassword: 'server-secret' });
		await setup.register('correct horse');
		await setup.disconnect();

		const secrets = new MemorySecretStore();
		const vault = new PasswordVault(secrets);
		const kim = h.client(server.port, { passwords: vault });
		assert.equal(missingSecret(await refusal(kim.connect('kim'))), 'serverPassword');
		const needsAccount = await refusal(kim.connect('kim', { serverPassword: 'server-secret' }));
		assert.equal(missingSecret(needsAccount), 'password');
		assert.match(needsAccount.message, /registered/);
		await kim.connect('kim', { serverPassword: 'server-secret', password: 'correct horse' });
		assert.equal(kim.socketCount, 1, 'every try went over the same connection');
		assert.deepEqual(await kim.rememberPasswords({ serverPassword: 'server-secret', password: 'correct horse' }), ['password', 'serverPassword']);
		assert.equal(secrets.values.get(`parley.serverPassword/127.0.0.1:${server.port}`), 'server-secret');
		await kim.disconnect();

		const saved = h.client(server.port, { passwords: vault });
		assert.equal((await saved.connect('kim')).registered, true, 'both saved passwords were sent');
		assert.equal(await vault.count(), 2);
		assert.equal(await vault.forgetAll(), 2);
		assert.deepEqual([...secrets.values.keys()], ['parley.passwords'], 'only the empty index is left');
		assert.equal(secrets.values.get('parley.passwords'), '[]');
	});

	it('does not take a registered nick with user/setNick without its password, and uses a saved one', async () => {
		const server = await h.server();
		const vault = new PasswordVault(new MemorySecretStore());
		const owner = await h.login(server.port, 'kim', { passwords: vault });
		await owner.register('correct horse');
		await owner.disconnect();
		const other = await h.login(server.port, 'lee');
		assert.equal((await refusal(other.setNick('kim'))).code, ErrorCodes.AuthFailed);
		const withVault = await h.login(server.port, 'lou', { passwords: vault });
		assert.equal(await withVault.setNick('kim'), 'kim');
		assert.equal(withVault.isRegistered, true);
	});
});

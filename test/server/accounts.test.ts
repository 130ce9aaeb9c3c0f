import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tls from 'node:tls';
import { RegisterRequest } from '../../protocol/account';
import { AdminBroadcastRequest, AdminKickRequest } from '../../protocol/admin';
import { ErrorCodes } from '../../protocol/errors';
import { KickedNotification, NoticeNotification } from '../../protocol/lifecycle';
import { SetNickRequest } from '../../protocol/users';
import { eventually, rpcError, TestClient } from '../helpers/client';
import { useServer } from '../helpers/fixture';
import { tableText } from '../helpers/postgres';
import { startServer } from '../../server/server';

describe('accounts, private servers, operators, TLS', function () {
	this.timeout(20_000);
	const fx = useServer({}, { start: false, manualClock: true });
	const { connect } = fx;

	it('registers a nick; afterwards initialize needs its password, also after a restart', async () => {
		const { dataDir } = await fx.start();
		const kim = await connect();
		await kim.initialize('Kim');
		const short = await rpcError(kim.connection.sendRequest(RegisterRequest.type, { password: 'short' }));
		assert.equal(short.code, ErrorCodes.InvalidParams);
		assert.match(short.message, /8 to 256 characters/);
		assert.deepEqual(await kim.connection.sendRequest(RegisterRequest.type, { password: 'correct horse' }), { nick: 'Kim' });
		kim.close();
		await fx.server.stop();
		await fx.start({ dataDir });

		const thief = await connect();
		const missing = await rpcError(thief.initialize('kim'));
		assert.equal(missing.code, ErrorCodes.AuthFailed);
		assert.match(missing.message, /Nickname 'kim' is registered: send its password/);
		assert.deepEqual(missing.data, { secret: 'password' });
		const wrong = await rpcError(thief.initialize('kim', { password: 'battery staple' }));
		assert.equal(wrong.code, ErrorCodes.AuthFailed);
		assert.match(wrong.message, /Wrong password for 'kim'/);
		const owner = await connect();
		const result = await owner.initialize('Kim', { password: 'correct horse' });
		assert.equal(result.registered, true);
		// The owner may change the password.
		await owner.connection.sendRequest(RegisterRequest.type, { password: 'new password!' });
		const database = fx.server.options.database;
		const stored = database === undefined ? fs.readFileSync(path.join(dataDir, 'parley.db')).toString('latin1') : await tableText(database, 'accounts');
		assert.ok(stored.includes('$') || stored.includes('Kim'), 'the account is stored');
		assert.ok(!stored.includes('new password!'), 'no plain password on disk');
	});

	it('guards a registered nick against user/setNick too; the password signs the connection in to the account', async () => {
		await fx.start({ memory: true });
		const kim = await connect();
		await kim.initialize('kim');
		await kim.connection.sendRequest(RegisterRequest.type, { password: 'kims secret' });
		const other = await connect();
		await other.initialize('bob');
		assert.equal((await rpcError(other.connection.sendRequest(SetNickRequest.type, { nick: 'KIM' }))).code, ErrorCodes.AuthFailed);
		assert.deepEqual(await other.connection.sendRequest(SetNickRequest.type, { nick: 'KIM', password: 'kims secret' }), { nick: 'kim' });
		// An account's connection keeps the account's nick.
		const fixed = await rpcError(kim.connection.sendRequest(SetNickRequest.type, { nick: 'kim_away' }));
		assert.equal(fixed.code, ErrorCodes.Forbidden);
		assert.equal(fixed.message, "This connection is signed in to the account 'kim' and keeps its nick. To use another nick, connect with that nick.");
		const recase = await rpcError(kim.connection.sendRequest(SetNickRequest.type, { nick: 'Kim' }));
		assert.equal(recase.code, ErrorCodes.Forbidden);
		assert.match(recase.message, /'kim' is also signed in on 1 other connection; close it before changing the case/);
		other.close();
		await eventually(() => fx.server.hub.holders('kim').length === 1, 'the other connection is gone');
		assert.deepEqual(await kim.connection.sendRequest(SetNickRequest.type, { nick: 'Kim' }), { nick: 'Kim' });
	});

	it('throttles failed logins per address with RateLimited, for a minute', async () => {
		// Timeouts long enough for a connection that never signs in to wait the minute out.
		await fx.start({ memory: true, initTimeoutMs: 600_000, idleTimeoutMs: 600_000 });
		const owner = await connect();
		await owner.initialize('kim');
		await owner.connection.sendRequest(RegisterRequest.type, { password: 'kims secret' });
		owner.close();
		await fx.server.waitForLog(/disconnect kim \(/);
		const guesser = await connect();
		fx.clock.advance(1000);
		for (let i = 0; i < 5; i++) {
			assert.equal((await rpcError(guesser.initialize('kim', { password: `guess ${i}` }))).code, ErrorCodes.AuthFailed);
		}
		const blocked = await rpcError(guesser.initialize('kim', { password: 'kims secret' }));
		assert.equal(blocked.code, ErrorCodes.RateLimited, 'even the right password waits once throttled');
		assert.deepEqual(blocked.data, { retryAfterMs: 60_000 });
		assert.match(blocked.message, /Too many failed logins from your address; wait 60 s/);
		// The window runs from the first failure.
		fx.clock.advance(59_999);
		assert.deepEqual((await rpcError(guesser.initialize('kim', { password: 'kims secret' }))).data, { retryAfterMs: 1 });
		fx.clock.advance(1);
		assert.equal((await guesser.initialize('kim', { password: 'kims secret' })).registered, true, 'allowed again once the minute is over');
	});

	it('requires the server password on a private server', async () => {
		await fx.start({ memory: true, password: 'club secret' });
		const c = await connect();
		const error = await rpcError(c.initialize('ana'));
		assert.equal(error.code, ErrorCodes.AuthFailed);
		assert.match(error.message, /private/);
		assert.deepEqual(error.data, { secret: 'serverPassword' });
		assert.equal((await rpcError(c.initialize('ana', { password: 'nope nope' }))).code, ErrorCodes.AuthFailed);
		assert.equal((await c.initialize('ana', { password: 'club secret' })).nick, 'ana');
		// With an account too, the server password goes in serverPassword.
		await c.connection.sendRequest(RegisterRequest.type, { password: 'anas secret' });
		c.close();
		const again = await connect();
		assert.equal((await rpcError(again.initialize('ana', { password: 'club secret' }))).code, ErrorCodes.AuthFailed);
		assert.equal((await again.initialize('ana', { serverPassword: 'club secret', password: 'anas secret' })).registered, true);
	});

	it('lets only operators kick and broadcast', async () => {
		await fx.start({ memory: true, adminToken: 'op-token-123' });
		const user = await connect();
		await user.initialize('user');
		const wrong = await connect();
		assert.equal((await rpcError(wrong.initialize('op', { adminToken: 'guess-guess' }))).code, ErrorCodes.AuthFailed);
		const op = await connect();
		assert.equal((await op.initialize('op', { adminToken: 'op-token-123' })).operator, true);
		const forbidden = await rpcError(user.connection.sendRequest(AdminKickRequest.type, { nick: 'op', reason: 'coup' }));
		assert.equal(forbidden.code, ErrorCodes.Forbidden);
		assert.match(forbidden.message, /Only operators may call 'admin\/kick'/);
		assert.equal((await rpcError(user.connection.sendRequest(AdminBroadcastRequest.type, { text: 'hi' }))).code, ErrorCodes.Forbidden);
		assert.deepEqual(await op.connection.sendRequest(AdminBroadcastRequest.type, { text: 'Deploy at 5' }), { recipients: 2 });
		assert.deepEqual(await user.waitFor(NoticeNotification.type), { text: 'Deploy at 5' });
		assert.equal((await rpcError(op.connection.sendRequest(AdminKickRequest.type, { nick: 'ghost' }))).code, ErrorCodes.NoSuchNick);
		const bystander = await connect();
		await bystander.initialize('bystander');
		assert.equal(await op.connection.sendRequest(AdminKickRequest.type, { nick: 'bystander' }), null);
		assert.deepEqual(await bystander.waitFor(KickedNotification.type), { reason: 'by op' });
		assert.equal(await op.connection.sendRequest(AdminKickRequest.type, { nick: 'USER', reason: 'spam' }), null);
		assert.deepEqual(await user.waitFor(KickedNotification.type), { reason: 'spam' });
		await user.closed;
	});

	it('speaks TLS with --tls-cert/--tls-key and refuses plain text there', async () => {
		const dir = fx.tempDir();
		const cert = path.join(dir, 'cert.pem');
		const key = path.join(dir, 'key.pem');
		execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
			'-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-days', '2'], { stdio: 'ignore' });
		const server = await fx.start({ memory: true, tlsCert: cert, tlsKey: key });
		const secure = fx.closeLater(await TestClient.connectTls(server.port, fs.readFileSync(cert)), (c) => c.close());
		assert.equal((await secure.initialize('ana')).nick, 'ana');
		assert.ok((secure.socket as tls.TLSSocket).encrypted);
		// An untrusted certificate is refused by a client that checks it.
		await assert.rejects(TestClient.connectTls(server.port, fs.readFileSync(path.join(__dirname, '../../../package.json'))));
		// A plain-text client gets nowhere.
		const plain = await connect();
		plain.initialize('bob').catch(() => undefined);
		await plain.closed;
		assert.equal(plain.nick, undefined);
	});

	it('explains a missing or broken TLS file', async () => {
		const dir = fx.tempDir();
		fs.writeFileSync(path.join(dir, 'bad.pem'), 'not pem');
		await assert.rejects(startServer({ port: 0, memory: true, logLevel: 'silent', tlsCert: path.join(dir, 'nope.pem'), tlsKey: path.join(dir, 'nope.pem') }),
			/Cannot read the TLS certificate .*nope\.pem/);
		await assert.rejects(startServer({ port: 0, memory: true, logLevel: 'silent', tlsCert: path.join(dir, 'bad.pem'), tlsKey: path.join(dir, 'bad.pem') }),
			/not valid PEM/);
	});
});

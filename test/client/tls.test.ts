import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConnectError, describeConnectError } from '../../extension/client/transport';
import type { TlsSettings } from '../../extension/client/connectError';
import { ServerFixture } from '../helpers/fixture';
import { ManualClock } from '../helpers/clock';
import { createHarness, selfSigned, waitFor } from './harness';

describe('client: TLS against a real server', function () {
	this.timeout(15_000);
	const h = createHarness();
	// One certificate for the whole suite, in a directory of its own fixture.
	const certs = new ServerFixture();
	let files: { cert: string; key: string };
	before(() => {
		files = selfSigned(certs.tempDir());
	});
	after(() => certs.cleanup());
	afterEach(() => h.cleanup());

	function tlsClient(port: number, tls: TlsSettings) {
		return h.client(port, { endpoint: () => ({ host: '127.0.0.1', port, tls }) });
	}

	async function connectError(promise: Promise<unknown>): Promise<ConnectError> {
		const error = await promise.then(() => undefined, (e: unknown) => e);
		assert.ok(error instanceof ConnectError, `expected a ConnectError, got ${String(error)}`);
		return error;
	}

	it('connects over TLS when the self-signed certificate is trusted through tlsCaFile', async () => {
		const server = await h.server({ tlsCert: files.cert, tlsKey: files.key, memory: true });
		const alice = tlsClient(server.port, { caFile: files.cert });
		await alice.connect('alice');
		const bob = await h.login(server.port, 'bob', { endpoint: () => ({ host: '127.0.0.1', port: server.port, tls: { caFile: files.cert } }) });
		await alice.join('#secure');
		await bob.join('#secure');
		const received = waitFor(bob.onDidReceiveMessage, (m) => m.message.text === 'over TLS', 'bob to receive');
		alice.send('#secure', 'over TLS');
		await received;
	});

	it('refuses a certificate it was not told to trust, and says which setting fixes it', async () => {
		const server = await h.server({ tlsCert: files.cert, tlsKey: files.key, memory: true });
		const error = await connectError(tlsClient(server.port, {}).connect('alice'));
		assert.equal(error.phase, 'tls');
		assert.equal(error.code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
		const text = describeConnectError(error);
		assert.ok(text.includes(`127.0.0.1:${server.port}`), text);
		assert.match(text, /not trusted.*parley\.server\.tlsCaFile/);
	});

	it('says when the CA file is missing or holds no certificate, naming the path and the setting', async () => {
		const server = await h.server({ tlsCert: files.cert, tlsKey: files.key, memory: true });
		const missing = path.join(h.tempDir(), 'nope.pem');
		const error = await connectError(tlsClient(server.port, { caFile: missing }).connect('alice'));
		assert.equal(error.code, 'ECAFILE');
		const text = describeConnectError(error);
		assert.ok(text.includes(`"${missing}"`), text);
		assert.match(text, /ENOENT.*parley\.server\.tlsCaFile/);

		const notPem = path.join(h.tempDir(), 'key-only.pem');
		fs.writeFileSync(notPem, 'hello\n');
		const noCert = describeConnectError(await connectError(tlsClient(server.port, { caFile: notPem }).connect('alice')));
		assert.match(noCert, /holds no PEM certificate.*parley\.server\.tlsCaFile/);
	});

	it('explains a plain client talking to a TLS server: turn on parley.server.tls', async () => {
		const server = await h.server({ tlsCert: files.cert, tlsKey: files.key, memory: true });
		const error = await connectError(h.client(server.port).connect('alice'));
		assert.equal(error.code, 'ECLOSED');
		const text = describeConnectError(error);
		assert.ok(text.includes(`127.0.0.1:${server.port}`));
		assert.match(text, /turn on parley\.server\.tls/);
	});

	it('explains a TLS client talking to a plain server: check --tls-cert or turn off parley.server.tls', async () => {
		// The plain server answers the TLS hello only when its init timeout closes the connection.
		const clock = new ManualClock();
		const server = await h.server({ memory: true, initTimeoutMs: 200, clock });
		const connecting = connectError(tlsClient(server.port, { caFile: files.cert }).connect('alice'));
		await server.waitForLog(/connect 127\.0\.0\.1:\d+; 1 connected/);
		clock.advance(250);
		const error = await connecting;
		assert.equal(error.phase, 'tls');
		const text = describeConnectError(error);
		assert.ok(text.includes(`127.0.0.1:${server.port}`), text);
		assert.match(text, /TLS handshake .* failed.*--tls-cert.*turn off parley\.server\.tls/);
	});
});

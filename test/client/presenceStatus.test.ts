import * as assert from 'node:assert/strict';
import type * as presenceModule from '../../extension/presenceStatus';
import type * as loggerModule from '../../extension/logger';
import type * as vscodeModule from 'vscode';
import { Commands } from '../../extension/constants';
import { Emitter } from 'vscode-jsonrpc/node';
import { ManualClock } from '../helpers/clock';
import { installFakeVscode, type FakeState } from './fakeVscode';
import { createHarness, until } from './harness';

/** Automatic away after inactivity (PresenceStatus on the fake vscode API, a real server, a manual clock). */
describe('away after inactivity (fake vscode API, real server, manual clock)', function () {
	this.timeout(10_000);
	const h = createHarness();
	let fake: FakeState;
	let presence: typeof presenceModule;
	let logger: typeof loggerModule;
	const disposables: { dispose(): void }[] = [];
	beforeEach(() => {
		fake = installFakeVscode();
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		presence = require('../../extension/presenceStatus') as typeof presenceModule;
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		logger = require('../../extension/logger') as typeof loggerModule;
	});
	afterEach(async () => {
		for (const d of disposables.splice(0)) {
			d.dispose();
		}
		await h.cleanup();
	});

	async function start(minutes: unknown) {
		fake.config['parley.presence.awayAfterMinutes'] = minutes;
		const clock = new ManualClock(Date.now());
		const server = await h.server();
		const client = await h.login(server.port, 'kim');
		const chat = new Emitter<void>();
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const vscode = require('vscode') as typeof vscodeModule;
		const channel = vscode.window.createOutputChannel('Parley', { log: true });
		const status = new presence.PresenceStatus(client, chat.event, new logger.Logger(channel, 'presence'), clock);
		disposables.push(status, chat);
		return { client, clock, chat, status };
	}

	it('reads the setting: whole minutes from 0 (never) to a day, else 10', () => {
		assert.equal(presence.awayAfterMinutes(undefined), 10);
		assert.equal(presence.awayAfterMinutes(0), 0);
		assert.equal(presence.awayAfterMinutes(25), 25);
		for (const bad of [-1, 2.5, '5', 100_000]) {
			assert.equal(presence.awayAfterMinutes(bad), 10, String(bad));
		}
	});

	it('goes away after the set minutes without activity, and back online at the next activity', async () => {
		const { client, clock, chat } = await start(2);
		clock.advance(60_000);
		fake.selectionChange.fire({});
		clock.advance(119_999);
		assert.equal(client.ownStatus.state.status, 'online', 'the caret moved a minute in: two more minutes from there');
		clock.advance(1);
		await until(client.ownStatus.onDidChange, () => client.ownStatus.state.status === 'away', 'away');
		fake.windowState.fire({ focused: false });
		assert.equal(client.ownStatus.state.status, 'away', 'leaving the window is no activity');
		chat.fire();
		await until(client.ownStatus.onDidChange, () => client.ownStatus.state.status === 'online', 'back online');
		clock.advance(120_000);
		await until(client.ownStatus.onDidChange, () => client.ownStatus.state.status === 'away', 'away again');
		fake.documentChange.fire({ document: { uri: { scheme: 'file' } as never } });
		await until(client.ownStatus.onDidChange, () => client.ownStatus.state.status === 'online', 'typing in an editor');
	});

	it('keeps an away the user chose, and never goes away with 0', async () => {
		const { client, clock } = await start(0);
		clock.advance(24 * 60 * 60_000);
		assert.equal(client.ownStatus.state.status, 'online');
		await fake.commands.get(Commands.setStatus)!('away', 'on holiday');
		assert.deepEqual(client.ownStatus.state, { status: 'away', text: 'on holiday' });
		fake.windowState.fire({ focused: true });
		clock.advance(60_000);
		assert.deepEqual(client.ownStatus.state, { status: 'away', text: 'on holiday' }, 'activity does not end a chosen away');
		assert.equal(clock.pending, 0, 'no timer while away or with 0');
	});
});

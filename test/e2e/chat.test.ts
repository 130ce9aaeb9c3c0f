/**
 * End to end, as a user sees it: parley.vsix installed in a real VS Code (code-server),
 * driven in Chromium, against `node server`. A second user, bob, is a protocol client in
 * this process. Each step saves a screenshot to test-results/e2e/ (also on failure).
 *
 * The extension reaches the server through a TcpGate, so that while the server is down
 * and back, the gate can keep the extension away until bob has sent what it must catch up on.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { JoinChannelRequest, MemberJoinedNotification } from '../../protocol/channels';
import { MessageNewNotification, SendMessageRequest } from '../../protocol/messages';
import { UserListRequest } from '../../protocol/users';
import { ErrorCodes } from '../../protocol/errors';
import { InvitedNotification } from '../../protocol/moderation';
import { eventually, rpcError, TestClient } from '../helpers/client';
import { ServerProcess } from '../helpers/process';
import { TcpGate } from './gate';
import { clearResults, packageParley, provision, slug } from './prepare';
import { Workbench } from './workbench';

const NICK = 'kim';
/** Kim's account password, registered in a late step. */
const PASSWORD = 'e2e-password-kim';
/** A file in the workbench's workspace folder, for Share Selection and the snippet links. */
const BILLING_TS = ['// billing', 'export interface Item {', '\tprice: number;', '}', '', 'export function total(items: Item[]): number {', '\tlet sum = 0;', '\tfor (const item of items) {', '\t\tsum += item.price;', '\t}', '\treturn sum;', '}', ''].join('\n');
const STEP_MS = 30_000;
/** The extension retries with backoff up to 30 s (plus jitter) while the gate is shut. */
const RECONNECT_MS = 60_000;

describe('Parley in VS Code (code-server + Chromium), end to end', function () {
	// Each step builds on the one before; after a failure the rest would only fail for it.
	this.bail(true);
	let dataDir = '';
	let server: ServerProcess | undefined;
	let serverPort = 0;
	let gate: TcpGate | undefined;
	let bob: TestClient | undefined;
	let workbench: Workbench | undefined;
	let step = 0;

	/** The chat webview's frame; looked up again each time, since VS Code reloads hidden webviews. */
	const chat = (what: string): Promise<Frame> => workbench!.webview('#app.parley', what);

	/** Bounded wait for a locator in the chat webview, failing with the step's words. */
	async function see(selector: string, what: string, options: { hasText?: string | RegExp; timeoutMs?: number } = {}): Promise<void> {
		const frame = await chat(what);
		const locator = frame.locator(selector, options.hasText === undefined ? {} : { hasText: options.hasText }).first();
		await locator.waitFor({ state: 'visible', timeout: options.timeoutMs ?? STEP_MS }).catch(() => {
			throw new Error(`the chat panel did not show ${what} within ${(options.timeoutMs ?? STEP_MS) / 1000} s (${selector}${options.hasText ? ` with "${options.hasText}"` : ''})`);
		});
	}

	async function timelineCount(text: string): Promise<number> {
		const frame = await chat(`the timeline with "${text}"`);
		return frame.locator('.timeline .msg .text', { hasText: text }).count();
	}

	/** Types into the webview's message box and presses Enter. */
	async function typeInComposer(text: string): Promise<void> {
		const frame = await chat('the message box');
		const box = frame.locator('.composer-input');
		await box.click();
		await box.fill(text);
		await box.press('Enter');
	}

	async function openConversation(id: string): Promise<void> {
		const frame = await chat(`the sidebar entry ${id}`);
		await frame.locator(`.sidebar [role=option][data-id="${id}"]`).click({ timeout: STEP_MS });
		await see('.conversation-title .title-text', `${id} as the open conversation`, { hasText: id.replace(/^#/, '') });
	}

	async function bobSays(to: string, text: string): Promise<void> {
		await bob!.connection.sendRequest(SendMessageRequest.type, { to, text, clientMsgId: `e2e-${Date.now()}-${Math.random()}` });
	}

	async function startServer(port: number): Promise<void> {
		server = ServerProcess.start(['--port', String(port), '--data', dataDir, '--flood-rate', '0']);
		serverPort = await server.port();
	}

	async function loginBob(): Promise<void> {
		bob = await TestClient.login(serverPort, 'bob');
		for (const channel of ['#general', '#random']) {
			await bob.connection.sendRequest(JoinChannelRequest.type, { channel });
		}
	}

	before(async function () {
		this.timeout(60 * 60_000); // a cold provisioning takes about 12 minutes
		clearResults();
		const [tools, vsix] = await Promise.all([provision(), packageParley()]);
		dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-e2e-data-'));
		await startServer(0);
		gate = await TcpGate.start(serverPort);
		await loginBob();
		workbench = new Workbench({
			tools,
			name: 'chat',
			settings: { 'parley.server.host': '127.0.0.1', 'parley.server.port': gate.port, 'parley.nickname': NICK },
			extensions: [vsix],
		});
		fs.mkdirSync(path.join(workbench.workspaceDir, 'src'), { recursive: true });
		fs.writeFileSync(path.join(workbench.workspaceDir, 'src', 'billing.ts'), BILLING_TS);
		await workbench.start();
	});

	beforeEach(function () {
		step++;
	});

	afterEach(async function () {
		const title = this.currentTest?.title ?? 'step';
		const failed = this.currentTest?.state === 'failed';
		await workbench?.screenshot(`${String(step).padStart(2, '0')}-${slug(title)}${failed ? '-FAILED' : ''}`);
	});

	after(async function () {
		this.timeout(60_000);
		await workbench?.close();
		bob?.close();
		await gate?.dispose();
		server?.kill();
		await server?.exited;
		if (dataDir) {
			fs.rmSync(dataDir, { recursive: true, force: true });
		}
	});

	it('"Chat: Connect" typed in the command palette finds "Parley Chat: Connect", which opens the panel, connected as the nickname in the settings', async () => {
		await workbench!.command('Chat: Connect', 'Parley Chat: Connect');
		await see('.sidebar-footer .status-dot.status-connected', 'the "Connected" state in the sidebar footer');
		await see('.sidebar-footer .footer-nick', `the nickname ${NICK}`, { hasText: NICK });
		const { users } = await bob!.connection.sendRequest(UserListRequest.type, {});
		assert.ok(users.some((u) => u.nick === NICK), `bob does not see ${NICK} online: ${users.map((u) => u.nick).join(', ')}`);
	});

	it('"Parley Chat: Join Channel" (found by typing "Parley") offers the server\'s channels and joins the one picked', async () => {
		await workbench!.command('Parley', 'Parley Chat: Join Channel');
		await workbench!.pick('#general');
		await see('.conversation-title .title-text', '#general as the open conversation', { hasText: 'general' });
		await see('.sidebar [role=option][data-id="#general"]', '#general in the sidebar');
		await bob!.waitFor(MemberJoinedNotification.type, (p) => p.channel === '#general' && p.nick === NICK, STEP_MS);
	});

	it('a message typed in the webview reaches the other user', async () => {
		await typeInComposer('hello from VS Code');
		const { message } = await bob!.waitFor(MessageNewNotification.type, (p) => p.message.text === 'hello from VS Code', STEP_MS);
		assert.equal(message.from, NICK);
		assert.equal(message.to, '#general');
		await see('.timeline .msg.self:not(.pending) .text', 'my own message, sent (not pending)', { hasText: 'hello from VS Code' });
	});

	it('the other user\'s reply appears in the webview', async () => {
		await bobSays('#general', 'hi kim, bob here');
		await see('.timeline .msg:not(.self) .text', 'bob\'s reply', { hasText: 'hi kim, bob here' });
		await see('.timeline .msg .nick', 'bob\'s name on his message', { hasText: 'bob' });
	});

	it('a direct message both ways', async () => {
		await bobSays(NICK, 'psst, a private word');
		await see('.sidebar [role=option][data-id="bob"]', 'the conversation with bob under "Direct messages"');
		await openConversation('bob');
		await see('.timeline .msg .text', 'bob\'s direct message', { hasText: 'psst, a private word' });
		await typeInComposer('private reply to bob');
		const { message } = await bob!.waitFor(MessageNewNotification.type, (p) => p.message.text === 'private reply to bob', STEP_MS);
		assert.equal(message.to, 'bob', 'sent as a direct message, not to a channel');
		await see('.timeline .msg.self:not(.pending) .text', 'my direct reply, sent', { hasText: 'private reply to bob' });
	});

	it('joining a second channel with /join in the message box', async () => {
		await typeInComposer('/join #random');
		await see('.conversation-title .title-text', '#random as the open conversation', { hasText: 'random' });
		await see('.sidebar [role=option][data-id="#random"]', '#random in the sidebar');
		await see('.sidebar [role=option][data-id="#general"]', '#general still in the sidebar');
		await bob!.waitFor(MemberJoinedNotification.type, (p) => p.channel === '#random' && p.nick === NICK, STEP_MS);
	});

	it('Ctrl+K in the panel opens the quick switcher and starts no VS Code chord', async () => {
		const frame = await chat('the message box');
		await frame.locator('.composer-input').click();
		const page = workbench!.page;
		await page.keyboard.press('Control+K');
		await see('.switcher-backdrop:not([hidden]) .switcher-input', 'the quick switcher after Ctrl+K');
		// Were a chord pending, W would close the editor group, the chat panel with it.
		await page.keyboard.type('w');
		await page.keyboard.press('Escape');
		await see('.composer-input', 'the chat panel, still open after Ctrl+K then W');
		assert.equal(await (await chat('the switcher')).locator('.switcher-backdrop').isHidden(), true, 'Escape closed the switcher');
	});

	it('"Parley Chat: Share Selection" previews, sends to the conversation picked with a comment, under a path:lines link', async () => {
		const page = workbench!.page;
		await page.keyboard.press('Control+P');
		await page.locator('.quick-input-widget input').fill('billing.ts');
		await workbench!.pick('billing.ts');
		await page.locator('.monaco-editor .view-lines', { hasText: 'export function total' }).first().waitFor({ timeout: STEP_MS });
		// Lines 6 to 8: Go to Line 6, then Shift+Down three times (the selection ends at the start of line 9).
		await page.keyboard.press('Control+G');
		await page.locator('.quick-input-widget input').fill(':6');
		await page.keyboard.press('Enter');
		for (let i = 0; i < 3; i++) {
			await page.keyboard.press('Shift+ArrowDown');
		}
		await workbench!.command('Chat: Share Selection', 'Parley Chat: Share Selection');
		await workbench!.pick('#general');
		await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Share src/billing.ts:6-8 with #general' }).waitFor({ timeout: STEP_MS });
		const comment = page.locator('.quick-input-widget input');
		await comment.fill('Is the total right?');
		await comment.press('Enter');
		const { message } = await bob!.waitFor(MessageNewNotification.type, (p) => p.message.text.includes('parley-snippet:'), STEP_MS);
		assert.equal(message.to, '#general');
		assert.match(message.text, /^Is the total right\?\n\n\[src\/billing\.ts:6-8\]\(parley-snippet:src\/billing\.ts\?lines=6-8\)\n```typescript\nexport function total/);
	});

	it('a teammate\'s snippet header opens the file at its lines; one for a file not here says so', async () => {
		await openConversation('#general');
		await bobSays('#general', 'The loop:\n\n[src/billing.ts:8-10](parley-snippet:src/billing.ts?lines=8-10)\n```ts\nfor (const item of items) {\n\tsum += item.price;\n}\n```');
		await see('.codeblock-header a.snippet-link', 'bob\'s snippet header', { hasText: 'src/billing.ts:8-10' });
		const frame = await chat('the snippet header');
		await frame.locator('.codeblock-header a.snippet-link', { hasText: 'src/billing.ts:8-10' }).click();
		const page = workbench!.page;
		// The selection runs from the start of line 8 to the end of line 10.
		await page.locator('.statusbar-item', { hasText: /Ln 10, Col \d+ \(\d+ selected\)/ }).first().waitFor({ timeout: STEP_MS }).catch(() => {
			throw new Error('the editor did not show src/billing.ts with lines 8-10 selected');
		});
		await page.locator('.tab.active', { hasText: 'billing.ts' }).first().waitFor({ timeout: STEP_MS });
		await bobSays('#general', '[src/missing.ts:1-2](parley-snippet:src/missing.ts?lines=1-2)\n```ts\nnothing\n```');
		await see('.codeblock-header a.snippet-link', 'the header for a file the workspace does not have', { hasText: 'src/missing.ts:1-2' });
		await (await chat('the missing-file header')).locator('.codeblock-header a.snippet-link', { hasText: 'src/missing.ts:1-2' }).click();
		await page.locator('.notifications-toasts', { hasText: 'cannot open src/missing.ts:1-2' }).first().waitFor({ timeout: STEP_MS }).catch(() => {
			throw new Error('no notification that src/missing.ts is not in the workspace');
		});
	});

	it('the server stops: the panel shows that the connection is lost', async () => {
		gate!.close(); // keeps the extension away from the server until the last step opens it
		const bobGone = bob!.closed;
		server!.kill('SIGTERM');
		const { code } = await server!.exited;
		assert.equal(code, 0, 'the server stops gracefully on SIGTERM');
		await bobGone;
		await see('.banner:not([hidden])', 'the connection banner', { hasText: /Reconnecting|offline/ });
		await see('.sidebar-footer .status-dot:not(.status-connected)', 'a state other than "Connected" in the sidebar footer');
	});

	it('the server comes back: the panel catches up on what was said meanwhile, each message exactly once', async function () {
		this.timeout(3 * 60_000);
		await startServer(serverPort); // same port and data folder: the server the extension knew
		await loginBob();
		const missed = ['missed while offline 1', 'missed while offline 2', 'missed while offline 3'];
		for (const text of missed) {
			await bobSays('#general', text);
		}
		await see('.banner:not([hidden])', 'the connection banner, still (the gate is shut)');
		gate!.open();
		await see('.sidebar-footer .status-dot.status-connected', 'the "Connected" state again after the server came back', { timeoutMs: RECONNECT_MS });
		await bob!.waitFor(MemberJoinedNotification.type, (p) => p.channel === '#general' && p.nick === NICK, STEP_MS);
		await openConversation('#general');
		// A message sent after the catch-up is shown after it: once it is there, any duplicate would be too.
		await bobSays('#general', 'welcome back, kim');
		await see('.timeline .msg .text', 'bob\'s message sent after the reconnect', { hasText: 'welcome back, kim' });
		for (const text of [...missed, 'hello from VS Code', 'hi kim, bob here', 'welcome back, kim']) {
			await eventually(async () => (await timelineCount(text)) > 0, `"${text}" in #general`, STEP_MS);
			assert.equal(await timelineCount(text), 1, `"${text}" should appear exactly once in #general`);
		}
		const frame = await chat('the banner after reconnecting');
		assert.equal(await frame.locator('.banner').isVisible(), false, 'the connection banner is gone once connected');
	});

	it('a private channel created with /create stays closed to bob until /invite', async () => {
		await typeInComposer('/create #secret private');
		await see('.conversation-title .title-text', '#secret as the open conversation', { hasText: 'secret' });
		await see('.conversation-title .codicon-lock', 'the lock of a private channel in the header');
		await see('.sidebar [role=option][data-id="#secret"] .codicon-lock', '#secret in the sidebar, with its lock');
		const refused = await rpcError(bob!.connection.sendRequest(JoinChannelRequest.type, { channel: '#secret' }));
		assert.equal(refused.code, ErrorCodes.InviteOnly, `bob joins a private channel uninvited: ${refused.message}`);
		await typeInComposer('/invite bob');
		await bob!.waitFor(InvitedNotification.type, (p) => p.channel === '#secret' && p.by === NICK, STEP_MS);
		await bob!.connection.sendRequest(JoinChannelRequest.type, { channel: '#secret' });
		await see('#members .member-nick', 'bob among the members of #secret', { hasText: 'bob' });
		await see('.timeline .event-text', 'bob\'s join line', { hasText: 'bob joined #secret' });
	});

	it('"Parley Chat: Register Nickname", then Reload Window: signed in again without a click, on the conversation that was open', async function () {
		this.timeout(4 * 60_000);
		await workbench!.command('Register Nickname', 'Parley Chat: Register Nickname');
		await workbench!.answer(/Register kim/, PASSWORD);
		await workbench!.answer(/same password again/, PASSWORD);
		await workbench!.page.locator('.notifications-toasts', { hasText: `"${NICK}" is registered` }).first().waitFor({ timeout: STEP_MS }).catch(() => {
			throw new Error('no notification that the nickname is registered');
		});
		await openConversation('#general');
		await bob!.connection.sendRequest(SendMessageRequest.type, { to: NICK, text: 'a DM before the reload', clientMsgId: `e2e-dm-${Date.now()}` });
		await see('.sidebar [role=option][data-id="bob"]', 'the conversation with bob');

		await workbench!.reloadWindow();
		// No command, no click: the restored panel, signed in with the saved password.
		await see('.sidebar-footer .status-dot.status-connected', 'the "Connected" state after the reload, without a click', { timeoutMs: RECONNECT_MS });
		await see('.conversation-title .title-text', '#general, the conversation that was open', { hasText: 'general' });
		await see('.sidebar [role=option][data-id="bob"]', 'the conversation with bob, still listed');
		await see('.sidebar [role=option][data-id="#secret"]', '#secret, still listed');
		await see('.sidebar-footer .footer-server', `the server from the settings (the gate, port ${gate!.port})`, { hasText: `127.0.0.1:${gate!.port}` });
	});

	it('the server settings are honoured on every reload', async function () {
		this.timeout(6 * 60_000);
		for (let reload = 1; reload <= 3; reload++) {
			await workbench!.reloadWindow();
			await see('.sidebar-footer .status-dot.status-connected', `the "Connected" state after reload ${reload}`, { timeoutMs: RECONNECT_MS });
			await see('.sidebar-footer .footer-server', `the gate's port after reload ${reload}`, { hasText: `127.0.0.1:${gate!.port}` });
		}
		const { users } = await bob!.connection.sendRequest(UserListRequest.type, {});
		assert.ok(users.some((u) => u.nick === NICK), `${NICK} is online through the gate after the reloads`);
	});
});

/**
 * The extension's session against a real server, driven through its commands: connect,
 * join, share a selection, direct message, a dropped connection and the state after
 * reconnecting, disconnect. A second client ("watcher", vscode-jsonrpc over TCP) sees
 * what the server sees; a TCP proxy inside the extension host lets a test cut the line.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { JoinChannelRequest, MemberJoinedNotification, MemberLeftNotification } from '../../../protocol/channels';
import { MessageNewNotification } from '../../../protocol/messages';
import { UserListRequest } from '../../../protocol/users';
import { TcpProxy } from '../../client/proxy';
import { TestClient } from '../../helpers/client';
import { acceptQuickPickUntil, within } from './waits';

const CHANNEL = '#general';
const WAIT_MS = 30_000;

/** Updates a user setting and returns once every listener (Parley's too) has seen the change. */
async function setGlobal(key: string, value: unknown): Promise<void> {
	const [section, ...rest] = key.split('.');
	const changed = new Promise<void>((resolve) => {
		const listener = vscode.workspace.onDidChangeConfiguration((event) => {
			if (event.affectsConfiguration(key)) {
				listener.dispose();
				resolve();
			}
		});
	});
	await vscode.workspace.getConfiguration(section).update(rest.join('.'), value, vscode.ConfigurationTarget.Global);
	await within(changed, 10_000, `the configuration change event for ${key}`);
}

/** Opens a small TypeScript document in the first column and selects its first two lines. */
async function selectCode(content: string): Promise<void> {
	const document = await vscode.workspace.openTextDocument({ language: 'typescript', content });
	const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
	editor.selection = new vscode.Selection(0, 0, 1, document.lineAt(1).text.length);
}

async function online(watcher: TestClient): Promise<Map<string, string[]>> {
	const { users } = await watcher.connection.sendRequest(UserListRequest.type, {});
	return new Map(users.map((u) => [u.nick, u.channels]));
}

describe('Parley session, driven by its commands', function () {
	// Each test builds on the previous one (connected, then joined, ...).
	this.bail(true);
	let serverPort = 0;
	let nick = '';
	let proxy: TcpProxy;
	let watcher: TestClient;

	before(async () => {
		const config = vscode.workspace.getConfiguration('parley');
		serverPort = config.get<number>('server.port') ?? 0;
		nick = config.get<string>('nickname') ?? '';
		assert.ok(serverPort > 0 && nick, 'the launcher must set parley.server.port and parley.nickname');
		watcher = await TestClient.login(serverPort, 'watcher');
		await watcher.connection.sendRequest(JoinChannelRequest.type, { channel: CHANNEL });
		// The extension talks to the server through this proxy, so a test can cut the line.
		proxy = await TcpProxy.start(serverPort);
		await setGlobal('parley.server.port', proxy.port);
	});

	after(async () => {
		await vscode.commands.executeCommand('parley.disconnect');
		if (proxy) {
			await setGlobal('parley.server.port', serverPort);
			await proxy.close();
		}
		watcher?.close();
	});

	it('Chat: Connect connects with the nickname from the settings, without a prompt', async () => {
		await within(vscode.commands.executeCommand('parley.connect'), WAIT_MS, 'Chat: Connect to finish');
		const users = await online(watcher);
		assert.ok(users.has(nick), `${nick} is not online after Chat: Connect; online: ${[...users.keys()].join(', ')}`);
		assert.equal(proxy.links.length, 1, 'expected exactly one connection through the proxy');
	});

	it('Chat: Join Channel joins the channel picked in the quick pick', async () => {
		// A quick pick closes when it loses focus: start from an editor, not the chat
		// panel that Connect opened, whose webview takes focus when it has loaded.
		await selectCode('const answer = 42;\nconsole.log(answer);\n// not shared\n');
		const command = vscode.commands.executeCommand('parley.joinChannel');
		await acceptQuickPickUntil(command, WAIT_MS, `Chat: Join Channel picking ${CHANNEL}`);
		// Waits see notifications that already arrived, so they can start after the action.
		await watcher.waitFor(MemberJoinedNotification.type, (p) => p.channel === CHANNEL && p.nick === nick, WAIT_MS);
		assert.deepEqual((await online(watcher)).get(nick), [CHANNEL]);
	});

	it('Chat: Share Selection sends the selected code to the open channel', async () => {
		await selectCode('const answer = 42;\nconsole.log(answer);\n// not shared\n');
		// Share Selection previews: accepting takes the open conversation and no comment.
		await acceptQuickPickUntil(vscode.commands.executeCommand('parley.shareSelection'), WAIT_MS, 'Chat: Share Selection');
		const { message } = await watcher.waitFor(MessageNewNotification.type,
			(p) => p.message.from === nick && p.message.to === CHANNEL && p.message.text.includes('const answer = 42;'), WAIT_MS);
		assert.match(message.text, /```typescript\n/, 'a fenced TypeScript code block');
		assert.ok(message.text.includes('console.log(answer);'), 'the second selected line');
		assert.ok(!message.text.includes('not shared'), 'nothing beyond the selection');
	});

	it('Chat: Direct Message opens a conversation that Share Selection then sends to', async () => {
		await selectCode('const dm = true;\nexport { dm };\n');
		const command = vscode.commands.executeCommand('parley.directMessage');
		await acceptQuickPickUntil(command, WAIT_MS, 'Chat: Direct Message picking "watcher"');
		await selectCode('const dm = true;\nexport { dm };\n');
		await acceptQuickPickUntil(vscode.commands.executeCommand('parley.shareSelection'), WAIT_MS, 'Chat: Share Selection to the DM');
		await watcher.waitFor(MessageNewNotification.type,
			(p) => p.message.from === nick && p.message.to === 'watcher' && p.message.text.includes('const dm = true;'), WAIT_MS);
	});

	it('reconnects by itself after the connection drops, with its nickname and channels', async () => {
		// Forget the first join, so that the wait below is for the rejoin.
		watcher.notifications.length = 0;
		for (const link of proxy.links) {
			link.client.destroy();
			link.upstream.destroy();
		}
		await watcher.waitFor(MemberLeftNotification.type, (p) => p.channel === CHANNEL && p.nick === nick, WAIT_MS);
		await watcher.waitFor(MemberJoinedNotification.type, (p) => p.channel === CHANNEL && p.nick === nick, WAIT_MS);
		assert.ok(proxy.links.length >= 2, 'the extension opened a new connection');
		assert.deepEqual((await online(watcher)).get(nick), [CHANNEL], `${nick} is back under the same nickname, in ${CHANNEL}`);
	});

	it('after reconnecting, keeps the open conversation, and Connect does not open a second session', async () => {
		const links = proxy.links.length;
		await within(vscode.commands.executeCommand('parley.connect'), WAIT_MS, 'Chat: Connect while connected');
		assert.equal(proxy.links.length, links, 'Chat: Connect while connected must not connect again');
		await selectCode('const after = "reconnect";\nexport { after };\n');
		await acceptQuickPickUntil(vscode.commands.executeCommand('parley.shareSelection'), WAIT_MS, 'Chat: Share Selection after the reconnect');
		await watcher.waitFor(MessageNewNotification.type,
			(p) => p.message.from === nick && p.message.to === 'watcher' && p.message.text.includes('const after = "reconnect";'), WAIT_MS);
	});

	it('Chat: Disconnect quits: the others see it leave', async () => {
		await within(vscode.commands.executeCommand('parley.disconnect'), WAIT_MS, 'Chat: Disconnect');
		await watcher.waitFor(MemberLeftNotification.type, (p) => p.channel === CHANNEL && p.nick === nick && (p.reason ?? '').startsWith('quit'), WAIT_MS);
		assert.ok(!(await online(watcher)).has(nick), `${nick} is still online after Chat: Disconnect`);
	});
});

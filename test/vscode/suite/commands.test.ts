/** The extension as VS Code sees it: installed, activated, every contributed command registered. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { TestClient } from '../../helpers/client';
import { within } from './waits';

export const PARLEY_ID = 'parley.parley';

interface CommandContribution {
	command: string;
	title: string;
}

describe('Parley in the extension host', () => {
	it('is installed and activates', async () => {
		const extension = vscode.extensions.getExtension(PARLEY_ID);
		assert.ok(extension, `${PARLEY_ID} is not installed; installed: ${vscode.extensions.all.map((e) => e.id).filter((id) => !id.startsWith('vscode.')).join(', ')}`);
		await within(extension.activate(), 30_000, `activating ${PARLEY_ID}`);
		assert.equal(extension.isActive, true);
	});

	it('registers every command its package.json contributes', async () => {
		const extension = vscode.extensions.getExtension(PARLEY_ID)!;
		const contributed = (extension.packageJSON.contributes.commands as CommandContribution[]).map((c) => c.command);
		assert.ok(contributed.length >= 10, `expected the 10 Chat commands in package.json, found ${contributed.join(', ')}`);
		const registered = new Set(await vscode.commands.getCommands(true));
		assert.deepEqual(contributed.filter((id) => !registered.has(id)), [], 'contributed but not registered');
	});

	it('contributes the chat side view in its own container; VS Code opens it', async () => {
		const registered = await vscode.commands.getCommands(true);
		assert.ok(registered.includes('parley.chatView.focus'), 'VS Code made a focus command for the contributed view parley.chatView');
		await within(Promise.resolve(vscode.commands.executeCommand('parley.chatView.focus')), 30_000, 'showing the chat side view');
		// Out of the way of the tests that follow (they use the editor panel).
		await vscode.commands.executeCommand('workbench.action.closeSidebar');
	});

	it('sees the server address and nickname the launcher put in the settings, and a server there', async () => {
		const config = vscode.workspace.getConfiguration('parley');
		const host = config.get<string>('server.host') ?? '';
		const port = config.get<number>('server.port') ?? 0;
		assert.match(config.get<string>('nickname') ?? '', /^[A-Za-z][A-Za-z0-9_-]*$/, 'parley.nickname (so Connect does not prompt)');
		const probe = await within(TestClient.login(port, 'probe', {}), 10_000, `a Parley server to answer at ${host}:${port}`).catch((error: Error) => {
			throw new Error(`no Parley server at parley.server.host/port = ${host}:${port} (${error.message}): the launcher must start one and set these settings`);
		});
		probe.close();
	});
});

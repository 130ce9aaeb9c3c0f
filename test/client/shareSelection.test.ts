import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { HostMessage } from '../../protocol/webview';
import { Commands } from '../../extension/constants';
import { parseSnippetUrl } from '../../extension/snippet';
import { createHarness, waitFor } from './harness';
import { FakeDocument, eventually, fakeEditor } from './fakeVscode';
import { useFakeExtension } from './fakeExtension';

const BILLING = ['// billing', 'export function total(items: Item[]): number {', '\tlet sum = 0;', '\tfor (const item of items) {', '\t\tsum += item.price;', '\t}', '\treturn sum;', '}', ''].join('\n');

/** Share Selection's preview and choices, and opening a shared snippet's header, on the fake vscode API against a real server. */
describe('Share Selection and snippet links (fake vscode API, real server)', function () {
	this.timeout(10_000);
	const h = createHarness();
	const ext = useFakeExtension(h);
	let workspace = '';

	beforeEach(() => {
		workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-share-'));
		fs.mkdirSync(path.join(workspace, 'app', 'src'), { recursive: true });
		fs.writeFileSync(path.join(workspace, 'app', 'src', 'billing.ts'), BILLING);
	});

	afterEach(() => {
		fs.rmSync(workspace, { recursive: true, force: true });
	});

	/** kim connected in the fake VS Code, in #general and #random (the open one), with bob in both. */
	async function connectedKim() {
		const server = await h.server();
		const bob = await h.login(server.port, 'bob');
		await bob.join('#general');
		await bob.join('#random');
		ext.activate({ 'parley.server.port': server.port, 'parley.nickname': 'kim' });
		await ext.fake.commands.get(Commands.connect)!();
		const panel = ext.fake.panels[0];
		panel.fromWebview({ type: 'ready' });
		for (const channel of ['general', 'random']) {
			panel.fromWebview({ type: 'join', channel });
			await eventually(() => (panel.posted as HostMessage[]).some((m) => m.type === 'focus' && m.conversation === `#${channel}`), `#${channel} joined`);
		}
		return { bob, panel };
	}

	function selectBilling(folder = path.join(workspace, 'app')): void {
		ext.fake.workspaceFolders = [folder];
		const file = path.join(workspace, 'app', 'src', 'billing.ts');
		const document = new FakeDocument({ scheme: 'file', path: file, fsPath: file }, BILLING, 'typescript');
		// Lines 2 to 7 (1-based), the selection ending at the start of line 8.
		ext.fake.activeTextEditor = fakeEditor(document, { line: 1, character: 0 }, { line: 7, character: 0 });
	}

	it('previews: the open conversation first, a comment, then sends under a link to path:lines', async () => {
		const { bob } = await connectedKim();
		selectBilling();
		ext.fake.answerQuickPick = (items) => items[1];
		ext.fake.answerInput = (options) => (options.title?.startsWith('Share ') ? 'Is the loop right?' : undefined);
		const received = waitFor(bob.onDidReceiveMessage, (m) => m.message.text.includes('let sum = 0;'), 'bob to receive the snippet');
		await ext.fake.commands.get(Commands.shareSelection)!();

		assert.equal(ext.fake.quickPicks.length, 1);
		const pick = ext.fake.quickPicks[0];
		assert.equal(pick.title, 'Share src/billing.ts:2-7 (6 lines)');
		assert.deepEqual(pick.items.map((i) => i.label), ['$(comment-discussion) #random', '$(comment-discussion) #general']);
		assert.equal(pick.items[0].description, 'open in the chat panel');
		const input = ext.fake.inputs.at(-1)!;
		assert.equal(input.title, 'Share src/billing.ts:2-7 with #general');
		assert.match(input.prompt ?? '', /6 lines, starting "export function total\(items: Item\[\]\): number \{"/);

		const { message } = await received;
		assert.equal(message.to, '#general', 'sent where the user picked, not to the open conversation');
		const [comment, header, ...rest] = message.text.split('\n');
		assert.equal(comment, 'Is the loop right?');
		assert.equal(header, '');
		assert.match(rest[0], /^\[src\/billing\.ts:2-7\]\((parley-snippet:[^)]+)\)$/);
		const url = /\((parley-snippet:[^)]+)\)/.exec(rest[0])![1];
		assert.deepEqual(parseSnippetUrl(url), { path: 'src/billing.ts', startLine: 2, endLine: 7 });
		assert.equal(rest.slice(1).join('\n'), `\`\`\`typescript\n${BILLING.split('\n').slice(1, 7).join('\n')}\n\`\`\``);
	});

	it('sends nothing when the pick or the comment is dismissed, and refuses a comment over the limit', async () => {
		const { bob } = await connectedKim();
		selectBilling();
		ext.fake.answerQuickPick = () => undefined;
		await ext.fake.commands.get(Commands.shareSelection)!();
		ext.fake.answerQuickPick = (items) => items[0];
		let validation: string | undefined;
		ext.fake.answerInput = (options) => {
			validation = (options as { validateInput?: (v: string) => string | undefined }).validateInput?.('x'.repeat(5000));
			return undefined;
		};
		await ext.fake.commands.get(Commands.shareSelection)!();
		assert.match(validation ?? '', /Too long to send: \d+ characters with the code, and the server accepts at most 4000/);
		// Nothing arrived: a message sent afterwards is the first bob sees from kim.
		const first = waitFor(bob.onDidReceiveMessage, (m) => m.message.from === 'kim', 'a message from kim');
		ext.fake.answerInput = () => '';
		await ext.fake.commands.get(Commands.shareSelection)!();
		const { message } = await first;
		assert.match(message.text, /^\[src\/billing\.ts:2-7\]/, 'no comment: the header comes first');
	});

	it('adds the git remote (without credentials) and commit when the file is in a repository', async () => {
		const { bob } = await connectedKim();
		selectBilling();
		ext.fake.gitRepositories = [{ root: path.join(workspace, 'app'), remotes: [{ name: 'origin', fetchUrl: 'https://kim:s3cret-token@GitHub.com/acme/billing.git' }], commit: 'a'.repeat(40) }];
		ext.fake.answerQuickPick = (items) => items[0];
		ext.fake.answerInput = () => '';
		const received = waitFor(bob.onDidReceiveMessage, (m) => m.message.from === 'kim', 'the snippet');
		await ext.fake.commands.get(Commands.shareSelection)!();
		const { message } = await received;
		assert.ok(!message.text.includes('s3cret'), 'no credential from the remote URL');
		const url = /\((parley-snippet:[^)]+)\)/.exec(message.text)![1];
		assert.deepEqual(parseSnippetUrl(url), { path: 'src/billing.ts', startLine: 2, endLine: 7, remote: 'github.com/acme/billing', commit: 'a'.repeat(40) });
	});

	it('opens a snippet link at its lines in the workspace folder that has the file, preferring the matching repository', async () => {
		const { panel } = await connectedKim();
		const other = path.join(workspace, 'fork');
		fs.mkdirSync(path.join(other, 'src'), { recursive: true });
		fs.writeFileSync(path.join(other, 'src', 'billing.ts'), BILLING);
		ext.fake.workspaceFolders = [other, path.join(workspace, 'app')];
		ext.fake.gitRepositories = [
			{ root: other, remotes: [{ name: 'origin', fetchUrl: 'git@github.com:someone/fork.git' }], commit: 'b'.repeat(40) },
			{ root: path.join(workspace, 'app'), remotes: [{ name: 'origin', fetchUrl: 'git@github.com:acme/billing.git' }], commit: 'c'.repeat(40) },
		];
		const open = (url: string) => (panel).fromWebview({ type: 'openSnippet', url });
		open('parley-snippet:src/billing.ts?lines=3-5&remote=github.com%2Facme%2Fbilling&commit=cccccccc');
		await eventually(() => ext.fake.shownDocuments.length === 1, 'the file to open');
		assert.deepEqual(ext.fake.shownDocuments[0], {
			path: path.join(workspace, 'app', 'src', 'billing.ts'),
			selection: { start: { line: 2, character: 0 }, end: { line: 4, character: '\t\tsum += item.price;'.length } },
		});
		assert.equal(ext.fake.shown.length, 0, 'same commit: no note that lines may differ');

		// Shared at another commit: opened, with a note.
		open('parley-snippet:src/billing.ts?lines=1&remote=github.com%2Facme%2Fbilling&commit=dddddddd');
		await eventually(() => ext.fake.shownDocuments.length === 2 && ext.fake.shown.length === 1, 'the file and a note');
		assert.match(ext.fake.shown[0].text, /shared at commit dddddddd; you have cccccccc checked out/);

		// Not in this workspace: the user is told so.
		open('parley-snippet:src/missing.ts?lines=1-2&remote=github.com%2Facme%2Fbilling');
		await eventually(() => ext.fake.shown.length === 2, 'a message about the missing file');
		assert.equal(ext.fake.shown[1].text, 'Parley: cannot open src/missing.ts:1-2: no folder of this workspace has it (it is from github.com/acme/billing).');

		// A path leaving the folder is refused, whatever exists there.
		fs.writeFileSync(path.join(workspace, 'secret.txt'), 'x');
		open('parley-snippet:../secret.txt?lines=1');
		open('parley-snippet:%2Fetc%2Fpasswd?lines=1');
		await eventually(() => ext.fake.shown.filter((s) => s.level === 'warn').length === 2, 'two warnings');
		assert.equal(ext.fake.shownDocuments.length, 2, 'nothing else opened');
	});

	it('tells the user when no folder is open', async () => {
		const { panel } = await connectedKim();
		ext.fake.workspaceFolders = [];
		panel.fromWebview({ type: 'openSnippet', url: 'parley-snippet:src/billing.ts?lines=8-14' });
		await eventually(() => ext.fake.shown.length === 1, 'a message');
		assert.equal(ext.fake.shown[0].text, 'Parley: cannot open src/billing.ts:8-14: no folder is open.');
	});
});

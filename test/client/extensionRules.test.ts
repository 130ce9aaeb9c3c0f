import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Commands, VIEW_TYPE } from '../../extension/constants';
import { formatSnippet } from '../../extension/snippet';
import { DEFAULT_SETTINGS, hostProblem, shouldNotify, validateSettings } from '../../extension/settingsRules';

const root = path.resolve(__dirname, '../../..');

describe('extension rules (no VS Code needed)', () => {
	describe('settings validation', () => {
		it('accepts good values', () => {
			const { settings, problems } = validateSettings({
				'server.host': 'chat.example.com', 'server.port': 7000, 'server.tls': true, 'server.tlsCaFile': ' /etc/parley/ca.pem ',
				nickname: 'kim', autoConnect: true, notifications: 'all', 'trace.server': 'verbose',
			});
			assert.deepEqual(problems, []);
			assert.deepEqual(settings, {
				host: 'chat.example.com', port: 7000, tls: true, tlsCaFile: '/etc/parley/ca.pem', nickname: 'kim', autoConnect: true, notifications: 'all', trace: 'verbose',
			});
		});

		it('falls back to defaults for bad values and says why', () => {
			const { settings, problems } = validateSettings({
				'server.host': 'http://evil.example/x', 'server.port': 70000, 'server.tls': 'yes', 'server.tlsCaFile': 'certs/ca.pem',
				nickname: '1bad', autoConnect: 'yes', notifications: 'loud', 'trace.server': 'everything',
			});
			assert.deepEqual(settings, DEFAULT_SETTINGS);
			assert.equal(problems.length, 8);
			assert.match(problems.join('\n'), /parley\.server\.tls must be true or false/);
			assert.match(problems.join('\n'), /parley\.server\.tlsCaFile must be an absolute path .*"certs\/ca\.pem"/);
			assert.match(problems.join('\n'), /parley\.server\.host.*not a host name/);
			assert.match(problems.join('\n'), /parley\.server\.port must be a whole number from 1 to 65535/);
		});

		it('expands ~ in tlsCaFile and says when it is set without TLS', () => {
			const { settings, problems } = validateSettings({ 'server.tlsCaFile': '~/parley/ca.pem' });
			assert.equal(settings.tlsCaFile, path.join(os.homedir(), 'parley/ca.pem'));
			assert.equal(settings.tls, false);
			assert.deepEqual(problems, ['parley.server.tlsCaFile is set but parley.server.tls is off, so the file is not used.']);
			assert.deepEqual(validateSettings({ 'server.tlsCaFile': '  ' }), { settings: DEFAULT_SETTINGS, problems: [] });
			assert.deepEqual(validateSettings({ 'server.tlsCaFile': 7 }).problems, ['parley.server.tlsCaFile must be a string (the path of a PEM file).']);
		});

		it('knows host names and IP addresses', () => {
			for (const good of ['127.0.0.1', 'localhost', '::1', '[::1]', 'a-b.example.org']) {
				assert.equal(hostProblem(good), undefined, good);
			}
			for (const bad of ['', 'has space', 'host:7420', '-lead.example', 'a/b', 'x'.repeat(254)]) {
				assert.notEqual(hostProblem(bad), undefined, bad);
			}
		});

		it('notifies per parley.notifications', () => {
			const dm = { direct: true, mention: false };
			const mention = { direct: false, mention: true };
			const plain = { direct: false, mention: false };
			assert.deepEqual([dm, mention, plain].map((m) => shouldNotify('mentions', m)), [true, true, false]);
			assert.deepEqual([dm, mention, plain].map((m) => shouldNotify('directMessages', m)), [true, false, false]);
			assert.deepEqual([dm, mention, plain].map((m) => shouldNotify('all', m)), [true, true, true]);
			assert.deepEqual([dm, mention, plain].map((m) => shouldNotify('off', m)), [false, false, false]);
		});
	});

	describe('formatSnippet', () => {
		it('heads the code block with file:line and picks a fence the code cannot close', () => {
			assert.equal(formatSnippet({ path: 'src/a.ts', startLine: 3, endLine: 4, languageId: 'typescript', code: 'let a = 1;\nlet b = 2;\n' }),
				'`src/a.ts:3-4`\n```typescript\nlet a = 1;\nlet b = 2;\n```');
			assert.equal(formatSnippet({ path: 'README.md', startLine: 1, endLine: 1, languageId: 'markdown', code: '```js\nx\n```' }),
				'`README.md:1`\n````markdown\n```js\nx\n```\n````');
		});
	});

	describe('manifest', () => {
		const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

		it('activates on its commands, its panel and after startup (to sign an account in again), from the bundle', () => {
			assert.equal(manifest.main, './dist/extension.js');
			const ids = Object.values(Commands);
			assert.deepEqual([...manifest.activationEvents].sort(), [...ids.map((id) => `onCommand:${id}`), `onWebviewPanel:${VIEW_TYPE}`, 'onView:parley.chatView', 'onStartupFinished'].sort());
			assert.ok(!manifest.activationEvents.includes('*'));
		});

		it('contributes every command in category Parley Chat, and settings under parley.', () => {
			const contributed = manifest.contributes.commands as { command: string; category: string; title: string }[];
			assert.deepEqual(contributed.map((c) => c.command).sort(), Object.values(Commands).sort());
			assert.ok(contributed.every((c) => c.category === 'Parley Chat'));
			assert.ok(contributed.some((c) => c.command === Commands.connect && c.title === 'Connect'));
			const keys = Object.keys(manifest.contributes.configuration.properties).sort();
			assert.deepEqual(keys, [
				'parley.autoConnect', 'parley.nickname', 'parley.notifications', 'parley.presence.awayAfterMinutes', 'parley.server.host', 'parley.server.port', 'parley.server.tls', 'parley.server.tlsCaFile', 'parley.trace.server',
			]);
			const props = manifest.contributes.configuration.properties;
			assert.equal(props['parley.server.tls'].default, DEFAULT_SETTINGS.tls);
			assert.equal(props['parley.server.tlsCaFile'].default, '');
			assert.ok(!Object.keys(props).some((k) => /password|insecure|reject|allow/i.test(k)), 'no password settings and no "accept any certificate" switch');
			assert.equal(props['parley.server.host'].default, DEFAULT_SETTINGS.host);
			assert.equal(props['parley.server.port'].default, DEFAULT_SETTINGS.port);
			assert.equal(props['parley.notifications'].default, DEFAULT_SETTINGS.notifications);
		});

		it('scopes the server settings to the window, so a remote window reads them from the user\'s settings at startup', () => {
			// machine and machine-overridable settings are read, in a remote window (code-server,
			// SSH, WSL), only from the remote's settings file, which VS Code loads asynchronously:
			// an extension activated before it was loaded saw the defaults. application settings
			// would never let a (trusted) workspace choose its team's server.
			const props = manifest.contributes.configuration.properties as Record<string, { scope?: string }>;
			for (const key of ['parley.server.host', 'parley.server.port', 'parley.server.tls', 'parley.server.tlsCaFile']) {
				assert.equal(props[key].scope, 'window', key);
			}
			assert.deepEqual(Object.entries(props).filter(([, p]) => p.scope !== undefined && !['window', 'resource'].includes(p.scope)).map(([k]) => k), []);
			const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations as string[];
			assert.deepEqual([...restricted].sort(), ['parley.server.host', 'parley.server.port', 'parley.server.tls', 'parley.server.tlsCaFile']);
		});
	});

	describe('command palette titles', () => {
		const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
		const contributed = manifest.contributes.commands as { command: string; category: string; title: string }[];
		/** What the palette shows: "Category: Title". */
		const labels = contributed.map((c) => ({ command: c.command, label: `${c.category}: ${c.title}` }));
		/**
		 * A subset of the palette's filter (VS Code's commandsQuickAccess: matchesPrefix,
		 * matchesWords or matchesContiguousSubString, ignoring case): a label this finds, the
		 * palette finds too.
		 */
		const finds = (typed: string, label: string) => label.toLowerCase().startsWith(typed.toLowerCase()) || label.toLowerCase().includes(typed.toLowerCase());
		/** Titles of VS Code's own commands in categories Parley's could be confused with (its AI chat's, mostly). */
		const BUILT_IN = [
			'Chat: Open Chat', 'Chat: New Chat', 'Chat: Clear', 'Chat: Clear All Workspace Chats', 'Chat: Focus on Chat View', 'Chat: Open Chat in Editor',
			'Chat: Open Chat in New Window', 'Chat: Open Editor Chat', 'Chat: Show Chats...', 'Chat: Export Chat...', 'Chat: Import Chat...',
			'Chat: Insert into Terminal', 'Chat: Attach Selection to Chat', 'Chat: Add Selection to Chat', 'Chat: Open Chat (Agent)', 'Chat: Open Chat (Ask)',
			'Chat: Open Chat (Edit)', 'Chat: Manage Language Models', 'Chat: Configure Tools...', 'Chat: Focus Chat List', 'Chat: Focus Chat Input',
			'View: Toggle Chat', 'Developer: Show Logs...', 'Developer: Show Log...', 'Output: Show Output Channels...',
		];

		it('lists every Parley command when "Parley" is typed', () => {
			assert.deepEqual(labels.filter((l) => !finds('Parley', l.label)).map((l) => l.label), []);
			assert.equal(labels.length, Object.values(Commands).length);
		});

		it('finds Connect by typing exactly "Chat: Connect"', () => {
			assert.deepEqual(labels.filter((l) => finds('Chat: Connect', l.label)).map((l) => l.command), [Commands.connect]);
			assert.deepEqual(labels.filter((l) => finds('Chat: Open Chat', l.label)).map((l) => l.command), [Commands.openChat]);
		});

		it('repeats no built-in title, and none of VS Code\'s own categories', () => {
			const builtIn = new Set(BUILT_IN.map((t) => t.toLowerCase()));
			assert.deepEqual(labels.filter((l) => builtIn.has(l.label.toLowerCase())).map((l) => l.label), []);
			assert.ok(contributed.every((c) => !['chat', 'view', 'developer', 'output'].includes(c.category.toLowerCase())), 'a category of its own');
			assert.equal(new Set(labels.map((l) => l.label.toLowerCase())).size, labels.length, 'no two alike');
		});
	});
});

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

		it('activates on its commands and its panel only, from the bundle', () => {
			assert.equal(manifest.main, './dist/extension.js');
			const ids = Object.values(Commands);
			assert.deepEqual([...manifest.activationEvents].sort(), [...ids.map((id) => `onCommand:${id}`), `onWebviewPanel:${VIEW_TYPE}`].sort());
			assert.ok(!manifest.activationEvents.includes('*'));
		});

		it('contributes every command in category Chat, and settings under parley.', () => {
			const contributed = manifest.contributes.commands as { command: string; category: string; title: string }[];
			assert.deepEqual(contributed.map((c) => c.command).sort(), Object.values(Commands).sort());
			assert.ok(contributed.every((c) => c.category === 'Chat'));
			assert.ok(contributed.some((c) => c.command === Commands.connect && c.title === 'Connect'));
			const keys = Object.keys(manifest.contributes.configuration.properties).sort();
			assert.deepEqual(keys, [
				'parley.autoConnect', 'parley.nickname', 'parley.notifications', 'parley.server.host', 'parley.server.port', 'parley.server.tls', 'parley.server.tlsCaFile', 'parley.trace.server',
			]);
			const props = manifest.contributes.configuration.properties;
			assert.equal(props['parley.server.tls'].default, DEFAULT_SETTINGS.tls);
			assert.equal(props['parley.server.tlsCaFile'].default, '');
			assert.ok(!Object.keys(props).some((k) => /password|insecure|reject|allow/i.test(k)), 'no password settings and no "accept any certificate" switch');
			assert.equal(props['parley.server.host'].default, DEFAULT_SETTINGS.host);
			assert.equal(props['parley.server.port'].default, DEFAULT_SETTINGS.port);
			assert.equal(props['parley.notifications'].default, DEFAULT_SETTINGS.notifications);
		});
	});
});

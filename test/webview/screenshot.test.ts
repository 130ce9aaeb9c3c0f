import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONVERSATIONS, GENERAL_MEMBERS, connected, conversations, generalDay, pending, todayAt } from './fixtures';
import { useBrowser } from './harness';

const ROOT = path.resolve(__dirname, '../../..');

describe('webview: screenshot', function () {
	const browser = useBrowser();

	it('renders a populated panel in Dark Modern (test-results/webview.png, docs/images/panel.png)', async function () {
		const panel = await browser.open({ width: 1200, height: 760 });
		try {
			// Who is online shows on DMs and members; #release is private.
			const list = CONVERSATIONS.map((c) => ({ ...c, ...(c.id === 'alice' ? { online: true } : c.id === 'bob' ? { online: false } : c.id === '#release' ? { private: true } : {}) }));
			await panel.send(
				connected(),
				conversations('#general', list),
				{ type: 'timeline', conversation: '#general', items: generalDay(), hasMoreBefore: false },
				{ type: 'members', conversation: '#general', members: GENERAL_MEMBERS },
				// One message still in the outbox, shown dimmed.
				{ type: 'append', conversation: '#general', items: [pending('c-1', 'Good catch, fixing both now', todayAt(11, 52))] },
			);
			const input = panel.page.getByRole('textbox', { name: 'Message #general' });
			await input.fill('Pushed the fix, @alice can you take a look?');
			await panel.page.locator('html').evaluate((html) => html.ownerDocument.fonts.ready.then(() => undefined));
			await panel.page.locator('.codicon-send').waitFor();
			const file = path.join(ROOT, 'test-results/webview.png');
			fs.mkdirSync(path.dirname(file), { recursive: true });
			await panel.page.screenshot({ path: file });
			fs.mkdirSync(path.join(ROOT, 'docs/images'), { recursive: true });
			fs.copyFileSync(file, path.join(ROOT, 'docs/images/panel.png'));
			assert.ok(fs.statSync(file).size > 10_000);
			await panel.assertClean();
		} finally {
			await panel.close();
		}
	});
});

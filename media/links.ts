/**
 * Links never navigate the webview: a click (or Enter, or a middle click) asks the host to
 * open the URL, and only http(s) URLs are ever asked for. A snippet link asks the host to
 * open that file of the workspace.
 */
import { isSafeLink, isSnippetLink } from '../protocol/webview';
import { isMessageLink } from '../protocol/messageLinks';
import { post } from './vscodeApi';

function open(event: MouseEvent): void {
	const target = event.target instanceof Element ? event.target.closest('a') : null;
	if (!target) {
		return;
	}
	// Whatever the anchor, the webview itself never follows it.
	event.preventDefault();
	const url = target.getAttribute('data-url');
	const snippet = target.getAttribute('data-snippet');
	const messageLink = target.getAttribute('data-message');
	if (url !== null && isSafeLink(url)) {
		post({ type: 'openLink', url });
	} else if (snippet !== null && isSnippetLink(snippet)) {
		post({ type: 'openSnippet', url: snippet });
	} else if (messageLink !== null && isMessageLink(messageLink)) {
		post({ type: 'openMessageLink', url: messageLink });
	}
}

function copy(event: MouseEvent): void {
	const button = event.target instanceof Element ? event.target.closest('[data-copy]') : null;
	const code = button?.closest('.codeblock')?.querySelector('code');
	if (code?.textContent) {
		void navigator.clipboard?.writeText(code.textContent).catch(() => undefined);
	}
}

export function installLinkHandling(root: HTMLElement): void {
	root.addEventListener('click', (event) => {
		open(event);
		copy(event);
	});
	root.addEventListener('auxclick', open);
}

/**
 * Webview entry point: builds the panel, forwards validated host messages to it and tells
 * the host it is ready (the host sends nothing before that).
 */
import { App } from './app';
import { parseHostMessage } from './hostMessages';
import { post } from './vscodeApi';

const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
const app = new App(root);

window.addEventListener('message', (event: MessageEvent<unknown>) => {
	const message = parseHostMessage(event.data);
	if (message) {
		app.handle(message);
	}
});

post({ type: 'ready' });

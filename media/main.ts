/**
 * Webview entry point: builds the panel, forwards host messages that have their declared
 * shape to it (others are dropped, with a line in the webview's console) and tells the
 * host it is ready (the host sends nothing before that).
 */
import { checkShape } from '../protocol/shapes';
import { hostMessageShape, type HostMessage } from '../protocol/webview';
import { App } from './app';
import { post } from './vscodeApi';

const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
const app = new App(root);

window.addEventListener('message', (event: MessageEvent<unknown>) => {
	const problem = checkShape(event.data, hostMessageShape);
	if (problem) {
		console.warn(`Parley: dropped a malformed message from the extension host: ${problem.message}`);
		return;
	}
	app.handle(event.data as HostMessage);
});

post({ type: 'ready' });

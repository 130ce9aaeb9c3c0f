/**
 * A place where the chat webview app (media/) runs: the editor panel (ChatPanel) or the
 * side view (ChatView). The controller serves every open one from the same client, so
 * they all show the same state.
 */
import { checkShape } from '../protocol/shapes';
import { webviewMessageShape, type HostMessage, type WebviewMessage, type WebviewRequest } from '../protocol/webview';
import type { Logger } from './logger';

export interface ChatSurface {
	/** The page said it is ready: posted messages reach it. */
	readonly isReady: boolean;
	readonly visible: boolean;
	/** Dropped until the page is ready; it gets the full state then. */
	post(message: HostMessage): void;
	/** Brings it forward. */
	reveal(preserveFocus?: boolean): void;
	/** Shows how many messages are unread (the tab title, the view's badge). */
	setUnread(unread: number): void;
}

/** What a surface needs from the rest of the extension. */
export interface ChatSurfaceHost {
	/** The webview (re)loaded and asked for state: send it everything. */
	onReady(surface: ChatSurface): void;
	/** A validated message from the webview other than `ready`. */
	onMessage(message: WebviewRequest, from: ChatSurface): void;
	/** A surface was shown, hidden or closed. */
	onVisibilityChanged(): void;
}

/**
 * Checks a message from a webview (a trust boundary: it renders text from strangers):
 * the `ready` handshake, a request for the host, or nothing (malformed, logged).
 */
export function checkWebviewMessage(message: unknown, log: Logger): WebviewMessage | undefined {
	const problem = checkShape(message, webviewMessageShape);
	if (problem) {
		log.warn(`dropped a malformed message from the webview (${problem.message}): ${JSON.stringify(message)?.slice(0, 200)}`);
		return undefined;
	}
	return message as WebviewMessage;
}

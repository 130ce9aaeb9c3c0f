/**
 * Links to a message, as "Copy link" writes them: `parley-message:%23general/1234` (the
 * conversation as the copier saw it, percent-encoded, then the message id). Parley opens the
 * conversation at that message (its thread, for a reply); the id alone finds it, the
 * conversation part is for people reading the link.
 */

export const MESSAGE_LINK_SCHEME = 'parley-message:';

export function messageLink(conversationName: string, id: number): string {
	return `${MESSAGE_LINK_SCHEME}${encodeURIComponent(conversationName)}/${id}`;
}

/** The message id a link names, or undefined when `url` is not a message link. */
export function parseMessageLink(url: string): { conversation: string; id: number } | undefined {
	const m = /^parley-message:([^/\s]{1,200})\/([1-9][0-9]{0,15})$/.exec(url);
	if (!m) {
		return undefined;
	}
	let conversation: string;
	try {
		conversation = decodeURIComponent(m[1]);
	} catch {
		return undefined;
	}
	const id = Number(m[2]);
	return Number.isSafeInteger(id) ? { conversation, id } : undefined;
}

export function isMessageLink(url: string): boolean {
	return parseMessageLink(url) !== undefined;
}

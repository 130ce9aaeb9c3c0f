/** What counts as a mention: the server counts unread mentions and clients highlight them by this one rule. */
import { nickKey } from './names';

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * True when `text` names `nick` as a word (optionally as `@nick`), ignoring case.
 * Nick characters (letters, digits, `_`, `-`) on either side make it another word,
 * so "kimberly" does not mention "kim".
 */
export function mentionsNick(text: string, nick: string): boolean {
	if (nick === '') {
		return false;
	}
	const pattern = new RegExp(`(?<![A-Za-z0-9_-])@?${escapeRegExp(nickKey(nick))}(?![A-Za-z0-9_-])`, 'i');
	return pattern.test(text);
}

/**
 * What a message shows beyond its text: its reactions as chips (count, the user's own
 * highlighted, who reacted in the tooltip; a click toggles the user's own), "(edited)", the
 * line a deleted message leaves, and the "N replies" line under a thread's root. Clicks
 * are handled in messageActions.ts through the `data-action` attributes.
 */
import { EMOJI } from '../protocol/emoji';
import type { Message, Reaction } from '../protocol/types';
import type { ThreadUnreadView } from '../protocol/webview';
import { el, icon } from './dom';
import { formatFull, formatTime } from './format';

const BY_NAME = new Map(EMOJI.map(([name, char]) => [name, char]));

/** What an emoji looks like: a `:shortcode:` (from IRC or other clients) shows as its character. */
export function emojiGlyph(emoji: string): string {
	const code = /^:([a-z0-9_+-]+):$/.exec(emoji);
	return (code && BY_NAME.get(code[1])) ?? emoji;
}

/** The shortcode of an emoji character, for tooltips and search. */
export function emojiName(emoji: string): string | undefined {
	const code = /^:([a-z0-9_+-]+):$/.exec(emoji);
	return code ? code[1] : EMOJI.find(([, char]) => char === emoji)?.[0];
}

function listNicks(nicks: readonly string[], isSelf: (nick: string) => boolean): string {
	const names = nicks.map((n) => (isSelf(n) ? 'you' : n));
	return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

export function reactionChips(message: Message, isSelf: (nick: string) => boolean): HTMLElement | undefined {
	const reactions: readonly Reaction[] = message.reactions ?? [];
	if (reactions.length === 0 || message.deleted) {
		return undefined;
	}
	const chips = reactions.map((r) => {
		const mine = r.nicks.some(isSelf);
		const name = emojiName(r.emoji);
		const who = `${listNicks(r.nicks, isSelf)} reacted with ${name ? `:${name}:` : r.emoji}`;
		return el(
			'button',
			`reaction${mine ? ' mine' : ''}`,
			{ type: 'button', title: who, 'aria-label': `${who}. ${mine ? 'Click to take yours back' : 'Click to react too'}`, 'aria-pressed': String(mine), 'data-action': 'toggle-reaction', 'data-emoji': r.emoji },
			el('span', 'reaction-emoji', { 'aria-hidden': 'true' }, emojiGlyph(r.emoji)),
			el('span', 'reaction-count', { 'aria-hidden': 'true' }, String(r.nicks.length)),
		);
	});
	const add = el('button', 'reaction add-reaction', { type: 'button', title: 'Add a reaction (R)', 'aria-label': 'Add a reaction', 'data-action': 'react' }, icon('reactions'));
	return el('div', 'reactions', { role: 'group', 'aria-label': 'Reactions' }, ...chips, add);
}

/** "(edited)", with when on hover. */
export function editedMark(message: Message): HTMLElement | undefined {
	if (message.editedTs === undefined || message.deleted) {
		return undefined;
	}
	return el('span', 'edited', { title: `Edited ${formatFull(message.editedTs)}` }, '(edited)');
}

/** The short line a deleted message leaves. */
export function deletedText(): HTMLElement {
	return el('div', 'text deleted-text', undefined, icon('trash'), 'message deleted');
}

/**
 * Under a thread's root: "3 replies · last reply 10:42", which opens the thread; with
 * `unread` (a thread the user takes part in), a "2 new" badge, marked "@" when one names the user.
 */
export function threadSummary(message: Message, unread?: ThreadUnreadView): HTMLElement | undefined {
	const count = message.replyCount ?? 0;
	if (count === 0) {
		return undefined;
	}
	const last = message.lastReplyTs;
	const replies = `${count} ${count === 1 ? 'reply' : 'replies'}`;
	const fresh = unread && unread.unread > 0 ? unread : undefined;
	const label = fresh
		? `${replies}, ${fresh.unread} new${fresh.mentions > 0 ? `, ${fresh.mentions} mentioning you` : ''}${last !== undefined ? `, last reply ${formatTime(last)}` : ''}`
		: undefined;
	return el(
		'button',
		`thread-summary${fresh ? ' has-new' : ''}`,
		{ type: 'button', 'data-action': 'thread', title: 'Open the thread (T)', ...(label ? { 'aria-label': label } : {}) },
		icon('comment-discussion'),
		el('span', 'thread-count', undefined, replies),
		fresh ? el('span', `thread-new${fresh.mentions > 0 ? ' mention' : ''}`, undefined, `${fresh.mentions > 0 ? '@ ' : ''}${fresh.unread} new`) : undefined,
		last !== undefined ? el('span', 'thread-last', { title: formatFull(last) }, `last reply ${formatTime(last)}`) : undefined,
	);
}

/** On a reply sent "also to the channel": where it belongs. */
export function threadContext(message: Message): HTMLElement | undefined {
	if (message.replyTo === undefined) {
		return undefined;
	}
	return el('button', 'thread-context', { type: 'button', 'data-action': 'thread', title: 'Open the thread' }, icon('reply'), 'replied in a thread');
}

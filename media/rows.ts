/**
 * One timeline row per item: a chat message (first of a group or a continuation), a
 * join/leave line, or a local notice, preceded by a day separator when the day changes.
 */
import { el, icon } from './dom';
import { dayKey, formatDay, formatFull, formatTime, initial, nickColour } from './format';
import { renderText } from './richText';
import type { FailedItem, NoticeItem, ViewItem } from './state';
import type { ThreadUnreadView } from '../protocol/webview';
import { nickKey } from '../protocol/names';
import { deletedText, editedMark, reactionChips, threadContext, threadSummary } from './reactions';

/** Consecutive messages from one sender within this long share a header. */
const GROUP_MS = 5 * 60 * 1000;

export type FailedAction = 'retry' | 'edit' | 'discard';

export interface RowContext {
	isSelf(nick: string): boolean;
	mentionsSelf(text: string): boolean;
	/** Whether the "New messages" line goes above this item (the first unread one when the conversation was opened). */
	isFirstUnread(item: ViewItem): boolean;
	/** The user chose what to do with a message the server refused. */
	failedAction(id: string, action: FailedAction): void;
	/** The inline editor when the user is editing message `id` (messageActions.ts). */
	editorFor?(id: number): HTMLElement | undefined;
	/** The unread replies of the thread rooted at message `id`, if the user takes part in it. */
	threadUnread?(id: number): ThreadUnreadView | undefined;
	/** Thread views leave out the "N replies" line and the thread links. */
	inThread?: boolean;
}

function timeEl(ts: number, className = 'time'): HTMLElement {
	return el('time', className, { datetime: new Date(ts).toISOString(), title: formatFull(ts) }, formatTime(ts));
}

/** True when item `i` continues the group of the message before it. */
export function continuesGroup(items: readonly ViewItem[], i: number, ctx?: RowContext): boolean {
	const item = items[i];
	const prev = items[i - 1];
	if (!prev || item.kind !== 'message' || prev.kind !== 'message' || ctx?.isFirstUnread(item)) {
		return false;
	}
	const gap = item.message.ts - prev.message.ts;
	return (
		nickKey(item.message.from) === nickKey(prev.message.from) &&
		gap >= 0 &&
		gap < GROUP_MS &&
		dayKey(item.message.ts) === dayKey(prev.message.ts)
	);
}

function itemTs(item: ViewItem): number {
	return item.kind === 'message' ? item.message.ts : item.ts;
}

function daySeparator(ts: number): HTMLElement {
	const label = formatDay(ts);
	return el('div', 'day-separator', { role: 'separator', 'aria-label': label }, el('span', 'day-label', undefined, label));
}

function eventIcon(text: string): string {
	if (/\bjoined\b/i.test(text)) {
		return 'sign-in';
	}
	if (/\b(left|quit|parted|disconnected)\b/i.test(text)) {
		return 'sign-out';
	}
	if (/\b(nick|now known as|renamed)\b/i.test(text)) {
		return 'edit';
	}
	return 'info';
}

function messageRow(item: Extract<ViewItem, { kind: 'message' }>, continued: boolean, ctx: RowContext): HTMLElement {
	const m = item.message;
	const self = ctx.isSelf(m.from);
	const mention = !self && ctx.mentionsSelf(m.text);
	const classes = ['msg', continued ? 'continued' : 'group-start'];
	if (item.pending) {
		classes.push('pending');
	}
	if (mention) {
		classes.push('mention');
	}
	if (self) {
		classes.push('self');
	}
	const gutter = continued
		? el('div', 'gutter', undefined, timeEl(m.ts, 'time hover-time'))
		: el('div', 'gutter', { 'aria-hidden': 'true' }, el('div', `avatar ${nickColour(m.from)}`, undefined, initial(m.from)));
	const body = el('div', 'body');
	if (continued) {
		// Screen readers hear who said it even when the header is visually shared.
		body.appendChild(el('span', 'sr-only', undefined, `${m.from}: `));
	} else {
		body.appendChild(el('div', 'meta', undefined, el('span', `nick ${nickColour(m.from)}`, undefined, m.from), timeEl(m.ts)));
	}
	const editor = item.pending ? undefined : ctx.editorFor?.(m.id);
	if (m.deleted) {
		classes.push('deleted');
		body.appendChild(deletedText());
	} else if (editor) {
		body.appendChild(editor);
	} else {
		const text = el('div', 'text');
		renderText(text, m.text);
		const edited = editedMark(m);
		if (edited) {
			(text.lastElementChild?.tagName === 'P' ? text.lastElementChild : text).append(' ', edited);
		}
		body.appendChild(text);
	}
	if (!ctx.inThread && m.replyTo !== undefined) {
		body.appendChild(threadContext(m)!);
	}
	const reactions = item.pending ? undefined : reactionChips(m, (nick) => ctx.isSelf(nick));
	if (reactions) {
		body.appendChild(reactions);
	}
	const summary = ctx.inThread ? undefined : threadSummary(m, ctx.threadUnread?.(m.id));
	if (summary) {
		body.appendChild(summary);
	}
	if (item.pending) {
		body.appendChild(el('div', 'pending-note', undefined, icon('clock'), 'Sending…'));
	}
	// Stored messages take focus (arrow keys move between them) and have actions.
	const attrs = item.pending || m.id <= 0 ? undefined : { 'data-id': m.id, tabindex: -1 };
	return el('div', classes.join(' '), attrs, gutter, body);
}

function eventRow(text: string, ts: number): HTMLElement {
	return el('div', 'event', undefined, el('div', 'gutter', undefined, icon(eventIcon(text))), el('span', 'event-text', undefined, text), timeEl(ts));
}

function actionButton(iconName: string, label: string, onClick: (button: HTMLButtonElement) => void): HTMLButtonElement {
	const button = el('button', 'failed-action', { type: 'button' }, icon(iconName), label);
	button.addEventListener('click', () => onClick(button));
	return button;
}

/** A message the server refused: its text stays, with why, and what can be done with it. */
function failedRow(item: FailedItem, ctx: RowContext): HTMLElement {
	const text = el('div', 'text');
	renderText(text, item.text);
	const copy = actionButton('copy', 'Copy', (button) => {
		void navigator.clipboard?.writeText(item.text).then(
			() => {
				button.lastChild!.textContent = 'Copied';
			},
			() => undefined,
		);
	});
	const actions = el(
		'div',
		'failed-actions',
		{ role: 'group', 'aria-label': 'Message not sent' },
		actionButton('refresh', 'Retry', () => ctx.failedAction(item.id, 'retry')),
		actionButton('edit', 'Edit', () => ctx.failedAction(item.id, 'edit')),
		copy,
		actionButton('trash', 'Discard', () => ctx.failedAction(item.id, 'discard')),
	);
	const note = el('div', 'failed-note', undefined, icon('info'), el('span', 'sr-only', undefined, 'Not sent: '), item.reason);
	return el(
		'div',
		'msg failed self group-start',
		{ 'data-failed': item.id },
		el('div', 'gutter', { 'aria-hidden': 'true' }, el('div', 'avatar failed-avatar', undefined, icon('error'))),
		el('div', 'body', undefined, el('div', 'meta', undefined, el('span', 'nick failed-title', undefined, 'Not sent'), timeEl(item.ts)), text, note, actions),
	);
}

function commandTable(commands: NonNullable<NoticeItem['commands']>): HTMLElement {
	const list = el('dl', 'command-table');
	for (const c of commands) {
		list.append(el('dt', undefined, undefined, el('code', undefined, undefined, c.usage)), el('dd', undefined, undefined, c.description));
	}
	return list;
}

function noticeRow(item: NoticeItem): HTMLElement {
	const body = el('div', 'body', undefined, el('div', 'notice-text', undefined, item.text));
	if (item.commands) {
		body.appendChild(commandTable(item.commands));
	}
	if (item.hint) {
		body.appendChild(el('div', 'notice-hint', undefined, item.hint));
	}
	body.appendChild(el('div', 'notice-only', undefined, 'Only visible to you'));
	return el(
		'div',
		`notice notice-${item.level}`,
		{ role: item.level === 'error' ? 'alert' : 'note' },
		el('div', 'gutter', undefined, icon(item.level === 'error' ? 'error' : 'info')),
		body,
	);
}

/** Builds the row for `items[i]`; its look depends on the item before it. */
export function renderRow(items: readonly ViewItem[], i: number, ctx: RowContext): HTMLElement {
	const item = items[i];
	const prev = items[i - 1];
	const row = el('div', 'row');
	if (!prev || dayKey(itemTs(prev)) !== dayKey(itemTs(item))) {
		row.appendChild(daySeparator(itemTs(item)));
	}
	if (ctx.isFirstUnread(item)) {
		row.appendChild(el('div', 'new-messages', { role: 'separator', 'aria-label': 'New messages' }, el('span', 'new-messages-label', undefined, 'New messages')));
	}
	switch (item.kind) {
		case 'message':
			row.appendChild(messageRow(item, continuesGroup(items, i, ctx), ctx));
			break;
		case 'event':
			row.appendChild(eventRow(item.text, item.ts));
			break;
		case 'notice':
			row.appendChild(noticeRow(item));
			break;
		case 'failed':
			row.appendChild(failedRow(item, ctx));
			break;
	}
	return row;
}

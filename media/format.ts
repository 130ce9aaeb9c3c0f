/** Dates, times and nick colours as the timeline shows them. */

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric' });
const dayYearFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' });

export function formatTime(ts: number): string {
	return timeFormat.format(ts);
}

export function formatFull(ts: number): string {
	return fullFormat.format(ts);
}

/** Local calendar day, comparable with `===`. */
export function dayKey(ts: number): number {
	const d = new Date(ts);
	return d.getFullYear() * 10000 + d.getMonth() * 100 + d.getDate();
}

export function formatDay(ts: number, now = Date.now()): string {
	const key = dayKey(ts);
	if (key === dayKey(now)) {
		return 'Today';
	}
	const yesterday = new Date(now);
	yesterday.setDate(yesterday.getDate() - 1);
	if (key === dayKey(yesterday.getTime())) {
		return 'Yesterday';
	}
	return new Date(ts).getFullYear() === new Date(now).getFullYear() ? dayFormat.format(ts) : dayYearFormat.format(ts);
}

/** Number of nick colour classes in chat.css (`nick-c0` ...). */
const NICK_COLOURS = 6;

/** The same nick always gets the same colour, case-insensitively. */
export function nickColour(nick: string): string {
	let hash = 0;
	for (const ch of nick.toLowerCase()) {
		hash = (hash * 31 + ch.codePointAt(0)!) >>> 0;
	}
	return `nick-c${hash % NICK_COLOURS}`;
}

/** The first letter of a nick, for its avatar. */
export function initial(nick: string): string {
	const first = [...nick.trim()][0];
	return first ? first.toUpperCase() : '?';
}

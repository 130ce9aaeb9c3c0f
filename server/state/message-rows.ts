/**
 * A message as the SQL stores keep it (one row of `messages`), and the Message it answers.
 * SQLite gives the flags as 0/1, PostgreSQL as booleans: both read the same here.
 */
import type { Message } from '../../protocol/types';

export interface MessageRow {
	id: number;
	ts: number;
	sender: string;
	recipient: string;
	text: string;
	client_msg_id: string | null;
	edited_ts: number | null;
	deleted: number | boolean;
	reply_to: number | null;
	also_to_channel: number | boolean;
	reply_count: number;
	last_reply_ts: number | null;
	notice: number | boolean;
}

/** The columns of a MessageRow, for SELECT lists. */
export const MESSAGE_COLUMNS = 'id, ts, sender, recipient, text, client_msg_id, edited_ts, deleted, reply_to, also_to_channel, reply_count, last_reply_ts, notice';

/** The message as others see it (no client id). */
export function rowMessage(row: MessageRow): Message {
	const message: Message = { id: row.id, ts: row.ts, from: row.sender, to: row.recipient, text: row.text };
	if (row.deleted) {
		message.deleted = true;
	} else if (row.edited_ts !== null) {
		message.editedTs = row.edited_ts;
	}
	if (row.reply_to !== null) {
		message.replyTo = row.reply_to;
		if (row.also_to_channel) {
			message.alsoToChannel = true;
		}
	}
	if (row.reply_count > 0) {
		message.replyCount = row.reply_count;
		message.lastReplyTs = row.last_reply_ts!;
	}
	if (row.notice && !row.deleted) {
		message.notice = true;
	}
	return message;
}

/** With the sender's client id: only for answers to that sender. */
export function ownRowMessage(row: MessageRow): Message {
	return row.client_msg_id === null ? rowMessage(row) : { ...rowMessage(row), clientMsgId: row.client_msg_id };
}

/**
 * Read state shared by every connection of an account: a read marker per conversation
 * (channel or DM), stored by the server so that every window and device agrees.
 */
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import * as s from './shapes';

export interface MarkReadParams {
	/** `#channel`, or the other party's nick for a DM. */
	conversation: string;
	/** The newest message the user has seen in it. */
	id: number;
}

/**
 * Client -> server: moves the account's read marker forward to `id` (never backwards; an
 * older id changes nothing). The account's other connections get `conversation/read`.
 * A guest keeps no read state: for one it succeeds and changes nothing.
 */
export namespace MarkReadRequest {
	export const method = 'conversation/markRead';
	export const type = new RequestType<MarkReadParams, null, void>(method);
	export const params = s.object<MarkReadParams>({ conversation: s.string(), id: s.integer });
	export const result = s.nothing;
}

export interface ReadParams {
	conversation: string;
	/** The read marker now. */
	id: number;
}

/** Server -> the account's other connections when one of them moved a read marker. */
export namespace ReadNotification {
	export const method = 'conversation/read';
	export const type = new NotificationType<ReadParams>(method);
	export const params = s.object<ReadParams>({ conversation: s.string(), id: s.integer });
}

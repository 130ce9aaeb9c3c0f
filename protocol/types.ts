/**
 * Plain data shapes shared by server and extension. No behaviour, no imports.
 */

/** A stored chat message. `to` is `#channel` for channel messages or the recipient's nick for a DM. */
export interface Message {
	/** Increasing across the whole server; a later message always has a larger id. */
	id: number;
	/** Milliseconds since the Unix epoch, assigned by the server. */
	ts: number;
	from: string;
	to: string;
	text: string;
	/**
	 * The sender's own id for the message: in the `message/send` answer, and in history
	 * pages for messages the requester sent. Never sent to other users.
	 */
	clientMsgId?: string;
}

export interface ChannelInfo {
	name: string;
	topic?: string;
}

export interface ChannelSummary extends ChannelInfo {
	memberCount: number;
}

export interface UserSummary {
	nick: string;
	channels: string[];
}

export interface ServerLimits {
	/** Longest `text` accepted by `message/send`, in characters. */
	maxMessageLength: number;
	/** Largest frame body the server reads, in bytes. */
	maxFrameBytes: number;
}

export interface ClientInfo {
	name: string;
	version?: string;
}

export interface ServerInfo {
	name: string;
	version: string;
}

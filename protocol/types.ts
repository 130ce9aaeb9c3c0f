/**
 * The data records shared by server and extension, each with its shape (see shapes.ts).
 */
import * as s from './shapes';

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

export const messageShape = s.object<Message>({
	id: s.integer, ts: s.number, from: s.string(), to: s.string(), text: s.string(), clientMsgId: s.optional(s.string()),
});

export interface ChannelInfo {
	name: string;
	topic?: string;
}

export const channelInfoShape = s.object<ChannelInfo>({ name: s.string(), topic: s.optional(s.string()) });

export interface ChannelSummary extends ChannelInfo {
	memberCount: number;
}

export const channelSummaryShape = s.object<ChannelSummary>({ name: s.string(), topic: s.optional(s.string()), memberCount: s.integer });

export interface UserSummary {
	nick: string;
	channels: string[];
}

export const userSummaryShape = s.object<UserSummary>({ nick: s.string(), channels: s.array(s.string()) });

export interface ServerLimits {
	/** Longest `text` accepted by `message/send`, in characters. */
	maxMessageLength: number;
	/** Largest frame body the server reads, in bytes. */
	maxFrameBytes: number;
}

export const serverLimitsShape = s.object<ServerLimits>({ maxMessageLength: s.integer, maxFrameBytes: s.integer });

export interface ClientInfo {
	name: string;
	version?: string;
}

export const clientInfoShape = s.object<ClientInfo>({ name: s.string(), version: s.optional(s.string()) });

export interface ServerInfo {
	name: string;
	version: string;
}

export const serverInfoShape = s.object<ServerInfo>({ name: s.string(), version: s.string() });

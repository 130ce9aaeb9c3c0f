/**
 * The errors the server answers with. Each message tells the person what to do.
 */
import { ResponseError } from 'vscode-jsonrpc/node';
import { ChannelListRequest } from '../protocol/channels';
import { ErrorCodes, type AuthFailedData, type RateLimitedData } from '../protocol/errors';
import { InitializeRequest } from '../protocol/lifecycle';
import { SetNickRequest } from '../protocol/users';

export const fail = {
	notInitialized: (method: string) =>
		new ResponseError(ErrorCodes.NotInitialized, `Send '${InitializeRequest.method}' with a nickname before '${method}'.`),
	alreadyInitialized: (nick: string) =>
		new ResponseError(ErrorCodes.InvalidRequest, `This connection is already initialized as '${nick}'; use '${SetNickRequest.method}' to change nickname.`),
	invalidParams: (field: string, message: string) =>
		new ResponseError(ErrorCodes.InvalidParams, message, { field }),
	unknownMethod: (method: string) =>
		new ResponseError(ErrorCodes.MethodNotFound, `Unknown method '${method.slice(0, 64)}'. This server speaks Parley protocol v1; see docs/protocol.md for its methods.`),
	internal: (what: string) =>
		new ResponseError(ErrorCodes.InternalError, `The server failed to ${what}; try again, and tell the operator if it persists.`),
	storageUnavailable: (method: string, retryAfterMs: number) =>
		new ResponseError<RateLimitedData>(ErrorCodes.Unavailable, `The server cannot reach its database right now, so '${method}' did nothing (nothing was stored or changed); try again in a moment.`, { retryAfterMs }),
	nickInUse: (nick: string) =>
		new ResponseError(ErrorCodes.NickInUse, `Nickname '${nick}' is taken; pick another.`),
	invalidNick: (problem: string) =>
		new ResponseError(ErrorCodes.InvalidNick, problem),
	serverFull: (max: number) =>
		new ResponseError(ErrorCodes.ServerFull, `The server is full (${max} user${max === 1 ? '' : 's'}); try again later.`),
	noSuchChannel: (channel: string) =>
		new ResponseError(ErrorCodes.NoSuchChannel, `There is no channel ${channel}; see '${ChannelListRequest.method}' for the channels you can join.`),
	noSuchNick: (nick: string) =>
		new ResponseError(ErrorCodes.NoSuchNick, `There is no one called '${nick}' here: no one online uses that nick and no account has it. Check the spelling.`),
	notOnline: (nick: string) =>
		new ResponseError(ErrorCodes.NoSuchNick, `No one called '${nick}' is online.`),
	notInChannel: (channel: string) =>
		new ResponseError(ErrorCodes.NotInChannel, `You are not in ${channel}; join it first.`),
	memberNotInChannel: (nick: string, channel: string) =>
		new ResponseError(ErrorCodes.NotInChannel, `'${nick}' is not a member of ${channel}.`),
	channelExists: (channel: string) =>
		new ResponseError(ErrorCodes.ChannelExists, `The name ${channel} is taken; pick another name.`),
	inviteOnly: (channel: string) =>
		new ResponseError(ErrorCodes.InviteOnly, `${channel} is invite-only: ask its owner or an op to invite you.`),
	banned: (channel: string) =>
		new ResponseError(ErrorCodes.Banned, `You are banned from ${channel}.`),
	memberBanned: (nick: string, channel: string) =>
		new ResponseError(ErrorCodes.Banned, `'${nick}' is banned from ${channel}; lift the ban first.`),
	/** A moderation refusal: `what` completes "Only the owner or an op of #x can ...". */
	notModerator: (channel: string, what: string) =>
		new ResponseError(ErrorCodes.Forbidden, `Only the owner or an op of ${channel} can ${what}.`),
	notOwner: (channel: string, what: string) =>
		new ResponseError(ErrorCodes.Forbidden, `Only the owner of ${channel} can ${what}.`),
	ownerImmune: (channel: string, what: string) =>
		new ResponseError(ErrorCodes.Forbidden, `The owner of ${channel} cannot be ${what}.`),
	fixedChannels: () =>
		new ResponseError(ErrorCodes.Forbidden, 'This server has a fixed list of channels; ask its operator to add one.'),
	accountNickFixed: (nick: string) =>
		new ResponseError(ErrorCodes.Forbidden, `This connection is signed in to the account '${nick}' and keeps its nick. To use another nick, connect with that nick.`),
	accountHasOtherConnections: (nick: string, others: number) =>
		new ResponseError(ErrorCodes.Forbidden, `'${nick}' is also signed in on ${others} other connection${others === 1 ? '' : 's'}; close ${others === 1 ? 'it' : 'them'} before changing the case of the nick.`),
	messageTooLong: (length: number, max: number) =>
		new ResponseError(ErrorCodes.MessageTooLong, `The message is ${length} characters long; the limit is ${max}. Split it into shorter messages.`),
	rateLimited: (retryAfterMs: number) =>
		new ResponseError<RateLimitedData>(ErrorCodes.RateLimited, `You are sending too fast; wait ${Math.ceil(retryAfterMs / 100) / 10} s and try again.`, { retryAfterMs }),
	cannotMessageSelf: () =>
		new ResponseError(ErrorCodes.CannotMessageSelf, 'You cannot send a direct message to yourself; pick another nick.'),
	noSelfConversation: () =>
		new ResponseError(ErrorCodes.CannotMessageSelf, 'There is no conversation with yourself; ask for a channel or another nick.'),
	clientMsgIdReused: (id: string) =>
		new ResponseError(ErrorCodes.InvalidParams, `clientMsgId '${id}' was already used for a different message; use a new id for each message.`, { field: 'clientMsgId' }),
	invalidChannelName: (problem: string) =>
		new ResponseError(ErrorCodes.InvalidChannelName, problem),
	serverPasswordRequired: () =>
		new ResponseError<AuthFailedData>(ErrorCodes.AuthFailed, 'This server is private: send its password in initialize (serverPassword, or password). Ask the operator for it.', { secret: 'serverPassword' }),
	accountPasswordRequired: (nick: string) =>
		new ResponseError<AuthFailedData>(ErrorCodes.AuthFailed, `Nickname '${nick}' is registered: send its password, or pick another nickname.`, { secret: 'password' }),
	wrongPassword: (nick: string) =>
		new ResponseError<AuthFailedData>(ErrorCodes.AuthFailed, `Wrong password for '${nick}'; try again, or pick another nickname.`, { secret: 'password' }),
	wrongAdminToken: () =>
		new ResponseError<AuthFailedData>(ErrorCodes.AuthFailed, 'The admin token is wrong; connect without one, or ask the server operator for it.', { secret: 'adminToken' }),
	tooManyFailedLogins: (retryAfterMs: number) =>
		new ResponseError<RateLimitedData>(ErrorCodes.RateLimited, `Too many failed logins from your address; wait ${Math.ceil(retryAfterMs / 1000)} s and try again.`, { retryAfterMs }),
	/** The one answer for a message id that does not exist or that the caller cannot read. */
	noSuchMessage: (id: number) =>
		new ResponseError(ErrorCodes.NoSuchMessage, `There is no message ${id} in your conversations; check the id.`),
	notAuthor: (id: number, what: string) =>
		new ResponseError(ErrorCodes.Forbidden, `Only the author of message ${id} can ${what}.`),
	cannotDelete: (id: number, channel: string | undefined) =>
		new ResponseError(ErrorCodes.Forbidden, channel === undefined
			? `Only the author of message ${id} can delete it.`
			: `Only the author of message ${id}, the owner or an op of ${channel}, or a server operator can delete it.`),
	messageDeleted: (id: number, what: string) =>
		new ResponseError(ErrorCodes.Forbidden, `Message ${id} was deleted; you cannot ${what}.`),
	forbidden: (method: string) =>
		new ResponseError(ErrorCodes.Forbidden, `Only operators may call '${method}'; initialize with the server's admin token to become one.`),
	unsupportedVersion: (version: number, supported: number) =>
		new ResponseError(ErrorCodes.InvalidParams, `Protocol version ${version} is not supported; this server speaks version ${supported}. Update your client.`, { field: 'protocolVersion' }),
};

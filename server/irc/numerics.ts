/** Parley errors as the IRC numerics an RFC server would answer with. */
import { ResponseError } from 'vscode-jsonrpc/node';
import { ErrorCodes } from '../../protocol/errors';
import type { IrcSession } from './session';

/**
 * Answers a failed Parley call with its numeric. `target` is the channel or nick the
 * command was about. Unexpected errors are rethrown.
 */
export function replyError(session: IrcSession, error: unknown, command: string, target: string): void {
	if (!(error instanceof ResponseError)) {
		throw error;
	}
	const text = error.message;
	switch (error.code) {
		case ErrorCodes.NoSuchChannel:
			return session.numeric('403', target, text);
		case ErrorCodes.InvalidChannelName:
			return session.numeric('479', target, text);
		case ErrorCodes.NoSuchNick:
			return session.numeric('401', target, text);
		case ErrorCodes.NotInChannel:
			return /is not a member/.test(text) ? session.numeric('441', target, text) : session.numeric('442', target, text);
		case ErrorCodes.InviteOnly:
			return session.numeric('473', target, text);
		case ErrorCodes.Banned:
			return session.numeric('474', target, text);
		case ErrorCodes.Forbidden:
			return target.startsWith('#') ? session.numeric('482', target, text) : session.numeric('481', text);
		case ErrorCodes.MessageTooLong:
			return session.numeric('417', text);
		case ErrorCodes.NickInUse:
			return session.numeric('433', target, text);
		case ErrorCodes.InvalidNick:
			return session.numeric('432', target, text);
		case ErrorCodes.CannotMessageSelf:
			return session.numeric('401', target, text);
		case ErrorCodes.ChannelExists:
			return session.numeric('403', target, text);
		case ErrorCodes.RateLimited:
			return session.fromServer('FAIL', command, 'RATE_LIMITED', text);
		case ErrorCodes.AuthFailed:
			return session.numeric('464', text);
		default:
			return session.numeric('400', command, text);
	}
}

import { ErrorCodes as RpcErrorCodes, ResponseError } from 'vscode-jsonrpc/node';

/**
 * Codes vscode-jsonrpc uses for its own ResponseErrors when the connection fails: a
 * write error, or pending requests rejected because the connection was disposed.
 */
const CONNECTION_FAILURES: readonly number[] = [
	RpcErrorCodes.MessageWriteError,
	RpcErrorCodes.MessageReadError,
	RpcErrorCodes.PendingResponseRejected,
	RpcErrorCodes.ConnectionInactive,
];

/**
 * An error answer from the server, as opposed to the connection failing. Only such an
 * answer says anything about the request: after a connection failure the request may
 * or may not have been carried out, and is retried.
 */
export function isServerError(error: unknown): error is ResponseError<unknown> {
	return error instanceof ResponseError && !CONNECTION_FAILURES.includes(error.code);
}

/**
 * Requests and notifications checked against their protocol shapes. TCP is a trust
 * boundary: an answer that does not have the declared shape is a ProtocolViolation, and a
 * notification that does not is logged and dropped, never half-used.
 */
import type { Disposable, MessageConnection, NotificationType, RequestParam, RequestType } from 'vscode-jsonrpc/node';
import { checkShape, type Shape, type ShapeProblem } from '../../protocol/shapes';

export class ProtocolViolation extends Error {
	constructor(what: string, readonly problem?: ShapeProblem) {
		super(`The server sent a malformed ${what}.`);
		this.name = 'ProtocolViolation';
	}
}

export interface RequestDeclaration<P, R> {
	method: string;
	type: RequestType<P, R, void>;
	result: Shape<R>;
}

export interface NotificationDeclaration<P> {
	method: string;
	type: NotificationType<P>;
	params: Shape<P>;
}

/** Sends a request; resolves with its answer once the answer has the declared shape. */
export async function request<P, R>(connection: MessageConnection, declaration: RequestDeclaration<P, R>, params: RequestParam<P>): Promise<R> {
	const result: unknown = await connection.sendRequest(declaration.type, params);
	const problem = checkShape(result, declaration.result);
	if (problem) {
		throw new ProtocolViolation(`${declaration.method} answer`, problem);
	}
	return result as R;
}

/** Handles a notification whose params have the declared shape; `drop` hears of the others. */
export function onNotification<P>(connection: MessageConnection, declaration: NotificationDeclaration<P>, handler: (params: P) => void,
	drop: (method: string, problem: ShapeProblem) => void): Disposable {
	return connection.onNotification(declaration.type, (params: unknown) => {
		const problem = checkShape(params, declaration.params);
		if (problem) {
			drop(declaration.method, problem);
		} else {
			handler(params as P);
		}
	});
}

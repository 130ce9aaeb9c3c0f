/**
 * Registers a typed request handler on a session's connection: checks that the
 * session is initialized and that params match the method's declared shape, and turns
 * unexpected failures into a -32603 answer (never a crash).
 */
import { ResponseError, type RequestHandler, type RequestType } from 'vscode-jsonrpc/node';
import { checkShape, type ParamsShape } from '../../protocol/shapes';
import { fail } from '../errors';
import type { Hub } from '../hub';
import type { Session } from '../session';

export interface MethodDeclaration<P, R> {
	method: string;
	type: RequestType<P, R, void>;
	params: ParamsShape<P>;
}

export interface HandlerOptions {
	/** Allowed before initialize (only initialize and ping). */
	beforeInit?: boolean;
}

export type Handler<P, R> = (params: P, session: Session, hub: Hub) => Promise<R> | R;

export function register<P, R>(
	hub: Hub,
	session: Session,
	declaration: MethodDeclaration<P, R>,
	handler: Handler<P, R>,
	options: HandlerOptions = {},
): void {
	const wrapped = async (params: P): Promise<R> => {
		if (!options.beforeInit && session.nick === undefined) {
			throw fail.notInitialized(declaration.method);
		}
		const problem = checkShape(params, declaration.params as Record<string, never>);
		if (problem) {
			throw fail.invalidParams(problem.field, problem.message);
		}
		try {
			return await handler(params, session, hub);
		} catch (error) {
			if (error instanceof ResponseError) {
				throw error;
			}
			hub.log.error(`${declaration.method} from ${session.label} failed: ${error instanceof Error ? error.stack : String(error)}`);
			throw fail.internal(`handle '${declaration.method}'`);
		}
	};
	// The cast only bridges vscode-jsonrpc's conditional HandlerResult over a generic R.
	session.connection.onRequest(declaration.type, wrapped as unknown as RequestHandler<P, R, void>);
}

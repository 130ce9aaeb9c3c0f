/**
 * The server's method table: every request handler declared once, against its
 * protocol declaration, and one dispatcher for all connections. A connection holds no
 * handler of its own (one star handler calls `dispatch`), which keeps an idle
 * connection small and connecting cheap.
 *
 * `dispatch` checks that the session is initialized and that params match the
 * method's declared shape, and turns unexpected failures into a -32603 answer (never a
 * crash).
 */
import { ResponseError, type NotificationType, type RequestType } from 'vscode-jsonrpc/node';
import { checkShape, type Shape } from '../../protocol/shapes';
import { fail } from '../errors';
import type { Hub } from '../hub';
import type { Session } from '../session';
import { StorageUnavailableError } from '../state/store';

/** What an Unavailable error tells the client to wait before trying again. */
const STORAGE_RETRY_MS = 1000;

export interface MethodDeclaration<P, R> {
	method: string;
	type: RequestType<P, R, void>;
	params: Shape<P>;
}

/** A session past `initialize`: the router gives every handler but the before-init ones one of these. */
export type SignedIn = Session & { readonly nick: string };

export function isSignedIn(session: Session): session is SignedIn {
	return session.nick !== undefined;
}

export type Handler<P, R> = (params: P, session: SignedIn, hub: Hub) => Promise<R> | R;
/** For the methods allowed before initialize (initialize itself and ping). */
export type BeforeInitHandler<P, R> = (params: P, session: Session, hub: Hub) => Promise<R> | R;

/** One entry of the method table (type-erased: `route` checks the types). */
export interface Route {
	readonly method: string;
	readonly params: Shape<unknown>;
	readonly beforeInit: boolean;
	readonly handle: BeforeInitHandler<unknown, unknown>;
	/** A client notification: no answer, and failures are only logged. */
	readonly notification?: boolean;
}

export interface NotificationDeclaration<P> {
	method: string;
	type: NotificationType<P>;
	params: Shape<P>;
}

/** An entry for a client notification (signed-in sessions only; anything else is dropped). */
export function routeNotification<P>(declaration: NotificationDeclaration<P>, handler: (params: P, session: SignedIn, hub: Hub) => Promise<void> | void): Route {
	return { method: declaration.method, params: declaration.params, beforeInit: false, notification: true, handle: handler as BeforeInitHandler<unknown, unknown> };
}

/** A method table entry whose handler is checked against the declaration's types. */
export function route<P, R>(declaration: MethodDeclaration<P, R>, handler: Handler<P, R>): Route {
	return {
		method: declaration.method,
		params: declaration.params,
		beforeInit: false,
		handle: handler as BeforeInitHandler<unknown, unknown>,
	};
}

/** An entry for a method a client may call before initialize. */
export function routeBeforeInit<P, R>(declaration: MethodDeclaration<P, R>, handler: BeforeInitHandler<P, R>): Route {
	return { method: declaration.method, params: declaration.params, beforeInit: true, handle: handler as BeforeInitHandler<unknown, unknown> };
}

export class Router {
	private readonly routes = new Map<string, Route>();

	constructor(private readonly hub: Hub, tables: readonly (readonly Route[])[]) {
		for (const entry of tables.flat()) {
			if (this.routes.has(entry.method)) {
				throw new Error(`method '${entry.method}' has two handlers`);
			}
			this.routes.set(entry.method, entry);
		}
	}

	/**
	 * A client notification: true when it is one of ours (handled, or dropped when the
	 * session is not signed in or the params are wrong: a notification has no answer).
	 */
	notification(session: Session, method: string, params: unknown): boolean {
		const entry = this.routes.get(method);
		if (entry?.notification !== true) {
			return false;
		}
		if (isSignedIn(session) && checkShape(params, entry.params) === undefined) {
			Promise.resolve(entry.handle(params, session, this.hub)).catch((error: unknown) => {
				this.hub.log.error(`${method} from ${session.label} failed: ${error instanceof Error ? error.stack : String(error)}`);
			});
		}
		return true;
	}

	async dispatch(session: Session, method: string, params: unknown): Promise<unknown> {
		const entry = this.routes.get(method);
		if (entry === undefined || entry.notification === true) {
			throw fail.unknownMethod(method);
		}
		if (!entry.beforeInit && !isSignedIn(session)) {
			throw fail.notInitialized(method);
		}
		const problem = checkShape(params, entry.params);
		if (problem) {
			throw fail.invalidParams(problem.field, problem.message);
		}
		try {
			return await entry.handle(params, session, this.hub);
		} catch (error) {
			if (error instanceof ResponseError) {
				throw error;
			}
			if (error instanceof StorageUnavailableError) {
				this.hub.log.error(`${method} from ${session.label} failed: ${error.message}`);
				throw fail.storageUnavailable(method, STORAGE_RETRY_MS);
			}
			this.hub.log.error(`${method} from ${session.label} failed: ${error instanceof Error ? error.stack : String(error)}`);
			throw fail.internal(`handle '${method}'`);
		}
	}
}

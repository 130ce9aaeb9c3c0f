/**
 * The vscode-jsonrpc side of a session: a MessageConnection reading the messages the
 * guarded frame reader pushes in, answering requests through its owner, and writing
 * onto its owner's output queue.
 *
 * A MessageConnection is about 8 KB of closures and maps, most of what an idle
 * connection would otherwise hold, so sessions hold one only while active (see
 * RpcLinks). A link changes owner only when quiescent: no request in flight either
 * way and its message queue drained, so it carries nothing of one session into the
 * next. Reader and writer fire no events: the session owns the socket and its
 * closing, so the connection's close and error events would have no listener.
 */
import {
	createMessageConnection, Disposable, Event,
	type DataCallback, type Message, type MessageConnection, type MessageReader, type MessageWriter, type StarRequestHandler,
} from 'vscode-jsonrpc/node';
import { encodeMessage } from './frames';

/** Event.None typed as what it is, an event that never fires (vscode-jsonrpc declares it Event<any>). */
const neverFires = Event.None as Event<never>;

class PushReader implements MessageReader {
	readonly onError: Event<Error> = neverFires;
	readonly onClose: Event<void> = neverFires;
	readonly onPartialMessage: MessageReader['onPartialMessage'] = neverFires;
	private callback: DataCallback | undefined;

	listen(callback: DataCallback): Disposable {
		this.callback = callback;
		return Disposable.create(() => (this.callback = undefined));
	}

	push(message: Message): void {
		this.callback?.(message);
	}

	dispose(): void {
		this.callback = undefined;
	}
}

/** Serializes each message once onto the session's queue; never blocks or throws. */
class QueueWriter implements MessageWriter {
	readonly onError: MessageWriter['onError'] = neverFires;
	readonly onClose: Event<void> = neverFires;

	constructor(private readonly out: (frame: Buffer) => void) {}

	write(message: Message): Promise<void> {
		this.out(encodeMessage(message));
		return Promise.resolve();
	}

	end(): void {
		// The session owns the socket and closes it.
	}

	dispose(): void {
		// Nothing held.
	}
}

/** The session a link works for. */
export interface LinkOwner {
	/** Queues an answer (response, or a request of ours) for the client. */
	reply(frame: Buffer): void;
	/** Answers a request (resolves with the result, rejects with a ResponseError). */
	handleRequest(method: string, params: unknown): Promise<unknown>;
}

export class RpcLink {
	readonly connection: MessageConnection;
	private readonly reader = new PushReader();
	private owner: LinkOwner | undefined;

	constructor() {
		this.connection = createMessageConnection(this.reader, new QueueWriter((frame) => this.owner?.reply(frame)));
		const onRequest: StarRequestHandler = (method, params) =>
			this.owner ? this.owner.handleRequest(method, params) : Promise.reject(new Error('request on an unowned link'));
		this.connection.onRequest(onRequest);
		this.connection.listen();
	}

	/** Gives a quiescent link to a session (or takes it back with undefined). */
	bind(owner: LinkOwner | undefined): void {
		this.owner = owner;
	}

	push(message: Message): void {
		this.reader.push(message);
	}

	dispose(): void {
		this.connection.dispose();
	}
}

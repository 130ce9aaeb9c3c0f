/**
 * A TCP proxy between a client and a server that can fake network trouble the server
 * does not notice: cut only the client's side (a silent drop), hold what the client
 * sends, or swallow what the server answers. It records both directions and parses
 * the frames, so tests can check what went over the wire.
 */
import * as net from 'node:net';
import { Emitter } from 'vscode-jsonrpc/node';

export interface Frame {
	id?: number | string;
	method?: string;
	params?: Record<string, unknown>;
	result?: Record<string, unknown>;
	error?: { code: number; message: string };
}

export class Link {
	readonly up: Buffer[] = [];
	readonly down: Buffer[] = [];
	/** Keep what the client sends instead of forwarding it. */
	holdUp = false;
	/** Swallow what the server sends. */
	dropDown = false;
	private silentlyDropped = false;

	constructor(readonly id: number, readonly client: net.Socket, readonly upstream: net.Socket, onData: () => void) {
		client.on('data', (chunk) => {
			this.up.push(chunk);
			if (!this.holdUp) {
				upstream.write(chunk);
			}
			onData();
		});
		upstream.on('data', (chunk) => {
			this.down.push(chunk);
			if (!this.dropDown && !client.destroyed) {
				client.write(chunk);
			}
			onData();
		});
		client.on('error', () => undefined);
		upstream.on('error', () => undefined);
		client.on('close', () => {
			if (!this.silentlyDropped) {
				upstream.destroy();
			}
		});
		upstream.on('close', () => client.destroy());
	}

	/** The client's connection breaks; the server's stays open and hears nothing. */
	dropClientSide(): void {
		this.silentlyDropped = true;
		this.client.destroy();
	}

	framesUp(): Frame[] {
		return parseFrames(Buffer.concat(this.up));
	}

	framesDown(): Frame[] {
		return parseFrames(Buffer.concat(this.down));
	}
}

export class TcpProxy {
	readonly links: Link[] = [];
	/** Applied to each new link. */
	holdUpOnNewLinks = false;
	private readonly dataEmitter = new Emitter<void>();
	/** After each chunk in either direction and each new link. */
	readonly onDidTraffic = this.dataEmitter.event;

	private constructor(private readonly server: net.Server, readonly port: number) {}

	static async start(targetPort: number): Promise<TcpProxy> {
		const server = net.createServer();
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const proxy = new TcpProxy(server, (server.address() as net.AddressInfo).port);
		server.on('connection', (client) => {
			const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
			const link = new Link(proxy.links.length + 1, client, upstream, () => proxy.dataEmitter.fire());
			link.holdUp = proxy.holdUpOnNewLinks;
			proxy.links.push(link);
			proxy.dataEmitter.fire();
		});
		return proxy;
	}

	get last(): Link {
		const link = this.links.at(-1);
		if (!link) {
			throw new Error('no connection through the proxy yet');
		}
		return link;
	}

	/** Every frame the clients sent, over all links, in link order. */
	framesUp(): Frame[] {
		return this.links.flatMap((l) => l.framesUp());
	}

	async close(): Promise<void> {
		for (const link of this.links) {
			link.client.destroy();
			link.upstream.destroy();
		}
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
		this.dataEmitter.dispose();
	}
}

/** Parses LSP-framed JSON messages; an incomplete last frame is left out. */
export function parseFrames(bytes: Buffer): Frame[] {
	const frames: Frame[] = [];
	let at = 0;
	for (;;) {
		const headerEnd = bytes.indexOf('\r\n\r\n', at);
		if (headerEnd < 0) {
			return frames;
		}
		const length = Number(/Content-Length:\s*(\d+)/i.exec(bytes.subarray(at, headerEnd).toString('ascii'))?.[1]);
		const start = headerEnd + 4;
		if (!Number.isFinite(length) || start + length > bytes.length) {
			return frames;
		}
		frames.push(JSON.parse(bytes.subarray(start, start + length).toString('utf8')) as Frame);
		at = start + length;
	}
}

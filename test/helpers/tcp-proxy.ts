/**
 * A TCP relay a test can cut: it stands between one server process and a service (one
 * node and Redis, say) so that the test can take that connection away from that process
 * alone, and give it back.
 */
import * as net from 'node:net';

export class TcpProxy {
	private readonly pairs = new Set<net.Socket>();
	private cutOff = false;

	private constructor(private readonly server: net.Server, readonly port: number) {}

	/** Relays 127.0.0.1:port (a free one) to targetHost:targetPort. */
	static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
		const accepted: net.Socket[] = [];
		const server = net.createServer((client) => accepted.push(client));
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => resolve());
		});
		const proxy = new TcpProxy(server, (server.address() as net.AddressInfo).port);
		server.removeAllListeners('connection');
		server.on('connection', (client: net.Socket) => proxy.accept(client, targetPort, targetHost));
		accepted.forEach((client) => proxy.accept(client, targetPort, targetHost));
		return proxy;
	}

	private accept(client: net.Socket, port: number, host: string): void {
		client.on('error', () => undefined);
		if (this.cutOff) {
			client.destroy();
			return;
		}
		const upstream = net.connect({ port, host });
		upstream.on('error', () => client.destroy());
		client.on('close', () => upstream.destroy());
		upstream.on('close', () => client.destroy());
		client.pipe(upstream);
		upstream.pipe(client);
		this.pairs.add(client).add(upstream);
		client.once('close', () => this.pairs.delete(client));
		upstream.once('close', () => this.pairs.delete(upstream));
	}

	/** Drops every relayed connection and refuses new ones until `restore`. */
	cut(): void {
		this.cutOff = true;
		for (const socket of this.pairs) {
			socket.destroy();
		}
		this.pairs.clear();
	}

	restore(): void {
		this.cutOff = false;
	}

	async stop(): Promise<void> {
		this.cut();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}
}

/**
 * A TCP relay that delays what flows back from its target (a node's view of Redis):
 * a node connected through it receives bus events `delayMs` late, in their order, while
 * what it sends goes through at once. Closed after the test.
 */
import * as net from 'node:net';

export class SlowLink {
	private constructor(private readonly server: net.Server, readonly port: number, private readonly sockets: Set<net.Socket>) {}

	static async start(targetPort: number, delayMs: number): Promise<SlowLink> {
		const sockets = new Set<net.Socket>();
		const server = net.createServer((client) => {
			const upstream = net.connect(targetPort, '127.0.0.1');
			for (const socket of [client, upstream]) {
				sockets.add(socket);
				socket.on('close', () => sockets.delete(socket));
				socket.on('error', () => undefined);
			}
			client.on('data', (data) => upstream.write(data));
			// Timers of one delay fire in the order they were set: the stream stays in order.
			upstream.on('data', (data) => setTimeout(() => client.destroyed || client.write(data), delayMs));
			client.on('close', () => upstream.destroy());
			upstream.on('close', () => setTimeout(() => client.destroy(), delayMs));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		return new SlowLink(server, (server.address() as net.AddressInfo).port, sockets);
	}

	get url(): string {
		return `redis://127.0.0.1:${this.port}`;
	}

	async close(): Promise<void> {
		for (const socket of this.sockets) {
			socket.destroy();
		}
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}
}

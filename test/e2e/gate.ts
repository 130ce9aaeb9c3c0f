/**
 * A TCP pass-through in front of the server that can be shut: while shut, new connections
 * are dropped at once, so the extension stays disconnected for as long as a test needs
 * (e.g. while another client sends the messages it must catch up on).
 */
import * as net from 'node:net';

export class TcpGate {
	private shut = false;
	private readonly sockets = new Set<net.Socket>();

	private constructor(private readonly server: net.Server, readonly port: number) {}

	static async start(targetPort: number): Promise<TcpGate> {
		const server = net.createServer();
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(0, '127.0.0.1', resolve);
		});
		const gate = new TcpGate(server, (server.address() as net.AddressInfo).port);
		server.on('connection', (client) => gate.accept(client, targetPort));
		return gate;
	}

	/** New connections are dropped; open ones end when the server closes them. */
	close(): void {
		this.shut = true;
	}

	open(): void {
		this.shut = false;
	}

	async dispose(): Promise<void> {
		for (const socket of this.sockets) {
			socket.destroy();
		}
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	private accept(client: net.Socket, targetPort: number): void {
		if (this.shut) {
			client.destroy();
			return;
		}
		const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
		for (const [socket, other] of [[client, upstream], [upstream, client]] as const) {
			this.sockets.add(socket);
			socket.on('error', () => undefined);
			socket.on('close', () => {
				this.sockets.delete(socket);
				other.destroy();
			});
			socket.pipe(other);
		}
	}
}

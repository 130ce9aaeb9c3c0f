/** A scripted IRC client over real TCP for the IRC tests: send lines, await lines. */
import * as net from 'node:net';

export class IrcTestClient {
	readonly lines: string[] = [];
	readonly closed: Promise<void>;
	private buffer = '';
	private waiters: { test: (l: string) => boolean; resolve: (l: string) => void; from: number }[] = [];
	/** Index in `lines` after which `waitFor` looks (see `mark`). */
	private cursor = 0;

	private constructor(readonly socket: net.Socket) {
		this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
		socket.setEncoding('utf8');
		socket.on('error', () => undefined);
		socket.on('data', (data: string) => {
			this.buffer += data;
			let nl: number;
			while ((nl = this.buffer.indexOf('\r\n')) >= 0) {
				const line = this.buffer.slice(0, nl);
				this.buffer = this.buffer.slice(nl + 2);
				this.lines.push(line);
				const index = this.lines.length - 1;
				this.waiters = this.waiters.filter((w) => {
					if (index >= w.from && w.test(line)) {
						w.resolve(line);
						return false;
					}
					return true;
				});
			}
		});
	}

	static async connect(port: number): Promise<IrcTestClient> {
		const socket = await new Promise<net.Socket>((resolve, reject) => {
			const s = net.connect({ port, host: '127.0.0.1', noDelay: true }, () => resolve(s));
			s.once('error', reject);
		});
		return new IrcTestClient(socket);
	}

	/** Connects and registers as `nick` (with CAP negotiation of `caps`, SASL PLAIN with `sasl`). */
	static async register(port: number, nick: string, options: { caps?: string[]; pass?: string; sasl?: [string, string] } = {}): Promise<IrcTestClient> {
		const client = await IrcTestClient.connect(port);
		const caps = [...(options.caps ?? []), ...(options.sasl ? ['sasl'] : [])];
		if (caps.length > 0) {
			client.send('CAP LS 302');
		}
		if (options.pass !== undefined) {
			client.send(`PASS ${options.pass}`);
		}
		client.send(`NICK ${nick}`);
		client.send(`USER ${nick} 0 * :${nick} test`);
		if (caps.length > 0) {
			client.send(`CAP REQ :${caps.join(' ')}`);
			await client.waitFor(/ CAP \S+ ACK /);
			if (options.sasl) {
				client.send('AUTHENTICATE PLAIN');
				await client.waitFor(/^AUTHENTICATE \+$/);
				client.send(`AUTHENTICATE ${Buffer.from(`\0${options.sasl[0]}\0${options.sasl[1]}`).toString('base64')}`);
				await client.waitFor(/ 90[34] /);
			}
			client.send('CAP END');
		}
		await client.waitFor(/ (001|4\d\d|ERROR) /);
		return client;
	}

	send(line: string): void {
		this.socket.write(line + '\r\n');
	}

	/** Lines from now on only: later `waitFor`s ignore what came before. */
	mark(): void {
		this.cursor = this.lines.length;
	}

	/** The first line since the mark matching `pattern` (already received or to come). */
	waitFor(pattern: RegExp, timeoutMs = 5000): Promise<string> {
		const from = this.cursor;
		const seen = this.lines.slice(from).find((l) => pattern.test(l));
		if (seen !== undefined) {
			return Promise.resolve(seen);
		}
		return new Promise<string>((resolve, reject) => {
			const test = (l: string): boolean => pattern.test(l);
			const timer = setTimeout(() => {
				this.waiters = this.waiters.filter((w) => w.test !== test);
				reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; last lines:\n${this.lines.slice(-8).join('\n')}`));
			}, timeoutMs);
			this.waiters.push({ test, from, resolve: (l) => { clearTimeout(timer); resolve(l); } });
		});
	}

	/** Sends PING and waits for its PONG: whatever the server queued before has arrived. */
	async sync(): Promise<void> {
		const token = `sync${Math.random().toString(36).slice(2)}`;
		this.send(`PING ${token}`);
		await this.waitFor(new RegExp(`PONG \\S+ :?${token}$`));
	}

	close(): void {
		this.socket.destroy();
	}
}

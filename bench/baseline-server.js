'use strict';
/**
 * The floor for `npm run bench`: a minimal chat server speaking the same JSON-RPC
 * subset as Parley over LSP framing (initialize, channel/join, message/send,
 * session/ping), with nothing else: no validation beyond framing, no persistence,
 * no flood control. A fan-out message is serialized once and every socket is written
 * at most once per event-loop turn.
 *
 * Usage: node bench/baseline-server.js [--port 0] [--host 127.0.0.1]
 * Prints "baseline listening on HOST:PORT" when ready; SIGTERM/SIGINT stop it.
 */
const net = require('node:net');

function flag(name, fallback) {
	const i = process.argv.indexOf(name);
	return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const host = flag('--host', '127.0.0.1');
const port = Number(flag('--port', '0'));

const CRLFCRLF = Buffer.from('\r\n\r\n');
/** name -> Set<Conn> */
const channels = new Map();
let nextMessageId = 1;
let nextConnId = 1;

function frame(json) {
	return Buffer.from(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
}

/** Connections with queued output, flushed once per event-loop turn. */
let dirty = [];
let scheduled = false;
function flushAll() {
	scheduled = false;
	const list = dirty;
	dirty = [];
	for (const conn of list) {
		conn.flush();
	}
}

class Conn {
	constructor(socket) {
		this.id = nextConnId++;
		this.socket = socket;
		this.nick = undefined;
		this.joined = new Set();
		this.out = [];
		this.outBytes = 0;
		this.rest = null;
		this.closed = false;
		socket.setNoDelay(true);
		socket.on('data', (chunk) => this.onData(chunk));
		socket.on('error', () => undefined);
		socket.on('close', () => this.onClose());
	}

	enqueue(buf) {
		if (this.closed) {
			return;
		}
		if (this.out.length === 0) {
			dirty.push(this);
			if (!scheduled) {
				scheduled = true;
				setImmediate(flushAll);
			}
		}
		this.out.push(buf);
		this.outBytes += buf.length;
	}

	flush() {
		if (this.closed || this.out.length === 0) {
			return;
		}
		const data = this.out.length === 1 ? this.out[0] : Buffer.concat(this.out, this.outBytes);
		this.out = [];
		this.outBytes = 0;
		this.socket.write(data);
	}

	reply(id, result) {
		this.enqueue(frame(JSON.stringify({ jsonrpc: '2.0', id, result })));
	}

	error(id, code, message) {
		this.enqueue(frame(JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } })));
	}

	onData(chunk) {
		let data = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
		let off = 0;
		for (;;) {
			const end = data.indexOf(CRLFCRLF, off);
			if (end < 0) {
				break;
			}
			const header = data.toString('latin1', off, end);
			const m = /Content-Length:\s*(\d+)/i.exec(header);
			if (!m) {
				this.socket.destroy();
				return;
			}
			const start = end + 4;
			const stop = start + Number(m[1]);
			if (data.length < stop) {
				break;
			}
			off = stop;
			let msg;
			try {
				msg = JSON.parse(data.toString('utf8', start, stop));
			} catch {
				this.error(null, -32700, 'Parse error');
				continue;
			}
			this.handle(msg);
		}
		this.rest = off < data.length ? data.subarray(off) : null;
	}

	handle(msg) {
		const { id, method } = msg;
		const params = msg.params || {};
		if (method === undefined) {
			return; // a response (we send no requests)
		}
		switch (method) {
			case 'initialize':
				this.nick = String(params.nick);
				this.reply(id, { protocolVersion: 1, serverInfo: { name: 'baseline', version: '0' }, nick: this.nick, limits: { maxMessageLength: 4000, maxFrameBytes: 1048576 } });
				return;
			case 'session/ping':
				this.reply(id, params.token === undefined ? {} : { token: params.token });
				return;
			case 'channel/join': {
				const name = String(params.channel).toLowerCase();
				let members = channels.get(name);
				if (!members) {
					members = new Set();
					channels.set(name, members);
				}
				if (!members.has(this)) {
					const note = frame(JSON.stringify({ jsonrpc: '2.0', method: 'channel/memberJoined', params: { channel: name, nick: this.nick } }));
					for (const m of members) {
						m.enqueue(note);
					}
					members.add(this);
					this.joined.add(name);
				}
				this.reply(id, { channel: { name }, members: [...members].map((m) => m.nick), history: [] });
				return;
			}
			case 'message/send': {
				const to = String(params.to).toLowerCase();
				const members = channels.get(to);
				if (!members || !members.has(this)) {
					this.error(id, -32001, 'not in channel');
					return;
				}
				const message = { id: nextMessageId++, ts: Date.now(), from: this.nick, to, text: String(params.text) };
				const note = frame(JSON.stringify({ jsonrpc: '2.0', method: 'message/new', params: { message } }));
				for (const m of members) {
					if (m !== this) {
						m.enqueue(note);
					}
				}
				this.reply(id, { message });
				return;
			}
			default:
				if (id !== undefined) {
					this.error(id, -32601, `Unknown method '${method}'`);
				}
		}
	}

	onClose() {
		this.closed = true;
		this.out = [];
		for (const name of this.joined) {
			const members = channels.get(name);
			if (members) {
				members.delete(this);
				if (members.size === 0) {
					channels.delete(name);
				}
			}
		}
	}
}

const server = net.createServer({ noDelay: true }, (socket) => new Conn(socket));
server.listen(port, host, () => {
	const a = server.address();
	process.stdout.write(`baseline listening on ${a.address}:${a.port}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
	process.on(signal, () => process.exit(0));
}

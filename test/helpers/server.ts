/** Starts real Parley servers for tests: TCP on 127.0.0.1 port 0, SQLite in a temp dir. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startServer, type ParleyServer, type StartOptions } from '../../server/server';

export function tempDir(prefix = 'parley-test-'): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface TestServer extends ParleyServer {
	dataDir: string;
	logs: string[];
}

/** A server with flood control and per-IP caps off unless the test sets them. */
export async function testServer(options: StartOptions = {}): Promise<TestServer> {
	const dataDir = options.dataDir ?? tempDir();
	const logs: string[] = [];
	const server = await startServer({
		host: '127.0.0.1',
		port: 0,
		logLevel: 'debug',
		floodRate: 0,
		maxPerIp: 0,
		...options,
		dataDir,
		logSink: (line) => logs.push(line),
	});
	return { ...server, dataDir, logs };
}

/**
 * `node server`: parses options, starts the server, runs the operator console on a
 * terminal, and shuts down gracefully on SIGINT/SIGTERM or /shutdown.
 * `node server migrate ...` copies a SQLite database into PostgreSQL (migrate.ts).
 */
import { OperatorConsole } from './console';
import { migrateCommand } from './migrate';
import { OptionsError, parseOptions, usage } from './options';
import { startServer } from './server';

async function main(): Promise<void> {
	if (process.argv[2] === 'migrate') {
		const write = (stream: NodeJS.WriteStream) => (line: string) => stream.write(line + '\n');
		process.exitCode = await migrateCommand(process.argv.slice(3), process.env, write(process.stdout), write(process.stderr));
		return;
	}
	let options;
	try {
		options = parseOptions(process.argv.slice(2), process.env);
	} catch (error) {
		if (error instanceof OptionsError) {
			process.stderr.write(`parley: ${error.message}\n`);
			process.exit(2);
		}
		throw error;
	}
	if (options === 'help') {
		process.stdout.write(usage() + '\n');
		return;
	}
	const server = await startServer(options);
	const host = server.host.includes(':') ? `[${server.host}]` : server.host;
	process.stdout.write(`Parley listening on ${host}:${server.port}${server.ircPort !== undefined ? `, IRC on ${server.ircPort}` : ''}${server.ircTlsPort !== undefined ? `, IRC+TLS on ${server.ircTlsPort}` : ''}${server.metricsPort !== undefined ? `, metrics on ${options.metricsHost ?? '127.0.0.1'}:${server.metricsPort}` : ''}\n`);

	let operatorConsole: OperatorConsole | undefined;
	let shuttingDown = false;
	const shutdown = (reason: string): void => {
		if (shuttingDown) {
			return;
		}
		shuttingDown = true;
		operatorConsole?.close();
		server.stop(reason).then(() => process.exit(0), (error: unknown) => {
			process.stderr.write(`parley: shutdown failed: ${String(error)}\n`);
			process.exit(1);
		});
	};
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		process.on(signal, () => {
			if (shuttingDown) {
				process.exit(1);
			}
			shutdown(`server shutting down (${signal})`);
		});
	}
	if (process.stdin.isTTY || options.console) {
		operatorConsole = new OperatorConsole(server.hub, process.stdin, process.stdout, shutdown, process.stdin.isTTY === true);
	}
}

main().catch((error: unknown) => {
	process.stderr.write(`parley: ${error instanceof Error ? error.message : String(error)}\n`);
	process.exit(1);
});

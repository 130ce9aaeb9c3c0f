/** One line per event on stderr: `2026-01-01T12:00:00.000Z info  [component] message`. */

export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';

const rank: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

export const LOG_LEVELS = Object.keys(rank) as LogLevel[];

export interface Logger {
	error(message: string): void;
	warn(message: string): void;
	info(message: string): void;
	debug(message: string): void;
	child(component: string): Logger;
}

export type LogSink = (line: string) => void;

const stderrSink: LogSink = (line) => {
	process.stderr.write(line + '\n');
};

export function createLogger(level: LogLevel, component = 'server', sink: LogSink = stderrSink): Logger {
	const limit = rank[level];
	const emit = (lineLevel: Exclude<LogLevel, 'silent'>, message: string): void => {
		if (rank[lineLevel] <= limit) {
			sink(`${new Date().toISOString()} ${lineLevel.padEnd(5)} [${component}] ${message}`);
		}
	};
	return {
		error: (m) => emit('error', m),
		warn: (m) => emit('warn', m),
		info: (m) => emit('info', m),
		debug: (m) => emit('debug', m),
		child: (name) => createLogger(level, name, sink),
	};
}

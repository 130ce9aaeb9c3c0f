/**
 * The logging interface the client modules write to. The VS Code layer implements it
 * over a LogOutputChannel; tests use `nullLog` or a recording one.
 */
export interface ClientLog {
	debug(message: string): void;
	info(message: string): void;
	warn(message: string): void;
	error(message: string): void;
}

export const nullLog: ClientLog = {
	debug: () => undefined,
	info: () => undefined,
	warn: () => undefined,
	error: () => undefined,
};

export function errorMessage(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

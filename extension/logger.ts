import type * as vscode from 'vscode';
import type { Tracer } from 'vscode-jsonrpc/node';
import type { ClientLog } from './client/log';
import { redactText, redactValue } from './client/redact';

/** Writes `[component] message` lines to the "Parley" log channel. */
export class Logger implements ClientLog {
	constructor(private readonly channel: vscode.LogOutputChannel, private readonly component: string) {}

	child(component: string): Logger {
		return new Logger(this.channel, component);
	}

	debug(message: string): void {
		this.channel.debug(`[${this.component}] ${message}`);
	}

	info(message: string): void {
		this.channel.info(`[${this.component}] ${message}`);
	}

	warn(message: string): void {
		this.channel.warn(`[${this.component}] ${message}`);
	}

	error(message: string): void {
		this.channel.error(`[${this.component}] ${message}`);
	}
}

/**
 * The JSON-RPC tracer for `parley.trace.server`. Lines go out at info level so that
 * turning the setting on is enough to see them. Passwords, tokens and the resume token
 * are replaced by "***" (in `verbose`, initialize params and results are traced).
 */
export function createRpcTracer(channel: vscode.LogOutputChannel): Tracer {
	return {
		log(messageOrData: unknown, data?: string): void {
			if (typeof messageOrData === 'string') {
				channel.info(redactText(`[rpc] ${messageOrData}${data ? `\n${data}` : ''}`));
			} else {
				channel.info(`[rpc] ${JSON.stringify(redactValue(messageOrData))}`);
			}
		},
	};
}

/**
 * The operator console: commands typed on the server's terminal, as in the classic
 * chat servers. Reads lines from any stream so tests can drive it through a pipe.
 */
import * as readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Hub } from './hub';

export const CONSOLE_HELP = [
	'/list                 who is connected: nick, address, channels, connected since',
	'/count                how many users and connections',
	'/kick NICK [reason]   disconnect a user, telling them why',
	'/broadcast TEXT       send a notice to everyone',
	'/shutdown [reason]    tell everyone and stop the server',
	'/help                 this list',
].join('\n');

function since(ms: number): string {
	return new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + 'Z';
}

function table(rows: string[][]): string {
	const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
	return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

export class OperatorConsole {
	private readonly lines: readline.Interface;

	constructor(
		private readonly hub: Hub,
		input: Readable,
		private readonly output: Writable,
		private readonly shutdown: (reason: string) => void,
		interactive: boolean,
	) {
		this.lines = readline.createInterface({ input, output: interactive ? output : undefined, terminal: interactive });
		if (interactive) {
			this.lines.setPrompt('parley> ');
			this.lines.prompt();
		}
		this.lines.on('line', (line) => {
			this.run(line).then((reply) => {
				if (reply !== '') {
					this.output.write(reply + '\n');
				}
				if (interactive) {
					this.lines.prompt();
				}
			}, (error: unknown) => this.output.write(`error: ${String(error)}\n`));
		});
	}

	/** Runs one command line and returns what to print. */
	async run(line: string): Promise<string> {
		const text = line.trim();
		if (text === '') {
			return '';
		}
		if (!text.startsWith('/')) {
			return `Commands start with '/'; type /help for the list.`;
		}
		const space = text.indexOf(' ');
		const command = (space < 0 ? text : text.slice(0, space)).toLowerCase();
		const rest = space < 0 ? '' : text.slice(space + 1).trim();
		switch (command) {
			case '/help':
				return CONSOLE_HELP;
			case '/count': {
				const users = await this.hub.presence.count();
				return `${users} user${users === 1 ? '' : 's'} online, ${this.hub.sessions.size} connection${this.hub.sessions.size === 1 ? '' : 's'}`;
			}
			case '/list': {
				const users = await this.hub.users();
				if (users.length === 0) {
					return 'No one is online.';
				}
				const rows = [['NICK', 'ADDRESS', 'CHANNELS', 'CONNECTED SINCE']];
				for (const u of users) {
					rows.push([u.nick, u.address, u.channels.sort().join(',') || '-', since(u.since)]);
				}
				return table(rows);
			}
			case '/kick': {
				if (rest === '') {
					return 'Usage: /kick NICK [reason]';
				}
				const [nick, ...words] = rest.split(/\s+/);
				const reason = words.join(' ') || 'by the operator';
				return (await this.hub.kick(nick, reason)) ? `Kicked ${nick}: ${reason}` : `No one named '${nick}' is online; /list shows who is.`;
			}
			case '/broadcast': {
				if (rest === '') {
					return 'Usage: /broadcast TEXT';
				}
				const n = await this.hub.broadcast(rest);
				return `Notice sent to ${n} user${n === 1 ? '' : 's'}.`;
			}
			case '/shutdown':
				this.shutdown(rest || 'server shutting down');
				return 'Shutting down...';
			default:
				return `Unknown command '${command}'; type /help for the list.`;
		}
	}

	close(): void {
		this.lines.close();
	}
}

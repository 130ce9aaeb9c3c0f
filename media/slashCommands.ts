/**
 * Slash commands typed in the composer. Parsing is pure: it turns a line into a message for
 * the host, a local notice, or plain text to send. Unknown commands are never sent as text.
 */
import { channelProblem, isChannelTarget, nickProblem } from '../protocol/names';
import type { WebviewMessage } from '../protocol/webview';

export interface CommandSpec {
	name: string;
	usage: string;
	description: string;
	aliases?: string[];
}

export const COMMANDS: readonly CommandSpec[] = [
	{ name: 'join', usage: '/join #channel', description: 'Join a channel and open it', aliases: ['j'] },
	{ name: 'leave', usage: '/leave [#channel|nick]', description: 'Leave this conversation, or the one named', aliases: ['part', 'close'] },
	{ name: 'msg', usage: '/msg nick [text]', description: 'Open a direct message, optionally sending text', aliases: ['query', 'dm'] },
	{ name: 'nick', usage: '/nick newname', description: 'Change your nickname' },
	{ name: 'create', usage: '/create #channel [private]', description: 'Create a channel (private: only people you invite can join)' },
	{ name: 'invite', usage: '/invite nick [#channel]', description: 'Invite someone to this channel (or the one named)' },
	{ name: 'topic', usage: '/topic [text]', description: 'Show the topic, or set it (/topic - clears it)' },
	{ name: 'kick', usage: '/kick nick [reason]', description: 'Remove someone from this channel (owner and ops)' },
	{ name: 'ban', usage: '/ban nick [reason]', description: 'Remove someone and keep them out (owner and ops)' },
	{ name: 'unban', usage: '/unban nick', description: 'Let someone banned join again' },
	{ name: 'op', usage: '/op nick', description: 'Make a member an op of this channel' },
	{ name: 'deop', usage: '/deop nick', description: 'Make an op a plain member again' },
	{ name: 'help', usage: '/help', description: 'Show this list' },
	{ name: 'quit', usage: '/quit [reason]', description: 'Disconnect from the server' },
];

export type CommandResult =
	| { kind: 'post'; message: WebviewMessage }
	| { kind: 'send'; text: string }
	| { kind: 'notice'; level: 'info' | 'error'; text: string }
	| { kind: 'help' }
	/** /topic with nothing after it: show the open channel's topic. */
	| { kind: 'showTopic' }
	| { kind: 'none' };

export const HELP_HINT = 'Enter sends, Shift+Enter adds a line. Start a line with // to send it beginning with /.';

function find(name: string): CommandSpec | undefined {
	const key = name.toLowerCase();
	return COMMANDS.find((c) => c.name === key || c.aliases?.includes(key));
}

/** Commands whose name starts with `prefix` (for completion). */
export function complete(prefix: string): CommandSpec[] {
	const key = prefix.toLowerCase();
	return COMMANDS.filter((c) => c.name.startsWith(key));
}

const error = (text: string): CommandResult => ({ kind: 'notice', level: 'error', text });

/**
 * Interprets a composer line. `active` is the open conversation (undefined when none is open).
 * Plain text goes to the active conversation; `//x` sends `/x`.
 */
export function interpret(line: string, active: string | undefined): CommandResult {
	const text = line.replace(/\s+$/, '');
	if (text.trim().length === 0) {
		return { kind: 'none' };
	}
	if (!text.startsWith('/') || text.startsWith('//')) {
		const body = text.startsWith('//') ? text.slice(1) : text;
		return active ? { kind: 'send', text: body } : error('Open a conversation first, or join one with /join #channel.');
	}
	const match = /^\/(\S*)\s*([\s\S]*)$/.exec(text)!;
	const name = match[1];
	const args = match[2].trim();
	const spec = find(name);
	if (!spec) {
		return error(`Unknown command "/${name}". Type /help for the list of commands.`);
	}
	const words = args.split(/\s+/).filter((w) => w.length > 0);
	switch (spec.name) {
		case 'join': {
			if (words.length !== 1) {
				return error(`Usage: ${spec.usage}`);
			}
			const channel = (words[0].startsWith('#') ? words[0] : `#${words[0]}`).toLowerCase();
			const problem = channelProblem(channel);
			return problem ? error(problem) : { kind: 'post', message: { type: 'join', channel } };
		}
		case 'leave': {
			if (words.length > 1) {
				return error(`Usage: ${spec.usage}`);
			}
			const target = words[0] ?? active;
			return target ? { kind: 'post', message: { type: 'leave', conversation: target } } : error('There is no open conversation to leave.');
		}
		case 'msg': {
			const m = /^(\S+)(?:\s+([\s\S]*))?$/.exec(args);
			if (!m) {
				return error(`Usage: ${spec.usage}`);
			}
			const problem = nickProblem(m[1]);
			if (problem) {
				return error(problem);
			}
			const body = m[2]?.trim();
			return { kind: 'post', message: body ? { type: 'directMessage', nick: m[1], text: body } : { type: 'directMessage', nick: m[1] } };
		}
		case 'nick': {
			if (words.length !== 1) {
				return error(`Usage: ${spec.usage}`);
			}
			const problem = nickProblem(words[0]);
			return problem ? error(problem) : { kind: 'post', message: { type: 'nick', nick: words[0] } };
		}
		case 'create': {
			const options = words.slice(1).map((w) => w.toLowerCase());
			if (words.length < 1 || words.length > 2 || options.some((o) => o !== 'private' && o !== 'public')) {
				return error(`Usage: ${spec.usage}`);
			}
			const channel = (words[0].startsWith('#') ? words[0] : `#${words[0]}`).toLowerCase();
			const problem = channelProblem(channel);
			return problem ? error(problem) : { kind: 'post', message: { type: 'createChannel', channel, private: options.includes('private') } };
		}
		case 'invite': {
			if (words.length < 1 || words.length > 2) {
				return error(`Usage: ${spec.usage}`);
			}
			const channel = words[1] ?? (active && isChannelTarget(active) ? active : undefined);
			if (!channel) {
				return error('Open a channel first, or name one: /invite nick #channel.');
			}
			const problem = nickProblem(words[0]) ?? channelProblem(channel);
			return problem ? error(problem) : { kind: 'post', message: { type: 'invite', channel: channel.toLowerCase(), nick: words[0] } };
		}
		case 'topic': {
			if (!active || !isChannelTarget(active)) {
				return error('Open a channel first: /topic sets the topic of the open channel.');
			}
			if (args === '') {
				return { kind: 'showTopic' };
			}
			return { kind: 'post', message: { type: 'setTopic', channel: active, topic: args === '-' ? '' : args } };
		}
		case 'kick':
		case 'ban':
		case 'unban':
		case 'op':
		case 'deop': {
			const m = /^(\S+)(?:\s+([\s\S]*))?$/.exec(args);
			const reason = m?.[2]?.trim();
			const takesReason = spec.name === 'kick' || spec.name === 'ban';
			if (!m || (!takesReason && reason)) {
				return error(`Usage: ${spec.usage}`);
			}
			if (!active || !isChannelTarget(active)) {
				return error(`Open the channel first: /${spec.name} works in the open channel.`);
			}
			const nick = m[1];
			const problem = nickProblem(nick);
			if (problem) {
				return error(problem);
			}
			const channel = active;
			switch (spec.name) {
				case 'kick':
				case 'ban':
					return { kind: 'post', message: { type: spec.name, channel, nick, ...(reason ? { reason } : {}) } };
				case 'unban':
					return { kind: 'post', message: { type: 'unban', channel, nick } };
				default:
					return { kind: 'post', message: { type: 'setRole', channel, nick, role: spec.name === 'op' ? 'op' : 'member' } };
			}
		}
		case 'help':
			return { kind: 'help' };
		case 'quit':
			return { kind: 'post', message: args ? { type: 'quit', reason: args } : { type: 'quit' } };
		default:
			return error(`Unknown command "/${name}".`);
	}
}

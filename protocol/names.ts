/**
 * The rules for nicknames and channel names, used by the server to validate and by
 * the extension to check input before it is sent.
 */

export const MAX_NICK_LENGTH = 32;
export const MAX_CHANNEL_NAME_LENGTH = 32;

const NICK = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;
const CHANNEL = /^#[A-Za-z0-9_-]{1,32}$/;

/** Why `nick` is not a valid nickname, as advice to a person, or undefined when it is valid. */
export function nickProblem(nick: string): string | undefined {
	if (nick.length === 0) {
		return 'A nickname cannot be empty; choose one such as "kim".';
	}
	if (nick.length > MAX_NICK_LENGTH) {
		return `Nickname is ${nick.length} characters long; use at most ${MAX_NICK_LENGTH}.`;
	}
	if (!/^[A-Za-z]/.test(nick)) {
		return 'A nickname must start with a letter (A-Z or a-z).';
	}
	if (!NICK.test(nick)) {
		return 'A nickname may contain only letters, digits, "_" and "-".';
	}
	return undefined;
}

export function isValidNick(nick: string): boolean {
	return NICK.test(nick);
}

/** Nicks are unique ignoring case; this is the key they are compared by. */
export function nickKey(nick: string): string {
	return nick.toLowerCase();
}

/** Why `name` is not a valid channel name, or undefined when it is valid. */
export function channelProblem(name: string): string | undefined {
	if (!name.startsWith('#')) {
		return `Channel names start with "#"; try "#${name}".`;
	}
	const body = name.slice(1);
	if (body.length === 0) {
		return 'A channel name needs at least one character after "#".';
	}
	if (body.length > MAX_CHANNEL_NAME_LENGTH) {
		return `Channel name is ${body.length} characters after "#"; use at most ${MAX_CHANNEL_NAME_LENGTH}.`;
	}
	if (!CHANNEL.test(name)) {
		return 'A channel name may contain only letters, digits, "-" and "_" after "#".';
	}
	return undefined;
}

export function isValidChannelName(name: string): boolean {
	return CHANNEL.test(name);
}

/** Channels are case-insensitive and always reported in lower case. */
export function normalizeChannel(name: string): string {
	return name.toLowerCase();
}

export function isChannelTarget(target: string): boolean {
	return target.startsWith('#');
}

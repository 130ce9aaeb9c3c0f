/**
 * The palette commands that create and moderate channels: Create Channel, Invite to
 * Channel, Set Channel Topic, Kick, Ban, Unban, Change Member Role. Each asks with VS Code's
 * own inputs for what it was not given (the panel's menus pass the channel), then calls the
 * client; a refusal is shown by the caller (`guarded`) with the server's reason.
 */
import * as vscode from 'vscode';
import { channelProblem, nickKey, nickProblem } from '../protocol/names';
import type { MemberDetail } from '../protocol/types';
import type { ChatClient } from './client/chatClient';
import type { Conversation } from './client/conversation';

/** The channel a command is about: the one passed, else the open one, else picked from those joined. */
async function channelFor(client: ChatClient, given: unknown, title: string): Promise<Conversation | undefined> {
	if (typeof given === 'string' && channelProblem(given) === undefined) {
		const conversation = client.store.get(given);
		if (conversation?.kind === 'channel' && conversation.joined) {
			return conversation;
		}
	}
	const active = client.store.active === undefined ? undefined : client.store.get(client.store.active);
	if (given === undefined && active?.kind === 'channel' && active.joined) {
		return active;
	}
	const channels = client.store.joinedChannels();
	if (channels.length === 0) {
		void vscode.window.showInformationMessage('Parley: you are in no channel yet. Use "Parley Chat: Join Channel" or "Parley Chat: Create Channel".');
		return undefined;
	}
	const picked = await vscode.window.showQuickPick(channels.map((c) => ({ label: c.name, description: c.role && c.role !== 'member' ? c.role : undefined, detail: c.topic, id: c.id })), { title, placeHolder: 'Which channel?' });
	return picked ? client.store.get(picked.id) : undefined;
}

function roleLabel(member: MemberDetail): string {
	return [member.role === 'member' ? '' : member.role, member.online ? 'online' : 'offline'].filter((s) => s).join(' · ');
}

/** A member of `channel` other than the user (the nick passed, if it is one). */
async function memberFor(client: ChatClient, channel: Conversation, given: unknown, title: string, filter: (m: MemberDetail) => boolean = () => true): Promise<string | undefined> {
	const members = (channel.members ?? []).filter((m) => nickKey(m.nick) !== nickKey(client.nick ?? '') && filter(m));
	if (typeof given === 'string' && nickProblem(given) === undefined) {
		return given;
	}
	if (members.length === 0) {
		void vscode.window.showInformationMessage(`Parley: nobody in ${channel.name} to choose.`);
		return undefined;
	}
	const picked = await vscode.window.showQuickPick(members.map((m) => ({ label: m.nick, description: roleLabel(m) })), { title, placeHolder: `Who in ${channel.name}?` });
	return picked?.label;
}

function askReason(title: string, nick: string): Thenable<string | undefined> {
	return vscode.window.showInputBox({ title, prompt: `Why? (optional; ${nick} and the channel see it)`, placeHolder: 'reason', ignoreFocusOut: true });
}

/** "Create Channel": a name and public or private; the user becomes its owner. Returns the channel's id. */
export async function createChannel(client: ChatClient): Promise<string | undefined> {
	const typed = await vscode.window.showInputBox({
		title: 'Parley: Create Channel',
		prompt: 'The new channel\'s name',
		placeHolder: '#design',
		ignoreFocusOut: true,
		validateInput: (text) => (text.trim() === '' ? undefined : channelProblem(text.trim().startsWith('#') ? text.trim() : `#${text.trim()}`)),
	});
	const name = typed?.trim();
	if (!name) {
		return undefined;
	}
	const channel = name.startsWith('#') ? name : `#${name}`;
	const visibility = await vscode.window.showQuickPick([
		{ label: '$(globe) Public', description: 'anyone can find and join it', private: false },
		{ label: '$(lock) Private', description: 'invisible to others; only people you invite can join', private: true },
	], { title: `Parley: Create ${channel}`, placeHolder: 'Who can join?' });
	if (!visibility) {
		return undefined;
	}
	return client.admin.create(channel, { private: visibility.private });
}

export async function inviteToChannel(client: ChatClient, given: unknown): Promise<void> {
	const channel = await channelFor(client, given, 'Parley: Invite to Channel');
	if (!channel) {
		return;
	}
	const nick = (await vscode.window.showInputBox({
		title: `Parley: Invite to ${channel.name}`,
		prompt: channel.isPrivate ? 'Who? They can then join this private channel.' : 'Who? They are told about the channel.',
		placeHolder: 'nickname',
		ignoreFocusOut: true,
		validateInput: (text) => (text.trim() === '' ? undefined : nickProblem(text.trim())),
	}))?.trim();
	if (nick) {
		await client.admin.invite(channel.id, nick);
		void vscode.window.showInformationMessage(`Parley: invited ${nick} to ${channel.name}.`);
	}
}

export async function setTopic(client: ChatClient, given: unknown): Promise<void> {
	const channel = await channelFor(client, given, 'Parley: Set Channel Topic');
	if (!channel) {
		return;
	}
	const topic = await vscode.window.showInputBox({
		title: `Parley: Topic of ${channel.name}`,
		prompt: 'Empty clears the topic.',
		value: channel.topic ?? '',
		ignoreFocusOut: true,
	});
	if (topic !== undefined) {
		await client.admin.setTopic(channel.id, topic);
	}
}

export async function kickMember(client: ChatClient, given: unknown, nickGiven?: unknown): Promise<void> {
	const channel = await channelFor(client, given, 'Parley: Kick from Channel');
	const nick = channel && (await memberFor(client, channel, nickGiven, `Parley: Kick from ${channel.name}`, (m) => m.role !== 'owner'));
	const reason = channel && nick ? await askReason(`Parley: Kick ${nick} from ${channel.name}`, nick) : undefined;
	if (channel && nick && reason !== undefined) {
		await client.admin.kick(channel.id, nick, reason);
	}
}

export async function banMember(client: ChatClient, given: unknown, nickGiven?: unknown): Promise<void> {
	const channel = await channelFor(client, given, 'Parley: Ban from Channel');
	const nick = channel && (await memberFor(client, channel, nickGiven, `Parley: Ban from ${channel.name}`, (m) => m.role !== 'owner'));
	const reason = channel && nick ? await askReason(`Parley: Ban ${nick} from ${channel.name}`, nick) : undefined;
	if (channel && nick && reason !== undefined) {
		await client.admin.ban(channel.id, nick, reason);
	}
}

/** Lists the channel's bans; the one picked is lifted. */
export async function unbanMember(client: ChatClient, given: unknown): Promise<void> {
	const channel = await channelFor(client, given, 'Parley: Unban from Channel');
	if (!channel) {
		return;
	}
	const bans = await client.admin.bans(channel.id);
	if (bans.length === 0) {
		void vscode.window.showInformationMessage(`Parley: nobody is banned from ${channel.name}.`);
		return;
	}
	const picked = await vscode.window.showQuickPick(bans.map((b) => ({
		label: b.nick,
		description: `banned by ${b.by}, ${new Date(b.ts).toLocaleString()}`,
		detail: b.reason,
	})), { title: `Parley: Bans in ${channel.name}`, placeHolder: 'Pick someone to unban' });
	if (picked) {
		await client.admin.unban(channel.id, picked.label);
		void vscode.window.showInformationMessage(`Parley: ${picked.label} may join ${channel.name} again.`);
	}
}

export async function setMemberRole(client: ChatClient, given: unknown, nickGiven?: unknown): Promise<void> {
	const channel = await channelFor(client, given, 'Parley: Change Member Role');
	const nick = channel && (await memberFor(client, channel, nickGiven, `Parley: Change a role in ${channel.name}`, (m) => m.role !== 'owner'));
	if (!channel || !nick) {
		return;
	}
	const picked = await vscode.window.showQuickPick([
		{ label: 'Op', description: 'may invite, kick, ban and set the topic', role: 'op' as const },
		{ label: 'Member', description: 'a plain member', role: 'member' as const },
	], { title: `Parley: Role of ${nick} in ${channel.name}` });
	if (picked) {
		await client.admin.setRole(channel.id, nick, picked.role);
	}
}

/**
 * What the user asks for in the chat panel (send, join, /kick, a header menu item, ...),
 * carried out against the client. Each request already has its declared shape (checked by
 * ChatPanel); what it may name (channels, nicks) is checked again before it is sent.
 */
import * as vscode from 'vscode';
import { isSafeLink, type HostMessage, type PanelCommand, type WebviewRequest } from '../protocol/webview';
import type { ChatClient } from './client/chatClient';
import { Commands } from './constants';
import { openSnippet } from './snippetLinks';
import { carryOutMessageAction, isMessageRequest } from './messagePanelActions';
import type { Logger } from './logger';

export interface PanelActionDeps {
	client: ChatClient;
	log: Logger;
	/** Focuses a conversation in the panel. */
	focus(conversation: string): void;
	/** /nick, with its password prompts. */
	changeNick(nick: string): Promise<void>;
	/** /quit: disconnects and keeps the window offline until Connect. */
	signOut(reason: string): Promise<void>;
	notice(text: string, level: 'info' | 'error'): void;
	/** The user is done with a message the server refused. */
	discardFailed(id: string): void;
	/** Posts to the panel (message actions answer with `thread` and `jumpTo`). */
	post(message: HostMessage): void;
}

/** The palette command behind each panel button and menu item. */
const PANEL_COMMANDS: Record<PanelCommand, string> = {
	connect: Commands.connect,
	disconnect: Commands.disconnect,
	joinChannel: Commands.joinChannel,
	directMessage: Commands.directMessage,
	createChannel: Commands.createChannel,
	invite: Commands.invite,
	setTopic: Commands.setTopic,
	showBans: Commands.unban,
};

export async function carryOut(message: WebviewRequest, deps: PanelActionDeps): Promise<void> {
	const { client } = deps;
	if (isMessageRequest(message)) {
		return carryOutMessageAction(message, deps);
	}
	switch (message.type) {
		case 'select':
			await client.select(message.conversation);
			return;
		case 'send':
			client.send(message.conversation, message.text);
			return;
		case 'read':
			client.markSeen(message.conversation, message.id, message.following);
			return;
		case 'join': {
			const channel = message.channel.startsWith('#') ? message.channel : `#${message.channel}`;
			deps.focus(await client.join(channel));
			return;
		}
		case 'leave':
			await client.leave(message.conversation);
			return;
		case 'directMessage': {
			const id = await client.openDirect(message.nick);
			deps.focus(id);
			if (message.text?.trim()) {
				client.send(id, message.text);
			}
			return;
		}
		case 'nick':
			await deps.changeNick(message.nick);
			return;
		case 'quit':
			await deps.signOut(message.reason ?? 'leaving');
			return;
		case 'loadOlder':
			await client.loadOlder(message.conversation, message.before);
			return;
		case 'openSnippet':
			await openSnippet(message.url, deps.log);
			return;
		case 'discardFailed':
			deps.discardFailed(message.id);
			return;
		case 'openLink':
			if (isSafeLink(message.url)) {
				await vscode.env.openExternal(vscode.Uri.parse(message.url, true));
			} else {
				deps.log.warn(`refused to open a link that is not http(s): ${message.url.slice(0, 200)}`);
			}
			return;
		case 'command':
			await vscode.commands.executeCommand(PANEL_COMMANDS[message.command], ...(message.channel ? [message.channel] : []));
			return;
		case 'createChannel': {
			const id = await client.admin.create(message.channel, { private: message.private });
			deps.focus(id);
			deps.notice(message.private ? `You created the private channel ${id}: only people you invite (/invite nick) can join it.` : `You created ${id}.`, 'info');
			return;
		}
		case 'invite':
			await client.admin.invite(message.channel, message.nick);
			deps.notice(`Invited ${message.nick} to ${message.channel}.`, 'info');
			return;
		case 'kick':
			await client.admin.kick(message.channel, message.nick, message.reason);
			return;
		case 'ban':
			await client.admin.ban(message.channel, message.nick, message.reason);
			return;
		case 'unban':
			await client.admin.unban(message.channel, message.nick);
			deps.notice(`${message.nick} may join ${message.channel} again.`, 'info');
			return;
		case 'setRole':
			await client.admin.setRole(message.channel, message.nick, message.role);
			return;
		case 'setTopic':
			await client.admin.setTopic(message.channel, message.topic);
			return;
		case 'setTopicProtected':
			await client.admin.setTopicProtected(message.channel, message.topicProtected);
			return;
	}
}

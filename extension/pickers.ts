import * as vscode from 'vscode';
import { channelProblem, nickKey, normalizeChannel } from '../protocol/names';
import type { ChatClient } from './client/chatClient';
import type { ConversationStore } from './client/conversationStore';

interface ChannelItem extends vscode.QuickPickItem {
	channel?: string;
}

/** A channel from channel/list, or a new name typed into the box. */
export async function pickChannel(client: ChatClient): Promise<string | undefined> {
	const channels = await client.listChannels();
	const joined = new Set(client.store.joinedChannels().map((c) => c.id));
	const known: ChannelItem[] = channels
		.sort((a, b) => b.memberCount - a.memberCount || a.name.localeCompare(b.name))
		.map((c) => ({
			label: c.name,
			description: `${c.memberCount} ${c.memberCount === 1 ? 'member' : 'members'}${joined.has(normalizeChannel(c.name)) ? ' · joined' : ''}`,
			detail: c.topic || undefined,
			channel: c.name,
		}));
	const quickPick = vscode.window.createQuickPick<ChannelItem>();
	quickPick.title = 'Parley: Join Channel';
	quickPick.placeholder = known.length > 0 ? 'Pick a channel, or type a name to create one' : 'Type a channel name, e.g. #general';
	quickPick.matchOnDetail = true;
	quickPick.items = known;
	const disposables: vscode.Disposable[] = [quickPick];
	try {
		return await new Promise<string | undefined>((resolve) => {
			disposables.push(
				quickPick.onDidChangeValue((value) => {
					const typed = value.trim();
					const name = typed.startsWith('#') ? typed : `#${typed}`;
					if (typed === '' || known.some((i) => i.channel && normalizeChannel(i.channel) === normalizeChannel(name))) {
						quickPick.items = known;
						return;
					}
					const problem = channelProblem(name);
					const item: ChannelItem = problem
						? { label: `$(error) ${name}`, detail: problem, alwaysShow: true }
						: { label: `$(add) ${name}`, description: 'new channel', channel: name, alwaysShow: true };
					quickPick.items = [item, ...known];
				}),
				quickPick.onDidAccept(() => {
					const channel = quickPick.selectedItems[0]?.channel;
					if (channel) {
						resolve(channel);
						quickPick.hide();
					}
				}),
				quickPick.onDidHide(() => resolve(undefined)),
			);
			quickPick.show();
		});
	} finally {
		for (const d of disposables) {
			d.dispose();
		}
	}
}

/** Someone online from user/list (not the user). */
export async function pickUser(client: ChatClient): Promise<string | undefined> {
	const self = nickKey(client.nick ?? '');
	const users = (await client.listUsers()).filter((u) => nickKey(u.nick) !== self);
	if (users.length === 0) {
		void vscode.window.showInformationMessage('Parley: nobody else is online right now.');
		return undefined;
	}
	const picked = await vscode.window.showQuickPick(
		users.sort((a, b) => a.nick.localeCompare(b.nick)).map((u) => ({
			label: u.nick,
			description: Array.isArray(u.channels) && u.channels.length > 0 ? u.channels.join(' ') : undefined,
		})),
		{ title: 'Parley: Direct Message', placeHolder: 'Who do you want to message?', matchOnDescription: true },
	);
	return picked?.label;
}

/** One of the open conversations (for Leave Channel and Share Selection). */
export async function pickConversation(store: ConversationStore, title: string, placeHolder: string): Promise<string | undefined> {
	const items = store.list().map((c) => ({
		label: c.kind === 'channel' ? `$(comment-discussion) ${c.name}` : `$(account) ${c.name}`,
		description: c.topic,
		id: c.id,
	}));
	if (items.length === 0) {
		void vscode.window.showInformationMessage('Parley: you are in no channel or conversation yet. Use "Parley Chat: Join Channel".');
		return undefined;
	}
	const picked = await vscode.window.showQuickPick(items, { title, placeHolder });
	return picked?.id;
}

import * as vscode from 'vscode';
import type { ChatClient } from './client/chatClient';
import { Disposable } from './client/disposable';
import { Commands } from './constants';

/** Connection state and unread count; a click opens the chat panel. */
export class StatusBar extends Disposable {
	private readonly item = this._register(vscode.window.createStatusBarItem('parley.status', vscode.StatusBarAlignment.Left, 50));

	constructor(private readonly client: ChatClient) {
		super();
		this.item.name = 'Parley Chat';
		this.item.command = Commands.openChat;
		this._register(client.onDidChangeStatus(() => this.update()));
		this._register(client.store.onDidChange((change) => change.kind === 'conversations' && this.update()));
		this._register(client.ownStatus.onDidChange(() => this.update()));
		this.update();
		this.item.show();
	}

	private update(): void {
		const { state, server, nick, detail } = this.client.status;
		const { unread, mentions } = this.client.store.totals();
		const counts = unread > 0 ? ` ${unread}` : '';
		const mentionText = mentions > 0 ? ` $(mention)${mentions}` : '';
		let text: string;
		let summary: string;
		const own = this.client.ownStatus.state;
		const away = state === 'connected' && own.status === 'away';
		switch (state) {
			case 'connected':
				text = `$(comment-discussion)${counts}${mentionText}${away ? ' Away' : ''}`;
				summary = `Connected to ${server} as ${nick ?? '?'}${away ? `, away${own.text ? ` (${escapeMarkdown(own.text)})` : ''}` : ''}`;
				break;
			case 'connecting':
				text = '$(sync~spin) Parley';
				summary = `Connecting to ${server}…`;
				break;
			case 'reconnecting':
				text = `$(sync~spin) Parley${counts}`;
				summary = `Reconnecting to ${server}`;
				break;
			case 'offline':
				text = `$(debug-disconnect) Parley${counts}`;
				summary = 'Offline';
				break;
		}
		this.item.text = text;
		const unreadLine = unread > 0 ? `\n\n${unread} unread${mentions > 0 ? `, ${mentions} for you` : ''}` : '';
		const statusLine = state === 'connected' ? `\n\n${statusLinks(away)}` : '';
		const tooltip = new vscode.MarkdownString(`**Parley Chat**: ${summary}${detail ? `\n\n${escapeMarkdown(detail)}` : ''}${unreadLine}${statusLine}\n\nClick to open the chat.`);
		// Only Parley's own status commands may run from these links.
		tooltip.isTrusted = { enabledCommands: [Commands.setStatus] };
		tooltip.supportThemeIcons = true;
		this.item.tooltip = tooltip;
		this.item.accessibilityInformation = { label: `Parley chat: ${summary}${unread > 0 ? `, ${unread} unread` : ''}`, role: 'button' };
		this.item.backgroundColor = state === 'reconnecting' || mentions > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
	}
}

/** Links that set the status: back online, away, or the full choice. */
function statusLinks(away: boolean): string {
	const link = (label: string, args?: unknown[]) => `[${label}](command:${Commands.setStatus}${args ? `?${encodeURIComponent(JSON.stringify(args))}` : ''})`;
	return `${away ? link('$(circle-filled) Set online', ['online']) : link('$(circle-outline) Set away', ['away'])} · ${link('Set status…')}`;
}

function escapeMarkdown(text: string): string {
	return text.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, '\\$&');
}

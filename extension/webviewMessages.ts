/**
 * The one place where the client core's changes become webview messages
 * (protocol/webview.ts): the controller posts what these return.
 */
import type { HostMessage } from '../protocol/webview';
import type { ConnectionStatus } from './client/clientTypes';
import type { StoreChange } from './client/storeChanges';

export function connectionMessage(status: ConnectionStatus): HostMessage {
	return {
		type: 'connection',
		state: status.state,
		server: status.server,
		...(status.nick ? { nick: status.nick } : {}),
		...(status.detail ? { detail: status.detail } : {}),
	};
}

export function storeChangeMessage(change: StoreChange): HostMessage {
	switch (change.kind) {
		case 'conversations':
			return { type: 'conversations', conversations: change.conversations, ...(change.active ? { active: change.active } : {}) };
		case 'timeline':
			return { type: 'timeline', conversation: change.conversation, items: change.entries, hasMoreBefore: change.hasMoreBefore };
		case 'appended':
			return { type: 'append', conversation: change.conversation, items: change.entries };
		case 'prepended':
			return { type: 'prepend', conversation: change.conversation, items: change.entries, hasMoreBefore: change.hasMoreBefore };
		case 'acknowledged':
			return { type: 'acknowledged', conversation: change.conversation, clientMsgId: change.clientMsgId, message: change.message };
		case 'members':
			return { type: 'members', conversation: change.conversation, members: change.members };
		case 'messageUpdated':
			return { type: 'messageUpdated', conversation: change.conversation, message: change.message };
		case 'thread':
			return { type: 'thread', conversation: change.conversation, root: change.root, replies: change.replies, hasMoreBefore: change.hasMoreBefore };
		case 'threadUnread':
			return { type: 'threadUnread', conversation: change.conversation, threads: change.threads };
	}
}

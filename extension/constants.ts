/** Identifiers shared by the manifest (package.json) and the code. */
export const VIEW_TYPE = 'parleyChat';
export const CONFIG_SECTION = 'parley';

export const Commands = {
	connect: 'parley.connect',
	disconnect: 'parley.disconnect',
	openChat: 'parley.openChat',
	joinChannel: 'parley.joinChannel',
	leaveChannel: 'parley.leaveChannel',
	directMessage: 'parley.directMessage',
	shareSelection: 'parley.shareSelection',
	switchConversation: 'parley.switchConversation',
	showLog: 'parley.showLog',
	registerNickname: 'parley.registerNickname',
	forgetPasswords: 'parley.forgetPasswords',
} as const;

/** globalState keys. */
export const StateKeys = {
	lastNick: 'parley.lastNick',
	/** Joined channels per server, rejoined on the next connect. */
	channels: (server: string) => `parley.channels.${server}`,
} as const;

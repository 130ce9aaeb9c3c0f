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
	createChannel: 'parley.createChannel',
	invite: 'parley.inviteToChannel',
	setTopic: 'parley.setTopic',
	kick: 'parley.kickMember',
	ban: 'parley.banMember',
	unban: 'parley.unbanMember',
	setRole: 'parley.setMemberRole',
	searchMessages: 'parley.searchMessages',
	setStatus: 'parley.setStatus',
} as const;

/** globalState keys. */
export const StateKeys = {
	lastNick: 'parley.lastNick',
	/** Joined channels per server (before the offline cache; still read when there is no cache). */
	channels: (server: string) => `parley.channels.${server}`,
	/** globalState: the offline cache of a login's conversations, shared by its windows. */
	cache: (server: string, nickKey: string) => `parley.cache.${server}.${nickKey}`,
	/** workspaceState: this window's unsent messages. */
	outbox: (server: string, nickKey: string) => `parley.outbox.${server}.${nickKey}`,
	/** workspaceState: the conversation this window had open. */
	active: (server: string) => `parley.active.${server}`,
	/** workspaceState: the user disconnected in this window; no automatic connect until Connect. */
	signedOut: 'parley.signedOut',
} as const;

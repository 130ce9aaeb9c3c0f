/**
 * Entry point: creates the pieces and wires them together. Every disposable goes
 * into context.subscriptions.
 */
import * as vscode from 'vscode';
import { ChatClient } from './client/chatClient';
import { PasswordVault } from './client/credentials';
import { formatEndpoint } from './client/transport';
import { ChatController } from './chatController';
import { CHAT_VIEW_ID } from './chatView';
import { PresenceStatus } from './presenceStatus';
import { registerSearchPalette } from './searchPalette';
import { registerCommands } from './paletteCommands';
import { connectAutomatically, knownNick, type ConnectDeps } from './connectFlow';
import { CONFIG_SECTION, StateKeys, VIEW_TYPE } from './constants';
import { OfflineState } from './offlineState';
import { createRpcTracer, Logger } from './logger';
import { Notifier } from './notifications';
import { readSettings } from './settings';
import type { ParleySettings } from './settingsRules';
import { StatusBar } from './statusBar';

let activeClient: ChatClient | undefined;
let activeOfflineState: OfflineState | undefined;

export function activate(context: vscode.ExtensionContext): void {
	const channel = vscode.window.createOutputChannel('Parley', { log: true });
	context.subscriptions.push(channel);
	const log = new Logger(channel, 'extension');
	let settings: ParleySettings = readSettings(log);

	const packageJSON = context.extension.packageJSON as { version?: unknown } | undefined;
	const version = typeof packageJSON?.version === 'string' ? packageJSON.version : undefined;
	const passwords = new PasswordVault(context.secrets);
	const client = new ChatClient({
		endpoint: () => ({
			host: settings.host,
			port: settings.port,
			...(settings.tls ? { tls: settings.tlsCaFile ? { caFile: settings.tlsCaFile } : {} } : {}),
		}),
		clientInfo: { name: 'Parley for VS Code', ...(version ? { version } : {}) },
		log: log.child('client'),
		passwords,
	});
	activeClient = client;
	context.subscriptions.push(client);
	const tracer = createRpcTracer(channel);
	client.setTrace(settings.trace, tracer);

	/** Disconnect asked for by the user: this window stays offline until Connect, even after a reload. */
	const signOut = async (reason: string) => {
		await context.workspaceState.update(StateKeys.signedOut, true);
		await client.disconnect(reason);
	};
	const controller = new ChatController(client, context.extensionUri, log.child('panel'), signOut);
	const deps: ConnectDeps = {
		client, passwords, settings: () => settings, state: context.globalState, windowState: context.workspaceState, log: log.child('connect'), showPanel: () => controller.show(),
	};
	const offlineState = new OfflineState(context.globalState, context.workspaceState, client, () => formatEndpoint({ host: settings.host, port: settings.port }), log.child('cache'));
	activeOfflineState = offlineState;
	offlineState.restore(knownNick(deps));
	context.subscriptions.push(
		offlineState,
		controller,
		new StatusBar(client),
		vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, controller.view),
		new PresenceStatus(client, controller.onDidInteract, log.child('presence')),
		registerSearchPalette(client, controller, log.child('search')),
		new Notifier(client, () => settings, () => controller.panelVisible, (conversation) => controller.show(conversation), async (invitedTo) => controller.show(await client.join(invitedTo))),
		vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
			deserializeWebviewPanel: (panel, state: unknown) => {
				// The panel's own state (getState) says what it had open: VS Code keeps it more
				// surely across a reload than the extension's storage (written a moment later).
				const active = (state as { active?: unknown } | undefined)?.active;
				if (typeof active === 'string' && active.length <= 64) {
					client.store.restoreActive(active);
				}
				controller.revive(panel);
				// Not awaited: VS Code finishes restoring the window only once this resolves, and
				// the saved password (secret storage) may not be readable until it has.
				void connectAutomatically(deps);
				return Promise.resolve();
			},
		}),
		...registerCommands({ ...deps, controller, channel, signOut }),
		vscode.workspace.onDidChangeConfiguration((event) => {
			if (!event.affectsConfiguration(CONFIG_SECTION)) {
				return;
			}
			settings = readSettings(log);
			client.setTrace(settings.trace, tracer);
			client.endpointChanged();
			if (event.affectsConfiguration(`${CONFIG_SECTION}.server`)) {
				log.info(`settings: server ${formatEndpoint({ host: settings.host, port: settings.port })}${settings.tls ? ' (TLS)' : ''}`);
				if (client.endpoint) {
					void vscode.window.showInformationMessage(`Parley: still connected to ${formatEndpoint(client.endpoint)}; the new server address is used from the next connect (Parley Chat: Disconnect, then Parley Chat: Connect).`);
				}
			}
		}),
	);
	log.info(`activated; server ${formatEndpoint({ host: settings.host, port: settings.port })}${settings.tls ? ' (TLS)' : ''}`);
	void connectAutomatically(deps);
}

/** Says goodbye to the server so that others see a quit rather than a lost connection. */
export async function deactivate(): Promise<void> {
	const client = activeClient;
	const offlineState = activeOfflineState;
	activeClient = undefined;
	activeOfflineState = undefined;
	await offlineState?.flush();
	await client?.disconnect('VS Code closed');
}

/**
 * Entry point: creates the pieces and wires them together. Every disposable goes
 * into context.subscriptions.
 */
import * as vscode from 'vscode';
import { channelProblem } from '../protocol/names';
import { ChatClient } from './client/chatClient';
import { PasswordVault } from './client/credentials';
import { formatEndpoint } from './client/transport';
import { ChatController } from './chatController';
import { registerCommands } from './paletteCommands';
import { connectQuietly, type ConnectDeps } from './connectFlow';
import { CONFIG_SECTION, StateKeys, VIEW_TYPE } from './constants';
import { createRpcTracer, Logger } from './logger';
import { Notifier } from './notifications';
import { readSettings } from './settings';
import type { ParleySettings } from './settingsRules';
import { StatusBar } from './statusBar';

let activeClient: ChatClient | undefined;

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
	restoreChannels(context, client, settings);

	const controller = new ChatController(client, context.extensionUri, log.child('panel'));
	const deps: ConnectDeps = { client, passwords, settings: () => settings, state: context.globalState, log: log.child('connect'), showPanel: () => controller.show() };
	context.subscriptions.push(
		controller,
		new StatusBar(client),
		new Notifier(client, () => settings, () => controller.panelVisible, (conversation) => controller.show(conversation)),
		vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
			deserializeWebviewPanel: async (panel) => {
				controller.revive(panel);
				if (settings.autoConnect) {
					await connectQuietly(deps);
				}
			},
		}),
		...registerCommands({ ...deps, controller, channel }),
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
	if (settings.autoConnect) {
		void connectQuietly(deps);
	}
}

/** Joined channels are remembered per server and rejoined on the next connect. */
function restoreChannels(context: vscode.ExtensionContext, client: ChatClient, settings: ParleySettings): void {
	const key = StateKeys.channels(formatEndpoint({ host: settings.host, port: settings.port }));
	const saved = context.globalState.get<unknown>(key);
	if (Array.isArray(saved)) {
		client.store.restoreChannels(saved.filter((name): name is string => typeof name === 'string' && channelProblem(name) === undefined));
	}
	let last = JSON.stringify(Array.isArray(saved) ? saved : []);
	context.subscriptions.push(client.store.onDidChange((change) => {
		if (change.kind !== 'conversations') {
			return;
		}
		const names = JSON.stringify(client.store.joinedChannels().map((c) => c.id));
		if (names !== last) {
			last = names;
			void context.globalState.update(key, JSON.parse(names));
		}
	}));
}

/** Says goodbye to the server so that others see a quit rather than a lost connection. */
export async function deactivate(): Promise<void> {
	const client = activeClient;
	activeClient = undefined;
	await client?.disconnect('VS Code closed');
}

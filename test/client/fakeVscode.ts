/**
 * A small stand-in for the `vscode` module: just the API surface the extension uses,
 * recording what the extension shows and letting a test answer prompts and act as the
 * webview. Installed with a require hook, so the compiled extension (out/extension)
 * runs unchanged in mocha against a real server.
 */
import * as fs from 'node:fs';
import Module from 'node:module';
import * as nodePath from 'node:path';

type Listener<T> = (value: T) => unknown;

export class FakeEmitter<T> {
	private listeners: Listener<T>[] = [];
	readonly event = (listener: Listener<T>) => {
		this.listeners.push(listener);
		return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
	};
	fire(value: T): void {
		for (const listener of [...this.listeners]) {
			listener(value);
		}
	}
}

class Uri {
	private constructor(readonly scheme: string, readonly path: string) {}
	static file(path: string): Uri {
		return new Uri('file', path);
	}
	static parse(value: string): Uri {
		const match = /^([a-z][a-z0-9+.-]*):(.*)$/i.exec(value);
		return match ? new Uri(match[1], match[2]) : new Uri('file', value);
	}
	static joinPath(base: Uri, ...segments: string[]): Uri {
		return new Uri(base.scheme, [base.path.replace(/\/$/, ''), ...segments].join('/'));
	}
	static from(parts: { scheme: string; path: string }): Uri {
		return new Uri(parts.scheme, parts.path);
	}
	get fsPath(): string {
		return this.path;
	}
	toString(): string {
		return `${this.scheme}:${this.path}`;
	}
}

export class FakePanel {
	readonly posted: unknown[] = [];
	readonly disposeEmitter = new FakeEmitter<void>();
	readonly viewStateEmitter = new FakeEmitter<unknown>();
	readonly receiveEmitter = new FakeEmitter<unknown>();
	visible = true;
	disposed = false;
	readonly webview = {
		options: {} as { enableScripts?: boolean; localResourceRoots?: Uri[] },
		html: '',
		cspSource: 'https://fake.vscode-cdn.net',
		asWebviewUri: (uri: Uri) => Uri.parse(`https://fake.vscode-cdn.net${uri.path}`),
		postMessage: (message: unknown) => {
			this.posted.push(message);
			changed();
			return Promise.resolve(true);
		},
		onDidReceiveMessage: this.receiveEmitter.event,
	};
	readonly onDidDispose = this.disposeEmitter.event;
	readonly onDidChangeViewState = this.viewStateEmitter.event;
	constructor(readonly viewType: string, public title: string, options: { enableScripts?: boolean; localResourceRoots?: Uri[] }) {
		this.webview.options = options;
	}
	reveal(): void {
		this.setVisible(true);
	}
	setVisible(visible: boolean): void {
		this.visible = visible;
		this.viewStateEmitter.fire({ webviewPanel: this });
	}
	/** The webview script posting a message to the host. */
	fromWebview(message: unknown): void {
		this.receiveEmitter.fire(message);
	}
	dispose(): void {
		if (!this.disposed) {
			this.disposed = true;
			this.visible = false;
			this.disposeEmitter.fire();
		}
	}
}

/** A webview view (WebviewViewProvider), as the side view gets it from VS Code. */
export class FakeWebviewView {
	readonly posted: unknown[] = [];
	readonly disposeEmitter = new FakeEmitter<void>();
	readonly visibilityEmitter = new FakeEmitter<void>();
	readonly receiveEmitter = new FakeEmitter<unknown>();
	visible = true;
	badge: { value: number; tooltip: string } | undefined;
	readonly webview = {
		options: {} as { enableScripts?: boolean; localResourceRoots?: Uri[] },
		html: '',
		cspSource: 'https://fake.vscode-cdn.net',
		asWebviewUri: (uri: Uri) => Uri.parse(`https://fake.vscode-cdn.net${uri.path}`),
		postMessage: (message: unknown) => {
			this.posted.push(message);
			changed();
			return Promise.resolve(true);
		},
		onDidReceiveMessage: this.receiveEmitter.event,
	};
	readonly onDidDispose = this.disposeEmitter.event;
	readonly onDidChangeVisibility = this.visibilityEmitter.event;
	show(): void {
		this.setVisible(true);
	}
	setVisible(visible: boolean): void {
		this.visible = visible;
		this.visibilityEmitter.fire();
	}
	fromWebview(message: unknown): void {
		this.receiveEmitter.fire(message);
	}
}

/** A quick pick made with createQuickPick: a test types into it and accepts items. */
export class FakeQuickPick {
	private _items: { label: string; description?: string; detail?: string; alwaysShow?: boolean }[] = [];
	get items() {
		return this._items;
	}
	set items(items: { label: string; description?: string; detail?: string; alwaysShow?: boolean }[]) {
		this._items = items;
		changed();
	}
	selectedItems: unknown[] = [];
	title = '';
	placeholder = '';
	busy = false;
	matchOnDescription = true;
	matchOnDetail = true;
	visible = false;
	private readonly valueEmitter = new FakeEmitter<string>();
	private readonly acceptEmitter = new FakeEmitter<void>();
	private readonly hideEmitter = new FakeEmitter<void>();
	readonly onDidChangeValue = this.valueEmitter.event;
	readonly onDidAccept = this.acceptEmitter.event;
	readonly onDidHide = this.hideEmitter.event;
	private _value = '';
	get value(): string {
		return this._value;
	}
	set value(value: string) {
		this._value = value;
		this.valueEmitter.fire(value);
	}
	show(): void {
		this.visible = true;
		changed();
	}
	hide(): void {
		if (this.visible) {
			this.visible = false;
			this.hideEmitter.fire();
		}
	}
	/** The user picks `item` and presses Enter. */
	accept(item: unknown): void {
		this.selectedItems = [item];
		this.acceptEmitter.fire();
	}
	dispose(): void {
		this.visible = false;
	}
}

export interface InputOptions {
	title?: string;
	prompt?: string;
	value?: string;
	password?: boolean;
}

/** A text document read from disk, as much of vscode.TextDocument as the extension uses. */
export class FakeDocument {
	readonly lines: string[];
	constructor(readonly uri: Uri, text: string, readonly languageId = 'plaintext') {
		this.lines = text.split('\n');
	}
	get lineCount(): number {
		return this.lines.length;
	}
	lineAt(line: number) {
		const text = this.lines[line] ?? '';
		return { text, range: new Range(line, 0, line, text.length) };
	}
	getText(range: { start: Position; end: Position }): string {
		const lines = this.lines.slice(range.start.line, range.end.line + 1);
		lines[lines.length - 1] = lines[lines.length - 1].slice(0, range.end.line === range.start.line ? range.end.character : range.end.character);
		lines[0] = lines[0].slice(range.start.character);
		return lines.join('\n');
	}
}

interface Position {
	line: number;
	character: number;
}

class Range {
	readonly start: Position;
	readonly end: Position;
	constructor(a: Position | number, b: Position | number, c?: number, d?: number) {
		if (typeof a === 'number' && typeof b === 'number') {
			this.start = { line: a, character: b };
			this.end = { line: c ?? a, character: d ?? b };
		} else {
			this.start = a as Position;
			this.end = b as Position;
		}
	}
}

/** An editor whose document is `document` and whose selection spans the given lines and columns. */
export function fakeEditor(document: FakeDocument, start: Position, end: Position) {
	return { document, selection: { start, end, isEmpty: start.line === end.line && start.character === end.character } };
}

/** The repository the fake `vscode.git` extension reports for files under `root`. */
export interface FakeRepository {
	root: string;
	remotes: { name: string; fetchUrl?: string }[];
	commit?: string;
}

export interface FakeState {
	/** User settings. */
	config: Record<string, unknown>;
	/** Workspace settings: they win over the user's, as in VS Code. */
	workspaceConfig: Record<string, unknown>;
	commands: Map<string, (...args: unknown[]) => unknown>;
	shown: { level: 'info' | 'warn' | 'error'; text: string }[];
	progress: string[];
	log: string[];
	panels: FakePanel[];
	opened: string[];
	statusBar: { text: string; tooltip: unknown; command?: string; shownTimes: number };
	/** Every input box shown, in order. */
	inputs: InputOptions[];
	/** Answers to prompts; undefined means the user dismissed them. */
	answerInput: (options: InputOptions) => string | undefined;
	answerMessage: (text: string, items: string[]) => string | undefined;
	globalState: Map<string, unknown>;
	/** context.workspaceState: survives a reload of the window. */
	workspaceState: Map<string, unknown>;
	/** context.secrets (SecretStorage). */
	secrets: Map<string, string>;
	/** workspace.isTrusted. */
	trusted: boolean;
	onConfigurationChange: FakeEmitter<{ affectsConfiguration(section: string): boolean }>;
	/** What registerWebviewPanelSerializer got, by view type: a test restores a panel with it. */
	serializers: Map<string, { deserializeWebviewPanel(panel: FakePanel, state: unknown): Thenable<void> | Promise<void> }>;
	waiters: (() => void)[];
	/** window.activeTextEditor. */
	activeTextEditor: ReturnType<typeof fakeEditor> | undefined;
	/** workspace.workspaceFolders, as folder paths on disk. */
	workspaceFolders: string[];
	/** Every quick pick shown: its items (labels) and options. */
	quickPicks: { items: { label: string; description?: string }[]; title?: string }[];
	/** Picks an item of a quick pick; undefined means the user dismissed it. */
	answerQuickPick: <T extends { label: string }>(items: T[]) => T | undefined;
	/** Documents shown by window.showTextDocument, with the selection. */
	shownDocuments: { path: string; selection?: { start: Position; end: Position } }[];
	/** Repositories of the fake vscode.git extension; none means the extension is absent. */
	gitRepositories: FakeRepository[] | undefined;
	/** What registerWebviewViewProvider got, by view id: a test shows a view with it. */
	viewProviders: Map<string, { resolveWebviewView(view: FakeWebviewView, context: unknown, token: unknown): void }>;
	/** Quick picks made with createQuickPick. */
	createdQuickPicks: FakeQuickPick[];
	/** Context keys set with the setContext command. */
	contexts: Map<string, unknown>;
	/** window.onDidChangeWindowState, window.onDidChangeTextEditorSelection, workspace.onDidChangeTextDocument. */
	windowState: FakeEmitter<{ focused: boolean }>;
	selectionChange: FakeEmitter<unknown>;
	documentChange: FakeEmitter<{ document: { uri: Uri } }>;
}

function freshState(): FakeState {
	return {
		config: {},
		workspaceConfig: {},
		commands: new Map(),
		shown: [],
		progress: [],
		log: [],
		panels: [],
		opened: [],
		statusBar: { text: '', tooltip: undefined, shownTimes: 0 },
		inputs: [],
		answerInput: () => undefined,
		answerMessage: () => undefined,
		globalState: new Map(),
		workspaceState: new Map(),
		secrets: new Map(),
		trusted: true,
		onConfigurationChange: new FakeEmitter(),
		serializers: new Map(),
		waiters: [],
		activeTextEditor: undefined,
		workspaceFolders: [],
		quickPicks: [],
		answerQuickPick: () => undefined,
		shownDocuments: [],
		gitRepositories: undefined,
		viewProviders: new Map(),
		createdQuickPicks: [],
		contexts: new Map(),
		windowState: new FakeEmitter(),
		selectionChange: new FakeEmitter(),
		documentChange: new FakeEmitter(),
	};
}

function folderOf(uri: Uri): string | undefined {
	return state.workspaceFolders.find((folder) => uri.path === folder || uri.path.startsWith(folder + '/'));
}

const fakeGit = {
	isActive: true,
	get exports() {
		return {
			enabled: true,
			getAPI: () => ({
				getRepository: (uri: Uri) => {
					const repository = state.gitRepositories?.find((r) => uri.path.startsWith(r.root + '/'));
					return repository ? { rootUri: Uri.file(repository.root), state: { HEAD: { commit: repository.commit }, remotes: repository.remotes } } : null;
				},
			}),
		};
	},
	activate() {
		return Promise.resolve(this.exports);
	},
};

export let state: FakeState = freshState();

function changed(): void {
	for (const waiter of state.waiters.splice(0)) {
		waiter();
	}
}

/** Resolves once `condition` holds; checked after every recorded UI event. */
export function eventually(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
	if (condition()) {
		return Promise.resolve();
	}
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
		const check = () => {
			if (condition()) {
				clearTimeout(timer);
				resolve();
			} else {
				state.waiters.push(check);
			}
		};
		state.waiters.push(check);
	});
}

const disposable = { dispose: () => undefined };

function show(level: 'info' | 'warn' | 'error') {
	return (text: string, ...items: unknown[]) => {
		state.shown.push({ level, text });
		changed();
		return Promise.resolve(state.answerMessage(text, items.filter((i): i is string => typeof i === 'string')));
	};
}

function logLine(level: string) {
	return (message: string) => {
		state.log.push(`${level} ${message}`);
		changed();
	};
}

const fake = {
	__esModule: true,
	Uri,
	ViewColumn: { Active: -1, Beside: -2, One: 1 },
	StatusBarAlignment: { Left: 1, Right: 2 },
	ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
	ThemeColor: class { constructor(readonly id: string) {} },
	MarkdownString: class { constructor(readonly value: string) {} },
	Range,
	FileType: { File: 1, Directory: 2 },
	window: {
		createOutputChannel: () => ({
			trace: logLine('trace'), debug: logLine('debug'), info: logLine('info'), warn: logLine('warn'), error: logLine('error'),
			appendLine: logLine('line'), show: () => undefined, dispose: () => undefined,
		}),
		createStatusBarItem: () => {
			const item = {
				name: '', command: undefined as string | undefined, accessibilityInformation: undefined as unknown, backgroundColor: undefined as unknown,
				get tooltip() {
					return state.statusBar.tooltip;
				},
				set tooltip(value: unknown) {
					state.statusBar.tooltip = value;
				},
				get text() {
					return state.statusBar.text;
				},
				set text(value: string) {
					state.statusBar.text = value;
					changed();
				},
				show: () => {
					state.statusBar.shownTimes++;
					state.statusBar.command = item.command;
				},
				dispose: () => undefined,
			};
			return item;
		},
		createWebviewPanel: (viewType: string, title: string, _show: unknown, options: { enableScripts?: boolean; localResourceRoots?: Uri[] }) => {
			const panel = new FakePanel(viewType, title, options);
			state.panels.push(panel);
			changed();
			return panel;
		},
		registerWebviewViewProvider: (id: string, provider: FakeState['viewProviders'] extends Map<string, infer P> ? P : never) => {
			state.viewProviders.set(id, provider);
			return { dispose: () => state.viewProviders.delete(id) };
		},
		createQuickPick: () => {
			const pick = new FakeQuickPick();
			state.createdQuickPicks.push(pick);
			changed();
			return pick;
		},
		onDidChangeWindowState: (listener: Listener<{ focused: boolean }>) => state.windowState.event(listener),
		onDidChangeTextEditorSelection: (listener: Listener<unknown>) => state.selectionChange.event(listener),
		registerWebviewPanelSerializer: (viewType: string, serializer: FakeState['serializers'] extends Map<string, infer S> ? S : never) => {
			state.serializers.set(viewType, serializer);
			return { dispose: () => state.serializers.delete(viewType) };
		},
		showInformationMessage: show('info'),
		showWarningMessage: show('warn'),
		showErrorMessage: show('error'),
		showInputBox: (options: InputOptions) => {
			state.inputs.push(options);
			changed();
			return Promise.resolve(state.answerInput(options));
		},
		showQuickPick: <T extends { label: string; description?: string }>(items: T[], options: { title?: string } = {}) => {
			state.quickPicks.push({ items: items.map((i) => ({ label: i.label, ...(i.description ? { description: i.description } : {}) })), ...(options.title ? { title: options.title } : {}) });
			changed();
			return Promise.resolve(state.answerQuickPick(items));
		},
		showTextDocument: (document: FakeDocument, options: { selection?: Range } = {}) => {
			state.shownDocuments.push({ path: document.uri.path, ...(options.selection ? { selection: { start: options.selection.start, end: options.selection.end } } : {}) });
			changed();
			return Promise.resolve({ document });
		},
		get visibleTextEditors() {
			return [];
		},
		withProgress: <T>(options: { title?: string }, task: (progress: unknown, token: unknown) => Promise<T>) => {
			state.progress.push(options.title ?? '');
			return task({ report: () => undefined }, { isCancellationRequested: false, onCancellationRequested: () => disposable });
		},
		get activeTextEditor() {
			return state.activeTextEditor;
		},
	},
	workspace: {
		getConfiguration: (section: string) => ({
			get: (key: string) => state.workspaceConfig[`${section}.${key}`] ?? state.config[`${section}.${key}`],
			inspect: (key: string) => ({ key: `${section}.${key}`, globalValue: state.config[`${section}.${key}`], workspaceValue: state.workspaceConfig[`${section}.${key}`] }),
		}),
		get isTrusted() {
			return state.trusted;
		},
		onDidChangeConfiguration: (listener: Listener<{ affectsConfiguration(section: string): boolean }>) => state.onConfigurationChange.event(listener),
		onDidChangeTextDocument: (listener: Listener<{ document: { uri: Uri } }>) => state.documentChange.event(listener),
		asRelativePath: (uri: Uri) => {
			const folder = folderOf(uri);
			return folder ? uri.path.slice(folder.length + 1) : uri.path;
		},
		get workspaceFolders() {
			return state.workspaceFolders.length > 0 ? state.workspaceFolders.map((folder, index) => ({ uri: Uri.file(folder), name: nodePath.basename(folder), index })) : undefined;
		},
		getWorkspaceFolder: (uri: Uri) => {
			const folder = folderOf(uri);
			return folder ? { uri: Uri.file(folder), name: nodePath.basename(folder), index: state.workspaceFolders.indexOf(folder) } : undefined;
		},
		fs: {
			stat: async (uri: Uri) => {
				const stat = await fs.promises.stat(uri.fsPath);
				return { type: stat.isFile() ? 1 : stat.isDirectory() ? 2 : 0, size: stat.size };
			},
		},
		openTextDocument: async (uri: Uri) => new FakeDocument(uri, await fs.promises.readFile(uri.fsPath, 'utf8')),
	},
	extensions: {
		getExtension: (id: string) => (id === 'vscode.git' && state.gitRepositories ? fakeGit : undefined),
	},
	commands: {
		registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
			state.commands.set(id, fn);
			return { dispose: () => state.commands.delete(id) };
		},
		executeCommand: async (id: string, ...args: unknown[]) => {
			if (id === 'setContext') {
				state.contexts.set(String(args[0]), args[1]);
				changed();
				return undefined;
			}
			return state.commands.get(id)?.(...args);
		},
	},
	env: {
		openExternal: (uri: Uri) => {
			state.opened.push(uri.toString());
			changed();
			return Promise.resolve(true);
		},
	},
};

let installed = false;

/** Makes `require('vscode')` return the fake, with a fresh state. */
export function installFakeVscode(): FakeState {
	state = freshState();
	if (!installed) {
		installed = true;
		const loader = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
		const original = loader._load;
		loader._load = function (request: string, parent: unknown, isMain: boolean) {
			return request === 'vscode' ? fake : original.call(this, request, parent, isMain);
		};
	}
	return state;
}

/** A vscode.Memento over one of the state's maps; values go through JSON, as VS Code stores them. */
function memento(map: () => Map<string, unknown>) {
	return {
		get: (key: string) => map().get(key),
		update: (key: string, value: unknown) => {
			if (value === undefined) {
				map().delete(key);
			} else {
				map().set(key, JSON.parse(JSON.stringify(value)));
			}
			changed();
			return Promise.resolve();
		},
		keys: () => [...map().keys()],
	};
}

/** An ExtensionContext with what activate() reads. */
export function fakeContext(extensionPath: string) {
	const subscriptions: { dispose(): unknown }[] = [];
	return {
		subscriptions,
		extensionUri: Uri.file(extensionPath),
		extension: { packageJSON: { version: '0.0.0-test' } },
		secrets: {
			get: (key: string) => Promise.resolve(state.secrets.get(key)),
			store: (key: string, value: string) => {
				state.secrets.set(key, value);
				changed();
				return Promise.resolve();
			},
			delete: (key: string) => {
				state.secrets.delete(key);
				changed();
				return Promise.resolve();
			},
			onDidChange: () => disposable,
		},
		globalState: memento(() => state.globalState),
		workspaceState: memento(() => state.workspaceState),
	};
}

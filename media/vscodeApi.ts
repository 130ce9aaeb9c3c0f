/**
 * The webview's only channel to the extension host, and the state VS Code keeps for the
 * webview while it is hidden or reloaded (`getState`/`setState`).
 */
import type { WebviewMessage } from '../protocol/webview';

interface VsCodeApi {
	postMessage(message: unknown): void;
	getState(): unknown;
	setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** Where the reader was in a conversation: an item and its distance from the top of the viewport. */
export type ScrollAnchor = 'bottom' | { key: string; offset: number };

/** What survives hiding and reloading the panel. Kept small: the host resends timelines. */
export interface PersistedState {
	v: 1;
	active?: string;
	drafts: Record<string, string>;
	scroll: Record<string, ScrollAnchor>;
	showMembers: boolean;
}

const api: VsCodeApi = acquireVsCodeApi();

export function post(message: WebviewMessage): void {
	api.postMessage(message);
}

function isAnchor(value: unknown): value is ScrollAnchor {
	if (value === 'bottom') {
		return true;
	}
	const a = value as { key?: unknown; offset?: unknown } | null;
	return typeof a === 'object' && a !== null && typeof a.key === 'string' && typeof a.offset === 'number' && Number.isFinite(a.offset);
}

/** Reads saved state, keeping only well-formed entries (it may come from an older version). */
export function loadState(): PersistedState {
	const state: PersistedState = { v: 1, drafts: {}, scroll: {}, showMembers: true };
	const raw = api.getState() as Partial<Record<keyof PersistedState, unknown>> | undefined;
	if (typeof raw !== 'object' || raw === null || raw.v !== 1) {
		return state;
	}
	if (typeof raw.active === 'string') {
		state.active = raw.active;
	}
	if (typeof raw.showMembers === 'boolean') {
		state.showMembers = raw.showMembers;
	}
	if (typeof raw.drafts === 'object' && raw.drafts !== null) {
		for (const [id, text] of Object.entries(raw.drafts)) {
			if (typeof text === 'string' && text.length > 0) {
				state.drafts[id] = text;
			}
		}
	}
	if (typeof raw.scroll === 'object' && raw.scroll !== null) {
		for (const [id, anchor] of Object.entries(raw.scroll)) {
			if (isAnchor(anchor)) {
				state.scroll[id] = anchor;
			}
		}
	}
	return state;
}

let pending: ReturnType<typeof setTimeout> | undefined;

/** Saves soon (typing and scrolling call this often); `flush` saves now. */
export function saveState(state: PersistedState, flush = false): void {
	if (pending !== undefined) {
		clearTimeout(pending);
		pending = undefined;
	}
	if (flush) {
		api.setState(state);
		return;
	}
	pending = setTimeout(() => {
		pending = undefined;
		api.setState(state);
	}, 200);
}

/**
 * Mocha hooks that load the real extension on the fake `vscode` module for each test,
 * and deactivate it and dispose of what it registered afterwards.
 */
import * as path from 'node:path';
import type * as extensionModule from '../../extension/extension';
import { fakeContext, installFakeVscode, type FakeState } from './fakeVscode';

const root = path.resolve(__dirname, '../../..');

type ExtensionModule = typeof extensionModule;

export interface FakeExtension {
	readonly fake: FakeState;
	readonly context: ReturnType<typeof fakeContext>;
	/** Sets the settings and activates the extension. */
	activate(config: Record<string, unknown>): void;
	/**
	 * Reload Window: deactivates, disposes what the extension registered, and activates it
	 * again with the same settings, storage and secrets (panels are gone; restore one with
	 * `fake.serializers`).
	 */
	reload(): Promise<void>;
}

export function useFakeExtension(harness: { cleanup(): Promise<void> }): FakeExtension {
	let fake: FakeState | undefined;
	let extension: ExtensionModule | undefined;
	let context: ReturnType<typeof fakeContext> | undefined;
	beforeEach(() => {
		fake = installFakeVscode();
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		extension = require('../../extension/extension') as ExtensionModule;
		context = fakeContext(root);
	});
	const stop = async () => {
		await extension?.deactivate();
		for (const d of context?.subscriptions.splice(0) ?? []) {
			d.dispose();
		}
	};
	afterEach(async () => {
		await stop();
		await harness.cleanup();
	});
	return {
		get fake() {
			return fake!;
		},
		get context() {
			return context!;
		},
		activate(config) {
			fake!.config = config;
			extension!.activate(context as never);
		},
		async reload() {
			await stop();
			fake!.panels.splice(0);
			context = fakeContext(root);
			extension!.activate(context as never);
		},
	};
}

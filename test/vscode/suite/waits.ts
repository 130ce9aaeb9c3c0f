/** Bounded waits for the extension-host suite: every wait names what it waited for. */
import * as vscode from 'vscode';

/** Resolves or rejects like `promise`, or rejects after `ms` with a message naming `what`. */
export async function within<T>(promise: Thenable<T>, ms: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
	});
	try {
		return await Promise.race([Promise.resolve(promise), timeout]);
	} finally {
		clearTimeout(timer);
	}
}

/**
 * Accepts the active quick-pick item until `done` settles. A picker opens only after the
 * extension's request to the server returns, and the API offers no event for "a quick
 * pick is showing", so this retries the accept command (a no-op while none is open).
 */
export async function acceptQuickPickUntil<T>(done: Thenable<T>, ms: number, what: string): Promise<T> {
	let settled = false;
	const result = Promise.resolve(done).finally(() => {
		settled = true;
	});
	// Handled here so a rejection while the loop awaits is not "unhandled"; still returned below.
	void result.catch(() => undefined);
	const deadline = Date.now() + ms;
	while (!settled) {
		if (Date.now() > deadline) {
			throw new Error(`timed out after ${ms} ms: ${what} (accepting the quick pick did not finish the command)`);
		}
		await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
		await Promise.race([result.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 200))]);
	}
	return result;
}

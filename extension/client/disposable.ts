import type { Disposable as IDisposable } from 'vscode-jsonrpc';

/**
 * Base class for objects that own other disposables (listeners, timers, connections).
 * Structurally compatible with vscode.Disposable, so the VS Code layer uses it too.
 */
export abstract class Disposable implements IDisposable {
	private readonly _disposables: IDisposable[] = [];
	private _isDisposed = false;

	protected get isDisposed(): boolean {
		return this._isDisposed;
	}

	/** Takes ownership of `value`: it is disposed with this object (at once if already disposed). */
	protected _register<T extends IDisposable>(value: T): T {
		if (this._isDisposed) {
			value.dispose();
		} else {
			this._disposables.push(value);
		}
		return value;
	}

	dispose(): void {
		if (this._isDisposed) {
			return;
		}
		this._isDisposed = true;
		// Last registered first, as nested owners expect.
		for (const disposable of this._disposables.splice(0).reverse()) {
			try {
				disposable.dispose();
			} catch {
				// One failing disposable must not keep the others alive.
			}
		}
	}
}

/** A disposable that runs `fn` once. */
export function toDisposable(fn: () => void): IDisposable {
	let done = false;
	return {
		dispose: () => {
			if (!done) {
				done = true;
				fn();
			}
		},
	};
}

/**
 * Passwords for logging in: where they are kept (a secret store such as VS Code's
 * SecretStorage, never settings) and which one a refused login asks for.
 */
import { ResponseError } from 'vscode-jsonrpc/node';
import { authFailedDataShape, ErrorCodes } from '../../protocol/errors';
import { isShape } from '../../protocol/shapes';
import { nickKey } from '../../protocol/names';
import { formatEndpoint, type Endpoint } from './connectError';

/** The part of vscode.SecretStorage the client needs; tests pass an in-memory one. */
export interface SecretStore {
	get(key: string): PromiseLike<string | undefined>;
	store(key: string, value: string): PromiseLike<void>;
	delete(key: string): PromiseLike<void>;
}

/** What `initialize` may need besides the nick. */
export interface LoginSecrets {
	/** The nick's account password (account/register). */
	password?: string;
	/** The server password of a private server. */
	serverPassword?: string;
}

/** Which password a refused login lacks, or undefined when the refusal is not about one. */
export type MissingSecret = 'password' | 'serverPassword';

/**
 * For an AuthFailed answer: the server password (the server is private) or the
 * nick's account password, as the error's `data.secret` says.
 */
export function missingSecret(error: unknown): MissingSecret | undefined {
	if (!(error instanceof ResponseError) || error.code !== ErrorCodes.AuthFailed) {
		return undefined;
	}
	const data: unknown = error.data;
	return isShape(data, authFailedDataShape) && data.secret !== 'adminToken' ? data.secret : undefined;
}

/** Secret keys list the server in lower case, so `Chat.Example.com:7420` and `chat.example.com:7420` share them. */
function serverId(endpoint: Pick<Endpoint, 'host' | 'port'>): string {
	return formatEndpoint(endpoint).toLowerCase();
}

const INDEX_KEY = 'parley.passwords';

/**
 * Saved passwords: one per server and nick (account passwords) and one per server
 * (server passwords), plus an index of the keys, because SecretStorage cannot list
 * its keys and "Forget Saved Passwords" must find them all.
 */
export class PasswordVault {
	private indexUpdate: Promise<unknown> = Promise.resolve();

	constructor(private readonly secrets: SecretStore) {}

	static accountKey(endpoint: Pick<Endpoint, 'host' | 'port'>, nick: string): string {
		return `parley.password/${serverId(endpoint)}/${nickKey(nick)}`;
	}

	static serverKey(endpoint: Pick<Endpoint, 'host' | 'port'>): string {
		return `parley.serverPassword/${serverId(endpoint)}`;
	}

	/** The saved passwords for logging in to `endpoint` as `nick`. */
	async forLogin(endpoint: Endpoint, nick: string): Promise<LoginSecrets> {
		const [password, serverPassword] = await Promise.all([
			this.secrets.get(PasswordVault.accountKey(endpoint, nick)),
			this.secrets.get(PasswordVault.serverKey(endpoint)),
		]);
		return { ...(password ? { password } : {}), ...(serverPassword ? { serverPassword } : {}) };
	}

	/** Saves what is given; returns what was saved. */
	async save(endpoint: Endpoint, nick: string, secrets: LoginSecrets): Promise<MissingSecret[]> {
		const saved: MissingSecret[] = [];
		if (secrets.password) {
			await this.put(PasswordVault.accountKey(endpoint, nick), secrets.password);
			saved.push('password');
		}
		if (secrets.serverPassword) {
			await this.put(PasswordVault.serverKey(endpoint), secrets.serverPassword);
			saved.push('serverPassword');
		}
		return saved;
	}

	/** How many passwords are saved. */
	async count(): Promise<number> {
		return (await this.readIndex()).length;
	}

	/** Deletes every saved password; returns how many there were. */
	forgetAll(): Promise<number> {
		return this.updateIndex(async (keys) => {
			await Promise.all(keys.map((key) => this.secrets.delete(key)));
			return { keys: [], result: keys.length };
		});
	}

	private async put(key: string, value: string): Promise<void> {
		await this.updateIndex(async (keys) => {
			await this.secrets.store(key, value);
			return { keys: keys.includes(key) ? keys : [...keys, key], result: undefined };
		});
	}

	/** Index changes run one at a time, so two saves cannot drop each other's key. */
	private updateIndex<T>(change: (keys: string[]) => Promise<{ keys: string[]; result: T }>): Promise<T> {
		const run = this.indexUpdate.then(async () => {
			const { keys, result } = await change(await this.readIndex());
			await this.secrets.store(INDEX_KEY, JSON.stringify(keys));
			return result;
		});
		this.indexUpdate = run.catch(() => undefined);
		return run;
	}

	private async readIndex(): Promise<string[]> {
		try {
			const value: unknown = JSON.parse((await this.secrets.get(INDEX_KEY)) ?? '[]');
			return Array.isArray(value) ? value.filter((k): k is string => typeof k === 'string' && k.startsWith('parley.')) : [];
		} catch {
			return [];
		}
	}
}

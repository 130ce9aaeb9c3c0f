import { nickKey } from '../../protocol/names';
import type { InitializeParams } from '../../protocol/lifecycle';
import { formatEndpoint, type Endpoint } from './connectError';
import type { LoginSecrets, PasswordVault } from './credentials';
import { errorMessage, type ClientLog } from './log';

/** How long a login waits for the saved passwords before going on without them. */
const SAVED_PASSWORDS_TIMEOUT_MS = 30_000;

/**
 * What the next `initialize` carries besides the nick: the passwords (typed for this
 * connect, else the ones that worked last time, else the saved ones) and the resume
 * token of the last session. All of it lives in memory only, for reconnects.
 */
export class LoginMemory {
	private server: string | undefined;
	private nick: string | undefined;
	private secrets: LoginSecrets = {};
	private resumeToken: string | undefined;

	constructor(private readonly vault: PasswordVault | undefined, private readonly log: ClientLog) {}

	async params(endpoint: Endpoint, nick: string, typed: LoginSecrets = {}): Promise<Pick<InitializeParams, 'password' | 'serverPassword' | 'resumeToken'>> {
		const sameServer = this.server === formatEndpoint(endpoint);
		const sameLogin = sameServer && this.nick !== undefined && nickKey(this.nick) === nickKey(nick);
		const saved = await this.saved(endpoint, nick);
		const password = typed.password ?? (sameLogin ? this.secrets.password : undefined) ?? saved.password;
		const serverPassword = typed.serverPassword ?? (sameServer ? this.secrets.serverPassword : undefined) ?? saved.serverPassword;
		const resumeToken = sameLogin ? this.resumeToken : undefined;
		return { ...(password ? { password } : {}), ...(serverPassword ? { serverPassword } : {}), ...(resumeToken ? { resumeToken } : {}) };
	}

	/** `initialize` succeeded with `sent`; the next reconnect sends the same. */
	signedIn(endpoint: Endpoint, nick: string, sent: LoginSecrets, resumeToken: string | undefined): void {
		this.server = formatEndpoint(endpoint);
		this.nick = nick;
		this.secrets = { ...(sent.password ? { password: sent.password } : {}), ...(sent.serverPassword ? { serverPassword: sent.serverPassword } : {}) };
		this.resumeToken = resumeToken;
	}

	/** user/setNick succeeded: the account password (if any) is the new nick's. */
	nickChanged(nick: string, password: string | undefined): void {
		this.nick = nick;
		this.secrets = { ...this.secrets, password };
	}

	/** account/register succeeded: reconnects as this nick need the password now. */
	registered(password: string): void {
		this.secrets = { ...this.secrets, password };
	}

	/** The session ended for good (quit, kick): nothing to resume. */
	endSession(): void {
		this.resumeToken = undefined;
	}

	/** The saved password for a nick other than the current one (user/setNick). */
	async savedPassword(endpoint: Endpoint, nick: string): Promise<string | undefined> {
		return (await this.saved(endpoint, nick)).password;
	}

	private async saved(endpoint: Endpoint, nick: string): Promise<LoginSecrets> {
		if (!this.vault) {
			return {};
		}
		let timer: NodeJS.Timeout | undefined;
		try {
			// A secret store that never answers (a keyring waiting for an unlock) must not hold the login forever.
			const timeout = new Promise<never>((_, reject) => {
				timer = setTimeout(() => reject(new Error(`no answer within ${SAVED_PASSWORDS_TIMEOUT_MS / 1000} s`)), SAVED_PASSWORDS_TIMEOUT_MS);
			});
			return await Promise.race([this.vault.forLogin(endpoint, nick), timeout]);
		} catch (error) {
			// A locked or missing keyring must not stop a login that needs no password.
			this.log.warn(`[login] cannot read saved passwords: ${errorMessage(error)}`);
			return {};
		} finally {
			clearTimeout(timer);
		}
	}
}

/**
 * Round trips to PostgreSQL on a connection of their own, for the health check: the
 * pool's connections may all be busy with sends under load, which must not look like a
 * database that is gone. One ping at a time (the caller waits for each); a connection
 * that fails is dropped and the next ping opens a new one.
 */
import pg from 'pg';

export class PgPing {
	private client: pg.Client | undefined;
	private closed = false;

	constructor(private readonly url: string) {}

	async ping(): Promise<void> {
		const client = await this.connect();
		try {
			await client.query('SELECT 1');
		} catch (error) {
			this.drop(client);
			throw error;
		}
	}

	/** Gives up on the connection (a round trip never came back); the next ping opens another. */
	abandon(): void {
		if (this.client) {
			this.drop(this.client);
		}
	}

	async close(): Promise<void> {
		this.closed = true;
		const client = this.client;
		this.client = undefined;
		await client?.end().catch(() => undefined);
	}

	private async connect(): Promise<pg.Client> {
		if (this.closed) {
			throw new Error('closed');
		}
		if (this.client) {
			return this.client;
		}
		const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 5000, keepAlive: true, application_name: 'parley-health' });
		client.on('error', () => this.drop(client));
		try {
			await client.connect();
		} catch (error) {
			void client.end().catch(() => undefined);
			throw error;
		}
		if (this.closed) {
			void client.end().catch(() => undefined);
			throw new Error('closed');
		}
		this.client = client;
		return client;
	}

	private drop(client: pg.Client): void {
		if (this.client === client) {
			this.client = undefined;
		}
		void client.end().catch(() => undefined);
	}
}

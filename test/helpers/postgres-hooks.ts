/**
 * Mocha root hooks of `npm run test:postgres` (loaded with --require): the run's shared
 * PostgreSQL (test/helpers/postgres.ts) starts before the first test, loses each test's
 * databases after it, and is stopped and removed after the last.
 */
import { sharedPostgres, startedPostgres, stopSharedPostgres } from './postgres';

export const mochaHooks = {
	async beforeAll(this: Mocha.Context): Promise<void> {
		this.timeout(60_000);
		await sharedPostgres();
	},
	/** After every test (and after its own afterEach hooks, which stop its servers): its databases go. */
	async afterEach(): Promise<void> {
		await startedPostgres()?.dropCreated();
	},
	async afterAll(this: Mocha.Context): Promise<void> {
		this.timeout(60_000);
		await stopSharedPostgres();
	},
};

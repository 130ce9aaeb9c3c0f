/**
 * Mocha root hooks of `npm run test:postgres` (loaded with --require): the run's shared
 * PostgreSQL (test/helpers/postgres.ts) starts before the first test and is stopped and
 * removed after the last.
 */
import { sharedPostgres, stopSharedPostgres } from './postgres';

export const mochaHooks = {
	async beforeAll(this: Mocha.Context): Promise<void> {
		this.timeout(60_000);
		await sharedPostgres();
	},
	async afterAll(this: Mocha.Context): Promise<void> {
		this.timeout(60_000);
		await stopSharedPostgres();
	},
};

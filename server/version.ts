export const SERVER_NAME = 'parley';
// Kept in step with package.json by test/server/version.test.ts.
export const SERVER_VERSION = '0.1.0';

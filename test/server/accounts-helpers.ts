/** Helpers for the tests of accounts: registering, signing in again, and proving that nothing arrived. */
import * as assert from 'node:assert/strict';
import type { NotificationType } from 'vscode-jsonrpc/node';
import { RegisterRequest } from '../../protocol/account';
import { MessageNewNotification, SendMessageRequest } from '../../protocol/messages';
import type { TestClient } from '../helpers/client';
import type { Fixture } from '../helpers/fixture';

export const PASSWORD = 'correct horse';

/** Connects to the fixture's server as `nick` and registers it: the connection is the account's first. */
export async function register(fx: Fixture, nick: string): Promise<TestClient> {
	const client = await fx.login(nick);
	await client.connection.sendRequest(RegisterRequest.type, { password: PASSWORD });
	return client;
}

/** Another connection of the account `nick`. */
export function signIn(fx: Fixture, nick: string): Promise<TestClient> {
	return fx.login(nick, { password: PASSWORD });
}

let barriers = 0;

/**
 * Resolves once `to` has received a DM that `from` sends now. Everything the server queued
 * for `to` before it has arrived by then (a connection's frames arrive in the order queued),
 * so a notification `to` has not received by then was never sent.
 */
export async function barrier(from: TestClient, to: TestClient, toNick: string): Promise<void> {
	const text = `barrier ${++barriers}`;
	await from.connection.sendRequest(SendMessageRequest.type, { to: toNick, text });
	await to.waitFor(MessageNewNotification.type, (p) => p.message.text === text);
}

/** Asserts `client` received no notification of `type` (call after a barrier). */
export function assertNone<P>(client: TestClient, type: NotificationType<P>, match: (params: P) => boolean = () => true, why = ''): void {
	const got = client.received(type).filter(match);
	assert.deepEqual(got, [], `${client.nick ?? 'client'} got ${type.method} ${why}`);
}

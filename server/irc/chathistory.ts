/**
 * draft/chathistory over Parley's stored history, through `message/history` (so a private
 * channel's history is only for members, as for JSON-RPC clients). References are
 * `msgid=` (Parley message ids; MSGREFTYPES=msgid); TARGETS takes timestamps.
 */
import { ResponseError } from 'vscode-jsonrpc/node';
import { HistoryRequest, type HistoryParams } from '../../protocol/messages';
import { isChannelTarget, normalizeChannel } from '../../protocol/names';
import type { Message } from '../../protocol/types';
import { dmConversation } from '../state/store';
import { formatLine, type IrcLine } from './lines';
import { messageLines } from './events';
import type { IrcSession } from './session';

/** Most messages one CHATHISTORY answer holds (ISUPPORT CHATHISTORY=). */
export const MAX_CHATHISTORY = 100;

let nextBatch = 1;

function fail(session: IrcSession, code: string, ...rest: string[]): void {
	session.fromServer('FAIL', 'CHATHISTORY', code, ...rest);
}

/** Sends lines in a batch when the client has `batch`. */
function inBatch(session: IrcSession, type: string, params: string[], lines: (batchTag: string) => string[]): void {
	if (!session.caps.has('batch')) {
		lines('').forEach((l) => session.send(l));
		return;
	}
	const id = `h${nextBatch++}`;
	session.fromServer('BATCH', `+${id}`, type, ...params);
	lines(`batch=${id}`).forEach((l) => session.send(l));
	session.fromServer('BATCH', `-${id}`);
}

/** `msgid=N` -> N; `*` -> null; anything else undefined. */
function reference(raw: string): number | null | undefined {
	if (raw === '*') {
		return null;
	}
	const m = /^msgid=(\d{1,15})$/.exec(raw);
	return m ? Number(m[1]) : undefined;
}

async function page(session: IrcSession, target: string, query: Omit<HistoryParams, 'conversation'>): Promise<Message[]> {
	return (await session.call(HistoryRequest, { conversation: target, ...query })).messages;
}

async function targets(session: IrcSession, from: string, to: string, limit: number): Promise<void> {
	const times = [from, to].map((r) => (/^timestamp=/.test(r) ? Date.parse(r.slice(10)) : NaN));
	if (times.some((t) => Number.isNaN(t))) {
		return fail(session, 'INVALID_PARAMS', 'TARGETS', 'TARGETS takes two timestamp= references and a limit');
	}
	const [low, high] = times[0] <= times[1] ? times : [times[1], times[0]];
	const hub = session.hub;
	const me = session.nick!;
	const [channels, directs] = await Promise.all([hub.memberships.channelsOf(me), hub.store.directConversations(me)]);
	const found: { target: string; ts: number }[] = [];
	const candidates = [
		...channels.map((c) => ({ target: c.channel, conversation: c.channel })),
		...directs.map((d) => ({ target: d.peer, conversation: dmConversation(me, d.peer) })),
	];
	for (const c of candidates) {
		const latest = (await hub.store.page(c.conversation, { limit: 1 })).messages[0];
		if (latest !== undefined && latest.ts >= low && latest.ts <= high) {
			found.push({ target: c.target, ts: latest.ts });
		}
	}
	found.sort((a, b) => a.ts - b.ts);
	inBatch(session, 'draft/chathistory-targets', [], (tag) =>
		found.slice(0, limit).map((f) => formatLine(session.server.name, 'CHATHISTORY', ['TARGETS', f.target, `timestamp=${new Date(f.ts).toISOString()}`], tag || undefined)));
}

export async function chathistory(session: IrcSession, line: IrcLine): Promise<void> {
	const [rawSub = '', target = '', a = '', b = '', c = ''] = line.params;
	const sub = rawSub.toUpperCase();
	const limitRaw = sub === 'BETWEEN' || sub === 'TARGETS' ? c : b;
	const limit = Math.min(Number(limitRaw), MAX_CHATHISTORY);
	if (!['LATEST', 'BEFORE', 'AFTER', 'AROUND', 'BETWEEN', 'TARGETS'].includes(sub)) {
		return fail(session, 'INVALID_PARAMS', rawSub.slice(0, 32) || '*', 'Use LATEST, BEFORE, AFTER, AROUND, BETWEEN or TARGETS');
	}
	if (!Number.isInteger(limit) || limit < 1) {
		return fail(session, 'INVALID_PARAMS', sub, `The limit must be a whole number from 1 to ${MAX_CHATHISTORY}`);
	}
	if (sub === 'TARGETS') {
		return targets(session, target, a, limit);
	}
	const first = reference(a);
	const second = sub === 'BETWEEN' ? reference(b) : null;
	if (first === undefined || second === undefined || (first === null && sub !== 'LATEST') || (sub === 'BETWEEN' && second === null)) {
		return fail(session, 'INVALID_PARAMS', sub, a, 'References are msgid=<Parley message id> (and * for LATEST); timestamps are not supported (MSGREFTYPES=msgid)');
	}
	let messages: Message[];
	try {
		switch (sub) {
			case 'LATEST':
				messages = first === null ? await page(session, target, { limit }) : await page(session, target, { after: first, before: Number.MAX_SAFE_INTEGER, limit });
				break;
			case 'BEFORE':
				messages = await page(session, target, { before: first!, limit });
				break;
			case 'AFTER':
				messages = await page(session, target, { after: first!, limit });
				break;
			case 'AROUND': {
				const half = Math.max(1, Math.floor(limit / 2));
				const before = await page(session, target, { before: first!, limit: half });
				const after = await page(session, target, { after: Math.max(0, first! - 1), limit: limit - before.length });
				messages = [...before, ...after];
				break;
			}
			default: {
				const [low, high] = first! <= second! ? [first!, second!] : [second!, first!];
				messages = await page(session, target, { after: low, before: high, limit });
			}
		}
	} catch (error) {
		if (error instanceof ResponseError) {
			return fail(session, 'INVALID_TARGET', sub, target, error.message);
		}
		throw error;
	}
	const name = isChannelTarget(target) ? normalizeChannel(target) : target;
	inBatch(session, 'chathistory', [name], (tag) => messages.flatMap((m) => messageLines(session, m, m.notice ? 'NOTICE' : 'PRIVMSG', tag)));
}

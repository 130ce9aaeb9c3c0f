'use strict';
/**
 * The mixed fan-out of `npm run bench` (scenario `fanout-irc`): the fan-out of
 * bench/loadgen.js on one Parley server whose members are half IRC, half JSON-RPC.
 *
 * Usage: node bench/irc-loadgen.js SPEC.json RESULT.json
 *
 * The spec is a fanout spec plus `ircPort` (the server's --irc-port). Client i speaks
 * IRC when i is even (NICK/USER, JOIN, PRIVMSG), JSON-RPC when odd (initialize,
 * channel/join, message/send): the senders (the first S) and the parsing samples
 * (spread evenly, with an odd stride) are of both kinds, and so is every receiver half.
 * IRC senders send PRIVMSG (IRC has no acknowledgement). Both kinds of receivers count
 * the marker every message text starts with, so loss and latency are measured over all
 * members exactly as in the plain fan-out; each step also records its deliveries,
 * members and latency per receiving protocol (`byProtocol`).
 */
const fs = require('node:fs');
const loadgen = require('./loadgen');

const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));

const isIrc = (i) => i % 2 === 0;
const clients = [];
let latencies = { irc: [], jsonrpc: [] };
let counted0 = { irc: 0, jsonrpc: 0 };

function countedByProto() {
	const n = { irc: 0, jsonrpc: 0 };
	for (const c of clients) {
		if (c) {
			n[c.proto] += c.counted;
		}
	}
	return n;
}

loadgen.hooks.makeClient = (i) => {
	const c = new loadgen.Client(isIrc(i) ? 'irc' : 'jsonrpc', i);
	if (isIrc(i)) {
		c.port = spec.ircPort;
	}
	// A retried connection replaces the failed one.
	clients[i] = c;
	return c;
};

loadgen.hooks.latency = (client, ms) => {
	latencies[client.proto].push(ms);
};

loadgen.hooks.stepStart = () => {
	latencies = { irc: [], jsonrpc: [] };
	counted0 = countedByProto();
};

loadgen.hooks.stepEnd = (step) => {
	const counted = countedByProto();
	const split = {};
	for (const proto of ['irc', 'jsonrpc']) {
		const mine = clients.filter((c) => c && c.proto === proto);
		// Counting receivers add to `counted`; parsing ones (senders, samples) to `received`.
		const parsed = mine.filter((c) => c.parse).reduce((a, c) => a + c.received, 0);
		split[proto] = {
			members: mine.filter((c) => !c.closed).length,
			delivered: counted[proto] - counted0[proto] + parsed,
			latencyMs: loadgen.summary(latencies[proto]),
		};
	}
	step.byProtocol = split;
};

loadgen.runMain(async () => {
	if (typeof spec.ircPort !== 'number') {
		throw new Error('fanout-irc needs spec.ircPort: the Parley server must run with --irc-port');
	}
	const result = await loadgen.fanout();
	result.mix = 'half IRC (even client indexes), half JSON-RPC (odd), senders and samples of both kinds';
	return result;
});

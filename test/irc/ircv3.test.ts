/**
 * IRCv3 and the IRC <-> JSON-RPC bridges over real TCP: account-notify, cap-notify, PART
 * reasons, AWAY as user/setStatus, NOTICE as a marked message, TAGMSG typing, SASL chunks.
 */
import * as assert from 'node:assert/strict';
import { RegisterRequest } from '../../protocol/account';
import { JoinChannelRequest, LeaveChannelRequest, MemberLeftNotification } from '../../protocol/channels';
import { TypingNotification } from '../../protocol/conversations';
import { HistoryRequest, MessageNewNotification, SendMessageRequest } from '../../protocol/messages';
import { AccountNotification, PresenceNotification, SetNickRequest, SetStatusRequest } from '../../protocol/users';
import { useServer } from '../helpers/fixture';
import { IrcTestClient } from './irc-client';

describe('IRC: capability negotiation and SASL details', () => {
	const fx = useServer({ ircPort: 0, minPasswordLength: 4 });

	it('offers account-notify; cap-notify is implicit for 302, acknowledged when asked, and cannot be turned off by a 302 client', async () => {
		const c = fx.closeLater(await IrcTestClient.connect(fx.server.ircPort!), (x) => x.close());
		c.send('CAP LS');
		const plain = await c.waitFor(/ CAP \* LS /);
		assert.match(plain, /account-notify/);
		assert.match(plain, / sasl( |$)/, 'no values without 302');
		c.mark();
		c.send('CAP LS 302');
		assert.match(await c.waitFor(/ CAP \* LS /), /sasl=PLAIN/);
		c.mark();
		c.send('CAP LIST');
		assert.match(await c.waitFor(/ CAP \* LIST /), /cap-notify/);
		c.send('CAP REQ :cap-notify account-notify');
		await c.waitFor(/ CAP \* ACK :?cap-notify account-notify$/);
		c.send('CAP REQ :-cap-notify');
		await c.waitFor(/ CAP \* NAK :?-cap-notify$/);
		c.mark();
		c.send('CAP LIST');
		assert.match(await c.waitFor(/ CAP \* LIST /), /cap-notify/);

		// A client without 302 may enable and disable it.
		const old = fx.closeLater(await IrcTestClient.connect(fx.server.ircPort!), (x) => x.close());
		old.send('CAP REQ :cap-notify');
		await old.waitFor(/ CAP \* ACK :?cap-notify$/);
		old.send('CAP REQ :-cap-notify');
		await old.waitFor(/ CAP \* ACK :?-cap-notify$/);
		old.mark();
		old.send('CAP LIST');
		assert.doesNotMatch(await old.waitFor(/ CAP \* LIST /), /cap-notify/);
	});

	it('takes a SASL PLAIN payload sent in 400-byte chunks, and refuses an endless one with 905', async () => {
		const password = 'é'.repeat(256);
		const rpc = await fx.login('longpw');
		await rpc.connection.sendRequest(RegisterRequest.type, { password });
		rpc.close();
		await rpc.closed;
		const c = fx.closeLater(await IrcTestClient.connect(fx.server.ircPort!), (x) => x.close());
		c.send('CAP REQ :sasl');
		await c.waitFor(/ ACK /);
		c.send('AUTHENTICATE PLAIN');
		await c.waitFor(/^AUTHENTICATE \+$/);
		const payload = Buffer.from(`longpw\0longpw\0${password}`).toString('base64');
		assert.ok(payload.length > 400);
		for (let i = 0; i < payload.length; i += 400) {
			c.send(`AUTHENTICATE ${payload.slice(i, i + 400)}`);
		}
		if (payload.length % 400 === 0) {
			c.send('AUTHENTICATE +');
		}
		await c.waitFor(/ 903 /);
		c.send('NICK whatever');
		c.send('USER l 0 * :l');
		c.send('CAP END');
		await c.waitFor(/ 001 longpw /);

		const d = fx.closeLater(await IrcTestClient.connect(fx.server.ircPort!), (x) => x.close());
		d.send('CAP REQ :sasl');
		d.send('AUTHENTICATE PLAIN');
		await d.waitFor(/^AUTHENTICATE \+$/);
		for (let i = 0; i < 5; i++) {
			d.send(`AUTHENTICATE ${'A'.repeat(400)}`);
		}
		await d.waitFor(/ 905 /);
	});
});

describe('IRC <-> JSON-RPC: accounts, away, leave reasons, notices, typing', () => {
	const fx = useServer({ ircPort: 0, minPasswordLength: 4 });
	const irc = async (nick: string, options?: Parameters<typeof IrcTestClient.register>[2]): Promise<IrcTestClient> =>
		fx.closeLater(await IrcTestClient.register(fx.server.ircPort!, nick, options), (c) => c.close());

	it('account-notify: a guest registering (JSON-RPC or IRC REGISTER) or signing in by nick is ACCOUNT; an account going offline is ACCOUNT *, back ACCOUNT name', async () => {
		const watcher = await irc('ian', { caps: ['account-notify', 'extended-join'] });
		watcher.send('JOIN #acc');
		await watcher.waitFor(/ 366 ian #acc /);

		// A JSON-RPC guest registers its nick.
		const rpc = await fx.login('gus');
		await rpc.connection.sendRequest(JoinChannelRequest.type, { channel: '#acc' });
		assert.match(await watcher.waitFor(/^:gus!\S+ JOIN /), /JOIN #acc \* :?gus$/, 'extended-join: a guest has no account');
		await rpc.connection.sendRequest(RegisterRequest.type, { password: 'pw-gus' });
		await watcher.waitFor(/^:gus!gus@parley ACCOUNT gus$/);
		await rpc.waitFor(AccountNotification.type, (p) => p.nick === 'gus');

		// An IRC guest registers with REGISTER: the others and itself (account-notify includes oneself).
		const reg = await irc('rita', { caps: ['account-notify', 'draft/account-registration'] });
		reg.send('JOIN #acc');
		await watcher.waitFor(/^:rita!\S+ JOIN #acc \* /);
		reg.send('REGISTER * * pw-rita');
		await reg.waitFor(/REGISTER SUCCESS rita /);
		await watcher.waitFor(/^:rita!\S+ ACCOUNT rita$/);
		await reg.waitFor(/^:rita!\S+ ACCOUNT rita$/);
		const rpcWatcher = await fx.login('wanda');
		await rpcWatcher.connection.sendRequest(JoinChannelRequest.type, { channel: '#acc' });

		// The account's last connection ends: ACCOUNT *; it signs in again: ACCOUNT gus.
		watcher.mark();
		rpc.close();
		await watcher.waitFor(/^:gus!\S+ ACCOUNT \*$/);
		const back = await fx.login('gus', { password: 'pw-gus' });
		await watcher.waitFor(/^:gus!\S+ ACCOUNT gus$/);
		assert.equal(watcher.lines.filter((l) => / ACCOUNT gus$/.test(l)).length, 2);
		// Away and back is not a sign-in.
		await back.connection.sendRequest(SetStatusRequest.type, { status: 'away' });
		await back.connection.sendRequest(SetStatusRequest.type, { status: 'online' });
		await watcher.sync();
		assert.equal(watcher.lines.filter((l) => / ACCOUNT gus$/.test(l)).length, 2);

		// A JSON-RPC guest signs in to an account by changing nick: NICK, then ACCOUNT.
		const acct = await fx.login('owner');
		await acct.connection.sendRequest(RegisterRequest.type, { password: 'pw-owner' });
		acct.close();
		await acct.closed;
		const guest = await fx.login('tmp');
		await guest.connection.sendRequest(JoinChannelRequest.type, { channel: '#acc' });
		await watcher.waitFor(/^:tmp!\S+ JOIN #acc \* /);
		await guest.connection.sendRequest(SetNickRequest.type, { nick: 'owner', password: 'pw-owner' });
		await watcher.waitFor(/^:tmp!\S+ NICK :?owner$/);
		await watcher.waitFor(/^:owner!\S+ ACCOUNT owner$/);
		await rpcWatcher.waitFor(AccountNotification.type, (p) => p.nick === 'owner');

		// extended-join names the account of a signed-in joiner.
		await back.connection.sendRequest(JoinChannelRequest.type, { channel: '#acc2' });
		watcher.send('JOIN #acc2');
		await watcher.waitFor(/ 366 ian #acc2 /);
		await back.connection.sendRequest(LeaveChannelRequest.type, { channel: '#acc2' });
		await back.connection.sendRequest(JoinChannelRequest.type, { channel: '#acc2' });
		await watcher.waitFor(/^:gus!\S+ JOIN #acc2 gus :?gus$/);
	});

	it('account-tag names a signed-in user on every line it causes (JOIN, AWAY, PART), not a guest', async () => {
		const acct = await fx.login('acct');
		await acct.connection.sendRequest(RegisterRequest.type, { password: 'pw-acct' });
		const c = await irc('ian', { caps: ['account-tag', 'away-notify'] });
		c.send('JOIN #tag');
		await c.waitFor(/ 366 ian #tag /);
		await acct.connection.sendRequest(JoinChannelRequest.type, { channel: '#tag' });
		await c.waitFor(/^@account=acct :acct!acct@parley JOIN #tag$/);
		await acct.connection.sendRequest(SetStatusRequest.type, { status: 'away', text: 'out' });
		await c.waitFor(/^@account=acct :acct!\S+ AWAY :out$/);
		await acct.connection.sendRequest(LeaveChannelRequest.type, { channel: '#tag', reason: 'bye' });
		await c.waitFor(/^@account=acct :acct!\S+ PART #tag :bye$/);
		const guest = await fx.login('guest');
		await guest.connection.sendRequest(JoinChannelRequest.type, { channel: '#tag' });
		await c.waitFor(/^:guest!guest@parley JOIN #tag$/);
	});

	it('AWAY is user/setStatus both ways: presence for JSON-RPC, away-notify, 301 on PRIVMSG and WHOIS, G in WHO; never for a NOTICE', async () => {
		const rpc = await fx.login('vera');
		await rpc.connection.sendRequest(JoinChannelRequest.type, { channel: '#aw' });
		const c = await irc('ian', { caps: ['away-notify'] });
		c.send('JOIN #aw');
		await c.waitFor(/ 366 ian #aw /);

		// IRC -> JSON-RPC.
		c.send('AWAY :at lunch');
		await c.waitFor(/ 306 ian /);
		const away = await rpc.waitFor(PresenceNotification.type, (p) => p.nick === 'ian' && p.status === 'away');
		assert.equal(away.text, 'at lunch');
		c.send('AWAY');
		await c.waitFor(/ 305 ian /);
		await rpc.waitFor(PresenceNotification.type, (p) => p.nick === 'ian' && p.status === 'online');

		// JSON-RPC -> IRC.
		await rpc.connection.sendRequest(SetStatusRequest.type, { status: 'away', text: 'in a meeting' });
		await c.waitFor(/^:vera!vera@parley AWAY :in a meeting$/);
		c.mark();
		c.send('PRIVMSG vera :are you there?');
		await c.waitFor(/ 301 ian vera :in a meeting$/);
		c.send('WHOIS vera');
		await c.waitFor(/ 301 ian vera :in a meeting$/);
		c.send('WHO #aw');
		await c.waitFor(/ 352 ian #aw \S+ \S+ \S+ vera G~? /);
		c.mark();
		c.send('NOTICE vera :fyi');
		await rpc.waitFor(MessageNewNotification.type, (p) => p.message.text === 'fyi');
		await c.sync();
		assert.ok(!c.lines.slice(-5).some((l) => / 301 /.test(l)), 'a NOTICE gets no automatic answer');

		// Away with no text is still away; a text with a line break cannot inject a line.
		await rpc.connection.sendRequest(SetStatusRequest.type, { status: 'away', text: 'x\r\nQUIT :gotcha' });
		await c.waitFor(/^:vera!\S+ AWAY :x {2}QUIT :gotcha$/);
		await rpc.connection.sendRequest(SetStatusRequest.type, { status: 'away' });
		await c.waitFor(/^:vera!\S+ AWAY :Away$/);
		await rpc.connection.sendRequest(SetStatusRequest.type, { status: 'online' });
		await c.waitFor(/^:vera!\S+ AWAY$/);

		// A user who is away joining a channel: JOIN, then its AWAY.
		await rpc.connection.sendRequest(SetStatusRequest.type, { status: 'away', text: 'brb' });
		c.send('JOIN #later');
		await c.waitFor(/ 366 ian #later /);
		c.mark();
		await rpc.connection.sendRequest(JoinChannelRequest.type, { channel: '#later' });
		await c.waitFor(/^:vera!\S+ JOIN #later$/);
		await c.waitFor(/^:vera!\S+ AWAY :brb$/);
	});

	it('PART reasons reach JSON-RPC users (memberLeft reason, voluntary) and the reverse; a reason is never read as a kick', async () => {
		const rpc = await fx.login('vera');
		await rpc.connection.sendRequest(JoinChannelRequest.type, { channel: '#p' });
		const c = await irc('ian');
		const other = await irc('olga');
		for (const x of [c, other]) {
			x.send('JOIN #p');
			await x.waitFor(/ 366 \S+ #p /);
		}
		c.send('PART #p :off to bed');
		await c.waitFor(/^:ian!\S+ PART #p :off to bed$/);
		const left = await rpc.waitFor(MemberLeftNotification.type, (p) => p.nick === 'ian');
		assert.deepEqual(left, { channel: '#p', nick: 'ian', reason: 'off to bed', voluntary: true });
		await other.waitFor(/^:ian!\S+ PART #p :off to bed$/);

		c.send('JOIN #p');
		await other.waitFor(/^:ian!\S+ JOIN #p$/);
		c.send('PART #p :kicked by vera: spoofed');
		await other.waitFor(/^:ian!\S+ PART #p :kicked by vera: spoofed$/);
		assert.ok(!other.lines.some((l) => / KICK /.test(l)));

		await rpc.connection.sendRequest(LeaveChannelRequest.type, { channel: '#p', reason: `  ${'x'.repeat(300)}  ` });
		const part = await other.waitFor(/^:vera!\S+ PART #p /);
		assert.equal(part, `:vera!vera@parley PART #p :${'x'.repeat(200)}`, 'trimmed and cut to 200 characters');
		await rpc.connection.sendRequest(JoinChannelRequest.type, { channel: '#p' });
		await rpc.connection.sendRequest(LeaveChannelRequest.type, { channel: '#p', reason: '   ' });
		await other.waitFor(/^:vera!\S+ PART #p$/);
		await rpc.connection.sendRequest(JoinChannelRequest.type, { channel: '#p' });
		other.send('PART #p');
		assert.deepEqual(await rpc.waitFor(MemberLeftNotification.type, (p) => p.nick === 'olga'), { channel: '#p', nick: 'olga' });
	});

	it('a NOTICE is a message marked notice: stored, in history, NOTICE again for IRC clients; JSON-RPC notices reach IRC as NOTICE', async () => {
		const rpc = await fx.login('vera');
		await rpc.connection.sendRequest(JoinChannelRequest.type, { channel: '#n' });
		const c = await irc('ian', { caps: ['echo-message'] });
		const other = await irc('olga');
		for (const x of [c, other]) {
			x.send('JOIN #n');
			await x.waitFor(/ 366 \S+ #n /);
		}
		c.send('NOTICE #n :build passed');
		await c.waitFor(/^:ian!\S+ NOTICE #n :build passed$/);
		const got = await rpc.waitFor(MessageNewNotification.type, (p) => p.message.text === 'build passed');
		assert.equal(got.message.notice, true);
		await other.waitFor(/^:ian!\S+ NOTICE #n :build passed$/);
		c.send('PRIVMSG #n :plain words');
		const plain = await rpc.waitFor(MessageNewNotification.type, (p) => p.message.text === 'plain words');
		assert.equal(plain.message.notice, undefined);

		await rpc.connection.sendRequest(SendMessageRequest.type, { to: '#n', text: 'deploy done', notice: true });
		await c.waitFor(/^:vera!\S+ NOTICE #n :deploy done$/);
		await rpc.connection.sendRequest(SendMessageRequest.type, { to: 'ian', text: 'private notice', notice: true });
		await c.waitFor(/^:vera!\S+ NOTICE ian :private notice$/);

		const history = await rpc.connection.sendRequest(HistoryRequest.type, { conversation: '#n' });
		assert.deepEqual(history.messages.map((m) => [m.text, m.notice === true]), [['build passed', true], ['plain words', false], ['deploy done', true]]);

		// Replayed on JOIN as NOTICE too, and in CHATHISTORY.
		const late = await irc('lena');
		late.send('JOIN #n');
		await late.waitFor(/^:ian!\S+ NOTICE #n :build passed$/);
		await late.waitFor(/^:ian!\S+ PRIVMSG #n :plain words$/);
		const reader = await irc('hana', { caps: ['draft/chathistory', 'batch'] });
		reader.send('JOIN #n');
		await reader.waitFor(/ 366 hana #n /);
		reader.send('CHATHISTORY LATEST #n * 10');
		await reader.waitFor(/^@batch=\S+ :ian!\S+ NOTICE #n :build passed$/);
		await reader.waitFor(/^@batch=\S+ :ian!\S+ PRIVMSG #n :plain words$/);
		await reader.waitFor(/^@batch=\S+ :vera!\S+ NOTICE #n :deploy done$/);
	});

	it('TAGMSG +typing=active is conversation/typing, and JSON-RPC typing reaches message-tags clients as TAGMSG', async () => {
		const rpc = await fx.login('vera');
		await rpc.connection.sendRequest(JoinChannelRequest.type, { channel: '#t' });
		const c = await irc('ian', { caps: ['message-tags', 'echo-message'] });
		assert.match(c.lines.filter((l) => / 005 /.test(l)).join(' '), / CLIENTTAGDENY=\*,-typing /);
		c.send('JOIN #t');
		await c.waitFor(/ 366 ian #t /);
		c.send('@+typing=active TAGMSG #t');
		await c.waitFor(/^@\+typing=active :ian!ian@parley TAGMSG #t$/);
		const typing = await rpc.waitFor(TypingNotification.type, (p) => p.nick === 'ian');
		assert.equal(typing.conversation, '#t');
		await rpc.connection.sendNotification(TypingNotification.type, { conversation: '#t' });
		await c.waitFor(/^@\+typing=active :vera!vera@parley TAGMSG #t$/);
		await rpc.connection.sendNotification(TypingNotification.type, { conversation: 'ian' });
		await c.waitFor(/^@\+typing=active :vera!vera@parley TAGMSG ian$/);
		c.send('@+typing=paused TAGMSG #t');
		c.send('TAGMSG');
		await c.waitFor(/ 461 ian TAGMSG /);
	});
});

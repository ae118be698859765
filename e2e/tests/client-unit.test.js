// Node-only tests of the JS client (webroot/js/quotecast.js): the pure pieces (exact decimals, backoff, endpoint
// choice, the per-channel sequencer) and the client's protocol behaviour against an in-process fake WebSocket
// (reconnect with `since`, resume on a gap, new epochs, notRecovered, close codes, notices, heartbeats, tokens).
// No server, no browser, no network: everything runs in this process within a few seconds.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const MODULE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..',
  'gateway-verticle', 'src', 'main', 'resources', 'webroot', 'js', 'quotecast.js');
const {
  QuotecastClient, Backoff, Sequencer, Reset, parseMessage, normalizeDecimals, pickEndpoint, canonicalChannel,
  wsUrlFrom, httpBaseFrom,
} = await import(pathToFileURL(MODULE).href);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(what, pred, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = pred();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('timed out waiting for ' + what);
    await sleep(5);
  }
}

// ---- pure pieces -----------------------------------------------------------------------------------------------

describe('exact decimals', () => {
  test('numbers with a fraction stay their exact text; integers stay numbers; strings are untouched', () => {
    const m = parseMessage('{"type":"quote","seq":12,"ts":1764000000000,"data":{"symbol":"600519.SH","name":"贵州茅台",'
      + '"last":1725.50,"preClose":1720.00,"changePct":-0.25,"volume":1834500,"bids":[[1725.49,300]],'
      + '"note":"a \\"1.50\\" inside","e":1.5e3}}');
    assert.equal(m.seq, 12);
    assert.equal(m.ts, 1764000000000);
    assert.equal(m.data.last, '1725.50');
    assert.equal(m.data.preClose, '1720.00');
    assert.equal(m.data.changePct, '-0.25');
    assert.equal(m.data.volume, 1834500);
    assert.deepEqual(m.data.bids, [['1725.49', 300]]);
    assert.equal(m.data.symbol, '600519.SH');
    assert.equal(m.data.note, 'a "1.50" inside');
    assert.equal(m.data.e, '1.5e3');
  });

  test('integers in decimal fields become two-place strings', () => {
    const q = normalizeDecimals('quote', { last: 1720, volume: 100, bids: [[1719, 5]], asks: [['1721.00', 7]] });
    assert.deepEqual(q, { last: '1720.00', volume: 100, bids: [['1719.00', 5]], asks: [['1721.00', 7]] });
    assert.deepEqual(normalizeDecimals('trade', { price: 10, volume: 200, tradeId: 3 }), { price: '10.00', volume: 200, tradeId: 3 });
  });
});

test('backoff: full jitter under a doubling ceiling from 0.5 s to 20 s, reset to the start', () => {
  const top = new Backoff(500, 20000, () => 0.999999);
  const ceilings = Array.from({ length: 8 }, () => top.next());
  assert.deepEqual(ceilings, [500, 1000, 2000, 4000, 8000, 16000, 20000, 20000]);
  assert.equal(new Backoff(500, 20000, () => 0).next(), 0);
  const b = new Backoff(500, 20000);
  for (let i = 0; i < 200; i++) {
    const d = b.next();
    assert.ok(d >= 0 && d <= 20000, `in range: ${d}`);
  }
  b.reset();
  assert.equal(b.attempt, 0);
  assert.ok(b.next() <= 500);
  assert.throws(() => new Backoff(0, 10));
});

test('endpoint choice: first ready not refused lately, else the answering node', () => {
  const body = {
    endpoints: [
      { url: 'ws://a/ws', state: 'draining' },
      { url: 'ws://b/ws', state: 'ready' },
      { url: 'ws://c/ws', state: 'ready' },
    ],
    self: 'ws://a/ws',
  };
  assert.equal(pickEndpoint(body), 'ws://b/ws');
  assert.equal(pickEndpoint(body, new Set(['ws://b/ws'])), 'ws://c/ws');
  assert.equal(pickEndpoint(body, new Set(['ws://b/ws', 'ws://c/ws'])), 'ws://a/ws');
  assert.equal(pickEndpoint({ endpoints: [], self: 'ws://s/ws' }), 'ws://s/ws');
  assert.equal(pickEndpoint({}), null);
  assert.equal(canonicalChannel('Kline:1m:600519.sh'), 'kline:1m:600519.SH');
  assert.equal(wsUrlFrom('https://x.example:8443/app/'), 'wss://x.example:8443/ws');
  assert.equal(httpBaseFrom('ws://127.0.0.1:8080/ws?a=1'), 'http://127.0.0.1:8080');
});

describe('sequencer', () => {
  const sink = () => {
    const s = { got: [], resets: [] };
    s.deliver = (u) => s.got.push(u.seq);
    s.reset = (reason) => s.resets.push(reason);
    return s;
  };
  const u = (seq, epoch = null) => ({ seq, epoch });

  test('in order once: duplicates dropped, a trade gap parks and asks for resume, the replay fills it', () => {
    const q = new Sequencer(true);
    const s = sink();
    assert.equal(q.offer(u(10, 'e1'), s), false);
    assert.equal(q.offer(u(11), s), false);
    assert.equal(q.offer(u(11), s), false); // duplicate
    assert.equal(q.offer(u(14), s), true); // gap: resume now
    assert.equal(q.offer(u(15), s), false); // still resuming: no second resume
    assert.deepEqual(q.since(), { seq: 11, epoch: 'e1' });
    q.offer(u(12), s);
    q.offer(u(13), s); // the replay: 14 and 15 follow from the parked ones
    q.recovered(s);
    q.offer(u(15), s);
    q.offer(u(16), s);
    assert.deepEqual(s.got, [10, 11, 12, 13, 14, 15, 16]);
    assert.deepEqual(s.resets, []);
  });

  test('notRecovered: reset, then the snapshot continues; recovered with a hole left: GAP', () => {
    const q = new Sequencer(true);
    const s = sink();
    q.offer(u(1, 'e1'), s);
    q.notRecovered(s);
    q.offer(u(40, 'e1'), s); // the fresh snapshot
    q.offer(u(41), s);
    assert.deepEqual(s.got, [1, 40, 41]);
    q.offer(u(45), s);
    q.recovered(s); // the server replayed nothing more
    assert.deepEqual(s.got, [1, 40, 41, 45]);
    assert.deepEqual(s.resets, [Reset.NOT_RECOVERED, Reset.GAP]);
  });

  test('a new epoch (in a message or a subscribe reply) restarts seq; state channels may jump', () => {
    const q = new Sequencer(true);
    const s = sink();
    q.offer(u(500, 'e1'), s);
    assert.equal(q.subscribed('e2', 0, s), true); // restarted trade channel without a trade yet
    q.offer(u(1), s);
    q.offer(u(2), s);
    q.offer(u(9, 'e3'), s);
    assert.deepEqual(s.got, [500, 1, 2, 9]);
    assert.deepEqual(s.resets, [Reset.NEW_EPOCH, Reset.NEW_EPOCH]);
    const state = new Sequencer(false);
    const t = sink();
    state.offer(u(5, 'e1'), t);
    assert.equal(state.offer(u(9), t), false);
    state.offer(u(7), t);
    assert.deepEqual(t.got, [5, 9]);
  });

  test('parked messages are bounded: past the limit the gap is given up', () => {
    const q = new Sequencer(true, 3);
    const s = sink();
    q.offer(u(1, 'e'), s);
    for (const n of [3, 4, 5, 6]) q.offer(u(n), s);
    assert.deepEqual(s.got, [1, 3, 4, 5, 6]);
    assert.deepEqual(s.resets, [Reset.GAP]);
  });
});

// ---- the client against a fake WebSocket ------------------------------------------------------------------------

/** An in-process stand-in for a gateway: every socket the client opens, the frames it sends, and what we answer. */
class FakeServer {
  constructor() {
    this.sockets = [];
    this.sent = []; // {socket, msg}
    this.epoch = 'e1';
    this.seq = {}; // channel -> current seq
    this.refuse = 0; // refuse this many connects (never open)
    this.batching = false; // like a server with batch > 0: what one turn pushes goes out as one `batch` frame
    this.frames = []; // every frame pushed to a client, batch frames as sent
    this.afterWelcome = null; // (socket) => pushes more in the welcome's turn
    this.onRequest = null; // (msg, socket) -> true when handled
    const server = this;
    this.WebSocket = class FakeWebSocket {
      constructor(url) {
        this.url = url;
        this.readyState = 0;
        this.index = server.sockets.length;
        server.sockets.push(this);
        setTimeout(() => {
          if (server.refuse > 0) {
            server.refuse--;
            this.readyState = 3;
            this.onclose?.({ code: 1006, reason: '' });
            return;
          }
          this.readyState = 1;
          this.onopen?.({});
          this.push({ type: 'welcome', ts: Date.now(), data: { connectionId: 'c-' + this.index, node: 'fake', idleTimeoutMs: 45000 } });
          server.afterWelcome?.(this);
        }, 1);
      }

      send(text) {
        if (this.readyState !== 1) throw new Error('not open');
        const msg = JSON.parse(text);
        server.sent.push({ socket: this, msg });
        if (server.onRequest?.(msg, this)) return;
        server.answer(msg, this);
      }

      push(obj) {
        if (!server.batching) {
          this.frame(obj);
          return;
        }
        if (!this.pending) {
          this.pending = [];
          setTimeout(() => {
            const data = this.pending;
            this.pending = null;
            this.frame(data.length === 1 ? data[0] : { type: 'batch', ts: Date.now(), data });
          }, 2);
        }
        this.pending.push(obj);
      }

      frame(obj) {
        if (this.readyState !== 1) return;
        server.frames.push(obj);
        this.onmessage?.({ data: JSON.stringify(obj) });
      }

      close(code = 1000, reason = '') {
        if (this.readyState >= 2) return;
        this.readyState = 3;
        setTimeout(() => this.onclose?.({ code, reason }), 1);
      }

      /** The server closes: the client sees the code. */
      serverClose(code, reason = '') {
        this.readyState = 3;
        this.onclose?.({ code, reason });
      }
    };
  }

  get last() {
    return this.sockets[this.sockets.length - 1];
  }

  ops(op) {
    return this.sent.filter((s) => s.msg.op === op);
  }

  answer(msg, socket) {
    const reply = (data) => socket.push({ type: 'result', id: msg.id, ts: Date.now(), data });
    if (msg.op === 'subscribe') {
      const subscribed = msg.args.channels.map((ch) => ({ ch, freq: msg.args.freq || 'realtime', seq: this.seq[ch] || 0, epoch: this.epoch }));
      const since = msg.args.since || {};
      const recovered = [];
      const notRecovered = [];
      for (const [ch, s] of Object.entries(since)) {
        if (s.epoch !== this.epoch) {
          notRecovered.push(ch);
          continue;
        }
        // replay what was missed, then the reply (PROTOCOL.md §6)
        for (let n = s.seq + 1; n <= (this.seq[ch] || 0); n++) socket.push(this.message(ch, n, { recovered: true }));
        recovered.push(ch);
      }
      reply({ subscribed, rejected: [], ...(msg.args.since ? { recovered, notRecovered } : {}) });
      for (const ch of msg.args.channels) {
        if ((this.seq[ch] || 0) > 0 && (!since[ch] || notRecovered.includes(ch))) {
          socket.push(this.message(ch, this.seq[ch], { snapshot: true, epoch: this.epoch }));
        }
      }
    } else if (msg.op === 'resume') {
      const recovered = [];
      for (const [ch, s] of Object.entries(msg.args.since)) {
        for (let n = s.seq + 1; n <= this.seq[ch]; n++) socket.push(this.message(ch, n, { recovered: true }));
        recovered.push(ch);
      }
      reply({ recovered, notRecovered: [] });
    } else if (msg.op === 'ping') {
      reply({ serverTime: Date.now() });
    } else {
      reply({});
    }
  }

  message(ch, seq, meta) {
    const type = ch.split(':')[0];
    const data = type === 'trade'
      ? { symbol: ch.split(':').pop(), tradeId: seq, price: 1725.25, volume: 100 }
      : { symbol: ch.split(':').pop(), last: 1725.5, bids: [[1725.49, 300]] };
    return { type, ts: Date.now(), ch, seq, ...(meta ? { meta } : {}), data };
  }

  /** Publishes the next seq of a channel; `deliver: false` loses it on the way (a gap). */
  publish(ch, { deliver = true } = {}) {
    this.seq[ch] = (this.seq[ch] || 0) + 1;
    if (deliver) this.last.push(this.message(ch, this.seq[ch]));
  }
}

function newClient(server, extra = {}) {
  const qc = new QuotecastClient({
    url: 'ws://fake:8080/ws', WebSocket: server.WebSocket, backoffMinMs: 5, backoffMaxMs: 40, random: () => 0.5, ...extra,
  });
  const events = [];
  for (const type of ['state', 'connected', 'disconnected', 'terminated', 'reset', 'recovery', 'rejected', 'notice', 'stale']) {
    qc.on(type, (d) => events.push({ type, ...d }));
  }
  return { qc, events };
}

const TRADE = 'trade:600519.SH';

test('client: reconnects by itself, resubscribes with since, gets the replay: every seq once, in order', async () => {
  const server = new FakeServer();
  const { qc, events } = newClient(server);
  const seqs = [];
  const sub = qc.subscribe('Trade:600519.sh', (u) => seqs.push([u.seq, u.recovered, u.data.price]));
  try {
    await qc.connect();
    await sub.ready;
    for (let i = 0; i < 5; i++) server.publish(TRADE);
    server.last.serverClose(1006); // the connection breaks
    for (let i = 0; i < 4; i++) server.publish(TRADE, { deliver: false }); // published while we are away
    await waitFor('reconnect', () => events.filter((e) => e.type === 'connected').length === 2);
    await waitFor('replay', () => seqs.length === 9);
    server.publish(TRADE);
    await waitFor('live', () => seqs.length === 10);
    assert.deepEqual(seqs.map((s) => s[0]), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.deepEqual(seqs.filter((s) => s[1]).map((s) => s[0]), [6, 7, 8, 9], 'the missed ones came as meta.recovered');
    assert.equal(seqs[0][2], '1725.25', 'prices are exact decimal strings');
    const subs = server.ops('subscribe');
    assert.equal(subs.length, 2);
    assert.equal(subs[0].msg.args.since, undefined);
    assert.deepEqual(subs[1].msg.args.since, { [TRADE]: { seq: 5, epoch: 'e1' } });
    assert.deepEqual(events.find((e) => e.type === 'recovery')?.recovered, [TRADE]);
    assert.equal(events.filter((e) => e.type === 'reset').length, 0);
    assert.match(server.sockets[1].url, /client=quotecast-js/);
  } finally {
    await qc.close();
  }
});

test('client: connects with batch=25 by default; batch frames (the welcome too) are unpacked in order', async () => {
  const server = new FakeServer();
  server.batching = true;
  // a status in the welcome's period: the welcome goes out inside a batch, as a batching server sends it
  server.afterWelcome = (socket) => socket.push({ type: 'status', ts: Date.now(), data: { source: 'simulator', state: 'up' } });
  const { qc, events } = newClient(server);
  const seqs = [];
  const sub = qc.subscribe(TRADE, (u) => seqs.push(u.seq));
  try {
    await qc.connect();
    await sub.ready;
    for (let i = 0; i < 6; i++) server.publish(TRADE);
    await waitFor('trades', () => seqs.length === 6);
    assert.deepEqual(seqs, [1, 2, 3, 4, 5, 6]);
    assert.equal(new URL(server.last.url).searchParams.get('batch'), '25');
    const batches = server.frames.filter((f) => f.type === 'batch');
    assert.ok(batches.some((b) => b.data[0].type === 'welcome'), 'the welcome came inside a batch');
    assert.ok(batches.some((b) => b.data.filter((m) => m.ch === TRADE).length === 6), 'the trades came as one frame');
    assert.equal(qc.welcome.connectionId, 'c-0');
    assert.equal(events.filter((e) => e.type === 'reset').length, 0);
  } finally {
    await qc.close();
  }
});

test('client: batch 0 leaves the parameter out, a URL with its own batch keeps it, a bad batch is refused', async () => {
  const server = new FakeServer();
  const off = newClient(server, { batch: 0 }).qc;
  try {
    await off.connect();
    assert.equal(new URL(server.last.url).searchParams.has('batch'), false);
  } finally {
    await off.close();
  }
  const own = newClient(server, { url: 'ws://fake:8080/ws?batch=5' }).qc;
  try {
    await own.connect();
    assert.deepEqual(new URL(server.last.url).searchParams.getAll('batch'), ['5']);
  } finally {
    await own.close();
  }
  for (const batch of [-1, 1001, 2.5, '25']) assert.throws(() => newClient(server, { batch }), RangeError);
});

test('client: a seq gap on a live connection sends resume; later messages wait for the replay', async () => {
  const server = new FakeServer();
  const { qc } = newClient(server);
  const seqs = [];
  qc.subscribe(TRADE, (u) => seqs.push(u.seq));
  try {
    await qc.connect();
    await waitFor('subscribed', () => server.ops('subscribe').length === 1);
    server.publish(TRADE);
    server.publish(TRADE, { deliver: false });
    server.publish(TRADE, { deliver: false });
    server.onRequest = (msg) => msg.op === 'resume'; // hold the resume a moment
    server.publish(TRADE);
    server.publish(TRADE);
    await waitFor('resume', () => server.ops('resume').length === 1);
    assert.deepEqual(seqs, [1], 'nothing past the gap before it is filled');
    assert.deepEqual(server.ops('resume')[0].msg.args.since, { [TRADE]: { seq: 1, epoch: 'e1' } });
    server.onRequest = null;
    server.answer(server.ops('resume')[0].msg, server.last);
    await waitFor('filled', () => seqs.length === 5);
    assert.deepEqual(seqs, [1, 2, 3, 4, 5]);
  } finally {
    await qc.close();
  }
});

test('client: a restarted server (new epoch) is reported once and the new stream starts from its seq', async () => {
  const server = new FakeServer();
  const { qc, events } = newClient(server);
  const got = [];
  qc.subscribe(TRADE, (u) => got.push(`${u.epoch}/${u.seq}`));
  try {
    await qc.connect();
    await waitFor('subscribed', () => server.ops('subscribe').length === 1);
    server.publish(TRADE);
    server.publish(TRADE);
    await waitFor('2', () => got.length === 2);
    server.last.serverClose(1006);
    server.epoch = 'e2'; // restarted: new epoch, no history, no trade yet
    server.seq = {};
    await waitFor('reconnect', () => server.ops('subscribe').length === 2);
    await waitFor('reset', () => events.some((e) => e.type === 'reset'));
    server.publish(TRADE);
    await waitFor('new stream', () => got.length === 3);
    assert.deepEqual(got, ['e1/1', 'e1/2', 'e2/1']);
    const resets = events.filter((e) => e.type === 'reset');
    assert.deepEqual(resets.map((e) => [e.reason, e.previousEpoch, e.epoch]), [[Reset.NEW_EPOCH, 'e1', 'e2']]);
    assert.deepEqual(qc.position(TRADE), { seq: 1, epoch: 'e2' });
  } finally {
    await qc.close();
  }
});

test('client: close codes 4003/4100 and, without a token supplier, 1008 stop it; with one it retries with a new token', async () => {
  for (const code of [4100, 4003, 1008]) {
    const server = new FakeServer();
    const { qc, events } = newClient(server);
    await qc.connect();
    server.last.serverClose(code, 'bye');
    await waitFor('terminated', () => events.some((e) => e.type === 'terminated'));
    await sleep(80);
    assert.equal(server.sockets.length, 1, `no reconnect after ${code}`);
    assert.equal(qc.state, 'closed');
  }
  const server = new FakeServer();
  let n = 0;
  const { qc, events } = newClient(server, { tokenSupplier: async () => `t${++n}` });
  try {
    await qc.connect();
    server.last.serverClose(1008, 'token expired');
    await waitFor('reconnect', () => events.filter((e) => e.type === 'connected').length === 2);
    assert.match(server.sockets[0].url, /token=t1/);
    assert.match(server.sockets[1].url, /token=t2/);
    // token_expiring: the supplier is asked again and the token goes out with the auth op
    server.last.push({ type: 'notice', ts: Date.now(), data: { event: 'token_expiring', expiresAt: Date.now() + 60000 } });
    await waitFor('auth', () => server.ops('auth').length === 1);
    assert.deepEqual(server.ops('auth')[0].msg.args, { token: 't3' });
  } finally {
    await qc.close();
  }
});

for (const event of ['shutdown', 'overloaded']) {
  test(`client: a ${event} notice moves it to the listed endpoint after reconnectAfterMs`, async () => {
    const server = new FakeServer();
    const { qc, events } = newClient(server);
    try {
      await qc.connect();
      const t0 = Date.now();
      server.last.push({ type: 'notice', ts: t0, data: { event, reconnectAfterMs: 120, endpoints: ['ws://other:8081/ws'] } });
      await waitFor('moved', () => events.filter((e) => e.type === 'connected').length === 2);
      assert.ok(Date.now() - t0 >= 110, `waited ${Date.now() - t0} ms`);
      assert.match(server.last.url, /^ws:\/\/other:8081\/ws\?/);
      assert.equal(events.find((e) => e.type === 'notice').event, event);
    } finally {
      await qc.close();
    }
  });
}

test('client: pings, and treats a connection silent past idleTimeoutMs as dead', async () => {
  const server = new FakeServer();
  const { qc, events } = newClient(server, { pingIntervalMs: 1000, idleTimeoutMs: 1500 });
  try {
    await qc.connect();
    await waitFor('ping', () => server.ops('ping').length >= 1);
    server.onRequest = () => true; // the server goes silent (half-open connection)
    await waitFor('idle drop', () => events.some((e) => e.type === 'disconnected' && e.code === 4009), 4000);
    server.onRequest = null;
    await waitFor('reconnect', () => events.filter((e) => e.type === 'connected').length === 2);
  } finally {
    await qc.close();
  }
});

test('client: refused connects back off and retry; a refused subscription is reported, not retried', async () => {
  const server = new FakeServer();
  server.refuse = 2;
  const { qc, events } = newClient(server);
  try {
    await qc.connect();
    assert.equal(server.sockets.length, 3);
    assert.deepEqual(events.filter((e) => e.type === 'disconnected').map((e) => e.reconnectInMs), [3, 5], 'full jitter: floor(0.5 * (ceiling + 1)) for ceilings 5, 10 ms');
    server.onRequest = (msg, socket) => {
      if (msg.op !== 'subscribe') return false;
      socket.push({ type: 'result', id: msg.id, ts: Date.now(), data: { subscribed: [], rejected: [{ ch: 'quote:600520.SH', code: 'INVALID_SYMBOL', message: 'unknown symbol', suggestions: ['600519.SH 贵州茅台'] }] } });
      return true;
    };
    const rejected = [];
    const sub = qc.subscribe('quote:600520.SH', { onRejected: (e) => rejected.push(e.code) });
    await assert.rejects(sub.ready, /INVALID_SYMBOL/);
    assert.deepEqual(rejected, ['INVALID_SYMBOL']);
    assert.equal(events.find((e) => e.type === 'rejected').error.suggestions[0], '600519.SH 贵州茅台');
    assert.deepEqual(qc.channels(), []);
  } finally {
    await qc.close();
  }
});

test('client: subscriptions share a channel; the last one to leave unsubscribes it on the server', async () => {
  const server = new FakeServer();
  const { qc } = newClient(server);
  try {
    await qc.connect();
    const a = [];
    const b = [];
    const s1 = qc.subscribe(TRADE, (u) => a.push(u.seq));
    const s2 = qc.subscribe(TRADE, (u) => b.push(u.seq));
    const gone = qc.subscribe('quote:000001.SZ', () => {});
    gone.unsubscribe(); // in the same tick: never sent at all
    await Promise.all([s1.ready, s2.ready]);
    assert.deepEqual(server.ops('subscribe').map((s) => s.msg.args.channels), [[TRADE]]);
    server.publish(TRADE);
    await waitFor('both', () => a.length === 1 && b.length === 1);
    s1.unsubscribe();
    server.publish(TRADE);
    await waitFor('b only', () => b.length === 2);
    assert.deepEqual(a, [1]);
    assert.equal(server.ops('unsubscribe').length, 0, 'still wanted by s2');
    s2.unsubscribe();
    await waitFor('unsubscribe', () => server.ops('unsubscribe').length === 1);
    assert.deepEqual(server.ops('unsubscribe')[0].msg.args, { channels: [TRADE] });
    assert.deepEqual(qc.channels(), []);
  } finally {
    await qc.close();
  }
});

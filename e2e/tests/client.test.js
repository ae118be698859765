// Browser (and Node) tests of the JS client, webroot/js/quotecast.js, against a real server that this file starts
// itself (it kills it with -9 and restarts it on the same port in the last test, so it does not use the server
// e2e/run.sh started). Pages import the module from the gateway, as an application would: /js/quotecast.js.
//
//   QUOTECAST_JAR=../app/target/quotecast.jar node --test tests/client.test.js      (from e2e/)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { chromium } from 'playwright-core';
import { Server, E2E, freePort, stopAll } from './helpers/server.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const TRADE = 'trade:600519.SH';
const QUOTE = 'quote:600519.SH';

// ---- the server this file owns (tests/helpers/server.mjs: kernel-chosen free ports, log artifacts/client-server-N.log,
// killed whatever happens) ---------------------------------------------------------------------------------------

let server;
let browser;

before(async () => {
  server = new Server('client-server', { port: await freePort(), monitorPort: await freePort() }).start();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  await server.ready();
});

after(async () => {
  await browser?.close().catch(() => {});
  await stopAll();
});

// ---- the test page ---------------------------------------------------------------------------------------------

// A module script run in a page of the gateway's origin: it imports the client the gateway serves, as an application
// would, and records everything the client reports. (The page must really come from the server: Chromium's local
// network access checks block a page Playwright made up from opening WebSockets to 127.0.0.1.)
const HARNESS = `
import * as Q from '/js/quotecast.js';
const h = window.h = {
  Q, qc: null, events: [], trades: [], quotes: [], sockets: [], sent: [], dropper: null, frames: 0, batchFrames: 0,
  start(o) {
    // A WebSocket that records what the client sends and can lose chosen incoming messages (h.dropper)
    class TestWebSocket extends WebSocket {
      constructor(url, protocols) { super(url, protocols); h.sockets.push(this); }
      send(data) { h.sent.push({ t: Date.now(), msg: JSON.parse(data) }); super.send(data); }
      get onmessage() { return super.onmessage; }
      set onmessage(fn) {
        super.onmessage = (ev) => {
          h.frames++;
          if (ev.data.startsWith('{"type":"batch"')) h.batchFrames++;
          if (h.dropper && h.dropper(ev.data)) return;
          fn(ev);
        };
      }
    }
    const tokenSupplier = o.tier ? async () => {
      const r = await fetch('/api/v1/auth/dev-token', { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sub: 'e2e-client', tier: o.tier, ttlSeconds: 600 }) });
      if (!r.ok) throw new Error('dev-token: HTTP ' + r.status);
      return (await r.json()).token;
    } : undefined;
    const qc = h.qc = new Q.QuotecastClient({ transport: o.transport, WebSocket: TestWebSocket, tokenSupplier, batch: o.batch,
      sockJsTransports: o.sockJsTransports, client: 'e2e-client-test/1' });
    for (const type of ['state', 'connected', 'disconnected', 'terminated', 'reset', 'recovery', 'rejected', 'subscribed']) {
      qc.on(type, (d) => h.events.push({ type, t: Date.now(), ...d, welcome: undefined,
        connectionId: d.welcome ? d.welcome.connectionId : undefined }));
    }
    qc.subscribe('${TRADE}', { freq: o.freq }, (u) => h.trades.push({ seq: u.seq, epoch: u.epoch, recovered: u.recovered,
      snapshot: u.snapshot, t: Date.now(), price: u.data.price, tradeId: u.data.tradeId }));
    qc.subscribe('${QUOTE}', { freq: o.freq }, (u) => h.quotes.push({ seq: u.seq, epoch: u.epoch, t: Date.now(),
      last: u.data.last, bid: u.data.bids && u.data.bids[0] && u.data.bids[0][0] }));
  },
  count(type) { return h.events.filter((e) => e.type === type).length; },
  /** Per epoch: trade seqs delivered, first/last, and every place the sequence was not +1. */
  check() {
    const byEpoch = new Map();
    for (const x of h.trades) {
      if (!byEpoch.has(x.epoch)) byEpoch.set(x.epoch, []);
      byEpoch.get(x.epoch).push(x.seq);
    }
    return [...byEpoch].map(([epoch, seqs]) => {
      const gaps = [];
      let dups = 0;
      for (let i = 1; i < seqs.length; i++) {
        if (seqs[i] <= seqs[i - 1]) dups++;
        else if (seqs[i] !== seqs[i - 1] + 1) gaps.push([seqs[i - 1], seqs[i]]);
      }
      return { epoch, count: seqs.length, first: seqs[0], last: seqs[seqs.length - 1], gaps, dups };
    });
  },
};
window.harnessReady = true;
`;

async function openHarness(options) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  // any document of the gateway will do; this one starts nothing by itself
  await page.goto(`${server.base}/api/v1/status`, { waitUntil: 'domcontentloaded' });
  await page.addScriptTag({ type: 'module', content: HARNESS });
  await page.waitForFunction(() => window.harnessReady === true, null, { timeout: 10000 });
  await page.evaluate((o) => window.h.start(o), options);
  return { context, page, problems };
}

const until = (page, fn, arg, timeout = 20000) => page.waitForFunction(fn, arg, { timeout, polling: 50 });

// ---- tests -----------------------------------------------------------------------------------------------------

test('the gateway serves the client as a JavaScript module at /js/quotecast.js, and no conn.js', async () => {
  const r = await fetch(`${server.base}/js/quotecast.js`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /javascript/);
  const body = await r.text();
  assert.match(body, /export class QuotecastClient/);
  assert.doesNotMatch(body, /parseFloat/, 'prices are never turned into floats by the library');
  const page = await fetch(`${server.base}/`).then((x) => x.text());
  assert.match(page, /js\/app\.js/);
  const app = await fetch(`${server.base}/js/app.js`).then((x) => x.text());
  assert.match(app, /from '\.\/quotecast\.js'/, 'the demo page uses the client');
});

test('WebSocket dropped under the client while the server keeps publishing: resubscribe with since, replay, no gap, no duplicate', async () => {
  const { context, page, problems } = await openHarness({ transport: 'websocket', tier: 'pro' });
  try {
    await until(page, () => window.h.trades.length >= 150 && window.h.quotes.length >= 3);
    const before = await page.evaluate(() => {
      const last = window.h.trades[window.h.trades.length - 1];
      window.h.dropAt = Date.now();
      window.h.sockets[window.h.sockets.length - 1].close(); // the socket goes away under the client
      return { last, trades: window.h.trades.length };
    });
    await until(page, () => window.h.count('connected') === 2);
    await until(page, (n) => window.h.trades.length >= n + 150, before.trades);
    const r = await page.evaluate(() => {
      const h = window.h;
      const connected = h.events.filter((e) => e.type === 'connected');
      const resub = h.sent.filter((s) => s.msg.op === 'subscribe' && s.t >= h.dropAt);
      return {
        check: h.check(),
        reconnectMs: connected[1].t - h.dropAt,
        transports: connected.map((e) => e.transport),
        resubscribe: resub.map((s) => s.msg.args),
        recovery: h.events.filter((e) => e.type === 'recovery'),
        resets: h.events.filter((e) => e.type === 'reset'),
        recovered: h.trades.filter((x) => x.recovered).length,
        price: h.trades[0].price,
        quotesAfter: h.quotes.filter((q) => q.t > connected[1].t).length,
      };
    });
    const sinceArgs = r.resubscribe.find((a) => a.since && a.since[TRADE]);
    assert.ok(sinceArgs, `a resubscribe carried since: ${JSON.stringify(r.resubscribe)}`);
    assert.deepEqual(sinceArgs.since[TRADE], { seq: before.last.seq, epoch: before.last.epoch }, 'since = last delivered');
    const rec = r.recovery.find((e) => e.op === 'subscribe');
    assert.ok(rec && rec.recovered.includes(TRADE), `the trade channel was recovered: ${JSON.stringify(r.recovery)}`);
    assert.ok(r.recovered > 0, 'missed trades came as meta.recovered replays');
    assert.equal(r.check.length, 1, `one epoch: ${JSON.stringify(r.check)}`);
    assert.deepEqual(r.check[0].gaps, [], 'no gap');
    assert.equal(r.check[0].dups, 0, 'no duplicate');
    assert.deepEqual(r.resets.filter((e) => e.channel === TRADE), [], 'nothing to report on the trade channel');
    assert.ok(r.quotesAfter > 0, 'quotes continue');
    assert.match(r.price, /^\d+\.\d{2}$/, `prices are exact decimal strings: ${r.price}`);
    assert.deepEqual(r.transports, ['websocket', 'websocket']);
    assert.deepEqual(problems, []);
    console.log(`# resume: reconnected in ${r.reconnectMs} ms; trades ${r.check[0].first}..${r.check[0].last} `
      + `(${r.check[0].count}) contiguous, ${r.recovered} of them replayed (meta.recovered)`);
  } finally {
    await context.close();
  }
});

test('by default the client batches (25 ms) and Chromium negotiates permessage-deflate: the stream arrives whole', async () => {
  const { context, page, problems } = await openHarness({ transport: 'websocket', tier: 'pro' });
  try {
    await until(page, () => window.h.trades.length >= 100 && window.h.quotes.length >= 3);
    const r = await page.evaluate(() => {
      const h = window.h;
      const ws = h.sockets[h.sockets.length - 1];
      return { extensions: ws.extensions, url: ws.url, batch: h.qc.welcome.batch, frames: h.frames,
        batchFrames: h.batchFrames, messages: h.trades.length + h.quotes.length, check: h.check() };
    });
    // Chromium's own permessage-deflate (a standard client the server did not write) inflates every frame
    assert.match(r.extensions, /permessage-deflate/, `negotiated: ${r.extensions}`);
    assert.match(r.extensions, /server_no_context_takeover/, 'the server keeps no deflate window (the default)');
    assert.equal(new URL(r.url).searchParams.get('batch'), '25');
    assert.equal(r.batch, 25, 'the welcome confirms the batch');
    assert.ok(r.batchFrames > 0 && r.frames < r.messages, `fewer frames than messages: ${JSON.stringify(r)}`);
    assert.equal(r.check.length, 1);
    assert.deepEqual(r.check[0].gaps, [], 'no gap');
    assert.equal(r.check[0].dups, 0, 'no duplicate');
    assert.deepEqual(problems, []);
    console.log(`# batched + deflate: ${r.messages} messages in ${r.frames} frames (${r.batchFrames} batches); `
      + `Sec-WebSocket-Extensions: ${r.extensions}`);
  } finally {
    await context.close();
  }
});

test('messages lost on a live connection: the seq gap triggers resume and the stream stays contiguous', async () => {
  // batch 0: the dropper below loses single trade messages, which a batch frame would carry together with others
  const { context, page, problems } = await openHarness({ transport: 'websocket', tier: 'pro', batch: 0 });
  try {
    await until(page, () => window.h.trades.length >= 100);
    // lose the next 5 trade messages of 600519.SH on the way in
    await page.evaluate(() => {
      let lose = 5;
      window.h.lost = [];
      window.h.dropper = (text) => {
        if (lose > 0 && text.includes('"type":"trade"') && text.includes('"ch":"trade:600519.SH"') && !text.includes('snapshot')) {
          lose--;
          window.h.lost.push(JSON.parse(text).seq);
          return true;
        }
        return false;
      };
    });
    await until(page, () => window.h.lost.length === 5 && window.h.events.some((e) => e.type === 'recovery' && e.op === 'resume'));
    const n = await page.evaluate(() => window.h.trades.length);
    await until(page, (k) => window.h.trades.length >= k + 100, n);
    const r = await page.evaluate(() => ({
      lost: window.h.lost,
      resume: window.h.sent.filter((s) => s.msg.op === 'resume').map((s) => s.msg.args),
      recovery: window.h.events.filter((e) => e.type === 'recovery' && e.op === 'resume'),
      replayed: window.h.trades.filter((x) => x.recovered).map((x) => x.seq),
      check: window.h.check(),
      connections: window.h.count('connected'),
    }));
    assert.ok(r.resume.length >= 1, 'resume sent');
    assert.deepEqual(r.resume[0].since[TRADE].seq, r.lost[0] - 1, 'since = the last seq before the gap');
    assert.ok(r.recovery[0].recovered.includes(TRADE));
    for (const seq of r.lost) assert.ok(r.replayed.includes(seq), `lost seq ${seq} was replayed: ${r.replayed}`);
    assert.equal(r.check.length, 1);
    assert.deepEqual(r.check[0].gaps, [], 'no gap');
    assert.equal(r.check[0].dups, 0, 'no duplicate');
    assert.equal(r.connections, 1, 'resumed on the same connection');
    assert.deepEqual(problems, []);
    console.log(`# gap: lost ${r.lost.join(',')} -> resume since ${r.resume[0].since[TRADE].seq}; `
      + `${r.check[0].count} trades contiguous`);
  } finally {
    await context.close();
  }
});

test('SockJS (xhr-streaming) through the same API: data flows as 1 s trade arrays, reconnect() resumes without loss', async () => {
  const { context, page, problems } = await openHarness({ transport: 'sockjs', sockJsTransports: ['xhr-streaming'] });
  try {
    await until(page, () => window.h.count('connected') === 1 && window.h.trades.length >= 150);
    const c1 = await page.evaluate(() => window.h.events.find((e) => e.type === 'connected'));
    assert.equal(c1.transport, 'sockjs');
    assert.equal(c1.transportDetail, 'xhr-streaming');
    const n = await page.evaluate(async () => {
      window.h.dropAt = Date.now();
      await window.h.qc.reconnect();
      return window.h.trades.length;
    });
    await until(page, (k) => window.h.trades.length >= k + 150, n);
    const r = await page.evaluate(() => ({
      check: window.h.check(),
      connected: window.h.events.filter((e) => e.type === 'connected').map((e) => e.transport),
      recovery: window.h.events.filter((e) => e.type === 'recovery' && e.op === 'subscribe'),
      freq: window.h.events.find((e) => e.type === 'subscribed' && e.channel === 'trade:600519.SH').freq,
    }));
    assert.deepEqual(r.connected, ['sockjs', 'sockjs']);
    assert.equal(r.freq, '1s', 'anonymous (free tier) trades come once a second as arrays, delivered one by one');
    assert.ok(r.recovery.some((e) => e.recovered.includes(TRADE)), JSON.stringify(r.recovery));
    assert.equal(r.check.length, 1);
    assert.deepEqual(r.check[0].gaps, []);
    assert.equal(r.check[0].dups, 0);
    assert.deepEqual(problems, []);
    console.log(`# sockjs: ${r.check[0].count} trades contiguous across reconnect()`);
  } finally {
    await context.close();
  }
});

test('under Node with a real WebSocket: the same module connects, reconnects and resumes', async () => {
  const helper = path.join(E2E, 'tests', 'helpers', 'node-client.mjs');
  const flags = typeof WebSocket === 'undefined' ? ['--experimental-websocket', '--no-warnings'] : [];
  const out = await new Promise((resolve, reject) => {
    execFile(process.execPath, [...flags, helper, `ws://127.0.0.1:${server.port}/ws`], { timeout: 30000 },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
  });
  const r = JSON.parse(out.trim().split('\n').pop());
  assert.ok(r.count > r.before && r.before > 0, JSON.stringify(r));
  assert.equal(r.gaps, 0, JSON.stringify(r));
  assert.equal(r.dups, 0, JSON.stringify(r));
  assert.equal(r.epochs.length, 1);
  assert.ok(r.recoveries.some((x) => x.recovered.includes(TRADE)), JSON.stringify(r.recoveries));
  assert.equal(r.samplePriceType, 'string');
  assert.match(r.samplePrice, /^\d+\.\d{2}$/);
  console.log(`# node: ${r.count} trades ${r.first}..${r.last} contiguous, ${r.recovered} replayed`);
});

test('server killed with -9 and restarted on the same port: the client comes back by itself and reports the new epoch', async () => {
  const { context, page } = await openHarness({ transport: 'auto', tier: 'pro' });
  try {
    await until(page, () => window.h.trades.length >= 200 && window.h.quotes.length >= 5);
    const epoch1 = await page.evaluate(() => window.h.trades[window.h.trades.length - 1].epoch);
    const killedAt = Date.now();
    await server.kill9();
    const t = await page.evaluate(() => ({ trades: window.h.trades.length, quotes: window.h.quotes.length }));
    await until(page, () => window.h.count('disconnected') >= 1, null, 10000);
    server.start();
    await server.ready();
    const readyAt = Date.now();
    await until(page, () => window.h.count('connected') >= 2, null, 45000);
    const connectedAt = Date.now();
    await until(page, (k) => window.h.trades.length >= k.trades + 200 && window.h.quotes.length >= k.quotes + 5, t);
    const r = await page.evaluate((e1) => {
      const h = window.h;
      const connected = h.events.filter((e) => e.type === 'connected');
      return {
        check: h.check(),
        resets: h.events.filter((e) => e.type === 'reset').map((e) => ({ channel: e.channel, reason: e.reason, epoch: e.epoch, previousEpoch: e.previousEpoch })),
        attempts: h.events.filter((e) => e.type === 'disconnected').map((e) => [e.code, e.reconnectInMs]),
        terminated: h.count('terminated'),
        recovery: h.events.filter((e) => e.type === 'recovery' && e.t >= connected[1].t),
        quoteEpochs: [...new Set(h.quotes.map((q) => q.epoch))],
        quotesNew: h.quotes.filter((q) => q.epoch !== e1).length,
        transports: connected.map((e) => e.transport),
        connectionIds: connected.map((e) => e.connectionId),
      };
    }, epoch1);
    assert.equal(r.terminated, 0, 'not given up');
    assert.equal(r.check.length, 2, `two epochs of trades: ${JSON.stringify(r.check)}`);
    const [old, fresh] = r.check;
    assert.equal(old.epoch, epoch1);
    assert.notEqual(fresh.epoch, epoch1, 'the restarted process has a new epoch');
    for (const e of r.check) {
      assert.deepEqual(e.gaps, [], `no gap within epoch ${e.epoch}`);
      assert.equal(e.dups, 0, `no duplicate within epoch ${e.epoch}`);
    }
    for (const ch of [TRADE, QUOTE]) {
      assert.ok(r.resets.some((x) => x.channel === ch && x.reason === 'NEW_EPOCH' && x.previousEpoch === epoch1 && x.epoch === fresh.epoch),
        `${ch}: NEW_EPOCH reported: ${JSON.stringify(r.resets)}`);
    }
    const rec = r.recovery.find((e) => e.since && e.since[TRADE]);
    assert.equal(rec?.since[TRADE].epoch, epoch1, `it resubscribed with since in the old epoch: ${JSON.stringify(r.recovery)}`);
    assert.ok(rec.notRecovered.includes(TRADE), 'and was told that history is gone');
    assert.deepEqual(r.quoteEpochs, [epoch1, fresh.epoch], 'quotes resume in the new epoch');
    assert.ok(r.quotesNew >= 5);
    assert.notEqual(r.connectionIds[0], r.connectionIds[1]);
    console.log(`# restart: killed at +0, restarted and ready at +${readyAt - killedAt} ms, client reconnected at `
      + `+${connectedAt - killedAt} ms (${connectedAt - readyAt} ms after ready) over ${r.transports[1]}; `
      + `failed attempts ${JSON.stringify(r.attempts)}; epoch ${old.epoch}: trades ${old.first}..${old.last} (${old.count}), `
      + `epoch ${fresh.epoch}: ${fresh.first}..${fresh.last} (${fresh.count}), both contiguous`);
  } finally {
    await context.close();
  }
});

'use strict';
// Benchmark peer: Node `ws` with a broadcast loop. Same protocol subset, payload and pacing as the other peers
// (bench/peers/README.md): welcome; subscribe {channels} -> result {subscribed, rejected}; quote envelopes with
// ch, seq, ts and data.time. No auth, conflation, flow control, recovery or snapshot.
const fs = require('fs');
const { WebSocketServer } = require('ws');

const USAGE = `usage: node server.js [options]
  --port N          WebSocket port, path /ws (8080)
  --listings FILE   Tushare stock_basic CSV (common/src/main/resources/listings/a-shares.csv)
  --updates N       quote updates per second over the whole universe (2000)
  --skew X          Zipf exponent of activity across symbols, 0 = uniform (0)
  --seed N          generator seed (42)
  --tick-ms N       generator tick (10)`;

function parseArgs(argv) {
  const o = { port: 8080, listings: 'common/src/main/resources/listings/a-shares.csv', updates: 2000, skew: 0,
    seed: 42, tickMs: 10 };
  const names = { '--port': 'port', '--listings': 'listings', '--updates': 'updates', '--skew': 'skew',
    '--seed': 'seed', '--tick-ms': 'tickMs' };
  for (let i = 0; i < argv.length; i++) {
    const key = names[argv[i]];
    if (!key || i + 1 >= argv.length) {
      console.error((argv[i] === '--help' || argv[i] === '-h' ? '' : `error: bad option ${argv[i]}\n`) + USAGE);
      process.exit(2);
    }
    const v = argv[++i];
    o[key] = key === 'listings' ? v : Number(v);
  }
  if (!(o.updates >= 0 && o.skew >= 0 && o.tickMs >= 1)) {
    console.error('error: updates and skew must be >= 0, tick-ms >= 1\n' + USAGE);
    process.exit(2);
  }
  return o;
}

// ---- universe: the same CSV and limit rules as the Java peers (market-java ListingFile) ----

function limitPct(board, name) {
  if (board.includes('北交所')) return 30;
  if (board.includes('创业板') || board.includes('科创板')) return 20;
  return name.startsWith('ST') || name.startsWith('*ST') ? 5 : 10;
}

function javaHash(s) {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

function readListings(file) {
  const lines = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = lines[0].split(',');
  const col = (n) => {
    const i = header.indexOf(n);
    if (i < 0) throw new Error(`${file}: no column ${n}`);
    return i;
  };
  const code = col('ts_code'), name = col('name'), market = col('market'), pre = header.indexOf('pre_close');
  const out = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const f = line.split(',');
    const symbol = f[code].trim().toUpperCase();
    const n = f[name].trim();
    let preClose = pre >= 0 && f[pre] && f[pre].trim() ? Math.round(Number(f[pre]) * 100)
      : 500 + Number(((BigInt(javaHash(symbol)) * 2654435761n) % 10000n + 10000n) % 10000n);
    preClose = Math.max(100, preClose);
    const pct = limitPct(f[market].trim(), n);
    out.push({ symbol, name: n, preClose, limitUp: Math.round(preClose * (100 + pct) / 100),
      limitDown: Math.round(preClose * (100 - pct) / 100) });
  }
  if (!out.length) throw new Error(`${file} has no listings`);
  return out;
}

// ---- seeded generator (sfc32), uniform and Gaussian draws ----

function rng(seed) {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed >>> 0;
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b | 0) + d | 0;
    d = d + 1 | 0;
    a = b ^ (b >>> 9);
    b = c + (c << 3) | 0;
    c = (c << 21 | c >>> 11);
    c = c + t | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  let spare = null;
  return {
    double: next,
    int: (n) => Math.floor(next() * n),
    gaussian: () => {
      if (spare !== null) { const s = spare; spare = null; return s; }
      let u, v, s;
      do { u = next() * 2 - 1; v = next() * 2 - 1; s = u * u + v * v; } while (s >= 1 || s === 0);
      const m = Math.sqrt(-2 * Math.log(s) / s);
      spare = v * m;
      return u * m;
    },
  };
}

// ---- the market: Zipf activity, random walk, book, JSON in Quotecast's field order ----

function zipf(size, skew, r) {
  const order = Array.from({ length: size }, (_, i) => i);
  for (let i = size - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const rank = new Array(size);
  order.forEach((sym, k) => { rank[sym] = k + 1; });
  const cum = new Float64Array(size);
  let sum = 0;
  for (let i = 0; i < size; i++) { sum += skew === 0 ? 1 : Math.pow(rank[i], -skew); cum[i] = sum; }
  return () => {
    const u = r.double() * sum;
    let lo = 0, hi = size - 1;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (cum[mid] < u) lo = mid + 1; else hi = mid; }
    return lo;
  };
}

function cents(v) {
  const neg = v < 0;
  if (neg) v = -v;
  const frac = v % 100;
  return (neg ? '-' : '') + Math.floor(v / 100) + '.' + (frac < 10 ? '0' : '') + frac;
}

const SIGMA = 0.0002;

function newQuote(l) {
  return { l, last: l.preClose, open: -1, high: l.preClose, low: l.preClose, volume: 0, amount: 0, bids: [], asks: [] };
}

function step(q, r) {
  const l = q.l;
  if (r.int(4) !== 0) {
    const sigma = Math.max(1, Math.round(q.last * SIGMA));
    const half = Math.max(1, l.limitUp - l.preClose);
    const move = r.gaussian() * sigma - 0.3 * sigma * (q.last - l.preClose) / half;
    q.last = Math.max(l.limitDown, Math.min(l.limitUp, q.last + Math.round(move)));
    if (q.open < 0) q.open = q.last;
    q.high = Math.max(q.high, q.last);
    q.low = Math.min(q.low, q.last);
    const qty = 100 * (1 + r.int(20));
    q.volume += qty;
    q.amount += qty * q.last;
  }
  const spread = Math.max(1, Math.round(q.last * SIGMA));
  q.bids = [];
  let p = q.last >= l.limitUp ? l.limitUp : q.last - r.int(2);
  while (q.bids.length < 5 && p >= l.limitDown) {
    q.bids.push([p, 100 * (1 + r.int(r.int(8) === 0 ? 500 : 50))]);
    p -= 1 + r.int(spread + 1);
  }
  q.asks = [];
  p = Math.max(q.last + 1, q.bids.length ? q.bids[0][0] + 1 : q.last + 1);
  while (q.asks.length < 5 && p <= l.limitUp) {
    q.asks.push([p, 100 * (1 + r.int(r.int(8) === 0 ? 500 : 50))]);
    p += 1 + r.int(spread + 1);
  }
}

function levels(ls) {
  return ls.map(([p, s]) => '[' + cents(p) + ',' + s + ']').join(',');
}

function quoteJson(q, time) {
  const l = q.l;
  const change = q.last - l.preClose;
  return '{"symbol":"' + l.symbol + '","name":"' + l.name + '","last":' + cents(q.last)
    + ',"open":' + cents(q.open < 0 ? l.preClose : q.open) + ',"high":' + cents(q.high) + ',"low":' + cents(q.low)
    + ',"preClose":' + cents(l.preClose) + ',"change":' + cents(change)
    + ',"changePct":' + cents(Math.round(change * 10000 / l.preClose)) + ',"volume":' + q.volume
    + ',"amount":' + cents(q.amount) + ',"bids":[' + levels(q.bids) + '],"asks":[' + levels(q.asks)
    + '],"limitUp":' + cents(l.limitUp) + ',"limitDown":' + cents(l.limitDown)
    + ',"phase":"continuous","time":' + time + '}';
}

// ---- server ----

const o = parseArgs(process.argv.slice(2));
const listings = readListings(o.listings);
const r = rng(o.seed);
const pick = zipf(listings.length, o.skew, r);
const quotes = listings.map(newQuote);
quotes.forEach((q) => step(q, r));
const channels = listings.map((l) => 'quote:' + l.symbol);
const channelIndex = new Map(channels.map((c, i) => [c, i]));
const seq = new Float64Array(listings.length);
const subscribers = listings.map(() => new Set());
const SEND = { binary: false, compress: false };
let connections = 0;

const envelope = (type, id, data) => JSON.stringify(id === undefined
  ? { type, ts: Date.now(), data } : { type, ts: Date.now(), id, data });

function canonical(ch) {
  const colon = ch.indexOf(':');
  return colon < 0 ? ch : ch.slice(0, colon).toLowerCase() + ch.slice(colon).toUpperCase();
}

function onRequest(ws, subs, text) {
  let req;
  try {
    req = JSON.parse(text);
    if (req === null || typeof req !== 'object' || Array.isArray(req)) throw new Error('not an object');
  } catch (e) {
    ws.send(envelope('error', null, { code: 'BAD_REQUEST', message: 'not a JSON object' }));
    return;
  }
  const id = req.id === undefined ? null : req.id;
  const args = req.args && typeof req.args === 'object' ? req.args : {};
  if (req.op === 'subscribe') {
    if (!Array.isArray(args.channels)) {
      ws.send(envelope('error', id, { code: 'BAD_REQUEST', message: 'args.channels is required' }));
      return;
    }
    const subscribed = [], rejected = [];
    for (const c of args.channels) {
      const ch = canonical(String(c));
      const i = channelIndex.get(ch);
      if (i === undefined) {
        rejected.push({ ch: String(c), code: ch.startsWith('quote:') ? 'INVALID_SYMBOL' : 'INVALID_CHANNEL',
          message: 'this peer serves quote:<symbol> of its listings only' });
        continue;
      }
      subs.add(i);
      subscribers[i].add(ws);
      subscribed.push({ ch, freq: 'realtime' });
    }
    ws.send(envelope('result', id, { subscribed, rejected }));
  } else if (req.op === 'unsubscribe') {
    const list = args.all === true ? [...subs].map((i) => channels[i])
      : Array.isArray(args.channels) ? args.channels.map((c) => canonical(String(c))) : null;
    if (!list) {
      ws.send(envelope('error', id, { code: 'BAD_REQUEST', message: 'args.channels or args.all is required' }));
      return;
    }
    const done = [];
    for (const ch of list) {
      const i = channelIndex.get(ch);
      if (i !== undefined && subs.delete(i)) { subscribers[i].delete(ws); done.push(ch); }
    }
    ws.send(envelope('result', id, { unsubscribed: done }));
  } else if (req.op === 'ping') {
    ws.send(envelope('result', id, { serverTime: Date.now() }));
  } else {
    ws.send(envelope('error', id, { code: 'UNKNOWN_OP', message: 'supported here: subscribe, unsubscribe, ping' }));
  }
}

const wss = new WebSocketServer({ port: o.port, path: '/ws', perMessageDeflate: false, clientTracking: false });
wss.on('connection', (ws) => {
  const subs = new Set();
  ws.on('message', (data, isBinary) => onRequest(ws, subs, isBinary ? '' : data.toString()));
  ws.on('close', () => { for (const i of subs) subscribers[i].delete(ws); });
  ws.on('error', () => {}); // a reset by a departing client is not news
  ws.send(envelope('welcome', undefined, { connectionId: 'c-' + (++connections), node: 'peer-node-ws', protocol: 1,
    freqs: ['realtime'], sources: [{ source: 'simulator', state: 'up' }] }));
});
wss.on('listening', () => console.log(`peer node-ws: ws://0.0.0.0:${o.port}/ws, ${listings.length} symbols, `
  + `${o.updates} updates/s, skew ${o.skew}, tick ${o.tickMs} ms (node ${process.version}, ws ${require('ws/package.json').version})`));

// Paced on elapsed time, not on the tick count: setInterval does not catch up after a late tick (the JVM servers'
// fixed-rate timers do), and counting ticks made ~9% fewer updates than asked on a busy 2-core machine. A stall of
// more than a second is not made up, so a frozen process does not come back with a burst.
let carry = 0;
let last = Date.now();
setInterval(() => {
  const now = Date.now();
  carry += o.updates * Math.min(1000, Math.max(0, now - last)) / 1000;
  last = now;
  const n = Math.floor(carry);
  carry -= n;
  for (let u = 0; u < n; u++) {
    const i = pick();
    step(quotes[i], r);
    const s = ++seq[i];
    const subs = subscribers[i];
    const json = '{"type":"quote","ts":' + now + ',"ch":"' + channels[i] + '","seq":' + s + ',"data":'
      + quoteJson(quotes[i], now) + '}';
    if (subs.size === 0) continue;
    const buf = Buffer.from(json, 'utf8'); // encoded once, written to every subscriber
    for (const ws of subs) ws.send(buf, SEND);
  }
}, o.tickMs);

const stop = () => { wss.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

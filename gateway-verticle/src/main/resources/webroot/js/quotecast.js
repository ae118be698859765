// Quotecast JavaScript client: one ES module, no dependencies, for browsers and Node >= 20.
//
//   import { QuotecastClient } from '/js/quotecast.js';      // served by every gateway
//   const qc = new QuotecastClient({ tokenSupplier: () => fetchMyToken() });
//   const sub = qc.subscribe('trade:600519.SH', { freq: 'realtime' }, (u) => console.log(u.seq, u.data.price));
//
// It speaks PROTOCOL.md v1 and behaves like the Java SDK (sdk/): discovery through GET /api/v1/endpoints, reconnect
// with full-jitter backoff (0.5 s to 20 s), shutdown/rebalance/overloaded notices, resubscribe with `since`, resume on trade
// seq gaps, so each callback sees every seq of an epoch once and in order; new epochs and data that could not be
// recovered are reported. Prices stay exact decimal strings ("1725.50"): the library never turns them into floats.
// See docs/JS-CLIENT.md.

export const VERSION = '1.0.0';

/** Why a channel's stream did not continue seamlessly (the `reason` of a `reset`). Same names as the Java SDK. */
export const Reset = Object.freeze({
  /** The stream restarted (server restart, failover): seq starts again from the new epoch's snapshot. */
  NEW_EPOCH: 'NEW_EPOCH',
  /** The server no longer held the missed publications: a fresh snapshot follows, what was in between is lost. */
  NOT_RECOVERED: 'NOT_RECOVERED',
  /** A seq jump could not be filled (the resume recovered less than was missing, failed, or too much was parked). */
  GAP: 'GAP',
});

/** Close codes after which reconnecting is pointless (PROTOCOL.md §8): the client stops and emits `terminated`. */
export const NO_RETRY = new Map([
  [4003, 'forbidden'],
  [4100, 'closed by an operator'],
  [4000, 'repeated malformed messages'],
  [1009, 'message too big'],
]);

/** Close codes that need a new token: retried only when a token supplier (a function) can provide one. */
export const AUTH_CLOSE = new Map([
  [1008, 'token invalid or expired'],
  [4001, 'unauthorized: a token is required'],
]);

const DEFAULTS = Object.freeze({
  transport: 'auto',
  client: 'quotecast-js/' + VERSION,
  backoffMinMs: 500,
  backoffMaxMs: 20000,
  stableMs: 10000,
  pingIntervalMs: 15000,
  idleTimeoutMs: 45000,
  staleAfterMs: 0,
  requestTimeoutMs: 15000,
  welcomeTimeoutMs: 10000,
  maxPendingPerChannel: 10000,
  avoidMs: 30000,
  // the server combines what it has for the connection into one frame per period (docs/BANDWIDTH.md); 0 = off
  batch: 25,
  autoConnect: true,
  sockJsSrc: '/webjars/sockjs-client/1.6.1/dist/sockjs.min.js',
});

// SockJS transports used when SockJS is a fallback after WebSocket failed: plain HTTP only (the iframe-based ones
// would load the SockJS client from a CDN).
const HTTP_TRANSPORTS = ['xhr-streaming', 'eventsource', 'xhr-polling'];
const ENDPOINTS_PATH = '/api/v1/endpoints';
const hasDom = typeof document !== 'undefined' && typeof document.createElement === 'function';

// ---- exact decimals ------------------------------------------------------------------------------------------------

// A JSON string literal, or a number with a fraction or an exponent. Scanning left to right, a string is always
// matched from its opening quote, so digits inside strings are never touched.
const STRING_OR_DECIMAL = /"(?:[^"\\]|\\.)*"|-?\d+\.\d+(?:[eE][+-]?\d+)?|-?\d+[eE][+-]?\d+/g;

/**
 * Parses one server message like JSON.parse, except that every number written with a fraction or an exponent
 * (`1725.50`, `-0.25`) is kept as its exact text, a string. Integers (seq, ts, volumes, ids) stay numbers.
 */
export function parseMessage(text) {
  if (text.indexOf('.') < 0 && !/\d[eE]/.test(text)) return JSON.parse(text);
  return JSON.parse(text.replace(STRING_OR_DECIMAL, (m) => (m.charCodeAt(0) === 34 ? m : '"' + m + '"')));
}

/** Decimal fields of each payload type (PROTOCOL.md §3); an integer there (`1720`) becomes "1720.00" too. */
const DECIMAL_FIELDS = {
  quote: ['last', 'open', 'high', 'low', 'preClose', 'change', 'changePct', 'amount', 'limitUp', 'limitDown'],
  trade: ['price', 'amount'],
  kline: ['open', 'high', 'low', 'close', 'amount'],
};

const decimalText = (v) => (typeof v === 'number' && Number.isFinite(v) ? (Number.isInteger(v) ? v + '.00' : String(v)) : v);

/** Makes sure the decimal fields of a payload are strings (in place; returns it). */
export function normalizeDecimals(type, data) {
  const fields = DECIMAL_FIELDS[type];
  if (!fields || !data || typeof data !== 'object') return data;
  for (const f of fields) if (typeof data[f] === 'number') data[f] = decimalText(data[f]);
  if (type === 'quote') {
    for (const side of [data.bids, data.asks]) {
      if (!Array.isArray(side)) continue;
      for (const level of side) if (Array.isArray(level) && typeof level[0] === 'number') level[0] = decimalText(level[0]);
    }
  }
  return data;
}

// ---- small pure helpers --------------------------------------------------------------------------------------------

/** `Trade:600519.sh` -> `trade:600519.SH` (the server answers in canonical form, PROTOCOL.md §3). */
export function canonicalChannel(channel) {
  const s = String(channel).trim();
  const last = s.lastIndexOf(':');
  return last < 0 ? s.toLowerCase() : s.slice(0, last).toLowerCase() + s.slice(last).toUpperCase();
}

/** Whether a channel carries events (every message matters: `trade`) rather than state (`quote`, `kline`). */
export function isEventChannel(channel) {
  return String(channel).startsWith('trade:');
}

/** `kline:1m:600519.SH` -> `{type: 'kline', interval: '1m', symbol: '600519.SH'}`. */
export function parseChannel(channel) {
  const parts = String(channel).split(':');
  return { type: parts[0], symbol: parts[parts.length - 1], interval: parts.length > 2 ? parts[1] : undefined };
}

/** `http://h:8080/` -> `ws://h:8080/ws`; `https` -> `wss`. */
export function wsUrlFrom(httpBase) {
  const u = new URL(httpBase);
  const scheme = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${u.host}/ws`;
}

/** `ws://h:8080/ws?x` -> `http://h:8080` (the gateway's HTTP origin: SockJS, REST, the SockJS client script). */
export function httpBaseFrom(url) {
  const u = new URL(url);
  const scheme = u.protocol === 'wss:' || u.protocol === 'https:' ? 'https:' : 'http:';
  return `${scheme}//${u.host}`;
}

function withQuery(url, params) {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) if (v != null && v !== '') u.searchParams.set(k, v);
  return u.toString();
}

/**
 * Picks a WebSocket URL from a `GET /api/v1/endpoints` answer (least loaded first): the first `ready` endpoint not in
 * `avoid`, else the answering node (`self`), else the first ready one. Null when there is nothing.
 */
export function pickEndpoint(body, avoid = new Set()) {
  const ready = (body && Array.isArray(body.endpoints) ? body.endpoints : [])
    .filter((e) => e && typeof e.url === 'string' && (e.state ?? 'ready') === 'ready');
  const fresh = ready.find((e) => !avoid.has(e.url));
  return fresh?.url ?? body?.self ?? ready[0]?.url ?? null;
}

/**
 * Exponential backoff with full jitter (PROTOCOL.md §8), like the Java SDK's: attempt n waits a uniformly random
 * time in [0, min(max, min * 2^n)], so a fleet's clients do not all come back at the same instant.
 */
export class Backoff {
  constructor(minMs = DEFAULTS.backoffMinMs, maxMs = DEFAULTS.backoffMaxMs, random = Math.random) {
    if (!(minMs > 0) || !(maxMs >= minMs)) throw new RangeError(`need 0 < min <= max, got ${minMs}, ${maxMs}`);
    this.minMs = minMs;
    this.maxMs = maxMs;
    this.random = random;
    this.attempt = 0;
  }

  /** The upper bound of attempt n's delay. */
  ceilingMs(n) {
    return n >= 20 ? this.maxMs : Math.min(this.maxMs, this.minMs * 2 ** n);
  }

  /** The delay before the next attempt; each call moves one attempt further. */
  next() {
    const ceiling = this.ceilingMs(this.attempt);
    this.attempt++;
    return Math.floor(this.random() * (ceiling + 1));
  }

  reset() {
    this.attempt = 0;
  }
}

/**
 * One channel's ordering (a port of the Java SDK's Sequencer): turns live, replayed, snapshot and duplicate messages
 * into the updates a callback sees — each seq of an epoch at most once and in order.
 *
 * Event channels (`trade`) must not lose anything: a seq jump parks later messages and asks for a `resume`; they are
 * delivered once the missing ones were replayed, or after the server said it cannot (`notRecovered`). State channels
 * (`quote`, `kline`) may legitimately jump (the server conflates them), so a jump there is delivered as is.
 *
 * The sink has `deliver(update)` and `reset(reason, info)`.
 */
export class Sequencer {
  constructor(events, maxPending = DEFAULTS.maxPendingPerChannel) {
    this.events = !!events;
    this.maxPending = maxPending;
    this.pending = new Map(); // seq -> update, parked behind a gap
    this.epoch = null;
    this.lastSeq = 0;
    this.started = false;
    this.resuming = false;
    this.skipGap = false; // the server said the missing ones are gone: accept the next jump without another reset
  }

  /**
   * Offers one update (its `epoch` set only when the message said so in `meta`). Returns true when the caller must
   * send `resume` with {@link since} now (the first message after a gap).
   */
  offer(u, sink) {
    if (u.epoch != null && u.epoch !== this.epoch) {
      const previousEpoch = this.epoch;
      this.restart(u.epoch, u.seq - 1);
      if (previousEpoch != null) sink.reset(Reset.NEW_EPOCH, { epoch: u.epoch, previousEpoch });
    } else if (!this.started) {
      this.started = true;
      this.lastSeq = u.seq - 1;
    }
    if (u.seq <= this.lastSeq) return false; // a duplicate: delivered before
    if (u.seq === this.lastSeq + 1 || !this.events || this.skipGap) {
      this.skipGap = false;
      this.emit(u, sink);
      this.drain(sink);
      return false;
    }
    this.pending.set(u.seq, u);
    if (this.pending.size > this.maxPending) {
      // the gap is not being filled and memory must stay bounded: give the missing ones up, visibly
      sink.reset(Reset.GAP, { epoch: this.epoch, from: this.lastSeq + 1 });
      this.jump(sink);
      return false;
    }
    if (!this.resuming) {
      this.resuming = true;
      return true;
    }
    return false;
  }

  /**
   * A subscribe reply said the channel is at `seq` in `epoch`. A channel seen for the first time starts there (its
   * snapshot, if any, has that seq); a different epoch than ours means the stream restarted while we were away.
   * Returns true when that was a new epoch (reported through the sink).
   */
  subscribed(epoch, seq, sink) {
    if (!epoch || epoch === this.epoch) return false;
    const previousEpoch = this.epoch;
    this.restart(epoch, seq > 0 ? seq - 1 : 0);
    if (previousEpoch == null) return false;
    sink.reset(Reset.NEW_EPOCH, { epoch, previousEpoch });
    return true;
  }

  /** The server replayed what it had (`recovered`); a gap still open now cannot be filled. */
  recovered(sink) {
    this.resuming = false;
    this.purge();
    if (this.pending.size) {
      sink.reset(Reset.GAP, { epoch: this.epoch, from: this.lastSeq + 1 });
      this.jump(sink);
    }
  }

  /** The server cannot replay (`notRecovered`): its fresh snapshot (or the parked messages) continue the stream. */
  notRecovered(sink) {
    this.resuming = false;
    sink.reset(Reset.NOT_RECOVERED, { epoch: this.epoch, from: this.lastSeq + 1 });
    this.purge();
    if (this.pending.size) this.jump(sink);
    else this.skipGap = true;
  }

  /** A resume failed (not for a lost connection): deliver what is parked, reporting the gap. */
  giveUp(sink) {
    this.resuming = false;
    this.purge();
    if (this.pending.size) {
      sink.reset(Reset.GAP, { epoch: this.epoch, from: this.lastSeq + 1 });
      this.jump(sink);
    }
  }

  /** The connection is gone; the resubscription's `since` asks for the rest. */
  connectionLost() {
    this.resuming = false;
  }

  /** `{seq, epoch}` of the last delivered message, or null before the first one (then a snapshot is wanted). */
  since() {
    return this.started && this.epoch != null ? { seq: this.lastSeq, epoch: this.epoch } : null;
  }

  restart(epoch, lastSeq) {
    this.epoch = epoch;
    this.pending.clear();
    this.resuming = false;
    this.skipGap = false;
    this.started = true;
    this.lastSeq = lastSeq;
  }

  emit(u, sink) {
    this.lastSeq = u.seq;
    u.epoch = this.epoch;
    sink.deliver(u);
  }

  drain(sink) {
    if (!this.pending.size) return;
    for (let u = this.pending.get(this.lastSeq + 1); u; u = this.pending.get(this.lastSeq + 1)) {
      this.pending.delete(u.seq);
      this.emit(u, sink);
    }
    this.purge();
  }

  purge() {
    for (const seq of this.pending.keys()) if (seq <= this.lastSeq) this.pending.delete(seq);
  }

  jump(sink) {
    const seqs = [...this.pending.keys()].sort((a, b) => a - b);
    const parked = this.pending;
    this.pending = new Map();
    for (const seq of seqs) if (seq > this.lastSeq) this.emit(parked.get(seq), sink);
  }
}

// ---- SockJS (browsers: loaded on first use from the gateway) --------------------------------------------------------

const sockJsLoads = new Map(); // script URL -> Promise<SockJS>

/** Loads the SockJS client the gateway serves, once per URL, only when it is needed (browsers only). */
export function loadSockJs(src) {
  if (typeof globalThis.SockJS === 'function') return Promise.resolve(globalThis.SockJS);
  if (!hasDom) return Promise.reject(new Error('SockJS is not available here: pass { SockJS } (e.g. the sockjs-client package)'));
  let p = sockJsLoads.get(src);
  if (!p) {
    p = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = src;
      s.async = true;
      s.onload = () => (typeof globalThis.SockJS === 'function' ? resolve(globalThis.SockJS) : reject(new Error('SockJS did not load')));
      s.onerror = () => {
        sockJsLoads.delete(src);
        s.remove();
        reject(new Error('cannot load ' + src));
      };
      document.head.appendChild(s);
    });
    sockJsLoads.set(src, p);
  }
  return p;
}

// ---- the client ----------------------------------------------------------------------------------------------------

class QuotecastEvent extends Event {
  constructor(type, detail) {
    super(type);
    this.detail = detail;
  }
}

function clientError(message, code, data) {
  return Object.assign(new Error(message), { code, data });
}

const CONNECTION_GONE = new Set(['NOT_CONNECTED', 'CLOSED']);

function reportListenerError(e) {
  if (typeof globalThis.reportError === 'function') globalThis.reportError(e);
  else console.error('quotecast: a callback threw', e);
}

/**
 * A Quotecast connection that stays up. Events (also as DOM events with `detail`, through addEventListener):
 * `state`, `connected`, `disconnected`, `terminated`, `subscribed`, `recovery`, `reset`, `rejected`, `stale`,
 * `status`, `notice`, `rtt`, `log`. See docs/JS-CLIENT.md.
 */
export class QuotecastClient extends EventTarget {
  /**
   * @param {object} [options]
   * @param {string} [options.url] a fixed gateway URL, `ws://host:8080/ws` (or `http://host:8080`)
   * @param {string} [options.discovery] base URL for `GET <base>/api/v1/endpoints` on each connect; in a browser
   *   without `url` or `discovery`, the page's own origin
   * @param {string|Function} [options.token] a JWT, or a function like tokenSupplier
   * @param {Function} [options.tokenSupplier] `() => token | Promise<token>`, called before every connect and on
   *   `notice token_expiring` (then sent with the `auth` op)
   * @param {'auto'|'websocket'|'sockjs'} [options.transport] default `auto`: WebSocket, SockJS when it cannot connect
   * @param {string} [options.client] shown in the server's diagnostics
   * @param {number} [options.batch] default 25: the `batch` connect parameter (ms, 0–1000; 0 = every message as soon as
   *   it is ready); a `batch` already in `url` wins
   * @param {Function} [options.WebSocket] a WebSocket implementation (Node 20: the `ws` package, or run with
   *   --experimental-websocket); default globalThis.WebSocket
   * @param {Function} [options.SockJS] a SockJS implementation; in browsers it is loaded from the gateway when needed
   * @param {string[]} [options.sockJsTransports] SockJS transports to allow
   * @param {Function} [options.fetch] a fetch implementation for discovery; default globalThis.fetch
   */
  constructor(options = {}) {
    super();
    const o = { ...DEFAULTS };
    for (const [k, v] of Object.entries(options)) if (v !== undefined) o[k] = v;
    if (o.url && o.discovery) throw new TypeError('set at most one of url and discovery');
    if (!['auto', 'websocket', 'sockjs'].includes(o.transport)) throw new TypeError(`transport: auto, websocket or sockjs, got ${o.transport}`);
    if (!(o.pingIntervalMs > 0) || !(o.idleTimeoutMs > o.pingIntervalMs)) throw new RangeError('need 0 < pingIntervalMs < idleTimeoutMs');
    if (!Number.isInteger(o.batch) || o.batch < 0 || o.batch > 1000) throw new RangeError(`batch: an integer from 0 to 1000 (ms), got ${o.batch}`);
    this.options = o;
    if (o.url) {
      this._fixedUrl = /^https?:/i.test(o.url) ? wsUrlFrom(o.url) : o.url;
    } else {
      const base = o.discovery || (typeof location !== 'undefined' && /^https?:/.test(location.protocol) ? location.origin : null);
      if (!base) throw new TypeError('set url or discovery (outside a browser page there is no default)');
      this._discoveryBase = base.replace(/\/+$/, '');
    }
    this._WebSocket = o.WebSocket || globalThis.WebSocket || null;
    this._fetch = o.fetch || (typeof globalThis.fetch === 'function' ? globalThis.fetch.bind(globalThis) : null);
    this._backoff = new Backoff(o.backoffMinMs, o.backoffMaxMs, o.random || Math.random);
    this._preferred = o.transport === 'sockjs' || !this._WebSocket ? 'sockjs' : 'websocket';
    this._staticToken = typeof o.token === 'string' ? o.token : null;
    this._supplier = typeof o.tokenSupplier === 'function' ? o.tokenSupplier : typeof o.token === 'function' ? o.token : null;

    /** `idle`, `connecting`, `connected`, `reconnecting` or `closed`. */
    this.state = 'idle';
    /** `websocket` or `sockjs` while connected; `transportDetail` names the SockJS sub-transport. */
    this.transport = null;
    this.transportDetail = '';
    /** The current connection's `welcome` data (connectionId, node, limits, ...), or null. */
    this.welcome = null;
    /** The URL of the current (or last) connection. */
    this.url = null;
    /** Round-trip time of the last `ping`, ms. */
    this.rtt = null;

    this._channels = new Map(); // key -> Channel
    this._toSubscribe = new Set(); // Channel
    this._toUnsubscribe = new Set(); // key
    this._flushQueued = false;
    this._pending = new Map(); // request id -> {resolve, reject, timer}
    this._nextId = 1;
    this._sock = null;
    this._sockInfo = null;
    this._attemptToken = null;
    this._closed = false;
    this._timers = {};
    this._avoid = new Map(); // url -> until (ms): endpoints that refused us lately
    this._moveTo = null; // from a notice, or an UNAVAILABLE error: where to connect next
    this._moveAt = null; // from a notice: when
    this._welcomeWaiters = [];
    if (o.autoConnect) queueMicrotask(() => { if (this.state === 'idle') this.connect().catch(() => {}); });
  }

  // ---- public API --------------------------------------------------------------------------------------------------

  /** Adds a listener for a client event; `fn` gets the event's detail. Returns a function that removes it. */
  on(type, fn) {
    const h = (e) => fn(e.detail);
    this.addEventListener(type, h);
    return () => this.removeEventListener(type, h);
  }

  /** Starts (or restarts, after close or a terminating close code) connecting; resolves with the next `welcome`. */
  connect() {
    const p = new Promise((resolve, reject) => this._welcomeWaiters.push({ resolve, reject }));
    if (this.state === 'connected') this._settleWelcome(true, this.welcome);
    else if (this._closed || this.state === 'idle') {
      this._closed = false;
      this._connect();
    }
    return p;
  }

  /** Drops the current connection and connects again now, resubscribing with `since` (nothing is lost). */
  reconnect() {
    if (this._closed || this.state === 'idle') return this.connect();
    const p = new Promise((resolve, reject) => this._welcomeWaiters.push({ resolve, reject }));
    if (this._sock) this._drop(1000, 'reconnect', { immediate: true });
    else this._connect();
    return p;
  }

  /** Stops reconnecting and closes the connection (1000). Subscriptions are kept for a later connect(). */
  close() {
    this._closed = true;
    this._attemptToken = null;
    this._clearTimer('reconnect');
    this._clearTimer('move');
    if (this._sock) this._drop(1000, 'client closed');
    else this._setState('closed', { code: 1000, reason: 'client closed' });
    this._settleWelcome(false, clientError('closed', 'CLOSED'));
    return Promise.resolve();
  }

  /**
   * Subscribes a channel (`quote:600519.SH`, `trade:600519.SH`, `kline:1m:600519.SH`).
   * @param {string} channel
   * @param {object|Function} [options] `{freq, onUpdate, onReset, onStale, onRejected}`, or the update callback
   * @param {Function} [onUpdate] `(update) => ...`
   * @returns {Subscription} with `ready` (resolves with `{channel, freq, seq, epoch}` once the server accepted it,
   *   rejects if it refused it), `unsubscribe()`, `position()`
   */
  subscribe(channel, options, onUpdate) {
    if (typeof options === 'function') {
      onUpdate = options;
      options = {};
    }
    options = options || {};
    const key = canonicalChannel(channel);
    let c = this._channels.get(key);
    const sub = new Subscription(this, key, {
      onUpdate: onUpdate || options.onUpdate,
      onReset: options.onReset,
      onStale: options.onStale,
      onRejected: options.onRejected,
    });
    if (!c) {
      c = new Channel(this, key, options.freq || null);
      this._channels.set(key, c);
      this._toUnsubscribe.delete(key);
      c.subs.add(sub);
      this._toSubscribe.add(c);
      this._queueFlush();
    } else {
      c.subs.add(sub);
      if (c.confirmed) sub._settle(true, c.confirmed);
    }
    return sub;
  }

  /** Sends a request (`list`, `snapshot`, `ack`, `configure`, ...); resolves with the result's data. */
  request(op, args) {
    return new Promise((resolve, reject) => {
      const sock = this._sock;
      if (!sock || !this.welcome) {
        reject(clientError('not connected', 'NOT_CONNECTED'));
        return;
      }
      const id = 'r' + this._nextId++;
      const timer = setTimeout(() => {
        this._pending.delete(id);
        reject(clientError(`${op} timed out`, 'TIMEOUT'));
      }, this.options.requestTimeoutMs);
      this._pending.set(id, { resolve, reject, timer, op });
      try {
        sock.send(JSON.stringify(args === undefined ? { op, id } : { op, id, args }));
      } catch (e) {
        clearTimeout(timer);
        this._pending.delete(id);
        reject(clientError(e.message, 'CLOSED'));
      }
    });
  }

  /** Changes the freq of channels (`update` op: no resubscribe, no gap); all subscribed channels by default. */
  async setFreq(freq, channels) {
    const keys = channels ? channels.map(canonicalChannel) : [...this._channels.keys()];
    for (const k of keys) {
      const c = this._channels.get(k);
      if (c) c.freq = freq;
    }
    const live = keys.filter((k) => this._channels.get(k)?.confirmed);
    if (!live.length || !this.welcome) return { updated: [] };
    const r = await this.request('update', { channels: live, freq });
    for (const u of r.updated || []) {
      const c = this._channels.get(u.ch);
      if (c && c.confirmed) c.confirmed = { ...c.confirmed, freq: u.freq };
    }
    return r;
  }

  /** Uses this token from now on (reconnects too) and, when connected, sends it with the `auth` op. */
  async setToken(token) {
    this._staticToken = token || null;
    return this.welcome && token ? this.request('auth', { token }) : null;
  }

  /** The subscribed channels: `{channel, freq (as the server applied it), seq, epoch, subscribed}`. */
  channels() {
    return [...this._channels.values()].map((c) => ({
      channel: c.key,
      freq: c.confirmed?.freq ?? c.freq,
      subscribed: !!c.confirmed,
      ...(c.seq.since() || { seq: null, epoch: null }),
    }));
  }

  /** The last delivered `{seq, epoch}` of a channel (what a resubscription sends as `since`), or null. */
  position(channel) {
    const c = this._channels.get(canonicalChannel(channel));
    return c ? c.seq.since() : null;
  }

  // ---- connecting --------------------------------------------------------------------------------------------------

  _setState(state, detail = {}) {
    const previous = this.state;
    this.state = state;
    this._emit('state', { state, previous, ...detail });
  }

  _emit(type, detail) {
    this.dispatchEvent(new QuotecastEvent(type, detail));
  }

  _log(level, text) {
    this._emit('log', { level, text });
  }

  _settleWelcome(ok, value) {
    const waiters = this._welcomeWaiters;
    this._welcomeWaiters = [];
    for (const w of waiters) (ok ? w.resolve : w.reject)(value);
  }

  _clearTimer(name) {
    const t = this._timers[name];
    if (t != null) {
      clearTimeout(t);
      clearInterval(t);
      this._timers[name] = null;
    }
  }

  _sockJsAvailable() {
    return !!(this.options.SockJS || typeof globalThis.SockJS === 'function' || hasDom);
  }

  async _connect() {
    this._clearTimer('reconnect');
    if (this._closed || this._sock) return;
    const att = {};
    this._attemptToken = att;
    const stale = () => att !== this._attemptToken || this._closed;
    const mode = this.options.transport;
    const kind = mode === 'auto' ? (this._preferred === 'sockjs' && this._sockJsAvailable() ? 'sockjs' : 'websocket') : mode;
    this._setState('connecting', { transport: kind, attempt: this._backoff.attempt });
    let url = null;
    let fromList = false;
    let sock;
    try {
      if (this._moveTo) {
        url = this._moveTo;
        fromList = true;
        this._moveTo = null;
      } else {
        ({ url, fromList } = await this._resolveUrl());
        if (stale()) return;
      }
      const token = await this._token();
      if (stale()) return;
      const params = { client: this.options.client, token };
      if (this.options.batch > 0 && !new URL(url).searchParams.has('batch')) params.batch = this.options.batch;
      if (kind === 'sockjs') {
        const src = this.options.sockJsSrc;
        const SockJS = this.options.SockJS || await loadSockJs(/^https?:/i.test(src) ? src : httpBaseFrom(url) + src);
        if (stale()) return;
        const transports = this.options.sockJsTransports || (mode === 'auto' ? HTTP_TRANSPORTS : null);
        sock = new SockJS(withQuery(httpBaseFrom(url) + '/sockjs', params), null, transports ? { transports } : {});
      } else {
        if (!this._WebSocket) {
          throw new Error('no WebSocket implementation: pass { WebSocket } (Node 20: the ws package, or run node with --experimental-websocket)');
        }
        sock = new this._WebSocket(withQuery(url, params));
      }
    } catch (e) {
      if (stale()) return;
      this._log('warn', `connect failed: ${e.message}`);
      this._disconnected({ kind, url, fromList, opened: false, welcomed: false, code: null, reason: e.message });
      return;
    }
    const info = { kind, url, fromList, opened: false, welcomed: false, closingCode: null, closingReason: null };
    this._sock = sock;
    this._sockInfo = info;
    this.url = url;
    sock.onopen = () => {
      if (sock !== this._sock) return;
      info.opened = true;
      this.transport = kind;
      this.transportDetail = kind === 'sockjs' ? sock.transport || '' : '';
      this._lastReceivedAt = Date.now();
      this._clearTimer('welcome');
      this._timers.welcome = setTimeout(() => {
        this._log('warn', `no welcome within ${this.options.welcomeTimeoutMs} ms; reconnecting`);
        this._drop(4009, 'no welcome');
      }, this.options.welcomeTimeoutMs);
    };
    sock.onmessage = (ev) => {
      if (sock !== this._sock) return;
      this._lastReceivedAt = Date.now();
      let msg;
      try {
        msg = parseMessage(typeof ev.data === 'string' ? ev.data : String(ev.data));
      } catch {
        this._log('warn', 'unparseable message ignored');
        return;
      }
      this._dispatch(msg);
    };
    sock.onerror = () => { /* the close event follows */ };
    sock.onclose = (ev) => {
      if (sock !== this._sock) return;
      this._detach();
      // SockJS closes every session with its own 3000 "Go away!": the server's code came in a `closing` notice first
      const code = info.closingCode ?? ev?.code ?? null;
      const reason = info.closingReason ?? ev?.reason ?? '';
      this._disconnected({ ...info, code, reason });
    };
  }

  async _resolveUrl() {
    if (this._fixedUrl) return { url: this._fixedUrl, fromList: false };
    const base = this._discoveryBase;
    const own = wsUrlFrom(base);
    if (!this._fetch) return { url: own, fromList: false };
    let body;
    try {
      const r = await this._fetch(base + ENDPOINTS_PATH, hasDom ? { cache: 'no-store' } : {});
      if (!r.ok) throw new Error('HTTP ' + r.status);
      body = await r.json();
    } catch (e) {
      // an older server, or the node is down: try the node itself (a refused connect backs off as usual)
      this._log('info', `discovery ${base}${ENDPOINTS_PATH}: ${e.message}`);
      return { url: own, fromList: false };
    }
    const now = Date.now();
    for (const [u, until] of this._avoid) if (until <= now) this._avoid.delete(u);
    const picked = pickEndpoint(body, new Set(this._avoid.keys()));
    // the node we asked is reached best the way we reached it (same host name: the page's origin check agrees)
    if (!picked || picked === body.self) return { url: own, fromList: false };
    return { url: picked, fromList: true };
  }

  async _token() {
    if (this._supplier) {
      const t = await this._supplier();
      return t || null;
    }
    return this._staticToken;
  }

  /** Forgets the current socket (its later events are ignored) and everything tied to it. */
  _detach() {
    const info = this._sockInfo;
    this._sock = null;
    this._sockInfo = null;
    this.welcome = null;
    this.transport = null;
    this.transportDetail = '';
    this._clearTimer('welcome');
    this._clearTimer('tick');
    this._clearTimer('move');
    for (const [id, p] of this._pending) {
      clearTimeout(p.timer);
      this._pending.delete(id);
      p.reject(clientError('connection closed', 'CLOSED'));
    }
    for (const c of this._channels.values()) c.seq.connectionLost();
    return info;
  }

  /** Drops the connection the client itself gave up on (idle, moving, reconnect): no waiting for the handshake. */
  _drop(code, reason, extra = {}) {
    const s = this._sock;
    if (!s) return;
    const info = this._detach();
    try {
      s.close(code, reason);
    } catch {
      try { s.close(); } catch { /* already closed */ }
    }
    this._disconnected({ ...info, code, reason, local: true, ...extra });
  }

  _disconnected({ kind, url, fromList, opened, welcomed, connectedAt, code, reason, local, immediate }) {
    const now = Date.now();
    if (this._closed) {
      this._emit('disconnected', { code, reason, opened, reconnectInMs: null });
      this._setState('closed', { code, reason });
      return;
    }
    const terminal = !local && code != null && (NO_RETRY.has(code) || (AUTH_CLOSE.has(code) && !this._supplier));
    if (terminal) {
      this._closed = true;
      const why = reason || NO_RETRY.get(code) || AUTH_CLOSE.get(code);
      this._emit('disconnected', { code, reason: why, opened, reconnectInMs: null });
      this._emit('terminated', { code, reason: why });
      this._setState('closed', { code, reason: why, final: true });
      this._settleWelcome(false, clientError(`closed by the server: ${code} ${why}`, 'TERMINATED', { code, reason: why }));
      return;
    }
    if (!opened && url && !local) {
      if (fromList) this._avoid.set(url, now + this.options.avoidMs); // a refused (503, down) endpoint is skipped a while
      if (this.options.transport === 'auto') {
        if (kind === 'sockjs') this._preferred = 'websocket';
        else if (this._sockJsAvailable() && this._fetch) this._probeForSockJs(url);
      }
    }
    // a connection that stayed up a while starts the next outage from the smallest window; one that dies right after
    // its welcome keeps growing the delay instead of looping
    if (welcomed && now - connectedAt >= this.options.stableMs) this._backoff.reset();
    let delay;
    if (immediate) {
      delay = 0;
    } else if (this._moveAt != null) {
      // a notice said when: no backoff, the server already spread its clients over time
      delay = Math.max(0, this._moveAt - now);
      this._moveAt = null;
    } else {
      delay = this._backoff.next();
    }
    this._emit('disconnected', { code, reason, opened, reconnectInMs: delay });
    this._setState('reconnecting', { code, reason, delay, at: now + delay });
    this._timers.reconnect = setTimeout(() => this._connect(), Math.max(1, delay));
  }

  /** WebSocket did not open: if the server answers plain HTTP, something in between blocks WebSocket -> SockJS. */
  _probeForSockJs(url) {
    this._fetch(`${httpBaseFrom(url)}/sockjs/info?t=${Date.now()}`, hasDom ? { cache: 'no-store' } : {})
      .then((r) => {
        if (r.ok && !this._closed && this.options.transport === 'auto') {
          this._preferred = 'sockjs';
          this._log('info', 'WebSocket did not connect but HTTP does: trying SockJS next');
        }
      }, () => { /* the server is down: keep WebSocket */ });
  }

  // ---- heartbeat and staleness -------------------------------------------------------------------------------------

  _pingEveryMs() {
    const serverIdle = this.welcome?.idleTimeoutMs;
    return Math.max(1000, Math.min(this.options.pingIntervalMs, serverIdle > 0 ? serverIdle / 3 : Infinity));
  }

  _startTicking() {
    let tick = Math.min(this._pingEveryMs(), this.options.idleTimeoutMs / 3);
    if (this.options.staleAfterMs > 0) tick = Math.min(tick, this.options.staleAfterMs / 2);
    this._clearTimer('tick');
    this._timers.tick = setInterval(() => this._tick(), Math.max(100, Math.min(tick, 1000)));
  }

  _tick() {
    const now = Date.now();
    if (now - this._lastReceivedAt > this.options.idleTimeoutMs) {
      // a half-open TCP connection can look "up" for minutes; silence is the only signal
      this._log('warn', `no message for ${now - this._lastReceivedAt} ms; reconnecting`);
      this._drop(4009, `no message for ${now - this._lastReceivedAt} ms`);
      return;
    }
    if (!this.welcome) return;
    if (now - this._lastPingAt >= this._pingEveryMs()) this._ping();
    const staleMs = this.options.staleAfterMs;
    if (staleMs > 0) {
      for (const c of this._channels.values()) {
        const silent = now - c.lastDataAt;
        if (c.confirmed && !c.staleNotified && silent >= staleMs) {
          c.staleNotified = true;
          c.stale(silent);
        }
      }
    }
  }

  _ping() {
    this._lastPingAt = Date.now();
    const t0 = typeof performance !== 'undefined' ? performance.now() : Date.now();
    this.request('ping').then((r) => {
      this.rtt = Math.round((typeof performance !== 'undefined' ? performance.now() : Date.now()) - t0);
      this._emit('rtt', { rtt: this.rtt, serverTime: r.serverTime });
    }, (e) => {
      if (!CONNECTION_GONE.has(e.code)) this._log('warn', 'ping: ' + e.message);
    });
  }

  // ---- messages ----------------------------------------------------------------------------------------------------

  _dispatch(msg) {
    if (!msg || typeof msg !== 'object') return;
    switch (msg.type) {
      case 'batch':
        if (Array.isArray(msg.data)) for (const m of msg.data) this._dispatch(m);
        return;
      case 'welcome':
        this._onWelcome(msg.data || {});
        return;
      case 'result':
      case 'error': {
        const p = msg.id != null ? this._pending.get(msg.id) : null;
        if (p) {
          this._pending.delete(msg.id);
          clearTimeout(p.timer);
          if (msg.type === 'result') p.resolve(msg.data || {});
          else p.reject(clientError(msg.data?.message || msg.data?.code || 'error', msg.data?.code || 'ERROR', msg.data || {}));
        } else if (msg.type === 'error') {
          const d = msg.data || {};
          // refused after the handshake (node full): the error names where to go instead (PROTOCOL.md §8, 1013)
          if (d.code === 'UNAVAILABLE' && Array.isArray(d.endpoints) && d.endpoints.length) this._moveTo = d.endpoints[0];
          this._log('error', `${d.code}: ${d.message || ''}`);
        }
        return;
      }
      case 'quote':
      case 'trade':
      case 'kline':
        this._onChannelMessage(msg);
        return;
      case 'status':
        this._emit('status', msg.data || {});
        return;
      case 'notice':
        this._onNotice(msg.data || {});
        return;
      default:
        // unknown message types are ignored (PROTOCOL.md §2)
    }
  }

  _onWelcome(data) {
    const info = this._sockInfo;
    if (!info) return;
    this._clearTimer('welcome');
    info.welcomed = true;
    info.connectedAt = Date.now();
    this.welcome = data;
    if (info.kind === 'sockjs' && this._sock?.transport) this.transportDetail = this._sock.transport;
    this._setState('connected', { welcome: data, transport: this.transport, url: this.url });
    this._emit('connected', { url: this.url, transport: this.transport, transportDetail: this.transportDetail, welcome: data });
    for (const s of data.sources || []) this._emit('status', s);
    this._settleWelcome(true, data);
    this._startTicking();
    this._ping();
    // everything is (re)subscribed, with `since` for channels delivered before
    this._toSubscribe.clear();
    this._toUnsubscribe.clear();
    if (this._channels.size) this._sendSubscribe([...this._channels.values()]);
  }

  _onNotice(data) {
    this._emit('notice', data);
    const info = this._sockInfo;
    if (data.event === 'closing') {
      if (info) {
        info.closingCode = typeof data.code === 'number' ? data.code : null;
        info.closingReason = data.reason || '';
      }
    } else if (data.event === 'shutdown' || data.event === 'rebalance' || data.event === 'overloaded') {
      // the node is leaving, moving us, or shedding us under overload: go where it says, when it says
      const after = Math.max(0, Number(data.reconnectAfterMs) || 0);
      const endpoints = Array.isArray(data.endpoints) ? data.endpoints.filter((e) => typeof e === 'string') : [];
      this._moveTo = endpoints[0] || null;
      this._moveAt = Date.now() + after;
      this._clearTimer('move');
      // leave by ourselves at the given time; if the server closes first, the reconnect waits until then anyway
      this._timers.move = setTimeout(() => {
        this._timers.move = null;
        this._drop(1000, 'moving on ' + data.event);
      }, Math.max(1, after));
    } else if (data.event === 'token_expiring' && this._supplier) {
      Promise.resolve()
        .then(() => this._supplier())
        .then((token) => (token && this.welcome ? this.request('auth', { token }) : null))
        .catch((e) => this._log('warn', 'token refresh failed: ' + e.message));
    }
  }

  _onChannelMessage(m) {
    const c = typeof m.ch === 'string' ? this._channels.get(m.ch) : null;
    if (!c || typeof m.seq !== 'number') return; // unsubscribed meanwhile, or not channel data
    c.lastDataAt = Date.now();
    c.staleNotified = false;
    const meta = m.meta && typeof m.meta === 'object' ? m.meta : {};
    const epoch = typeof meta.epoch === 'string' ? meta.epoch : null;
    const snapshot = meta.snapshot === true;
    const recovered = meta.recovered === true;
    const ts = typeof m.ts === 'number' ? m.ts : null;
    let resume = false;
    if (Array.isArray(m.data)) {
      // trades of one period (a freq): seq is the last one's, meta.fromSeq the first one's
      const from = typeof meta.fromSeq === 'number' ? meta.fromSeq : m.seq - m.data.length + 1;
      for (let i = 0; i < m.data.length; i++) {
        const item = m.data[i];
        if (item && typeof item === 'object') {
          resume = c.seq.offer(c.update(from + i, epoch, snapshot, recovered, item, ts, meta), c) || resume;
        }
      }
    } else if (m.data && typeof m.data === 'object') {
      resume = c.seq.offer(c.update(m.seq, epoch, snapshot, recovered, m.data, ts, meta), c);
    }
    if (resume) this._sendResume(c);
  }

  // ---- subscriptions -----------------------------------------------------------------------------------------------

  _queueFlush() {
    if (this._flushQueued) return;
    this._flushQueued = true;
    queueMicrotask(() => {
      this._flushQueued = false;
      if (!this.welcome) return; // the welcome subscribes everything
      if (this._toUnsubscribe.size) {
        const keys = [...this._toUnsubscribe];
        this._toUnsubscribe.clear();
        this._sendUnsubscribe(keys);
      }
      if (this._toSubscribe.size) {
        const list = [...this._toSubscribe].filter((c) => this._channels.get(c.key) === c);
        this._toSubscribe.clear();
        if (list.length) this._sendSubscribe(list);
      }
    });
  }

  /** One subscribe per freq; channels delivered before carry `since` so the server replays what was missed. */
  _sendSubscribe(list) {
    const byFreq = new Map();
    for (const c of list) {
      const f = c.freq || '';
      if (!byFreq.has(f)) byFreq.set(f, []);
      byFreq.get(f).push(c);
    }
    const now = Date.now();
    for (const [freq, group] of byFreq) {
      const since = {};
      for (const c of group) {
        c.lastDataAt = now;
        c.staleNotified = false;
        const s = c.seq.since();
        if (s) since[c.key] = s;
      }
      for (const c of group) c.requested = true;
      const args = { channels: group.map((c) => c.key) };
      if (freq) args.freq = freq;
      const withSince = Object.keys(since).length > 0;
      if (withSince) args.since = since;
      this.request('subscribe', args).then(
        (data) => this._onSubscribed(group, data, withSince ? since : null),
        (e) => {
          if (CONNECTION_GONE.has(e.code)) return; // resubscribed with the next welcome
          if (e.code === 'TIMEOUT') {
            this._log('warn', 'subscribe timed out; reconnecting');
            this._drop(4009, 'subscribe timed out');
            return;
          }
          // all-or-nothing failures (LIMIT_EXCEEDED, ...): every channel of the request is refused
          for (const c of group) this._reject(c, { ch: c.key, ...(e.data || {}), code: e.code, message: e.data?.message ?? e.message });
        });
    }
  }

  _onSubscribed(group, data, since) {
    const mine = (key) => {
      const c = this._channels.get(key);
      return c && group.includes(c) ? c : null;
    };
    const restarted = new Set();
    for (const s of data.subscribed || []) {
      const c = mine(s.ch);
      if (!c) continue;
      if (c.seq.subscribed(s.epoch, typeof s.seq === 'number' ? s.seq : 0, c)) restarted.add(c.key);
      c.confirmed = { channel: c.key, freq: s.freq, seq: s.seq, epoch: s.epoch };
      for (const sub of c.subs) sub._settle(true, c.confirmed);
      this._emit('subscribed', c.confirmed);
    }
    for (const r of data.rejected || []) {
      const c = r && mine(r.ch);
      if (c) this._reject(c, r);
    }
    this._recoveryOutcome('subscribe', since, data, restarted, mine);
  }

  _sendResume(c) {
    const s = c.seq.since();
    if (!s) return;
    const since = { [c.key]: s };
    this.request('resume', { since }).then(
      (data) => this._recoveryOutcome('resume', since, data, new Set(), (k) => (k === c.key && this._channels.get(k) === c ? c : null)),
      (e) => {
        if (CONNECTION_GONE.has(e.code) || this._channels.get(c.key) !== c) return; // the resubscription asks again
        this._log('warn', `resume ${c.key} failed: ${e.code}`);
        if (e.code === 'NOT_SUBSCRIBED') this._sendSubscribe([c]);
        else c.seq.giveUp(c);
      });
  }

  /** `recovered` / `notRecovered` of a subscribe-with-since or resume reply. */
  _recoveryOutcome(op, since, data, restarted, mine) {
    const recovered = Array.isArray(data.recovered) ? data.recovered : [];
    const notRecovered = Array.isArray(data.notRecovered) ? data.notRecovered : [];
    for (const k of recovered) mine(k)?.seq.recovered(mine(k));
    for (const k of notRecovered) {
      const c = mine(k);
      // a new epoch was reported already; its snapshot continues the stream
      if (c && !restarted.has(k)) c.seq.notRecovered(c);
    }
    if (since) this._emit('recovery', { op, since, recovered, notRecovered });
  }

  _reject(c, error) {
    if (this._channels.get(c.key) === c) this._channels.delete(c.key);
    this._toSubscribe.delete(c);
    this._emit('rejected', { channel: c.key, error });
    for (const sub of c.subs) {
      sub._settle(false, Object.assign(new Error(`${c.key} rejected: ${error.code} ${error.message || ''}`.trim()), { code: error.code, data: error }));
      sub._call('onRejected', error);
    }
  }

  _unsubscribe(sub) {
    const c = this._channels.get(sub.channel);
    if (!c || !c.subs.delete(sub) || c.subs.size) return Promise.resolve();
    this._channels.delete(c.key);
    this._toSubscribe.delete(c);
    if (this.welcome && c.requested) {
      // (without a connection there is nothing to undo: the next one subscribes only what is still wanted)
      this._toUnsubscribe.add(c.key);
      this._queueFlush();
    }
    return Promise.resolve();
  }

  _sendUnsubscribe(keys) {
    this.request('unsubscribe', { channels: keys }).catch((e) => {
      // all-or-nothing: if some were not subscribed (e.g. a subscribe still in flight), leave the others anyway
      const missing = Array.isArray(e.data?.channels) ? e.data.channels : null;
      const rest = missing ? keys.filter((k) => !missing.includes(k)) : [];
      if (e.code === 'NOT_SUBSCRIBED' && rest.length && rest.length < keys.length) this._sendUnsubscribe(rest);
    });
  }
}

/** One subscribed channel: its subscriptions and its sequencing (also the Sequencer's sink). */
class Channel {
  constructor(client, key, freq) {
    this.client = client;
    this.key = key;
    this.freq = freq;
    const { type, symbol, interval } = parseChannel(key);
    this.type = type;
    this.symbol = symbol;
    this.interval = interval;
    this.seq = new Sequencer(isEventChannel(key), client.options.maxPendingPerChannel);
    this.subs = new Set();
    this.confirmed = null; // {channel, freq, seq, epoch} of the last subscribe reply
    this.requested = false; // a subscribe for it went out (on the current connection, while there is one)
    this.lastDataAt = Date.now();
    this.staleNotified = false;
  }

  /** An update as delivered: the wire payload plus where it belongs. */
  update(seq, epoch, snapshot, recovered, data, ts, meta) {
    return {
      channel: this.key,
      type: this.type,
      symbol: this.symbol,
      interval: this.interval,
      seq,
      epoch,
      ts,
      snapshot,
      recovered,
      data: normalizeDecimals(this.type, data),
      meta,
    };
  }

  deliver(u) {
    for (const sub of this.subs) sub._call('onUpdate', u);
  }

  reset(reason, info = {}) {
    const detail = { channel: this.key, reason, ...info };
    this.client._emit('reset', detail);
    for (const sub of this.subs) sub._call('onReset', detail);
  }

  stale(silentMs) {
    this.client._emit('stale', { channel: this.key, silentMs });
    for (const sub of this.subs) sub._call('onStale', { channel: this.key, silentMs });
  }
}

/** A caller's hold on a channel; the channel is unsubscribed on the server when its last subscription leaves. */
export class Subscription {
  constructor(client, channel, callbacks) {
    this.client = client;
    this.channel = channel;
    this._callbacks = callbacks;
    this._settled = false;
    /** Resolves with `{channel, freq, seq, epoch}` once the server accepted the channel; rejects if it refused it. */
    this.ready = new Promise((resolve, reject) => {
      this._resolve = resolve;
      this._reject = reject;
    });
    this.ready.catch(() => {}); // a refusal is also reported through onRejected and the client's `rejected` event
  }

  /** The last delivered `{seq, epoch}` of the channel, or null. */
  position() {
    return this.client.position(this.channel);
  }

  /** Stops this subscription's callbacks; the last one to leave a channel unsubscribes it on the server. */
  unsubscribe() {
    this._callbacks = {};
    return this.client._unsubscribe(this);
  }

  _settle(ok, value) {
    if (this._settled) return;
    this._settled = true;
    (ok ? this._resolve : this._reject)(value);
  }

  _call(name, arg) {
    const fn = this._callbacks[name];
    if (typeof fn !== 'function') return;
    try {
      fn(arg);
    } catch (e) {
      // one faulty callback must not stop the others or the channel's sequencing
      reportListenerError(e);
    }
  }
}

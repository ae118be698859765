// Quotecast client connection for browsers (PROTOCOL.md): WebSocket at /ws with a SockJS fallback at /sockjs,
// request/reply by id, browser heartbeats ({"op":"ping"}), reconnect with exponential backoff and full jitter,
// resubscribe with `since` so missed publications are replayed, per-channel seq/epoch bookkeeping.

const SOCKJS_SRC = '/webjars/sockjs-client/1.6.1/dist/sockjs.min.js';
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 20000;
const PING_EVERY_MS = 10000;
const REQUEST_TIMEOUT_MS = 15000;
const WELCOME_TIMEOUT_MS = 10000;
const STABLE_MS = 10000;
// Close codes after which retrying automatically is pointless (PROTOCOL.md §8).
const NO_RETRY = new Map([
  [4003, 'forbidden'],
  [4100, 'closed by an operator'],
  [1008, 'token invalid or expired'],
  [4001, 'unauthorized: a token is required'],
  [4000, 'repeated malformed messages'],
  [1009, 'message too big'],
]);

const HTTP_TRANSPORTS = ['xhr-streaming', 'eventsource', 'xhr-polling'];

let sockJsLoading = null;

/** Loads the SockJS client served by the gateway, once, only when it is needed. */
export function loadSockJs() {
  if (window.SockJS) return Promise.resolve(window.SockJS);
  if (!sockJsLoading) {
    sockJsLoading = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = SOCKJS_SRC;
      s.async = true;
      s.onload = () => (window.SockJS ? resolve(window.SockJS) : reject(new Error('SockJS did not load')));
      s.onerror = () => {
        sockJsLoading = null;
        s.remove();
        reject(new Error('cannot load ' + SOCKJS_SRC));
      };
      document.head.appendChild(s);
    });
  }
  return sockJsLoading;
}

/** Full jitter: a random delay between 0 and min(max, base * 2^attempt), at least BACKOFF_MIN_MS. */
export function backoffDelay(attempt) {
  const cap = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt);
  return Math.max(BACKOFF_MIN_MS, Math.round(Math.random() * cap));
}

/**
 * The least loaded gateway that accepts connections, from the serving node's `/api/v1/endpoints`, or null (use the
 * page's own node) when that is this node, when none accepts, or when the list cannot be had.
 */
async function leastLoadedEndpoint() {
  try {
    const r = await fetch(`${location.origin}/api/v1/endpoints`, { cache: 'no-store' });
    if (!r.ok) return null;
    const body = await r.json();
    const best = (body.endpoints || []).find((e) => e.state === 'ready');
    return best && best.url !== body.self ? best.url : null;
  } catch (e) {
    return null;
  }
}

export class QuotecastConnection extends EventTarget {
  /**
   * @param {object} opts
   * @param {'auto'|'websocket'|'sockjs'} opts.transport
   * @param {string} [opts.token]
   * @param {string} [opts.client]
   */
  constructor(opts = {}) {
    super();
    this.mode = opts.transport || 'auto';
    this.token = opts.token || '';
    this.client = opts.client || 'quotecast-demo/1';
    // SockJS transports to allow when SockJS is forced (null = SockJS's own choice, WebSocket first)
    this.sockJsTransports = opts.sockJsTransports || null;
    this.state = 'idle'; // idle | connecting | connected | reconnecting | closed
    this.transport = null; // 'websocket' | 'sockjs' (and sockjs sub-transport in transportDetail)
    this.transportDetail = '';
    this.welcome = null;
    this.rtt = null;
    this.attempt = 0;
    this.preferred = this.mode === 'sockjs' || typeof WebSocket === 'undefined' ? 'sockjs' : 'websocket';
    this.sock = null;
    this.nextId = 1;
    this.pending = new Map(); // id -> {resolve, reject, timer, op}
    this.desired = new Map(); // ch -> freq wanted
    this.channels = new Map(); // ch -> {seq, epoch, freq}
    this.resuming = new Set();
    this.freq = 'realtime';
    this.reconnectHint = null; // from a notice: {delay, endpoint}
    this.timers = {};
    this.stopped = false;
  }

  // ---- lifecycle -------------------------------------------------------------------------------------------

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timers.reconnect);
    this.closeSocket(1000, 'bye');
    this.setState('closed');
  }

  /** Reconnect now (skipping the backoff wait). */
  reconnectNow() {
    clearTimeout(this.timers.reconnect);
    this.stopped = false;
    if (this.state === 'connected' || this.state === 'connecting') this.closeSocket(1000, 'reconnect');
    else this.connect();
  }

  setState(state, detail = {}) {
    this.state = state;
    this.emit('state', { state, ...detail });
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  query() {
    const p = new URLSearchParams();
    p.set('client', this.client);
    if (this.token) p.set('token', this.token);
    return p.toString();
  }

  async connect() {
    if (this.stopped) return;
    clearTimeout(this.timers.reconnect);
    let kind = this.mode === 'auto' ? this.preferred : this.mode;
    if (this.mode === 'auto' && kind === 'sockjs' && typeof WebSocket !== 'undefined') {
      // WebSocket did not open. Fall back to SockJS only if the server answers plain HTTP; if it does not, the
      // server is down (not a proxy blocking WebSocket), so keep trying WebSocket.
      const up = await fetch(`${location.origin}/sockjs/info?t=${Date.now()}`, { cache: 'no-store' })
        .then((r) => r.ok, () => false);
      if (this.stopped) return;
      if (!up) {
        kind = 'websocket';
        this.preferred = 'websocket';
      }
    }
    this.setState('connecting', { transport: kind, attempt: this.attempt });
    const hint = this.reconnectHint;
    this.reconnectHint = null;
    let sock;
    try {
      if (kind === 'sockjs') {
        const SockJS = await loadSockJs();
        if (this.stopped) return;
        // As a fallback after WebSocket failed, stay on plain HTTP transports (no iframe ones: they would load the
        // SockJS client from a CDN).
        const transports = this.mode === 'auto' ? HTTP_TRANSPORTS : this.sockJsTransports || undefined;
        sock = new SockJS(`${location.origin}/sockjs?${this.query()}`, null, transports ? { transports } : {});
      } else {
        let url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?${this.query()}`;
        // A notice's endpoint first; otherwise the fleet's least loaded gateway (GET /api/v1/endpoints).
        const endpoint = hint && hint.endpoint ? hint.endpoint : await leastLoadedEndpoint();
        if (this.stopped) return;
        if (endpoint && /^wss?:\/\//.test(endpoint)) {
          url = endpoint + (endpoint.includes('?') ? '&' : '?') + this.query();
        }
        sock = new WebSocket(url);
      }
    } catch (e) {
      this.emit('log', { level: 'error', text: `${kind}: ${e.message}` });
      this.onSocketGone(kind, false, 1006, e.message);
      return;
    }
    this.sock = sock;
    let opened = false;
    let gone = false;
    sock.onopen = () => {
      opened = true;
      this.transport = kind;
      this.transportDetail = kind === 'sockjs' ? (sock.transport || '') : '';
      clearTimeout(this.timers.welcome);
      this.timers.welcome = setTimeout(() => {
        this.emit('log', { level: 'warn', text: 'no welcome within 10 s; reconnecting' });
        this.closeSocket(4000, 'no welcome');
      }, WELCOME_TIMEOUT_MS);
    };
    sock.onmessage = (ev) => {
      if (sock !== this.sock) return;
      this.onText(typeof ev.data === 'string' ? ev.data : String(ev.data));
    };
    sock.onerror = () => {
      // The close event follows; nothing else to do here.
    };
    sock.onclose = (ev) => {
      if (gone) return;
      gone = true;
      if (sock === this.sock) this.sock = null;
      this.onSocketGone(kind, opened, ev.code, ev.reason);
    };
  }

  closeSocket(code, reason) {
    const s = this.sock;
    if (!s) return;
    try {
      s.close(code, reason);
    } catch {
      try { s.close(); } catch { /* already closed */ }
    }
  }

  onSocketGone(kind, opened, code, reason) {
    clearInterval(this.timers.ping);
    clearTimeout(this.timers.welcome);
    const hadWelcome = !!this.welcome;
    this.welcome = null;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(Object.assign(new Error('connection closed'), { code: 'CLOSED' }));
      this.pending.delete(id);
    }
    this.resuming.clear();
    this.emit('closed', { code, reason, opened, transport: kind });
    if (this.stopped) {
      this.setState('closed', { code, reason });
      return;
    }
    if (NO_RETRY.has(code)) {
      this.stopped = true;
      this.setState('closed', { code, reason: reason || NO_RETRY.get(code), final: true });
      return;
    }
    // Auto transport: a transport that never opened makes the other one the next try (WebSocket blocked by a
    // proxy -> SockJS; SockJS failing too -> back to WebSocket). The last one that worked stays preferred.
    if (this.mode === 'auto' && !opened) {
      this.preferred = kind === 'websocket' ? 'sockjs' : 'websocket';
    }
    // Back off from scratch only after a connection that stayed up a while; one that dies right after its welcome
    // (a broken transport, a crashing session) keeps growing the delay instead of looping at 0.5 s.
    if (hadWelcome && Date.now() - this.connectedAt > STABLE_MS) this.attempt = 0;
    let delay = backoffDelay(this.attempt);
    if (this.pendingHint) {
      delay = this.pendingHint.delay ?? delay;
      this.reconnectHint = this.pendingHint;
      this.pendingHint = null;
    }
    this.attempt++;
    this.setState('reconnecting', { code, reason, delay, at: Date.now() + delay });
    this.timers.reconnect = setTimeout(() => this.connect(), delay);
  }

  // ---- messages ----------------------------------------------------------------------------------------------

  onText(text) {
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      this.emit('log', { level: 'warn', text: 'unparseable message ignored' });
      return;
    }
    this.dispatch(msg);
  }

  dispatch(msg) {
    if (!msg || typeof msg !== 'object') return;
    switch (msg.type) {
      case 'batch':
        if (Array.isArray(msg.data)) for (const m of msg.data) this.dispatch(m);
        return;
      case 'welcome':
        this.onWelcome(msg);
        return;
      case 'result':
      case 'error': {
        const p = msg.id != null ? this.pending.get(msg.id) : null;
        if (p) {
          this.pending.delete(msg.id);
          clearTimeout(p.timer);
          if (msg.type === 'result') p.resolve(msg.data || {});
          else p.reject(Object.assign(new Error(msg.data?.message || msg.data?.code || 'error'), { data: msg.data || {} }));
        } else if (msg.type === 'error') {
          this.emit('log', { level: 'error', text: `${msg.data?.code}: ${msg.data?.message}` });
        }
        return;
      }
      case 'quote':
      case 'trade':
      case 'kline':
        this.onChannelMessage(msg);
        return;
      case 'status':
        this.emit('status', msg.data || {});
        return;
      case 'notice':
        this.onNotice(msg.data || {});
        return;
      default:
        // Unknown message types are ignored (PROTOCOL.md §2).
        return;
    }
  }

  onWelcome(msg) {
    clearTimeout(this.timers.welcome);
    this.welcome = msg.data || {};
    this.connectedAt = Date.now();
    if (this.sock && this.transport === 'sockjs') this.transportDetail = this.sock.transport || this.transportDetail;
    this.setState('connected', { welcome: this.welcome, transport: this.transport });
    for (const s of this.welcome.sources || []) this.emit('status', s);
    this.ping();
    clearInterval(this.timers.ping);
    this.timers.ping = setInterval(() => this.ping(), PING_EVERY_MS);
    this.resubscribe();
  }

  onNotice(data) {
    this.emit('notice', data);
    if (data.event === 'shutdown' || data.event === 'rebalance') {
      const endpoints = Array.isArray(data.endpoints) ? data.endpoints : [];
      const base = typeof data.reconnectAfterMs === 'number' ? data.reconnectAfterMs : null;
      // Spread the reconnects of many clients a little around the server's hint.
      const delay = base == null ? null : Math.round(base + Math.random() * Math.min(1000, base * 0.5));
      this.pendingHint = { delay, endpoint: endpoints[0] };
    }
  }

  onChannelMessage(msg) {
    const ch = msg.ch;
    if (!ch) return;
    if (!this.desired.has(ch)) return; // late message of a channel we left
    const meta = msg.meta || {};
    let st = this.channels.get(ch);
    if (!st) {
      st = { seq: null, epoch: null, freq: this.desired.get(ch) };
      this.channels.set(ch, st);
    }
    const seq = typeof msg.seq === 'number' ? msg.seq : null;
    const newEpoch = meta.epoch && st.epoch && meta.epoch !== st.epoch;
    if (newEpoch) this.emit('epoch', { ch, epoch: meta.epoch, previous: st.epoch });
    if (meta.snapshot || newEpoch || st.seq == null || seq == null) {
      // take it
    } else if (meta.recovered && seq <= st.seq) {
      // a replayed publication filling a gap (resume): deliver it, keep the newest seq
      this.emit('data', msg);
      return;
    } else if (seq <= st.seq) {
      return; // older than what we have
    } else if (msg.type === 'trade') {
      // Trades are events: a jump in seq means some were missed -> resume (PROTOCOL.md §6).
      const first = typeof meta.fromSeq === 'number' ? meta.fromSeq : Array.isArray(msg.data) ? seq - msg.data.length + 1 : seq;
      if (first > st.seq + 1) this.resume(ch, st);
    }
    if (meta.epoch) st.epoch = meta.epoch;
    if (seq != null) st.seq = seq;
    this.emit('data', msg);
  }

  // ---- requests ----------------------------------------------------------------------------------------------

  request(op, args) {
    const id = 'r' + this.nextId++;
    const msg = args === undefined ? { op, id } : { op, id, args };
    return new Promise((resolve, reject) => {
      if (!this.sock || this.state !== 'connected') {
        reject(Object.assign(new Error('not connected'), { code: 'NOT_CONNECTED' }));
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(Object.assign(new Error(op + ' timed out'), { code: 'TIMEOUT' }));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer, op });
      try {
        this.sock.send(JSON.stringify(msg));
      } catch (e) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(e);
      }
    });
  }

  async ping() {
    const t0 = performance.now();
    try {
      const r = await this.request('ping');
      this.rtt = Math.round(performance.now() - t0);
      this.serverTime = r.serverTime;
      this.emit('rtt', { rtt: this.rtt, serverTime: r.serverTime });
    } catch (e) {
      if (e.code !== 'NOT_CONNECTED' && e.code !== 'CLOSED') this.emit('log', { level: 'warn', text: 'ping: ' + e.message });
    }
  }

  /** Wants these channels (kept across reconnects) and subscribes them now if connected. */
  async subscribe(chs, freq = this.freq) {
    const fresh = chs.filter((ch) => !this.desired.has(ch));
    for (const ch of fresh) this.desired.set(ch, freq);
    if (!fresh.length || this.state !== 'connected') return { subscribed: [], rejected: [] };
    return this.sendSubscribe(fresh, freq, false);
  }

  async sendSubscribe(chs, freq, withSince) {
    const args = { channels: chs, freq };
    if (withSince) {
      const since = {};
      for (const ch of chs) {
        const st = this.channels.get(ch);
        if (st && st.seq != null && st.epoch) since[ch] = { seq: st.seq, epoch: st.epoch };
      }
      if (Object.keys(since).length) args.since = since;
    }
    try {
      const r = await this.request('subscribe', args);
      this.applySubscribed(r);
      return r;
    } catch (e) {
      if (e.data) {
        this.emit('reqerror', { op: 'subscribe', channels: chs, error: e.data });
        // Nothing changed on the server (e.g. LIMIT_EXCEEDED): forget these channels.
        for (const ch of chs) this.forget(ch);
      }
      throw e;
    }
  }

  applySubscribed(r) {
    for (const s of r.subscribed || []) {
      const st = this.channels.get(s.ch) || { seq: null, epoch: null };
      st.freq = s.freq;
      if (s.epoch && st.epoch && s.epoch !== st.epoch) {
        // the stream restarted (e.g. a server restart or failover): what we hold is from another history
        st.seq = null;
        this.emit('epoch', { ch: s.ch, epoch: s.epoch, previous: st.epoch });
      }
      if (s.epoch) st.epoch = s.epoch;
      this.channels.set(s.ch, st);
      if (this.desired.has(s.ch)) this.desired.set(s.ch, s.freq || this.desired.get(s.ch));
    }
    for (const rj of r.rejected || []) {
      this.forget(rj.ch);
      this.emit('rejected', rj);
    }
    this.emit('subscriptions', {});
  }

  forget(ch) {
    this.desired.delete(ch);
    this.channels.delete(ch);
  }

  async unsubscribe(chs) {
    const known = chs.filter((ch) => this.desired.has(ch));
    for (const ch of known) this.forget(ch);
    if (!known.length || this.state !== 'connected') return null;
    try {
      return await this.request('unsubscribe', { channels: known });
    } catch (e) {
      if (e.data?.code !== 'NOT_SUBSCRIBED') this.emit('log', { level: 'warn', text: 'unsubscribe: ' + e.message });
      return null;
    } finally {
      this.emit('subscriptions', {});
    }
  }

  /** Changes the delivery frequency of every wanted channel (update op: no resubscribe, no gap). */
  async setFreq(freq) {
    this.freq = freq;
    const chs = [...this.desired.keys()];
    for (const ch of chs) this.desired.set(ch, freq);
    if (!chs.length || this.state !== 'connected') return null;
    const r = await this.request('update', { channels: chs, freq });
    for (const u of r.updated || []) {
      const st = this.channels.get(u.ch);
      if (st) st.freq = u.freq;
      if (this.desired.has(u.ch)) this.desired.set(u.ch, u.freq);
    }
    this.emit('subscriptions', {});
    return r;
  }

  async resubscribe() {
    const chs = [...this.desired.keys()];
    if (!chs.length) return;
    try {
      await this.sendSubscribe(chs, this.freq, true);
    } catch (e) {
      this.emit('log', { level: 'error', text: 'resubscribe failed: ' + e.message });
    }
  }

  async resume(ch, st) {
    if (this.resuming.has(ch) || !st.epoch) return;
    const now = Date.now();
    this.lastResume = this.lastResume || new Map();
    if (now - (this.lastResume.get(ch) || 0) < 2000) return; // at most one resume per channel every 2 s
    this.lastResume.set(ch, now);
    this.resuming.add(ch);
    try {
      const r = await this.request('resume', { since: { [ch]: { seq: st.seq, epoch: st.epoch } } });
      const ok = (r.recovered || []).includes(ch);
      this.emit('log', { level: 'info', text: `resume ${ch}: ${ok ? 'recovered' : 'not recovered (fresh snapshot follows)'}` });
      if (!ok) this.emit('notRecovered', { ch });
    } catch (e) {
      // e.g. UNAVAILABLE from a server without recovery: the page refills from REST instead
      this.emit('log', { level: 'warn', text: `gap in ${ch}; resume failed (${e.data?.code || e.message}), refilling from REST` });
      this.emit('notRecovered', { ch });
    } finally {
      this.resuming.delete(ch);
    }
  }
}

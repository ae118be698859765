// A minimal client of the Vert.x SockJS event-bus bridge (the protocol vertx3-eventbus-client speaks), on top of the
// SockJS client the monitor serves (window.SockJS, /dashboard/vendor/sockjs.min.js).
//
// Frames are JSON objects: the client sends {type: "register"|"unregister", address} and {type: "ping"} (the bridge
// closes a socket that does not ping within its ping timeout); the bridge sends {type: "rec", address, body} for
// messages on a registered address and {type: "err", body} for a refused frame. The dashboard's bridge is outbound
// only, so this client never sends or publishes.
//
// It reconnects by itself (backoff 1 s doubling to 15 s, with jitter) and registers every handler again; onState
// reports "connecting", "live", "reconnecting" (with the close code and reason) and "closed" (by close()).

const PING_MS = 5000;

export class EventBus {
  /**
   * @param {() => string} url the bridge URL to open each time (it carries the token, which may change)
   * @param {{onState?: (state: string, detail?: object) => void, onError?: (frame: object) => void,
   *          transports?: string[]}} options
   */
  constructor(url, options = {}) {
    this.url = url;
    this.onState = options.onState || (() => {});
    this.onError = options.onError || (() => {});
    this.transports = options.transports;
    this.handlers = new Map(); // address -> Set of handlers
    this.state = 'idle';
    this.attempt = 0;
    this.sock = null;
    this.pingTimer = 0;
    this.retryTimer = 0;
    this.stopped = false;
    this.received = 0;
  }

  open() {
    this.stopped = false;
    clearTimeout(this.retryTimer);
    this.connect();
  }

  /** Calls handler(body, frame) for every message on address, from now on and after every reconnect. */
  register(address, handler) {
    let set = this.handlers.get(address);
    if (!set) {
      set = new Set();
      this.handlers.set(address, set);
      this.write({ type: 'register', address, headers: {} });
    }
    set.add(handler);
    return () => this.unregister(address, handler);
  }

  unregister(address, handler) {
    const set = this.handlers.get(address);
    if (!set) return;
    set.delete(handler);
    if (!set.size) {
      this.handlers.delete(address);
      this.write({ type: 'unregister', address, headers: {} });
    }
  }

  close() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    const sock = this.sock;
    this.sock = null;
    if (sock) sock.close();
    this.setState('closed');
  }

  connect() {
    if (typeof window.SockJS !== 'function') {
      this.setState('reconnecting', { code: 0, reason: 'SockJS client not loaded' });
      return;
    }
    this.setState(this.attempt ? 'reconnecting' : 'connecting', this.lastClose);
    const options = this.transports ? { transports: this.transports } : {};
    const sock = new window.SockJS(this.url(), null, options);
    this.sock = sock;
    sock.onopen = () => {
      if (this.sock !== sock) return;
      this.attempt = 0;
      this.transport = sock.transport;
      for (const address of this.handlers.keys()) this.write({ type: 'register', address, headers: {} });
      this.write({ type: 'ping' });
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.write({ type: 'ping' }), PING_MS);
      this.setState('live', { transport: sock.transport });
    };
    sock.onmessage = (e) => {
      if (this.sock !== sock) return;
      let frame;
      try {
        frame = JSON.parse(e.data);
      } catch {
        return;
      }
      if (frame.type === 'rec') {
        this.received++;
        const set = this.handlers.get(frame.address);
        if (set) {
          for (const handler of [...set]) {
            try {
              handler(frame.body, frame);
            } catch (err) {
              // one panel's bug must not stop the others; report it where a developer looks
              setTimeout(() => { throw err; });
            }
          }
        }
      } else if (frame.type === 'err') {
        this.onError(frame);
      }
    };
    sock.onclose = (e) => {
      if (this.sock !== sock) return;
      this.sock = null;
      clearInterval(this.pingTimer);
      this.lastClose = { code: e.code, reason: e.reason, wasOpen: this.state === 'live' };
      if (this.stopped) return;
      const delay = Math.min(15000, 1000 * 2 ** Math.min(this.attempt, 4)) * (0.75 + Math.random() * 0.5);
      this.attempt++;
      this.setState('reconnecting', { ...this.lastClose, retryInMs: Math.round(delay) });
      if (this.stopped) return; // the state listener closed it (e.g. the token expired)
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.connect(), delay);
    };
  }

  write(frame) {
    const sock = this.sock;
    if (sock && sock.readyState === 1) sock.send(JSON.stringify(frame));
  }

  setState(state, detail) {
    this.state = state;
    this.onState(state, detail || {});
  }
}

// The trace view: POST /admin/traces {connectionId|user|symbol, seconds} starts a trace; its events stream live from
// the bridge (monitor.trace.<traceId>), the events the monitor kept before the registration landed come from
// GET /admin/traces/{id}, and the end marker ({end: true, reason, captured, ...}) closes it. DELETE stops it early;
// GET /admin/traces lists the recent ones to look at again.
import { unavailable } from './api.js';
import * as fmt from './format.js';

const MAX_ROWS = 500;

export class TracePanel {
  constructor(root, api, bus) {
    this.root = root;
    this.api = api;
    this.bus = bus;
    this.body = root.querySelector('tbody');
    this.status = root.querySelector('#trace-status');
    this.note = root.querySelector('#trace-note');
    this.kind = root.querySelector('#trace-kind');
    this.target = root.querySelector('#trace-target');
    this.seconds = root.querySelector('#trace-seconds');
    this.stopBtn = root.querySelector('#trace-stop');
    this.recent = root.querySelector('#trace-recent');
    this.trace = null; // {id, address, spec, events: Map n -> event, unregister, ended, info}
    root.querySelector('#trace-form').addEventListener('submit', (e) => {
      e.preventDefault();
      this.start();
    });
    this.stopBtn.addEventListener('click', () => this.stop());
    this.recent.addEventListener('change', () => {
      if (this.recent.value) this.show(this.recent.value);
    });
    this.kind.addEventListener('change', () => {
      this.target.placeholder = { user: 'user id (e.g. alice)', connectionId: 'connection id (c-…)', symbol: '600519.SH' }[this.kind.value];
    });
    this.placeholder('Start a trace for a connection, a user or a symbol: its messages appear here as they happen.');
  }

  placeholder(text, unavailableRoute = false) {
    fmt.fill(this.body, fmt.h('tr', {}, fmt.h('td', { colspan: 10, class: 'placeholder' + (unavailableRoute ? ' unavailable' : '') }, text)));
  }

  /** Prefills the form (from a connection's detail) and starts. */
  traceConnection(id) {
    this.kind.value = 'connectionId';
    this.target.value = id;
    this.root.scrollIntoView({ behavior: 'smooth', block: 'start' });
    this.start();
  }

  async listRecent() {
    const r = await this.api.get('/admin/traces');
    if (!r.ok) {
      if (r.missing) {
        this.recent.hidden = true;
        this.note.textContent = 'not available on this server';
      }
      return;
    }
    const traces = (r.data && r.data.traces) || [];
    const keep = this.recent.value;
    fmt.fill(this.recent, fmt.h('option', { value: '' }, `recent traces (${traces.length})…`),
      traces.map((t) => fmt.h('option', { value: t.traceId },
        `${t.traceId} · ${describe(t)} · ${t.state}${t.captured != null ? ` · ${t.captured} events` : ''}`)));
    this.recent.value = traces.some((t) => t.traceId === keep) ? keep : '';
    this.note.textContent = r.data.active ? `${r.data.active} active` : '';
  }

  async start() {
    const value = this.target.value.trim();
    if (!value) return;
    const seconds = Math.max(1, Math.min(300, Number(this.seconds.value) || 30));
    const spec = { [this.kind.value]: value, seconds };
    this.detach();
    this.setStatus([`starting a trace of ${describe(spec)} for ${seconds} s…`]);
    const r = await this.api.post('/admin/traces', spec);
    if (!r.ok) {
      if (r.status !== 401 && r.status !== 403) {
        this.setStatus([r.missing ? unavailable('POST', '/admin/traces', r) : `refused: ${r.error}`], true);
      }
      return;
    }
    this.attach(r.data, true);
    this.listRecent();
  }

  /** Shows a trace: live when it is still active, else what the monitor kept. */
  async show(id) {
    this.detach();
    const r = await this.api.get('/admin/traces/' + encodeURIComponent(id));
    if (!r.ok) {
      this.setStatus([`GET /admin/traces/${id}: ${r.error}`], true);
      return;
    }
    this.attach(r.data, r.data.state === 'active');
  }

  attach(info, live) {
    const id = info.traceId;
    const trace = { id, info, events: new Map(), ended: !live, address: info.address || 'monitor.trace.' + id };
    this.trace = trace;
    this.root.dataset.trace = id;
    this.root.dataset.state = live ? 'active' : 'ended';
    this.stopBtn.hidden = !live;
    for (const e of info.events || []) trace.events.set(e.n ?? trace.events.size, e);
    if (live) {
      trace.unregister = this.bus.register(trace.address, (event) => this.event(trace, event));
      // events kept before our registration reached the bus
      setTimeout(async () => {
        if (this.trace !== trace) return;
        const r = await this.api.get('/admin/traces/' + encodeURIComponent(id));
        if (r.ok && this.trace === trace) {
          for (const e of r.data.events || []) if (!trace.events.has(e.n)) trace.events.set(e.n, e);
          if (r.data.state !== 'active' && !trace.ended) this.ended(trace, r.data);
          this.render();
        }
      }, 600);
      const endsAt = info.endsAt || Date.now() + (info.seconds || 60) * 1000;
      trace.timer = setInterval(() => this.render(), 1000);
      trace.endsAt = endsAt;
    } else {
      trace.end = info;
    }
    this.render();
  }

  detach() {
    const t = this.trace;
    if (!t) return;
    if (t.unregister) t.unregister();
    clearInterval(t.timer);
    this.trace = null;
  }

  event(trace, e) {
    if (this.trace !== trace || !e) return;
    if (e.end) {
      this.ended(trace, e);
    } else {
      trace.events.set(e.n ?? `x${trace.events.size}`, e);
      if (trace.events.size > MAX_ROWS * 2) {
        const keys = [...trace.events.keys()].slice(0, trace.events.size - MAX_ROWS);
        for (const k of keys) trace.events.delete(k);
      }
    }
    this.scheduleRender();
  }

  ended(trace, end) {
    trace.ended = true;
    trace.end = end;
    clearInterval(trace.timer);
    if (trace.unregister) trace.unregister();
    trace.unregister = null;
    this.stopBtn.hidden = true;
    this.root.dataset.state = 'ended';
    this.render();
    this.listRecent();
  }

  async stop() {
    const t = this.trace;
    if (!t) return;
    this.stopBtn.disabled = true;
    await this.api.delete('/admin/traces/' + encodeURIComponent(t.id));
    this.stopBtn.disabled = false;
  }

  scheduleRender() {
    if (this.renderPending) return;
    this.renderPending = true;
    setTimeout(() => {
      this.renderPending = false;
      this.render();
    }, 150);
  }

  setStatus(parts, error = false) {
    fmt.fill(this.status, parts.map((p) => (p instanceof Node ? p : fmt.h('span', { class: error ? 'error' : '' }, p))));
  }

  render() {
    const t = this.trace;
    if (!t) return;
    const events = [...t.events.values()].sort((a, b) => (a.n ?? 0) - (b.n ?? 0) || (a.ts || 0) - (b.ts || 0));
    const shown = events.slice(-MAX_ROWS).reverse(); // newest first
    const status = [
      fmt.h('span', { class: 'pill small', dataset: { state: t.ended ? 'resolved' : 'live' } }, t.ended ? 'ended' : 'live'),
      fmt.h('span', { class: 'mono' }, t.id),
      fmt.h('span', {}, describe(t.info)),
      fmt.h('span', { id: 'trace-count' }, `${events.length} events`),
    ];
    if (!t.ended && t.endsAt) status.push(fmt.h('span', {}, `ends in ${fmt.duration(Math.max(0, t.endsAt - Date.now()))}`));
    if (t.ended && t.end) {
      const e = t.end;
      status.push(fmt.h('span', {}, `${e.reason || e.state || 'ended'}${e.captured != null ? ` · captured ${e.captured}` : ''}`
        + `${e.dropped ? ` · dropped ${e.dropped}` : ''}${e.suppressed ? ` · suppressed ${e.suppressed}` : ''}`));
    }
    if (t.info.matched != null) status.push(fmt.h('span', {}, `${t.info.matched} matched at start on ${t.info.gateways ?? '?'} gateway instances`));
    this.setStatus(status);
    this.root.dataset.events = String(events.length);
    if (!shown.length) {
      this.placeholder(t.ended ? 'The trace ended without events.' : 'Waiting for messages…');
      return;
    }
    fmt.fill(this.body, shown.map((e) => fmt.h('tr', { dataset: { n: e.n, direction: e.direction, type: e.type } },
      fmt.h('td', { class: 'mono' }, fmt.timeMs(e.ts)),
      fmt.h('td', {}, fmt.h('span', { class: 'dir ' + (e.direction || '') }, e.direction || '?')),
      fmt.h('td', {}, e.node || '–'),
      fmt.h('td', { class: 'mono' }, e.connectionId || '–'),
      fmt.h('td', {}, e.type || '–', e.id ? fmt.h('span', { class: 'muted' }, ` #${e.id}`) : null),
      fmt.h('td', { class: 'mono' }, e.ch || '–'),
      fmt.h('td', { class: 'num' }, e.seq == null ? '–' : fmt.int(e.seq)),
      fmt.h('td', { class: 'num' }, e.bytes == null ? '–' : fmt.int(e.bytes)),
      fmt.h('td', { class: 'num' }, e.latencyMs == null ? '–' : fmt.ms(e.latencyMs)),
      fmt.h('td', { class: 'text', title: e.text || '' }, (e.skipped ? `(${e.skipped} skipped) ` : '') + (e.text || '')))));
  }
}

function describe(t) {
  if (!t) return '';
  const spec = t.spec || t;
  if (spec.connectionId) return 'connection ' + spec.connectionId;
  if (spec.user) return 'user ' + spec.user;
  if (spec.symbol) return 'symbol ' + spec.symbol;
  return t.describe || '';
}

// The operations dashboard (/dashboard/ on the monitor's port). It is fed live over the SockJS event-bus bridge
// (/dashboard/eventbus, outbound only: monitor.figures every second per node, monitor.alerts, monitor.trace.<id>) and
// reads the admin REST API for the rest, always with the operator's admin token: from ?token= once (then removed from
// the address bar) or typed into the prompt, and kept in sessionStorage (this tab only).
import { Api } from './api.js';
import { EventBus } from './bus.js';
import { TimeChart, PALETTE } from './chart.js';
import { Figures } from './figures.js';
import { AlertsPanel } from './alerts.js';
import { QualityPanel } from './quality.js';
import { ConnectionsPanel } from './connections.js';
import { TracePanel } from './trace.js';
import * as fmt from './format.js';

const TOKEN_KEY = 'quotecast.ops.token';
const FIGURES = 'monitor.figures';
const ALERTS = 'monitor.alerts';
const $ = (sel) => document.querySelector(sel);

// ---- token ---------------------------------------------------------------------------------------------------------

function takeTokenFromUrl() {
  const url = new URL(location.href);
  const t = url.searchParams.get('token');
  if (t) {
    sessionStorage.setItem(TOKEN_KEY, t.trim());
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + (url.search || '') + url.hash);
  }
}

const token = () => sessionStorage.getItem(TOKEN_KEY);

// ---- state ---------------------------------------------------------------------------------------------------------

const figures = new Figures();
let running = false;
let bus = null;
let tickTimer = 0;
let alertsTimer = 0;
let channelsTimer = 0;
let lastTotals = null;

const api = new Api(token, (status, problem) => {
  if (!running && document.body.dataset.auth !== 'checking') return;
  stop();
  requireLogin(status === 403
    ? 'This token does not have the admin scope.'
    : `The token was refused${problem && problem.detail ? ': ' + problem.detail : ''}. It may have expired.`);
});

const alerts = new AlertsPanel($('#alerts'), api, { onChange: () => renderHeader() });
const quality = new QualityPanel($('#quality'), api);
let trace = null;
const connections = new ConnectionsPanel($('#connections'), api, { onTrace: (id) => trace && trace.traceConnection(id) });

// ---- charts --------------------------------------------------------------------------------------------------------

const charts = {
  connections: chartCard('#chart-connections', { format: fmt.compact, minMax: 5 }),
  messages: chartCard('#chart-messages', { format: fmt.compact, minMax: 10 }),
  bytes: chartCard('#chart-bytes', { format: (v) => fmt.bytes(v).replace(' ', ''), minMax: 1024 }),
  latency: chartCard('#chart-latency', { format: (v) => fmt.ms(v), minMax: 5 }),
};

function chartCard(sel, options) {
  const root = $(sel);
  const chart = new TimeChart(root.querySelector('canvas'), options);
  return { root, chart, legend: root.querySelector('.legend'), now: root.querySelector('.now'), key: '', hidden: new Set() };
}

/** The series of each chart: totals, and one line per node when there are several. */
function seriesFor(nodes) {
  const multi = nodes.length > 1;
  const nodeLines = (metric, prefix = '') => (multi ? nodes.map((n, i) => ({
    id: `${prefix}${n.id}`, label: `${prefix}${n.name}`, color: PALETTE[(i + 1) % PALETTE.length], width: 1.2,
    points: n.history[metric],
  })) : []);
  const total = (metric, label, color = PALETTE[0], extra = {}) => ({
    id: 'total-' + metric, label, color, width: 2.2, points: figures.total[metric], ...extra,
  });
  return {
    connections: [total('connections', multi ? 'cluster' : nodes[0]?.name || 'total', PALETTE[0], { fill: true }),
      ...nodeLines('connections')],
    messages: [total('messagesOut', 'out', PALETTE[0], { fill: true }), total('messagesIn', 'in', '#e5609a'),
      ...nodeLines('messagesOut', 'out ')],
    bytes: [total('bytesOut', multi ? 'cluster' : 'out', PALETTE[0], { fill: true }), ...nodeLines('bytesOut')],
    latency: [total('p99', 'p99', '#f0b541'), total('p50', 'p50', PALETTE[0]), ...nodeLines('p99', 'p99 ')],
  };
}

function updateCharts(nodes) {
  const all = seriesFor(nodes);
  for (const [name, card] of Object.entries(charts)) {
    const series = all[name];
    const key = series.map((s) => s.id + s.label).join('|');
    for (const s of series) s.hidden = card.hidden.has(s.id);
    card.chart.setSeries(series);
    if (key !== card.key) {
      card.key = key;
      fmt.fill(card.legend, series.map((s) => {
        const b = fmt.h('button', { type: 'button', 'aria-pressed': String(!card.hidden.has(s.id)), title: 'show or hide' },
          fmt.h('span', { class: 'swatch' }), s.label);
        b.querySelector('.swatch').style.background = s.color;
        b.addEventListener('click', () => {
          if (card.hidden.has(s.id)) card.hidden.delete(s.id);
          else card.hidden.add(s.id);
          b.setAttribute('aria-pressed', String(!card.hidden.has(s.id)));
          updateCharts(figures.list());
        });
        return b;
      }));
    }
  }
}

// ---- KPIs, header, nodes -------------------------------------------------------------------------------------------

function kpi(name, value, sub, level, raw) {
  const el = document.querySelector(`.kpi[data-kpi="${name}"]`);
  const v = el.querySelector('.value');
  if (v.textContent !== value) {
    v.textContent = value;
    v.classList.add('changed');
    requestAnimationFrame(() => requestAnimationFrame(() => v.classList.remove('changed')));
  }
  el.querySelector('.sub').textContent = sub;
  if (raw != null) el.dataset.value = String(raw);
  if (level) el.dataset.level = level;
  else delete el.dataset.level;
}

function renderKpis(t) {
  const tiers = Object.entries(t.connectionsByTier || {}).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`);
  kpi('connections', fmt.int(t.connections), tiers.join(' · ') || 'by tier: none', null, t.connections);
  kpi('subscriptions', fmt.int(t.subscriptions), `${fmt.int(t.feeds)} channel feeds`, null, t.subscriptions);
  kpi('messagesOut', fmt.rate(t.messagesOutPerSec), `dropped ${fmt.int(t.dropped)} · conflated ${fmt.int(t.conflated)}`,
    null, t.messagesOutPerSec);
  kpi('messagesIn', fmt.rate(t.messagesInPerSec), `${fmt.bytesRate(t.bytesInPerSec)} in`, null, t.messagesInPerSec);
  kpi('bytesOut', fmt.bytesRate(t.bytesOutPerSec), 'to clients', null, t.bytesOutPerSec);
  const l = t.latency || {};
  const p50 = l.p50Ms != null && l.p99Ms != null && l.p99Ms < 1000 ? fmt.ms(l.p50Ms).replace(' ms', '') : fmt.ms(l.p50Ms);
  kpi('latency', l.count ? `${p50} / ${fmt.ms(l.p99Ms)}` : '–', `${fmt.int(l.count)} publications in the last second`,
    l.p99Ms > 500 ? 'warn' : null, l.p99Ms);
  kpi('cpu', fmt.pct(t.cpuMax), `event-loop lag ${fmt.ms(t.eventLoopLagMsMax)}`,
    t.cpuMax > 0.9 ? 'critical' : t.cpuMax > 0.7 ? 'warn' : null, t.cpuMax);
  const heapShare = t.heapMaxBytes > 0 ? t.heapUsedBytes / t.heapMaxBytes : null;
  kpi('heap', fmt.bytes(t.heapUsedBytes), `of ${fmt.bytes(t.heapMaxBytes)} (${fmt.pct(heapShare)})`,
    heapShare > 0.9 ? 'critical' : heapShare > 0.75 ? 'warn' : null, t.heapUsedBytes);
}

function renderHeader() {
  const nodes = figures.list();
  const t = lastTotals || figures.totals();
  const firing = alerts.firing();
  const critical = firing.filter((a) => a.severity === 'critical').length;
  const silent = nodes.filter((n) => n.silent).length;
  const sourcesDown = Object.entries(t.sources || {}).filter(([s]) => s !== 'up').reduce((a, [, n]) => a + n, 0);
  let state = 'ok';
  let label = 'Healthy';
  if (!nodes.length) {
    state = 'unknown';
    label = 'No data';
  } else if (critical || silent || (t.sources && t.sources.down)) {
    state = 'critical';
    label = 'Critical';
  } else if (firing.length || sourcesDown) {
    state = 'warn';
    label = 'Degraded';
  }
  const pill = $('#cluster-state');
  pill.dataset.state = state;
  pill.textContent = label;
  $('#cluster-nodes').textContent = nodes.length
    ? `${nodes.length - silent}/${nodes.length} live · ${figures.clustered ? 'clustered' : 'single process'}` : '–';
  const sources = Object.entries(t.sources || {}).map(([s, n]) => `${n} ${s}`);
  $('#cluster-sources').textContent = sources.join(' · ') || 'none';
  $('#cluster-alerts').textContent = alerts.available === false ? 'n/a'
    : `${firing.length} firing${critical ? ` (${critical} critical)` : ''}`;
  kpi('alerts', alerts.available === false ? 'n/a' : String(firing.length),
    critical ? `${critical} critical` : firing.length ? 'see the alerts panel' : 'all quiet',
    critical ? 'critical' : firing.length ? 'warn' : null, firing.length);
}

function bar(share) {
  const b = fmt.h('span', { class: 'bar' }, fmt.h('i', { class: share > 0.9 ? 'critical' : share > 0.75 ? 'warn' : '' }));
  b.firstChild.style.width = `${Math.round(Math.max(0, Math.min(1, share || 0)) * 100)}%`;
  return b;
}

function nodeState(n) {
  if (n.silent) return 'silent';
  if (n.latest && n.latest.draining) return 'draining';
  const sources = (n.latest && n.latest.sources) || [];
  if (sources.some((s) => s.state === 'down')) return 'down';
  if (sources.some((s) => s.state && s.state !== 'up')) return 'degraded';
  return 'up';
}

/**
 * The nodes table, updated in place every second: a row per node keeps its elements (and the Drain button its focus
 * and hover); only texts change, and the action cell when its state does.
 */
function renderNodes(nodes) {
  const body = $('#nodes tbody');
  $('#nodes-note').textContent = figures.self ? `this monitor: ${figures.self}` : '';
  if (!nodes.length) {
    fmt.fill(body, fmt.h('tr', {}, fmt.h('td', { colspan: 11, class: 'placeholder' }, 'Waiting for the nodes\' figures…')));
    return;
  }
  const rows = nodes.map((n) => {
    let tr = body.querySelector(`tr[data-node="${CSS.escape(n.id)}"]`);
    if (!tr) {
      tr = fmt.h('tr', { dataset: { node: n.id, name: n.name } },
        fmt.h('td', {}, fmt.h('b', {}, n.name), n.id !== n.name ? fmt.h('span', { class: 'muted mono' }, ' ' + n.id.slice(0, 8)) : null),
        ...Array.from({ length: 10 }, (_, i) => fmt.h('td', { class: [2, 3, 4, 5, 7, 9].includes(i + 1) ? 'num' : '' })));
    }
    const f = n.latest || {};
    const state = nodeState(n);
    const heapShare = f.heapMaxBytes > 0 ? f.heapUsedBytes / f.heapMaxBytes : 0;
    const cells = tr.children;
    tr.dataset.state = state;
    setCell(cells[1], state, () => fmt.h('span', { class: 'pill small', dataset: { state } }, state));
    cells[2].textContent = fmt.int(f.connections);
    cells[3].textContent = fmt.int(f.subscriptions);
    cells[4].textContent = fmt.rate(f.messagesOutPerSec);
    cells[5].textContent = fmt.pct(f.cpu, 1);
    cells[6].title = `${fmt.bytes(f.heapUsedBytes)} of ${fmt.bytes(f.heapMaxBytes)}`;
    setCell(cells[6], `${Math.round(heapShare * 100)}|${fmt.bytes(f.heapUsedBytes)}`, () => [bar(heapShare), fmt.bytes(f.heapUsedBytes)]);
    cells[7].textContent = fmt.ms(f.eventLoopLagMs);
    const sources = f.sources || [];
    setCell(cells[8], sources.map((s) => `${s.source}:${s.state}`).join(' '), () => (sources.length
      ? sources.map((s) => fmt.h('span', { class: 'tag ' + (s.state || ''), title: s.reason || '' },
        `${s.source || s.name || 'source'}: ${s.state || '?'}`))
      : fmt.h('span', { class: 'muted' }, 'no quote role')));
    cells[9].textContent = fmt.duration(n.ageMs);
    const action = drainAction(n, state);
    setCell(cells[10], action.key, () => action.button);
    return tr;
  });
  if (rows.length !== body.children.length || rows.some((r, i) => body.children[i] !== r)) fmt.fill(body, rows);
}

/** Replaces a cell's content only when its key changed. */
function setCell(td, key, make) {
  if (td.dataset.key === key) return;
  td.dataset.key = key;
  fmt.fill(td, make());
}

// Drain state the figures do not carry: what this page asked for (drain answers {draining}), a pending confirmation
// and a request in flight, by node id.
const drained = new Set();
const confirming = new Map(); // node id -> until (ms)
const busy = new Set();

function drainAction(n, state) {
  const draining = state === 'draining' || drained.has(n.id);
  const confirm = !draining && (confirming.get(n.id) || 0) > Date.now();
  const key = `${draining}|${confirm}|${busy.has(n.id)}`;
  const label = draining ? 'Undrain' : confirm ? `Drain ${n.name}?` : 'Drain';
  const button = fmt.h('button', {
    type: 'button', class: 'btn small' + (confirm ? ' danger' : ''), disabled: busy.has(n.id), dataset: { action: draining ? 'undrain' : 'drain' },
    title: draining ? 'make the node ready and accept connections again'
      : confirm ? 'click again to drain: new connections refused, clients moved to other nodes'
        : 'refuse new connections and move clients to other nodes',
  }, label);
  button.addEventListener('click', async () => {
    if (!draining && !confirm) {
      confirming.set(n.id, Date.now() + 5000);
      renderNodes(figures.list());
      return;
    }
    confirming.delete(n.id);
    busy.add(n.id);
    renderNodes(figures.list());
    const r = await api.post(`/admin/${draining ? 'undrain' : 'drain'}?node=${encodeURIComponent(n.id)}`);
    busy.delete(n.id);
    if (r.ok) {
      if (r.data && r.data.draining) drained.add(n.id);
      else drained.delete(n.id);
    } else {
      $('#nodes-note').textContent = r.missing ? 'drain is not available on this server' : `${draining ? 'undrain' : 'drain'}: ${r.error}`;
    }
    renderNodes(figures.list());
  });
  return { key, button };
}

async function loadChannels() {
  const r = await api.get('/admin/subscriptions?top=12');
  const body = $('#channels .channels-body');
  if (!r.ok) {
    if (r.status !== 401 && r.status !== 403) {
      $('#channels-note').textContent = '';
      fmt.fill(body, fmt.h('span', { class: 'placeholder unavailable' },
        r.missing ? 'GET /admin/subscriptions is not available on this server (404).' : `GET /admin/subscriptions: ${r.error}`));
    }
    return;
  }
  const d = r.data || {};
  const byType = Object.entries(d.byType || {}).map(([k, v]) => `${k} ${fmt.int(v.subscriptions)}`);
  $('#channels-note').textContent = `${fmt.int(d.totalSubscriptions)} subscriptions on ${fmt.int(d.channelCount)} channels`
    + (byType.length ? ` (${byType.join(', ')})` : '') + ` · ${fmt.int(d.users)} users`;
  const channels = d.channels || [];
  fmt.fill(body, channels.length
    ? channels.map((c) => fmt.h('span', { class: 'chan', dataset: { ch: c.ch } }, c.ch, fmt.h('b', {}, fmt.int(c.subscribers))))
    : fmt.h('span', { class: 'muted' }, 'No subscriptions.'));
}

// ---- the live feed -------------------------------------------------------------------------------------------------

function tick() {
  const now = Date.now();
  if (bus && bus.state === 'live') lastTotals = figures.sample(now);
  else lastTotals = figures.totals(now);
  const nodes = figures.list(now);
  renderKpis(lastTotals);
  renderNodes(nodes);
  renderHeader();
  connections.setNodes(nodes);
  updateCharts(nodes);
  const t = lastTotals;
  charts.connections.now.textContent = fmt.int(t.connections);
  charts.messages.now.textContent = `${fmt.rate(t.messagesOutPerSec)} out`;
  charts.bytes.now.textContent = fmt.bytesRate(t.bytesOutPerSec);
  charts.latency.now.textContent = t.latency && t.latency.count ? `p99 ${fmt.ms(t.latency.p99Ms)}` : '–';
  document.body.dataset.figures = String(figures.heard);
  if (alerts.alerts.size) alerts.render(); // "firing for ..." keeps counting
}

function busUrl() {
  const base = new URL('eventbus', location.origin + location.pathname);
  base.searchParams.set('token', token() || '');
  return base.toString();
}

function setBusState(state, detail) {
  document.body.dataset.bus = state;
  const pill = $('#bus-state');
  pill.dataset.state = state;
  pill.textContent = state === 'live' ? `live · ${detail.transport || 'sockjs'}` : state;
  pill.title = detail && detail.code ? `closed ${detail.code} ${detail.reason || ''}` : '';
  if (state === 'reconnecting' && detail && detail.code === 4401) {
    // the bridge closes a socket when its token expires: no point reconnecting with it
    stop();
    requireLogin('The admin token expired. Paste a new one.');
    return;
  }
  if (state === 'reconnecting' && detail && !detail.wasOpen) {
    // refused before it opened: the token may have expired (api's onAuthError then asks for a new one)
    api.get('/admin/stats');
  }
  if (state === 'live') {
    alerts.load(); // catch up with what happened while the feed was down
    $('#updated').textContent = 'connected ' + fmt.time(Date.now());
  }
}

async function start() {
  document.body.dataset.auth = 'checking';
  const r = await api.get('/admin/stats');
  if (!r.ok) {
    if (r.status !== 401 && r.status !== 403) {
      requireLogin(`The operations port answered ${r.status || 'nothing'}: ${r.error}`);
    }
    return;
  }
  running = true;
  document.body.dataset.auth = 'ok';
  $('#login').hidden = true;
  $('#logout').hidden = false;
  figures.acceptStats(r.data);
  bus = new EventBus(busUrl, {
    onState: setBusState,
    onError: (frame) => console.warn('event-bus bridge refused a frame:', frame.body),
    // ?sockjsTransports=xhr-streaming forces a fallback (as behind a proxy without WebSocket)
    transports: (new URL(location.href).searchParams.get('sockjsTransports') || 'websocket,xhr-streaming,xhr-polling')
      .split(',').map((x) => x.trim()).filter(Boolean),
  });
  bus.register(FIGURES, (f) => {
    figures.accept(f);
    $('#updated').textContent = 'updated ' + fmt.time(Date.now());
  });
  bus.register(ALERTS, (a) => alerts.upsert(a));
  bus.open();
  trace = new TracePanel($('#trace'), api, bus);
  tick();
  tickTimer = setInterval(tick, 1000);
  alerts.load();
  alertsTimer = setInterval(() => alerts.load(), 30000);
  quality.start();
  loadChannels();
  channelsTimer = setInterval(() => { if (!document.hidden) loadChannels(); }, 5000);
  connections.start();
  trace.listRecent();
}

function stop() {
  running = false;
  clearInterval(tickTimer);
  clearInterval(alertsTimer);
  clearInterval(channelsTimer);
  quality.stop();
  connections.stop();
  if (trace) trace.detach();
  if (bus) bus.close();
  bus = null;
}

function requireLogin(message) {
  document.body.dataset.auth = 'required';
  $('#login').hidden = false;
  $('#logout').hidden = true;
  const err = $('#login-error');
  err.hidden = !message;
  err.textContent = message || '';
  $('#login-token').value = '';
  $('#login-token').focus();
}

$('#login-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const t = $('#login-token').value.trim();
  if (!t) return;
  sessionStorage.setItem(TOKEN_KEY, t);
  start();
});

$('#logout').addEventListener('click', () => {
  stop();
  sessionStorage.removeItem(TOKEN_KEY);
  requireLogin('Signed out.');
});

takeTokenFromUrl();
if (token()) start();
else requireLogin(null);

// for tests and the curious: the live state of the page
window.dashboard = { figures, alerts, quality, connections, get trace() { return trace; }, get bus() { return bus; } };

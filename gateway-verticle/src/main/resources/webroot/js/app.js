// Quotecast demo page: a live quote board, symbol search, and for the selected symbol a 5-level book, recent
// trades and an intraday 1-minute K-line chart. Vanilla ES modules, no build step, no external resources. The
// connection is the Quotecast JS client (quotecast.js, docs/JS-CLIENT.md): reconnects, resubscribes with `since`,
// resumes gaps and reports what it could not recover; this page only renders.

import { QuotecastClient, Reset } from './quotecast.js';
import { KlineChart } from './chart.js';

const params = new URLSearchParams(location.search);
const TOKEN = params.get('token') || '';
const TRANSPORT = ['websocket', 'sockjs'].includes(params.get('transport')) ? params.get('transport') : 'auto';
const STORE_KEY = 'quotecast.demo.watchlist';

// The default watchlist: large caps of both exchanges and every board (main, ChiNext, STAR), one Beijing name and
// one ST name (both found with the symbol search in the shipped universe). A symbol the server does not know is
// rejected with suggestions and leaves the board.
const DEFAULT_WATCHLIST = [
  '600519.SH', '000001.SZ', '300750.SZ', '601318.SH', '600036.SH', '000858.SZ',
  '688981.SH', '002594.SZ', '601398.SH', '000333.SZ', '920077.BJ', '000078.SZ',
];
const MAX_TRADES = 60;
const MAX_BARS = 240;

// ---- helpers ---------------------------------------------------------------------------------------------------

const $ = (sel, root = document) => root.querySelector(sel);
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k.startsWith('data-')) e.setAttribute(k, v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids) if (kid != null) e.append(kid);
  return e;
};
const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
const p2 = (v) => (isNum(v) ? v.toFixed(2) : '–');
const signed = (v) => (isNum(v) ? (v > 0 ? '+' : '') + v.toFixed(2) : '–');
const pct = (v) => (isNum(v) ? (v > 0 ? '+' : '') + v.toFixed(2) + '%' : '–');
const dir = (v) => (!isNum(v) || v === 0 ? 'flat' : v > 0 ? 'up' : 'down');
function big(v) {
  if (!isNum(v)) return '–';
  const a = Math.abs(v);
  if (a >= 1e8) return (v / 1e8).toFixed(2) + '亿';
  if (a >= 1e4) return (v / 1e4).toFixed(2) + '万';
  return String(Math.round(v));
}
const tz = { timeZone: 'Asia/Shanghai', hour12: false };
const hms = new Intl.DateTimeFormat('en-GB', { ...tz, hour: '2-digit', minute: '2-digit', second: '2-digit' });
const fmtTime = (ms) => (isNum(ms) ? hms.format(new Date(ms)) : '–');
const canonical = (s) => String(s || '').trim().toUpperCase();
const SYMBOL_RE = /^\d{6}\.(SH|SZ|BJ)$/;
const quoteCh = (s) => `quote:${s}`;
const tradeCh = (s) => `trade:${s}`;
const klineCh = (s) => `kline:1m:${s}`;
// The client keeps prices as exact decimal strings ("1725.50"); this page only draws and colours them, so it takes
// numbers, like the REST answers it mixes them with.
const DECIMAL_RE = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;
function numeric(v) {
  if (typeof v === 'string') return DECIMAL_RE.test(v) ? Number(v) : v;
  if (Array.isArray(v)) return v.map(numeric);
  if (v && typeof v === 'object') {
    const o = {};
    for (const [k, x] of Object.entries(v)) o[k] = k === 'symbol' || k === 'name' ? x : numeric(x);
    return o;
  }
  return v;
}

async function api(path) {
  const headers = { Accept: 'application/json' };
  if (TOKEN) headers.Authorization = `Bearer ${TOKEN}`;
  const res = await fetch(path, { headers });
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (!res.ok) {
    const err = new Error((body && (body.detail || body.title)) || `HTTP ${res.status}`);
    err.problem = body || { status: res.status };
    throw err;
  }
  return body;
}

// ---- state -----------------------------------------------------------------------------------------------------

const state = {
  watchlist: [], // symbols in board order
  meta: new Map(), // symbol -> listing info (name, st, board, exchange, limitUp, ...)
  quotes: new Map(), // symbol -> latest quote
  selected: null,
  trades: [], // selected symbol's trades, newest first
  tradeIds: new Set(),
  bars: new Map(), // openTime -> kline of the selected symbol
  dirtyRows: new Set(),
  dirtyDetail: false,
  dirtyTrades: false,
  newTradeIds: new Set(),
};

// Connects to the page's own gateway, or the least loaded one it lists (GET /api/v1/endpoints).
const conn = new QuotecastClient({
  transport: TRANSPORT,
  token: TOKEN || undefined,
  client: 'quotecast-demo/1',
  // e.g. ?transport=sockjs&sockjsTransports=xhr-streaming to prove the plain-HTTP path
  sockJsTransports: params.get('sockjsTransports') ? params.get('sockjsTransports').split(',') : undefined,
  autoConnect: false,
});
let freq = 'realtime'; // wanted for every channel of the page
const subs = new Map(); // channel -> Subscription
const chart = new KlineChart($('#kline'));
window.quotecast = { conn, state, chart, subs }; // for the console and the browser tests

// ---- log -------------------------------------------------------------------------------------------------------

function log(level, text) {
  const ol = $('#log');
  ol.prepend(el('li', { class: level }, el('span', { class: 't', text: fmtTime(Date.now()) }), text));
  while (ol.children.length > 200) ol.lastChild.remove();
}

// ---- render scheduling -----------------------------------------------------------------------------------------

let rafPending = false;
function schedule() {
  if (rafPending) return;
  rafPending = true;
  requestAnimationFrame(() => {
    rafPending = false;
    for (const s of state.dirtyRows) renderRow(s);
    state.dirtyRows.clear();
    if (state.dirtyDetail) {
      state.dirtyDetail = false;
      renderDetail();
    }
    if (state.dirtyTrades) {
      state.dirtyTrades = false;
      renderTrades();
    }
  });
}

function flash(node, cls) {
  node.classList.remove('flash-up', 'flash-down', 'flash-flat');
  void node.offsetWidth; // restart the animation
  node.classList.add(cls);
}

// ---- board -----------------------------------------------------------------------------------------------------

function rowOf(sym) {
  return $(`#board tbody tr[data-symbol="${sym}"]`);
}

function tagsFor(sym, q) {
  const m = state.meta.get(sym) || {};
  const frag = document.createDocumentFragment();
  const name = (q && q.name) || m.name || '';
  if (m.st || /ST/.test(name)) frag.append(el('span', { class: 'tag st', text: 'ST' }));
  if (sym.endsWith('.BJ')) frag.append(el('span', { class: 'tag bj', text: '北交所' }));
  const up = (q && q.limitUp) ?? m.limitUp;
  const down = (q && q.limitDown) ?? m.limitDown;
  if (q && isNum(q.last) && isNum(up) && q.last >= up) frag.append(el('span', { class: 'tag limit', text: '涨停' }));
  if (q && isNum(q.last) && isNum(down) && q.last <= down) frag.append(el('span', { class: 'tag limit down', text: '跌停' }));
  return frag;
}

function addRow(sym) {
  if (rowOf(sym)) return;
  const tr = el('tr', { 'data-symbol': sym, onclick: () => select(sym) },
    el('td', { class: 'l sym', text: sym }),
    el('td', { class: 'l name', text: state.meta.get(sym)?.name || '…' }),
    el('td', { class: 'last', text: '–' }),
    el('td', { class: 'chg', text: '–' }),
    el('td', { class: 'pct', text: '–' }),
    el('td', { class: 'vol', text: '–' }),
    el('td', { class: 'amt', text: '–' }),
    el('td', { class: 'x' }, el('button', {
      type: 'button', title: 'remove from board', text: '×',
      onclick: (e) => { e.stopPropagation(); removeSymbol(sym); },
    })));
  $('#board tbody').append(tr);
  if (sym === state.selected) tr.classList.add('selected');
}

function renderRow(sym) {
  const tr = rowOf(sym);
  const q = state.quotes.get(sym);
  if (!tr || !q) return;
  const prev = tr._q;
  tr._q = q;
  const cells = tr.children;
  const d = dir(q.change);
  const name = q.name || state.meta.get(sym)?.name || '';
  cells[1].replaceChildren(name, tagsFor(sym, q));
  for (const [i, text] of [[2, p2(q.last)], [3, signed(q.change)], [4, pct(q.changePct)]]) {
    cells[i].textContent = text;
    cells[i].classList.remove('up', 'down', 'flat');
    cells[i].classList.add(d);
  }
  cells[5].textContent = big(q.volume);
  cells[6].textContent = big(q.amount);
  if (prev) {
    if (q.last !== prev.last) flash(cells[2], q.last > prev.last ? 'flash-up' : 'flash-down');
    if (q.volume !== prev.volume) flash(cells[5], 'flash-flat');
  }
  tr.dataset.last = String(q.last);
  tr.dataset.volume = String(q.volume);
}

function saveWatchlist() {
  try {
    localStorage.setItem(STORE_KEY, JSON.stringify(state.watchlist));
  } catch { /* private mode */ }
}

function loadWatchlist() {
  const fromUrl = params.get('symbols');
  if (fromUrl) return { list: fromUrl.split(',').map(canonical).filter((s) => SYMBOL_RE.test(s)), stored: true };
  try {
    const s = JSON.parse(localStorage.getItem(STORE_KEY) || 'null');
    if (Array.isArray(s) && s.length) return { list: s.map(canonical).filter((x) => SYMBOL_RE.test(x)), stored: true };
  } catch { /* ignore */ }
  return { list: DEFAULT_WATCHLIST.slice(), stored: false };
}

/** Adds a symbol to the board (subscribing its quote channel). Resolves false if the server rejects it. */
async function addSymbol(sym, persist = true) {
  sym = canonical(sym);
  if (!state.watchlist.includes(sym)) {
    state.watchlist.push(sym);
    addRow(sym);
    if (persist) saveWatchlist();
  }
  if (subs.has(quoteCh(sym))) return true;
  try {
    await subscribe(quoteCh(sym), onQuote).ready;
    return true;
  } catch (e) {
    // refused (INVALID_SYMBOL, LIMIT_EXCEEDED, ...): shown by the `rejected` handler, which also drops the row
    return false;
  }
}

function subscribe(ch, onUpdate) {
  if (subs.has(ch)) return subs.get(ch);
  const sub = conn.subscribe(ch, { freq, onUpdate });
  subs.set(ch, sub);
  return sub;
}

function unsubscribe(...chs) {
  for (const ch of chs) {
    subs.get(ch)?.unsubscribe();
    subs.delete(ch);
  }
}

function dropRow(sym) {
  state.watchlist = state.watchlist.filter((s) => s !== sym);
  rowOf(sym)?.remove();
  state.quotes.delete(sym);
  saveWatchlist();
}

function removeSymbol(sym) {
  dropRow(sym);
  unsubscribe(quoteCh(sym));
  if (state.selected === sym) select(state.watchlist[0] || null);
}

function rememberMeta(x) {
  if (!x || !x.symbol) return;
  state.meta.set(x.symbol, { ...(state.meta.get(x.symbol) || {}), ...x });
}

// ---- selection / detail ----------------------------------------------------------------------------------------

async function select(sym) {
  if (sym === state.selected) return;
  if (sym && !state.watchlist.includes(sym)) {
    // a new symbol: put it on the board first; if the server rejects it, the current selection stays
    state.pendingSelect = sym;
    const ok = await addSymbol(sym);
    if (!ok || state.pendingSelect !== sym) return;
  }
  state.pendingSelect = null;
  const prev = state.selected;
  if (sym === prev) return;
  state.selected = sym;
  for (const tr of document.querySelectorAll('#board tbody tr.selected')) tr.classList.remove('selected');
  if (prev) unsubscribe(tradeCh(prev), klineCh(prev));
  state.trades = [];
  state.tradeIds.clear();
  state.bars.clear();
  chart.clear();
  state.dirtyDetail = true;
  state.dirtyTrades = true;
  schedule();
  if (!sym) {
    history.replaceState(null, '', location.pathname + location.search);
    return;
  }
  rowOf(sym)?.classList.add('selected');
  history.replaceState(null, '', location.pathname + location.search + '#' + sym);
  subscribe(tradeCh(sym), onTrade);
  subscribe(klineCh(sym), onKline);
  loadHistory(sym);
}

async function loadHistory(sym) {
  const [k, t] = await Promise.allSettled([
    api(`/api/v1/klines/${encodeURIComponent(sym)}?interval=1m&limit=${MAX_BARS}`),
    api(`/api/v1/trades/${encodeURIComponent(sym)}?limit=50`),
  ]);
  if (state.selected !== sym) return;
  if (k.status === 'fulfilled') {
    for (const b of k.value.klines || []) if (!state.bars.has(b.openTime)) state.bars.set(b.openTime, b);
    updateChart();
  } else {
    log('warn', `K-line history of ${sym}: ${k.reason.message}`);
    showProblem(sym, k.reason.problem);
  }
  if (t.status === 'fulfilled') addTrades(t.value.trades || []);
  else log('warn', `trades of ${sym}: ${t.reason.message}`);
}

function updateChart() {
  const bars = [...state.bars.values()].sort((a, b) => a.openTime - b.openTime);
  if (bars.length > MAX_BARS) {
    for (const b of bars.slice(0, bars.length - MAX_BARS)) state.bars.delete(b.openTime);
  }
  const q = state.quotes.get(state.selected);
  chart.setBars(bars.slice(-MAX_BARS), q?.preClose ?? state.meta.get(state.selected)?.preClose);
  const last = bars[bars.length - 1];
  $('#kline-info').textContent = bars.length ? `${bars.length} bars · last ${fmtTime(last.openTime).slice(0, 5)}${last.closed ? '' : ' (live)'}` : '–';
}

function addTrades(list) {
  let added = false;
  for (const t of list) {
    if (!t || t.symbol && t.symbol !== state.selected) continue;
    const key = t.tradeId ?? `${t.time}-${t.price}-${t.volume}`;
    if (state.tradeIds.has(key)) continue;
    state.tradeIds.add(key);
    state.trades.push(t);
    state.newTradeIds.add(key);
    added = true;
  }
  if (!added) return;
  state.trades.sort((a, b) => (b.time - a.time) || ((b.tradeId ?? 0) - (a.tradeId ?? 0)));
  if (state.trades.length > MAX_TRADES) {
    for (const t of state.trades.splice(MAX_TRADES)) state.tradeIds.delete(t.tradeId ?? `${t.time}-${t.price}-${t.volume}`);
  }
  state.dirtyTrades = true;
  schedule();
}

function renderTrades() {
  const ol = $('#trades');
  const items = state.trades.map((t) => {
    const key = t.tradeId ?? `${t.time}-${t.price}-${t.volume}`;
    const side = t.side === 'buy' ? 'up' : t.side === 'sell' ? 'down' : 'flat';
    return el('li', { class: state.newTradeIds.has(key) && ol.children.length ? 'new' : null, 'data-trade-id': t.tradeId },
      el('span', { text: fmtTime(t.time) }),
      el('span', { class: side, text: p2(t.price) }),
      el('span', { text: String(t.volume ?? '–') }),
      el('span', { class: side, text: t.side === 'buy' ? 'B' : t.side === 'sell' ? 'S' : '·' }));
  });
  state.newTradeIds.clear();
  ol.replaceChildren(...items);
  $('#trades-count').textContent = state.trades.length ? `(${state.trades.length})` : '';
}

function renderDetail() {
  const sym = state.selected;
  const q = sym ? state.quotes.get(sym) : null;
  const m = sym ? state.meta.get(sym) || {} : {};
  $('#sel-name').textContent = q?.name || m.name || (sym ? '…' : '–');
  $('#sel-symbol').textContent = sym ? `${sym}${m.board ? ' · ' + m.board : ''}${q?.phase ? ' · ' + q.phase : ''}` : 'select a symbol';
  $('#sel-tags').replaceChildren(sym ? tagsFor(sym, q) : '');
  const d = dir(q?.change);
  const last = $('#sel-last');
  const moved = q && last._sym === sym && last._v !== undefined && q.last !== last._v;
  last.textContent = p2(q?.last);
  last.classList.remove('up', 'down', 'flat');
  last.classList.add(d);
  if (moved) flash(last, q.last > last._v ? 'flash-up' : 'flash-down');
  last._v = q?.last;
  last._sym = sym;
  $('#sel-chg').textContent = q ? signed(q.change) : '';
  $('#sel-chg').className = d;
  $('#sel-pct').textContent = q ? pct(q.changePct) : '';
  $('#sel-pct').className = d;
  const stats = [
    ['open', p2(q?.open)], ['high', p2(q?.high)], ['low', p2(q?.low)], ['pre', p2(q?.preClose ?? m.preClose)],
    ['time', fmtTime(q?.time)],
    ['vol', big(q?.volume)], ['amt', big(q?.amount)], ['limit↑', p2(q?.limitUp ?? m.limitUp)], ['limit↓', p2(q?.limitDown ?? m.limitDown)],
  ];
  $('#sel-stats').replaceChildren(...stats.map(([k, v]) => el('div', {}, el('dt', { text: k }), el('dd', { text: v }))));
  renderBook(q);
}

function renderBook(q) {
  const book = $('#book');
  const asks = (q?.asks || []).slice(0, 5);
  const bids = (q?.bids || []).slice(0, 5);
  let max = 0;
  for (const [, s] of [...asks, ...bids]) if (s > max) max = s;
  const cn = ['一', '二', '三', '四', '五'];
  const level = (side, i, lv) => {
    const [price, size] = lv || [];
    const pd = q && isNum(price) ? dir(price - q.preClose) : 'flat';
    return el('div', { class: `level ${side}${lv ? '' : ' empty'}`, 'data-level': i + 1 },
      el('div', { class: 'bar', style: `width:${lv && max ? ((size / max) * 100).toFixed(1) : 0}%` }),
      el('span', { class: 'lbl', text: (side === 'ask' ? '卖' : '买') + cn[i] }),
      el('span', { class: pd, text: lv ? p2(price) : '–' }),
      el('span', { text: lv ? String(size) : '–' }));
  };
  const rows = [];
  for (let i = 4; i >= 0; i--) rows.push(level('ask', i, asks[i]));
  let mid = '–';
  if (asks.length && bids.length) mid = `spread ${(asks[0][0] - bids[0][0]).toFixed(2)}`;
  else if (q && !asks.length && bids.length) mid = 'limit up: no offers';
  else if (q && asks.length && !bids.length) mid = 'limit down: no bids';
  rows.push(el('div', { class: 'mid', text: mid }));
  for (let i = 0; i < 5; i++) rows.push(level('bid', i, bids[i]));
  book.replaceChildren(...rows);
  $('#book-spread').textContent = q?.phase && q.phase !== 'continuous' ? `(${q.phase})` : '';
}

// ---- suggestions (INVALID_SYMBOL) ------------------------------------------------------------------------------

function showSuggestions(what, message, suggestions) {
  const box = $('#suggest');
  const kids = [el('div', { text: `${what}: ${message || 'unknown symbol'}` })];
  if (suggestions && suggestions.length) {
    kids.push(el('span', { class: 'muted', text: 'did you mean ' }));
    for (const s of suggestions) {
      const text = typeof s === 'string' ? s : `${s.symbol} ${s.name || ''}`;
      const sym = canonical(text.split(/\s+/)[0]);
      kids.push(el('button', { type: 'button', class: 'btn', text, onclick: () => { box.hidden = true; select(sym); } }));
    }
  }
  kids.push(el('button', { type: 'button', class: 'btn', text: 'dismiss', onclick: () => { box.hidden = true; } }));
  box.replaceChildren(...kids);
  box.hidden = false;
}

function showProblem(sym, problem) {
  if (problem && problem.code === 'INVALID_SYMBOL') showSuggestions(sym, problem.detail, problem.suggestions);
}

// ---- search ----------------------------------------------------------------------------------------------------

const search = {
  input: $('#search'),
  list: $('#search-results'),
  results: [],
  active: -1,
  seq: 0,
  timer: 0,
};

function openList(open) {
  search.list.hidden = !open;
  search.input.parentElement.setAttribute('aria-expanded', String(open));
}

function renderResults() {
  const q = search.input.value.trim();
  const items = search.results.map((r, i) => el('li', {
    role: 'option', 'data-symbol': r.symbol, 'aria-selected': String(i === search.active),
    onmousedown: (e) => { e.preventDefault(); pick(r); },
  },
  el('span', { class: 'code', text: r.symbol }),
  el('span', {}, r.name || '', r.st ? el('span', { class: 'tag st', text: 'ST' }) : null),
  el('span', { class: 'meta', text: [r.board, r.pinyin].filter(Boolean).join(' · ') })));
  if (!items.length && q) {
    const sym = canonical(q);
    items.push(SYMBOL_RE.test(sym)
      ? el('li', { role: 'option', 'data-symbol': sym, onmousedown: (e) => { e.preventDefault(); pick({ symbol: sym }); } },
        el('span', { class: 'code', text: sym }), el('span', { class: 'muted', text: 'no match; subscribe anyway' }), el('span'))
      : el('li', { class: 'empty', text: 'no match' }));
  }
  search.list.replaceChildren(...items);
  openList(items.length > 0);
}

async function runSearch() {
  const q = search.input.value.trim();
  const my = ++search.seq;
  if (!q) {
    search.results = [];
    openList(false);
    return;
  }
  try {
    const r = await api(`/api/v1/symbols?q=${encodeURIComponent(q)}&limit=10`);
    if (my !== search.seq) return;
    search.results = r.results || [];
    for (const x of search.results) rememberMeta(x);
  } catch (e) {
    if (my !== search.seq) return;
    search.results = [];
    log('warn', 'search: ' + e.message);
  }
  search.active = search.results.length ? 0 : -1;
  renderResults();
}

function pick(r) {
  if (r.name) rememberMeta(r);
  search.input.value = '';
  search.results = [];
  openList(false);
  $('#suggest').hidden = true;
  select(canonical(r.symbol));
}

search.input.addEventListener('input', () => {
  clearTimeout(search.timer);
  search.timer = setTimeout(runSearch, 120);
});
search.input.addEventListener('keydown', (e) => {
  const n = search.list.children.length;
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    if (!search.results.length) return;
    e.preventDefault();
    search.active = (search.active + (e.key === 'ArrowDown' ? 1 : -1) + search.results.length) % search.results.length;
    renderResults();
  } else if (e.key === 'Enter') {
    e.preventDefault();
    if (search.results.length) pick(search.results[Math.max(0, search.active)]);
    else if (SYMBOL_RE.test(canonical(search.input.value))) pick({ symbol: canonical(search.input.value) });
  } else if (e.key === 'Escape') {
    openList(false);
  } else if (n === 0 && e.key === 'Tab') {
    openList(false);
  }
});
search.input.addEventListener('blur', () => setTimeout(() => openList(false), 100));
search.input.addEventListener('focus', () => { if (search.results.length) openList(true); });

// ---- connection wiring -----------------------------------------------------------------------------------------

let countdown = 0;
function renderConn(detail) {
  const s = conn.state;
  const pill = $('#conn-state');
  document.body.dataset.state = s;
  pill.dataset.state = s;
  clearInterval(countdown);
  if (s === 'reconnecting' && detail?.at) {
    const tick = () => { pill.textContent = `reconnecting in ${Math.max(0, (detail.at - Date.now()) / 1000).toFixed(1)} s`; };
    tick();
    countdown = setInterval(tick, 200);
  } else if (s === 'connecting') {
    pill.textContent = `connecting (${detail?.transport || ''})`;
  } else if (s === 'closed' && detail?.final) {
    pill.textContent = `closed: ${detail.reason || detail.code}`;
  } else {
    pill.textContent = s;
  }
  $('#reconnect').hidden = !(s === 'reconnecting' || s === 'closed');
  const w = conn.welcome;
  const connected = s === 'connected';
  document.body.dataset.transport = connected ? conn.transport : '';
  $('#conn-transport').textContent = connected
    ? conn.transport === 'sockjs' ? `sockjs${conn.transportDetail ? ' (' + conn.transportDetail + ')' : ''}` : 'websocket'
    : '–';
  $('#conn-node').textContent = connected ? w?.node ?? '–' : '–';
  $('#conn-id').textContent = connected ? w?.connectionId ?? '–' : '–';
  if (!connected) $('#conn-rtt').textContent = '–';
}

conn.addEventListener('state', (e) => {
  const d = e.detail;
  renderConn(d);
  if (d.state === 'connected') {
    const w = d.welcome || {};
    log('info', `connected via ${conn.transport}${conn.transportDetail ? ' (' + conn.transportDetail + ')' : ''} to ${w.node} as ${w.connectionId}` +
      (w.user ? ` · user ${w.user.id} (${w.user.tier})` : ''));
    applyFreqLimits(w);
  } else if (d.state === 'reconnecting') {
    log('warn', `connection lost (${d.code}${d.reason ? ' ' + d.reason : ''}); retrying in ${(d.delay / 1000).toFixed(1)} s`);
  } else if (d.state === 'closed' && d.final) {
    log('error', `connection closed (${d.code} ${d.reason || ''}); not retrying`);
  }
});
conn.addEventListener('rtt', (e) => { $('#conn-rtt').textContent = `${e.detail.rtt} ms`; });
conn.addEventListener('log', (e) => log(e.detail.level, e.detail.text));
conn.addEventListener('status', (e) => {
  const s = e.detail;
  const pill = $('#source-state');
  pill.dataset.state = s.state || '';
  pill.textContent = `${s.source || 'source'}: ${s.state || '?'}`;
  pill.title = s.reason || '';
  if (conn.state === 'connected' && s.since !== undefined) {
    log(s.state === 'up' ? 'info' : 'warn', `status ${s.source}: ${s.state}${s.reason ? ' — ' + s.reason : ''}`);
  }
});
conn.addEventListener('notice', (e) => {
  const n = e.detail;
  log('notice', `notice ${n.event}: ${n.message || ''}${n.reconnectAfterMs != null ? ` (reconnect after ${n.reconnectAfterMs} ms)` : ''}`);
});
conn.addEventListener('rejected', (e) => {
  const { channel: ch, error: r } = e.detail;
  const sym = ch.split(':').pop();
  subs.delete(ch);
  log('error', `rejected ${ch}: ${r.code} ${r.message || ''}`);
  if (ch.startsWith('quote:')) {
    // the board cannot show it: take the row away again
    dropRow(sym);
    if (state.selected === sym) select(state.watchlist[0] || null);
  }
  if (r.code === 'INVALID_SYMBOL') showSuggestions(sym, r.message, r.suggestions);
  else showSuggestions(ch, `${r.code}: ${r.message || ''}`, r.suggestions);
});
conn.addEventListener('subscribed', () => renderFreq());
conn.addEventListener('reset', (e) => {
  // The stream of a channel did not continue seamlessly. A new epoch: trade ids and bars of the old stream may
  // collide with the new one, start over from REST. Trades that could not be recovered: refill from REST.
  const { channel: ch, reason } = e.detail;
  const sym = state.selected;
  if (!sym || (ch !== tradeCh(sym) && ch !== klineCh(sym))) return;
  if (reason === Reset.NEW_EPOCH) {
    log('info', `${ch}: new epoch ${e.detail.epoch}; reloading`);
    if (ch === tradeCh(sym)) {
      state.trades = [];
      state.tradeIds.clear();
      state.dirtyTrades = true;
      schedule();
    } else {
      state.bars.clear();
    }
    loadHistory(sym);
  } else if (ch === tradeCh(sym)) {
    log('warn', `${ch}: ${reason === Reset.GAP ? 'a gap could not be filled' : 'missed trades not recovered'}; refilling from REST`);
    api(`/api/v1/trades/${encodeURIComponent(sym)}?limit=50`).then((r) => addTrades(r.trades || [])).catch(() => {});
  }
});

function onQuote(u) {
  const q = numeric(u.data);
  state.quotes.set(u.symbol, q);
  state.dirtyRows.add(u.symbol);
  if (u.symbol === state.selected) {
    state.dirtyDetail = true;
    chart.setPreClose(q.preClose);
  }
  schedule();
}

// The client delivers one update per trade; the page adds the trades that arrived together at once.
let tradeBatch = [];
function onTrade(u) {
  if (u.symbol !== state.selected) return;
  if (!tradeBatch.length) {
    queueMicrotask(() => {
      const list = tradeBatch;
      tradeBatch = [];
      addTrades(list);
    });
  }
  tradeBatch.push(numeric(u.data));
}

function onKline(u) {
  if (u.symbol !== state.selected || u.interval !== '1m') return;
  const b = numeric(u.data);
  if (isNum(b.openTime)) state.bars.set(b.openTime, b);
  updateChart();
}

$('#reconnect').addEventListener('click', () => conn.reconnect().catch(() => {}));
window.addEventListener('hashchange', () => {
  const sym = canonical(decodeURIComponent(location.hash.slice(1)));
  if (SYMBOL_RE.test(sym)) select(sym);
});

// ---- freq ------------------------------------------------------------------------------------------------------

function applyFreqLimits(w) {
  const order = w.freqs || ['realtime', '100ms', '250ms', '500ms', '1s', '3s', '5s', '10s', '1m'];
  const min = w.limits?.minFreq;
  const minIdx = min ? order.indexOf(min) : -1;
  for (const opt of $('#freq').options) {
    const idx = order.indexOf(opt.value);
    opt.disabled = minIdx > 0 && idx >= 0 && idx < minIdx;
    opt.title = opt.disabled ? `your tier's fastest is ${min}` : '';
  }
}

function renderFreq() {
  const freqs = new Set(conn.channels().filter((c) => c.subscribed).map((c) => c.freq).filter(Boolean));
  const want = $('#freq').value;
  const actual = [...freqs];
  $('#freq-actual').textContent = actual.length && (actual.length > 1 || actual[0] !== want) ? `(server: ${actual.join(', ')})` : '';
}

$('#freq').addEventListener('change', async (e) => {
  const f = e.target.value;
  freq = f;
  try {
    const r = await conn.setFreq(f);
    log('info', `freq ${f}` + (r ? ` for ${(r.updated || []).length} channels` : ''));
  } catch (err) {
    log('error', `update freq: ${err.data?.code || ''} ${err.message}`);
  }
  renderFreq();
});

// ---- start -----------------------------------------------------------------------------------------------------

function start() {
  const { list } = loadWatchlist();
  const wantFreq = params.get('freq');
  if (wantFreq && [...$('#freq').options].some((o) => o.value === wantFreq)) {
    $('#freq').value = wantFreq;
    freq = wantFreq;
  }
  state.watchlist = [];
  for (const s of list) {
    state.watchlist.push(s);
    addRow(s);
    subscribe(quoteCh(s), onQuote);
  }
  renderConn({});
  conn.connect().catch(() => {}); // failures show in the state pill and the log
  const fromHash = canonical(decodeURIComponent(location.hash.slice(1)));
  select(SYMBOL_RE.test(fromHash) ? fromHash : list[0] || null);
  renderDetail();
}

start();

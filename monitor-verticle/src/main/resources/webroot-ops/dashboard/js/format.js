// Number, size, duration and time formatting for the dashboard, and a tiny safe DOM helper. No dependencies.

const timeFmt = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const dateTimeFmt = new Intl.DateTimeFormat('en-GB', {
  month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
});

const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

/** 1234567 -> "1,234,567"; null -> "–". */
export function int(v) {
  return isNum(v) ? Math.round(v).toLocaleString('en-US') : '–';
}

/** Compact: 950, 12.3k, 4.56M. */
export function compact(v) {
  if (!isNum(v)) return '–';
  const a = Math.abs(v);
  if (a >= 1e9) return (v / 1e9).toFixed(a >= 1e10 ? 1 : 2) + 'G';
  if (a >= 1e6) return (v / 1e6).toFixed(a >= 1e7 ? 1 : 2) + 'M';
  if (a >= 1e4) return (v / 1e3).toFixed(1) + 'k';
  if (a >= 100) return String(Math.round(v));
  if (a >= 10) return v.toFixed(1).replace(/\.0$/, '');
  return v.toFixed(2).replace(/\.?0+$/, '') || '0';
}

/** A rate per second: "1.2k/s". */
export function rate(v) {
  return isNum(v) ? compact(v) + '/s' : '–';
}

/** Bytes in binary units: "12.3 MiB". */
export function bytes(v) {
  if (!isNum(v)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let x = Math.abs(v);
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  const s = i === 0 ? String(Math.round(x)) : x.toFixed(x >= 100 ? 0 : x >= 10 ? 1 : 2);
  return (v < 0 ? '-' : '') + s + ' ' + units[i];
}

export function bytesRate(v) {
  return isNum(v) ? bytes(v) + '/s' : '–';
}

/** Milliseconds: "0.8 ms", "12 ms", "1.5 s". */
export function ms(v) {
  if (!isNum(v)) return '–';
  if (v >= 10000) return (v / 1000).toFixed(0) + ' s';
  if (v >= 1000) return (v / 1000).toFixed(1) + ' s';
  if (v >= 10) return Math.round(v) + ' ms';
  return v.toFixed(1) + ' ms';
}

/** A 0..1 share as a percentage. */
export function pct(share, digits = 0) {
  return isNum(share) && share >= 0 ? (share * 100).toFixed(digits) + '%' : '–';
}

/** A duration for people: "45s", "3m 05s", "2h 10m", "3d 4h". */
export function duration(msValue) {
  if (!isNum(msValue)) return '–';
  let s = Math.max(0, Math.floor(msValue / 1000));
  if (s < 60) return s + 's';
  const m = Math.floor(s / 60);
  s %= 60;
  if (m < 60) return `${m}m ${String(s).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** "12s ago" for a past epoch-ms timestamp. */
export function ago(ts, now = Date.now()) {
  return isNum(ts) ? duration(now - ts) + ' ago' : '–';
}

export function time(ts) {
  return isNum(ts) ? timeFmt.format(new Date(ts)) : '–';
}

/** HH:MM:SS.mmm for trace events. */
export function timeMs(ts) {
  return isNum(ts) ? timeFmt.format(new Date(ts)) + '.' + String(Math.floor(ts % 1000)).padStart(3, '0') : '–';
}

export function dateTime(ts) {
  return isNum(ts) ? dateTimeFmt.format(new Date(ts)) : '–';
}

/**
 * Builds an element: h('td', {class: 'num', dataset: {v: 1}}, 'text', child...). Text is always set as text, never
 * parsed as HTML, so server data cannot inject markup.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v == null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'dataset') Object.entries(v).forEach(([dk, dv]) => { if (dv != null) el.dataset[dk] = dv; });
      else if (k === 'text') el.textContent = v;
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (v === true) el.setAttribute(k, '');
      else el.setAttribute(k, v);
    }
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c != null && c !== false));
}

// The alerts panel: GET /admin/alerts at start (and every 30 s, and after the live feed reconnects, to catch up), then
// every raise and resolve live from monitor.alerts. Firing alerts first (critical before warning, newest first), then
// the recently resolved ones.
import { unavailable } from './api.js';
import * as fmt from './format.js';

const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 };
const KEEP_RESOLVED = 50;
const RULE_NAMES = {
  latencyP99: 'Latency p99', sourceDown: 'Data source down', staleSymbols: 'Stale symbols',
  connectionDrop: 'Connection drop', cpu: 'CPU', heap: 'Heap', eventLoopLag: 'Event-loop lag',
};

export class AlertsPanel {
  constructor(root, api, { onChange } = {}) {
    this.root = root;
    this.api = api;
    this.list = root.querySelector('.alert-list');
    this.note = root.querySelector('#alerts-note');
    this.alerts = new Map(); // id -> alert
    this.fresh = new Set(); // ids that arrived live and have not been shown yet
    this.available = null;
    this.onChange = () => {};
    this.render();
    this.onChange = onChange || (() => {});
  }

  async load() {
    const r = await this.api.get('/admin/alerts');
    if (!r.ok) {
      if (r.status === 401 || r.status === 403) return;
      this.available = false;
      this.message = unavailable('GET', '/admin/alerts', r);
      this.render();
      return;
    }
    this.available = true;
    this.message = null;
    const listed = (r.data && r.data.alerts) || [];
    for (const a of listed) this.upsert(a, false);
    this.render();
  }

  /** An alert event from the bus (or the REST list): the newest state of that id wins. */
  upsert(a, live = true) {
    if (!a || a.id == null) return;
    const known = this.alerts.get(a.id);
    if (known && known.state === 'resolved' && a.state === 'firing' && !live) return; // the list is older
    if (live && (!known || known.state !== a.state)) this.fresh.add(a.id);
    this.alerts.set(a.id, { ...known, ...a });
    if (live) {
      this.available = this.available ?? true;
      this.render();
    }
  }

  firing() {
    return [...this.alerts.values()].filter((a) => a.state === 'firing');
  }

  sorted() {
    const firing = this.firing().sort((a, b) =>
      (SEVERITY_ORDER[a.severity] ?? 3) - (SEVERITY_ORDER[b.severity] ?? 3) || (b.since || 0) - (a.since || 0));
    const resolved = [...this.alerts.values()].filter((a) => a.state !== 'firing')
      .sort((a, b) => (b.resolvedAt || 0) - (a.resolvedAt || 0));
    for (const old of resolved.slice(KEEP_RESOLVED)) this.alerts.delete(old.id);
    return firing.concat(resolved.slice(0, KEEP_RESOLVED));
  }

  render() {
    const now = Date.now();
    const items = this.sorted();
    const firing = items.filter((a) => a.state === 'firing').length;
    this.note.textContent = this.available === false ? '' : `${firing} firing · ${items.length - firing} resolved`;
    this.root.dataset.firing = String(firing);
    if (this.available === false && !items.length) {
      fmt.fill(this.list, fmt.h('li', { class: 'placeholder unavailable' }, this.message));
    } else if (!items.length) {
      fmt.fill(this.list, fmt.h('li', { class: 'placeholder' },
        this.available == null ? 'Loading…' : 'No alerts. Everything is quiet.'));
    } else {
      fmt.fill(this.list, items.map((a) => this.item(a, now)));
    }
    this.fresh.clear();
    this.onChange(this);
  }

  item(a, now) {
    const firing = a.state === 'firing';
    const when = firing
      ? `firing for ${fmt.duration(now - (a.since || a.firedAt || now))}`
      : `resolved ${fmt.ago(a.resolvedAt, now)}${a.since && a.resolvedAt ? ` · lasted ${fmt.duration(a.resolvedAt - a.since)}` : ''}`;
    const unit = a.unit ? ' ' + a.unit : '';
    const value = a.value != null ? `value ${typeof a.value === 'number' ? fmt.compact(a.value) : a.value}${unit}` : null;
    const threshold = a.threshold != null ? `threshold ${a.threshold}${unit}` : null;
    return fmt.h('li', {
      class: 'alert' + (this.fresh.has(a.id) ? ' new' : ''),
      dataset: { id: a.id, rule: a.rule, state: a.state, severity: a.severity || 'warning', node: a.node },
    },
    fmt.h('div', { class: 'top' },
      fmt.h('span', { class: 'pill small', dataset: { state: firing ? (a.severity === 'critical' ? 'critical' : 'warn') : 'resolved' } },
        firing ? (a.severity || 'alert') : 'resolved'),
      fmt.h('span', { class: 'rule', title: a.rule }, RULE_NAMES[a.rule] || a.rule || 'alert'),
      a.node ? fmt.h('span', { class: 'tag' }, a.node) : null,
      fmt.h('span', { class: 'when', title: `since ${fmt.dateTime(a.since)}` }, when)),
    a.message ? fmt.h('div', { class: 'msg' }, a.message) : null,
    value || threshold ? fmt.h('div', { class: 'meta' }, [value, threshold].filter(Boolean).join(' · ')) : null);
  }
}

// The data-quality panel: GET /admin/quality (flagged symbols by default, all with the toggle), refreshed every 5 s.
import { unavailable } from './api.js';
import * as fmt from './format.js';

const REFRESH_MS = 5000;

export class QualityPanel {
  constructor(root, api) {
    this.root = root;
    this.api = api;
    this.body = root.querySelector('tbody');
    this.totals = root.querySelector('#quality-totals');
    this.all = root.querySelector('#quality-all');
    this.sort = root.querySelector('#quality-sort');
    this.all.addEventListener('change', () => this.load());
    this.sort.addEventListener('change', () => this.load());
    root.querySelector('#quality-refresh').addEventListener('click', () => this.load());
    this.timer = 0;
    this.loading = false;
    this.placeholder('Loading…');
  }

  start() {
    clearInterval(this.timer);
    this.timer = setInterval(() => { if (!document.hidden) this.load(); }, REFRESH_MS);
    return this.load();
  }

  stop() {
    clearInterval(this.timer);
  }

  async load() {
    if (this.loading) return;
    this.loading = true;
    try {
      const q = new URLSearchParams({ sort: this.sort.value, limit: this.all.checked ? '500' : '100' });
      if (!this.all.checked) q.set('flagged', 'true');
      const r = await this.api.get('/admin/quality?' + q);
      if (!r.ok) {
        if (r.status !== 401 && r.status !== 403) {
          this.totals.textContent = '';
          this.placeholder(unavailable('GET', '/admin/quality', r), true);
        }
        return;
      }
      this.render(r.data);
    } finally {
      this.loading = false;
    }
  }

  placeholder(text, unavailableRoute = false) {
    fmt.fill(this.body, fmt.h('tr', {}, fmt.h('td', { colspan: 11, class: 'placeholder' + (unavailableRoute ? ' unavailable' : '') }, text)));
  }

  render(report) {
    const t = report.totals || {};
    const parts = [`${fmt.int(t.symbols)} symbols`, `${fmt.int(t.flagged)} flagged`, `${fmt.int(t.stale)} stale`,
      `${fmt.int(t.gaps)} gaps`];
    if (t.invalid) parts.push(`${fmt.int(t.invalid)} invalid`);
    if (report.complete === false) parts.push('incomplete: a quote node did not answer');
    this.totals.textContent = parts.join(' · ');
    this.root.dataset.flagged = String(t.flagged ?? '');
    const rows = report.rows || [];
    if (!rows.length) {
      this.placeholder(this.all.checked ? 'No symbols.' : `No flagged symbols: all ${fmt.int(t.symbols)} are delivered cleanly.`);
      return;
    }
    fmt.fill(this.body, rows.map((r) => {
      const flags = r.flags || [];
      const invalid = r.invalid && typeof r.invalid === 'object' ? r.invalid.total : r.invalid;
      return fmt.h('tr', {
        class: r.stale ? 'stale' : flags.length ? 'flagged' : '',
        dataset: { symbol: r.symbol, flags: flags.join(' ') },
      },
      fmt.h('td', { class: 'mono' }, r.symbol),
      fmt.h('td', {}, r.name || ''),
      fmt.h('td', {}, r.owner || r.ownerId || '–'),
      fmt.h('td', { class: 'muted' }, r.phase || '–'),
      fmt.h('td', { class: 'num' }, fmt.int(r.updates)),
      fmt.h('td', { class: 'num', title: r.staleAfterMs ? `stale after ${fmt.ms(r.staleAfterMs)}` : null },
        r.lastUpdateAgeMs == null ? 'never' : fmt.duration(r.lastUpdateAgeMs)),
      fmt.h('td', { class: 'num' }, fmt.int(r.gaps)),
      fmt.h('td', { class: 'num' }, fmt.int(r.missing)),
      fmt.h('td', { class: 'num' }, fmt.int(r.outOfOrder)),
      fmt.h('td', { class: 'num' }, fmt.int(invalid)),
      fmt.h('td', {}, flags.length ? flags.map((f) => fmt.h('span', { class: 'tag ' + f }, f)) : fmt.h('span', { class: 'muted' }, 'ok')));
    }));
  }
}

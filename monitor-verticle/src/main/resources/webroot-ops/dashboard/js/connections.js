// Connection search: GET /admin/connections?user=&node=&sort=&limit=; a row opens GET /admin/connections/{id} with
// its subscriptions, a "Trace" shortcut and a "Close (4100)" button (POST /admin/connections/{id}/close, confirmed
// in place).
import { unavailable } from './api.js';
import * as fmt from './format.js';

const LIMIT = 100;

export class ConnectionsPanel {
  /** @param {{onTrace?: (connectionId: string) => void}} hooks */
  constructor(root, api, hooks = {}) {
    this.root = root;
    this.api = api;
    this.onTrace = hooks.onTrace || (() => {});
    this.body = root.querySelector('tbody');
    this.note = root.querySelector('#conns-note');
    this.user = root.querySelector('#conn-user');
    this.node = root.querySelector('#conn-node');
    this.sort = root.querySelector('#conn-sort');
    this.detail = root.querySelector('#conn-detail');
    this.layout = root.querySelector('.conns-body');
    this.selected = null;
    this.seq = 0;
    root.querySelector('#conn-search').addEventListener('submit', (e) => {
      e.preventDefault();
      this.search();
    });
    this.sort.addEventListener('change', () => this.search());
    this.node.addEventListener('change', () => this.search());
    this.body.addEventListener('click', (e) => {
      const row = e.target.closest('tr[data-id]');
      if (row) this.open(row.dataset.id);
    });
    this.placeholder('Search by user, or leave it empty to list every connection.');
  }

  /** Lists connections now and every 5 s (while the tab is visible). */
  start() {
    clearInterval(this.timer);
    this.timer = setInterval(() => { if (!document.hidden) this.search(true); }, 5000);
    return this.search();
  }

  stop() {
    clearInterval(this.timer);
  }

  /** Keeps the node filter's options in step with the nodes the dashboard knows. */
  setNodes(nodes) {
    const names = nodes.map((n) => n.name);
    const current = [...this.node.options].slice(1).map((o) => o.value);
    if (names.join('\u0000') === current.join('\u0000')) return;
    const keep = this.node.value;
    fmt.fill(this.node, fmt.h('option', { value: '' }, 'all nodes'), names.map((n) => fmt.h('option', { value: n }, n)));
    this.node.value = names.includes(keep) ? keep : '';
  }

  placeholder(text, unavailableRoute = false) {
    fmt.fill(this.body, fmt.h('tr', {}, fmt.h('td', { colspan: 11, class: 'placeholder' + (unavailableRoute ? ' unavailable' : '') }, text)));
  }

  async search(quiet = false) {
    const seq = ++this.seq;
    const q = new URLSearchParams({ sort: this.sort.value, limit: String(LIMIT) });
    if (this.user.value.trim()) q.set('user', this.user.value.trim());
    if (this.node.value) q.set('node', this.node.value);
    if (!quiet) this.note.textContent = 'searching…';
    const r = await this.api.get('/admin/connections?' + q);
    if (seq !== this.seq) return;
    if (!r.ok) {
      this.note.textContent = '';
      if (r.status !== 401 && r.status !== 403) this.placeholder(unavailable('GET', '/admin/connections', r), !!r.missing);
      return;
    }
    const d = r.data || {};
    const list = d.connections || [];
    this.root.dataset.total = String(d.total ?? list.length);
    this.note.textContent = `${fmt.int(d.total ?? list.length)} matching${d.total > list.length ? `, first ${list.length} shown` : ''}`
      + (d.gateways != null ? ` · ${d.gateways} gateway instances answered` : '');
    if (!list.length) {
      this.placeholder(this.user.value.trim() ? `No connections of user "${this.user.value.trim()}".` : 'No connections.');
      return;
    }
    const now = Date.now();
    fmt.fill(this.body, list.map((c) => fmt.h('tr', {
      class: c.connectionId === this.selected ? 'selected' : '',
      dataset: { id: c.connectionId, user: c.user },
      tabindex: 0,
      title: `${c.remoteAddress || ''} ${c.client ? '· ' + c.client : ''}`.trim(),
    },
    fmt.h('td', { class: 'mono' }, c.connectionId),
    fmt.h('td', {}, c.user || fmt.h('span', { class: 'muted' }, '(not authenticated)')),
    fmt.h('td', {}, c.tier || '–'),
    fmt.h('td', {}, c.node || '–'),
    fmt.h('td', { class: 'muted' }, c.transport || '–'),
    fmt.h('td', { class: 'num' }, c.connectedAt ? fmt.duration(now - c.connectedAt) : '–'),
    fmt.h('td', { class: 'num' }, fmt.int(c.subscriptions)),
    fmt.h('td', { class: 'num' }, fmt.compact(c.sent)),
    fmt.h('td', { class: 'num' }, c.queueBytes == null ? '–' : fmt.bytes(c.queueBytes)),
    fmt.h('td', { class: 'num' }, fmt.int(c.dropped)),
    fmt.h('td', { class: 'num' }, c.rttMs == null ? '–' : fmt.ms(c.rttMs)))));
  }

  close() {
    this.selected = null;
    this.detail.hidden = true;
    this.layout.classList.remove('with-detail');
    this.body.querySelectorAll('tr.selected').forEach((r) => r.classList.remove('selected'));
  }

  async open(id) {
    this.selected = id;
    this.body.querySelectorAll('tr[data-id]').forEach((r) => r.classList.toggle('selected', r.dataset.id === id));
    this.detail.hidden = false;
    this.layout.classList.add('with-detail');
    this.detail.dataset.id = id;
    fmt.fill(this.detail, fmt.h('div', { class: 'placeholder' }, 'Loading ' + id + '…'));
    const r = await this.api.get('/admin/connections/' + encodeURIComponent(id));
    if (this.selected !== id) return;
    if (!r.ok) {
      if (r.status === 404 && !r.missing) {
        fmt.fill(this.detail, this.head(id, null), fmt.h('div', { class: 'placeholder' }, `Connection ${id} is gone (closed).`));
      } else if (r.status !== 401 && r.status !== 403) {
        fmt.fill(this.detail, this.head(id, null),
          fmt.h('div', { class: 'placeholder unavailable' }, unavailable('GET', '/admin/connections/{id}', r)));
      }
      return;
    }
    this.renderDetail(r.data);
  }

  head(id, c) {
    return fmt.h('div', { class: 'head' },
      fmt.h('span', { class: 'id' }, id),
      c && c.user ? fmt.h('span', { class: 'tag' }, c.user) : null,
      c && c.tier ? fmt.h('span', { class: 'tag' }, c.tier) : null,
      fmt.h('span', { class: 'spacer' }),
      fmt.h('button', { type: 'button', class: 'btn small', onclick: () => this.close(), 'aria-label': 'close the detail' }, '×'));
  }

  renderDetail(c) {
    const now = Date.now();
    const rows = [
      ['node', `${c.node || '–'}${c.member && c.member !== c.node ? ` (${c.member})` : ''}`],
      ['transport', c.transport],
      ['remote address', c.remoteAddress],
      ['client', c.client || '–'],
      ['connected', c.connectedAt ? `${fmt.dateTime(c.connectedAt)} (${fmt.duration(now - c.connectedAt)})` : '–'],
      ['last activity', c.lastActivity ? fmt.ago(c.lastActivity, now) : '–'],
      ['sent / received', `${fmt.int(c.sent)} / ${fmt.int(c.received)} messages, ${fmt.bytes(c.bytesSent)} out`],
      ['send queue', c.queueBytes == null ? '–' : fmt.bytes(c.queueBytes)],
      ['conflated / dropped / held', `${fmt.int(c.conflated)} / ${fmt.int(c.dropped)} / ${fmt.int(c.held)}`],
      ['RTT', c.rttMs == null ? '– (SockJS or no ping yet)' : fmt.ms(c.rttMs)],
      ['ack lag', c.ackLag == null ? '–' : fmt.int(c.ackLag)],
      ['scopes', (c.scopes || []).join(' ') || '–'],
      ['token expires', c.expiresAt ? fmt.dateTime(c.expiresAt) : '–'],
      ['traces', (c.traces || []).join(', ') || '–'],
    ];
    const channels = c.channels || [];
    const subs = fmt.h('div', { class: 'subs' },
      fmt.h('table', { class: 'grid-table' },
        fmt.h('thead', {}, fmt.h('tr', {},
          fmt.h('th', {}, 'Channel'), fmt.h('th', {}, 'Freq'), fmt.h('th', { class: 'num' }, 'Seq'),
          fmt.h('th', { class: 'num' }, 'Sent'), fmt.h('th', { class: 'num' }, 'Conflated'), fmt.h('th', { class: 'num' }, 'Last sent'))),
        fmt.h('tbody', {}, channels.length ? channels.map((s) => fmt.h('tr', { dataset: { ch: s.ch } },
          fmt.h('td', { class: 'mono' }, s.ch),
          fmt.h('td', {}, s.freq || '–'),
          fmt.h('td', { class: 'num' }, s.seq == null ? '–' : fmt.int(s.seq)),
          fmt.h('td', { class: 'num' }, fmt.int(s.sent)),
          fmt.h('td', { class: 'num' }, fmt.int(s.conflated)),
          fmt.h('td', { class: 'num' }, s.lastSentAt ? fmt.ago(s.lastSentAt, now) : '–')))
          : fmt.h('tr', {}, fmt.h('td', { colspan: 6, class: 'placeholder' }, 'No subscriptions.')))));
    const status = fmt.h('span', { class: 'muted', id: 'conn-close-status', role: 'status' });
    const closeBtn = fmt.h('button', { type: 'button', class: 'btn danger', id: 'conn-close' }, 'Close (4100)');
    const actions = fmt.h('div', { class: 'actions' },
      fmt.h('button', { type: 'button', class: 'btn', id: 'conn-trace', onclick: () => this.onTrace(c.connectionId) }, 'Trace this connection'),
      closeBtn, status);
    closeBtn.addEventListener('click', () => this.confirmClose(c, actions, status));
    fmt.fill(this.detail, this.head(c.connectionId, c),
      fmt.h('dl', {}, rows.flatMap(([k, v]) => [fmt.h('dt', {}, k), fmt.h('dd', {}, v == null ? '–' : String(v))])),
      fmt.h('h3', {}, `Subscriptions (${channels.length})`), subs, actions);
  }

  confirmClose(c, actions, status) {
    const reason = fmt.h('input', { type: 'text', id: 'conn-close-reason', placeholder: 'reason (optional)', 'aria-label': 'reason' });
    const yes = fmt.h('button', { type: 'button', class: 'btn danger', id: 'conn-close-confirm' }, `Close ${c.connectionId}`);
    const no = fmt.h('button', { type: 'button', class: 'btn' }, 'Cancel');
    fmt.fill(actions, fmt.h('span', {}, 'The client will not reconnect on its own.'), reason, yes, no, status);
    no.addEventListener('click', () => this.open(c.connectionId));
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      const body = reason.value.trim() ? { reason: reason.value.trim() } : {};
      const r = await this.api.post('/admin/connections/' + encodeURIComponent(c.connectionId) + '/close', body);
      if (r.ok) {
        status.textContent = `closed with ${r.data && r.data.code ? r.data.code : 4100}`;
        this.detail.dataset.closed = 'true';
        const head = this.detail.querySelector('.head .id');
        if (head) head.after(fmt.h('span', { class: 'pill small', dataset: { state: 'closed' } }, 'closed'));
        fmt.fill(actions, status);
        setTimeout(() => this.search(), 300);
      } else {
        yes.disabled = false;
        status.textContent = r.status === 404 && !r.missing ? 'already gone' : unavailable('POST', '/admin/connections/{id}/close', r);
      }
    });
  }
}

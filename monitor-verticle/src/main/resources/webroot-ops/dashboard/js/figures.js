// The cluster's figures as the dashboard hears them: each node's latest (monitor.figures, every second per node, or
// GET /admin/stats at start) and a 5-minute history per node and for the whole cluster, one point a second.
// Totals are computed like the monitor's ClusterFigures: sums of the additive figures, the worst CPU and lag, and the
// latency percentiles of the merged histograms (never an average of percentiles).

/** A node not heard from for this long is "silent"; after SILENT_DROP_MS it leaves the table. */
export const SILENT_MS = 3500;
export const SILENT_DROP_MS = 60000;

/** Quantile q of cumulative histogram counts (last element: total) over bounds, as Prometheus estimates it. */
export function quantile(boundsMs, counts, q) {
  const total = counts[counts.length - 1];
  if (!(total > 0)) return null;
  const rank = q * total;
  for (let i = 0; i < boundsMs.length; i++) {
    if (counts[i] >= rank) {
      const lower = i === 0 ? 0 : boundsMs[i - 1];
      const below = i === 0 ? 0 : counts[i - 1];
      const inBucket = counts[i] - below;
      if (inBucket <= 0) return lower;
      return lower + ((boundsMs[i] - lower) * (rank - below)) / inBucket;
    }
  }
  return boundsMs.length ? boundsMs[boundsMs.length - 1] : null;
}

/** {count, p50Ms, p99Ms} over the nodes' latest latency histograms. */
export function mergedLatency(figures) {
  let bounds = null;
  let counts = null;
  let otherCount = 0;
  let otherP50 = null;
  let otherP99 = null;
  for (const f of figures) {
    const l = f.latency;
    if (!l || !Array.isArray(l.boundsMs) || !Array.isArray(l.counts) || l.counts.length !== l.boundsMs.length + 1) continue;
    if (!bounds) {
      bounds = l.boundsMs;
      counts = new Array(l.counts.length).fill(0);
    }
    if (bounds.length === l.boundsMs.length && bounds.every((b, i) => b === l.boundsMs[i])) {
      l.counts.forEach((c, i) => { counts[i] += c; });
    } else {
      otherCount += l.count || 0;
      otherP50 = Math.max(otherP50 ?? -Infinity, l.p50Ms ?? -Infinity);
      otherP99 = Math.max(otherP99 ?? -Infinity, l.p99Ms ?? -Infinity);
    }
  }
  if (!bounds) return { count: 0, p50Ms: null, p99Ms: null };
  const max = (a, b) => (a == null || a === -Infinity ? b : b == null ? a : Math.max(a, b));
  return {
    count: counts[counts.length - 1] + otherCount,
    p50Ms: max(quantile(bounds, counts, 0.5), otherP50 === -Infinity ? null : otherP50),
    p99Ms: max(quantile(bounds, counts, 0.99), otherP99 === -Infinity ? null : otherP99),
  };
}

const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** What a chart plots of one node's (or the total's) figures. */
export const METRICS = {
  connections: (f) => num(f.connections),
  messagesOut: (f) => num(f.messagesOutPerSec),
  messagesIn: (f) => num(f.messagesInPerSec),
  bytesOut: (f) => num(f.bytesOutPerSec),
  p50: (f) => (f.latency && f.latency.p50Ms != null ? f.latency.p50Ms : null),
  p99: (f) => (f.latency && f.latency.p99Ms != null ? f.latency.p99Ms : null),
};

function emptyHistory() {
  return Object.fromEntries(Object.keys(METRICS).map((k) => [k, []]));
}

export class Figures {
  constructor(windowMs = 300000) {
    this.windowMs = windowMs;
    this.nodes = new Map(); // node id -> {id, name, latest, receivedAt, history}
    this.total = emptyHistory();
    this.heard = 0;
    this.clustered = false;
    this.self = null;
  }

  /** One node's figures, heard at `now` (client clock: the charts' time axis). */
  accept(f, now = Date.now()) {
    if (!f || typeof f.node !== 'string') return;
    let n = this.nodes.get(f.node);
    if (!n) {
      n = { id: f.node, name: f.name || f.node, history: emptyHistory() };
      this.nodes.set(f.node, n);
    }
    n.name = f.name || n.name;
    n.latest = f;
    n.receivedAt = now;
    this.heard++;
    for (const [k, read] of Object.entries(METRICS)) this.push(n.history[k], now, read(f));
  }

  /** GET /admin/stats: every node's latest (no history). */
  acceptStats(stats, now = Date.now()) {
    this.clustered = !!stats.clustered;
    this.self = stats.self || this.self;
    for (const f of stats.nodes || []) {
      const at = now - (f.ageMs || 0);
      if (!this.nodes.has(f.node)) {
        this.nodes.set(f.node, { id: f.node, name: f.name || f.node, history: emptyHistory(), latest: f, receivedAt: at });
      }
    }
  }

  push(list, t, v) {
    list.push([t, v]);
    const cut = t - this.windowMs - 5000;
    let drop = 0;
    while (drop < list.length && list[drop][0] < cut) drop++;
    if (drop) list.splice(0, drop);
  }

  /** Nodes heard from within SILENT_DROP_MS, sorted by name; each with `silent` when quiet for SILENT_MS. */
  list(now = Date.now()) {
    for (const [id, n] of this.nodes) if (now - n.receivedAt > SILENT_DROP_MS) this.nodes.delete(id);
    return [...this.nodes.values()]
      .map((n) => Object.assign(n, { silent: now - n.receivedAt > SILENT_MS, ageMs: now - n.receivedAt }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  /** Cluster totals over the nodes that are not silent. */
  totals(now = Date.now()) {
    const live = this.list(now).filter((n) => !n.silent && n.latest).map((n) => n.latest);
    const sum = (k) => live.reduce((a, f) => a + num(f[k]), 0);
    const cpus = live.map((f) => f.cpu).filter((c) => typeof c === 'number' && c >= 0);
    const sources = {};
    for (const f of live) {
      for (const s of f.sources || []) if (s && s.state) sources[s.state] = (sources[s.state] || 0) + 1;
    }
    const byTier = {};
    for (const f of live) for (const [k, v] of Object.entries(f.connectionsByTier || {})) byTier[k] = (byTier[k] || 0) + num(v);
    return {
      nodes: live.length,
      connections: sum('connections'),
      connectionsByTier: byTier,
      subscriptions: sum('subscriptions'),
      feeds: sum('feeds'),
      messagesInPerSec: sum('messagesInPerSec'),
      messagesOutPerSec: sum('messagesOutPerSec'),
      bytesInPerSec: sum('bytesInPerSec'),
      bytesOutPerSec: sum('bytesOutPerSec'),
      heapUsedBytes: sum('heapUsedBytes'),
      heapMaxBytes: sum('heapMaxBytes'),
      dropped: sum('dropped'),
      conflated: sum('conflated'),
      cpuMax: cpus.length ? Math.max(...cpus) : null,
      eventLoopLagMsMax: live.length ? Math.max(...live.map((f) => num(f.eventLoopLagMs))) : null,
      latency: mergedLatency(live),
      sources,
    };
  }

  /** Adds this second's cluster totals to the total history (called every second while the bridge is live). */
  sample(now = Date.now()) {
    const t = this.totals(now);
    if (!t.nodes) return t;
    for (const [k, read] of Object.entries(METRICS)) this.push(this.total[k], now, read(t));
    return t;
  }
}

// Unit tests (Node only, no server, no browser) of the dashboard's figures model: the cluster totals it charts must
// agree with the monitor's own (ClusterFigures, Quantiles): sums, the worst CPU and lag, latency percentiles of the
// merged histograms, silent nodes left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Figures, quantile, mergedLatency, SILENT_MS } from '../../monitor-verticle/src/main/resources/webroot-ops/dashboard/js/figures.js';

const BOUNDS = [1, 2, 5, 10, 20, 50, 100];

/** Cumulative counts (and the total) from per-bucket counts, as NodeFigures sends them. */
function cumulative(perBucket) {
  let sum = 0;
  return perBucket.map((c) => (sum += c));
}

function node(id, overrides = {}) {
  return {
    node: id, name: 'node-' + id, connections: 10, subscriptions: 20, feeds: 5, messagesInPerSec: 1, messagesOutPerSec: 100,
    bytesInPerSec: 10, bytesOutPerSec: 1000, heapUsedBytes: 100, heapMaxBytes: 1000, cpu: 0.2, eventLoopLagMs: 3,
    connectionsByTier: { free: 4, pro: 6 }, sources: [{ source: 'simulator', state: 'up' }],
    latency: { count: 0, p50Ms: null, p99Ms: null, boundsMs: BOUNDS, counts: cumulative([0, 0, 0, 0, 0, 0, 0, 0]) },
    ...overrides,
  };
}

test('quantile: linear within the bucket, as histogram_quantile and the monitor estimate it', () => {
  const counts = cumulative([10, 10, 0, 0, 0, 0, 0, 0]); // 10 at <=1 ms, 10 in (1, 2]
  assert.equal(quantile(BOUNDS, counts, 0.5), 1);
  assert.equal(quantile(BOUNDS, counts, 0.75), 1.5);
  assert.equal(quantile(BOUNDS, cumulative([0, 0, 0, 0, 0, 0, 0, 0]), 0.5), null, 'no recordings');
  assert.equal(quantile(BOUNDS, cumulative([0, 0, 0, 0, 0, 0, 0, 4]), 0.99), 100, '+Inf answers the largest bound');
});

test('mergedLatency adds the histograms bucket by bucket instead of averaging percentiles', () => {
  const fast = node('a', { latency: { count: 99, p50Ms: 0.5, p99Ms: 1, boundsMs: BOUNDS, counts: cumulative([99, 0, 0, 0, 0, 0, 0, 0]) } });
  const slow = node('b', { latency: { count: 1, p50Ms: 75, p99Ms: 99.5, boundsMs: BOUNDS, counts: cumulative([0, 0, 0, 0, 0, 0, 1, 0]) } });
  const m = mergedLatency([fast, slow]);
  assert.equal(m.count, 100);
  assert.equal(m.p50Ms, quantile(BOUNDS, cumulative([99, 0, 0, 0, 0, 0, 1, 0]), 0.5));
  assert.ok(m.p99Ms <= 1, `p99 of the merged histogram: ${m.p99Ms}`);
  const other = node('c', { latency: { count: 3, p50Ms: 7, p99Ms: 300, boundsMs: [10, 1000], counts: [1, 3, 3] } });
  assert.equal(mergedLatency([fast, other]).p99Ms, 300, 'other bounds count with their own percentiles, the worst kept');
  assert.deepEqual(mergedLatency([]), { count: 0, p50Ms: null, p99Ms: null });
});

test('Figures: totals over live nodes, silent ones left out, a history point per figure', () => {
  const f = new Figures();
  const t0 = 1_000_000;
  f.accept(node('a', { cpu: 0.5, eventLoopLagMs: 40 }), t0);
  f.accept(node('b', { sources: [{ source: 'simulator', state: 'down' }] }), t0);
  let t = f.totals(t0 + 500);
  assert.equal(t.nodes, 2);
  assert.equal(t.connections, 20);
  assert.deepEqual(t.connectionsByTier, { free: 8, pro: 12 });
  assert.equal(t.messagesOutPerSec, 200);
  assert.equal(t.cpuMax, 0.5);
  assert.equal(t.eventLoopLagMsMax, 40);
  assert.deepEqual(t.sources, { up: 1, down: 1 });
  f.accept(node('a', { connections: 15 }), t0 + SILENT_MS);
  const nodes = f.list(t0 + SILENT_MS + 10);
  assert.deepEqual(nodes.map((n) => [n.name, n.silent]), [['node-a', false], ['node-b', true]]);
  t = f.sample(t0 + SILENT_MS + 10);
  assert.equal(t.connections, 15, 'only the live node counts');
  assert.deepEqual(f.total.connections.map(([, v]) => v), [15]);
  assert.deepEqual(f.nodes.get('a').history.connections.map(([, v]) => v), [10, 15]);
  // history keeps the window (5 min) and a little more
  f.accept(node('a'), t0 + 400000);
  assert.deepEqual(f.nodes.get('a').history.connections.map(([time]) => time), [t0 + 400000]);
});

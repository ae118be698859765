package io.quotecast.monitor;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One node's figures as it publishes them every second on {@code monitor.figures}: levels (connections,
 * subscriptions, CPU, memory, event-loop lag, sources), per-second rates over the last interval, and the latency of
 * that interval as histogram counts (so a cluster total merges the histograms rather than averaging percentiles).
 * Pure: built from two {@link Reading}s, no Vert.x.
 */
final class NodeFigures {
  private NodeFigures() {}

  /**
   * Cumulative counters at one moment. {@code latencyCounts}: cumulative per bucket, then the total;
   * {@code cpuNanos}: CPU time the process used (-1 when unknown), shared by {@code processors}.
   */
  record Reading(long atMs, long messagesIn, long messagesOut, long bytesIn, long bytesOut, long[] latencyCounts,
                 long cpuNanos, int processors) {
  }

  /**
   * {@code levels} (connections, subscriptions, cpu, heap, lag, sources... as measured now) plus, from
   * {@code before} to {@code now}: {@code messagesInPerSec}, {@code messagesOutPerSec}, {@code bytesInPerSec},
   * {@code bytesOutPerSec}, {@code cpu} (the process's share of the machine, 0..1; -1 when unknown) and
   * {@code latency {count, p50Ms, p99Ms, boundsMs, counts}} of the interval.
   */
  static JsonObject of(JsonObject levels, Reading before, Reading now, double[] boundsMs) {
    JsonObject out = levels.copy();
    double seconds = before == null ? 0 : (now.atMs() - before.atMs()) / 1000.0;
    out.put("intervalMs", before == null ? 0 : now.atMs() - before.atMs());
    out.put("messagesInPerSec", rate(before == null ? 0 : now.messagesIn() - before.messagesIn(), seconds));
    out.put("messagesOutPerSec", rate(before == null ? 0 : now.messagesOut() - before.messagesOut(), seconds));
    out.put("bytesInPerSec", rate(before == null ? 0 : now.bytesIn() - before.bytesIn(), seconds));
    out.put("bytesOutPerSec", rate(before == null ? 0 : now.bytesOut() - before.bytesOut(), seconds));
    out.put("cpu", cpu(before, now));
    out.put("messagesIn", now.messagesIn()).put("messagesOut", now.messagesOut())
        .put("bytesIn", now.bytesIn()).put("bytesOut", now.bytesOut());
    long[] interval = Quantiles.delta(now.latencyCounts(), before == null ? now.latencyCounts() : before.latencyCounts());
    out.put("latency", latency(boundsMs, interval));
    return out;
  }

  /** {@code {count, p50Ms, p99Ms, boundsMs, counts}} of cumulative {@code counts} over {@code boundsMs}. */
  static JsonObject latency(double[] boundsMs, long[] counts) {
    JsonArray bounds = new JsonArray();
    for (double b : boundsMs) {
      bounds.add(b);
    }
    JsonArray cs = new JsonArray();
    for (long c : counts) {
      cs.add(c);
    }
    return new JsonObject().put("count", counts[counts.length - 1])
        .put("p50Ms", round(Quantiles.quantile(boundsMs, counts, 0.50)))
        .put("p99Ms", round(Quantiles.quantile(boundsMs, counts, 0.99)))
        .put("boundsMs", bounds).put("counts", cs);
  }

  /** CPU time used over the interval's wall time on all processors; -1 without two readings. */
  static double cpu(Reading before, Reading now) {
    if (before == null || before.cpuNanos() < 0 || now.cpuNanos() < 0 || now.atMs() <= before.atMs()) {
      return -1;
    }
    double wallNanos = (now.atMs() - before.atMs()) * 1_000_000.0 * Math.max(1, now.processors());
    double share = (now.cpuNanos() - before.cpuNanos()) / wallNanos;
    return Math.round(Math.min(1, Math.max(0, share)) * 1000) / 1000.0;
  }

  private static double rate(long delta, double seconds) {
    return seconds <= 0 ? 0 : Math.round(Math.max(0, delta) / seconds * 10) / 10.0;
  }

  static Double round(Double v) {
    return v == null ? null : Math.round(v * 100) / 100.0;
  }
}

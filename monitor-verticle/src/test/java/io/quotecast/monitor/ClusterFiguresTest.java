package io.quotecast.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Per-node figures and cluster totals, without Vert.x: quantiles, rates, merging, dropping departed nodes. */
class ClusterFiguresTest {
  private static final double[] BOUNDS = {1, 2, 5, 10};

  @Test
  void quantilesInterpolateWithinTheBucketLikeHistogramQuantile() {
    // 100 recordings: 50 at <=1 ms, 40 in (1,2], 9 in (2,5], 1 above 10 ms
    long[] counts = {50, 90, 99, 99, 100};
    assertEquals(1.0, Quantiles.quantile(BOUNDS, counts, 0.50), 1e-9);
    assertEquals(1.5, Quantiles.quantile(BOUNDS, counts, 0.70), 1e-9);
    assertEquals(5.0, Quantiles.quantile(BOUNDS, counts, 0.99), 1e-9);
    assertEquals(10.0, Quantiles.quantile(BOUNDS, counts, 0.999), 1e-9, "beyond the last bound: the bound");
    assertNull(Quantiles.quantile(BOUNDS, new long[] {0, 0, 0, 0, 0}, 0.5), "no recordings, no percentile");
    assertEquals(List.of(1L, 0L, 3L), asList(Quantiles.delta(new long[] {5, 5, 9}, new long[] {4, 5, 6})));
  }

  @Test
  void nodeFiguresHaveRatesCpuAndTheIntervalsLatency() {
    NodeFigures.Reading before = new NodeFigures.Reading(10_000, 10, 100, 1000, 50_000,
        new long[] {10, 10, 10, 10, 10}, 2_000_000_000L, 2);
    NodeFigures.Reading now = new NodeFigures.Reading(12_000, 30, 2100, 3000, 250_000,
        new long[] {60, 100, 109, 109, 110}, 3_000_000_000L, 2);
    JsonObject f = NodeFigures.of(new JsonObject().put("node", "n1").put("connections", 4), before, now, BOUNDS);
    assertEquals(4, f.getInteger("connections"), "levels pass through");
    assertEquals(2000L, f.getLong("intervalMs"));
    assertEquals(10.0, f.getDouble("messagesInPerSec"));
    assertEquals(1000.0, f.getDouble("messagesOutPerSec"));
    assertEquals(1000.0, f.getDouble("bytesInPerSec"));
    assertEquals(100_000.0, f.getDouble("bytesOutPerSec"));
    assertEquals(0.25, f.getDouble("cpu"), 1e-9, "1 s of CPU in 2 s on 2 processors");
    JsonObject latency = f.getJsonObject("latency");
    assertEquals(100L, latency.getLong("count"), "only the interval's recordings");
    assertEquals(1.0, latency.getDouble("p50Ms"), 1e-9);
    assertEquals(5.0, latency.getDouble("p99Ms"), 1e-9);
    assertEquals(new JsonArray().add(50L).add(90L).add(99L).add(99L).add(100L), latency.getJsonArray("counts"));

    JsonObject first = NodeFigures.of(new JsonObject().put("node", "n1"), null, now, BOUNDS);
    assertEquals(0.0, first.getDouble("messagesOutPerSec"), "no rates without an earlier reading");
    assertEquals(0L, first.getJsonObject("latency").getLong("count"));
    assertEquals(-1.0, first.getDouble("cpu"));
  }

  private static JsonObject figures(String node, long connections, double outPerSec, double cpu, long lagMs,
                                    long[] latencyCounts, String sourceState) {
    JsonObject f = new JsonObject().put("node", node).put("name", node + "-name")
        .put("connections", connections).put("subscriptions", connections * 2)
        .put("connectionsByTier", new JsonObject().put("free", connections).put("none", 0L))
        .put("subscriptionsByType", new JsonObject().put("quote", connections * 2))
        .put("messagesOutPerSec", outPerSec).put("bytesOutPerSec", outPerSec * 100)
        .put("cpu", cpu).put("heapUsedBytes", 100L).put("heapMaxBytes", 1000L).put("eventLoopLagMs", lagMs)
        .put("slowConsumerCloses", 1L).put("authFailures", 2L)
        .put("latency", NodeFigures.latency(BOUNDS, latencyCounts));
    if (sourceState != null) {
      f.put("sources", new JsonArray().add(new JsonObject().put("source", "simulator").put("state", sourceState)));
    }
    return f;
  }

  @Test
  void totalsAddNodesUpAndMergeTheirHistograms() {
    ClusterFigures cluster = new ClusterFigures();
    cluster.accept(figures("b", 3, 100, 0.5, 7, new long[] {98, 98, 98, 98, 98}, "up"), 1000);
    cluster.accept(figures("a", 2, 50.5, 0.1, 30, new long[] {0, 0, 0, 2, 2}, null), 1000);
    cluster.accept(figures("a", 5, 60, 0.2, 3, new long[] {0, 0, 0, 2, 2}, null), 1500); // a's newer figures win
    JsonObject json = cluster.toJson(2000);
    JsonArray nodes = json.getJsonArray("nodes");
    assertEquals(List.of("a", "b"), nodes.stream().map(o -> ((JsonObject) o).getString("node")).toList());
    assertEquals(500L, nodes.getJsonObject(0).getLong("ageMs"));
    JsonObject t = json.getJsonObject("totals");
    assertEquals(2, t.getInteger("nodes"));
    assertEquals(8L, t.getLong("connections"));
    assertEquals(16L, t.getLong("subscriptions"));
    assertEquals(new JsonObject().put("free", 8L).put("none", 0L), t.getJsonObject("connectionsByTier"));
    assertEquals(new JsonObject().put("quote", 16L), t.getJsonObject("subscriptionsByType"));
    assertEquals(160.0, t.getDouble("messagesOutPerSec"));
    assertEquals(16_000.0, t.getDouble("bytesOutPerSec"));
    assertEquals(200L, t.getLong("heapUsedBytes"));
    assertEquals(2L, t.getLong("slowConsumerCloses"));
    assertEquals(4L, t.getLong("authFailures"));
    assertEquals(0.5, t.getDouble("cpuMax"));
    assertEquals(0.35, t.getDouble("cpuAvg"), 1e-9);
    assertEquals(7L, t.getLong("eventLoopLagMsMax"), "a's old 30 ms was replaced by its newer figures");
    assertEquals(new JsonObject().put("up", 1L), t.getJsonObject("sources"));
    // 98 fast recordings on b, 2 slow ones on a: the merged p99 lies in a's (5,10] bucket, which neither node's
    // own p99 would tell from an average
    JsonObject latency = t.getJsonObject("latency");
    assertEquals(100L, latency.getLong("count"));
    assertEquals(0.51, latency.getDouble("p50Ms"), 1e-9);
    assertEquals(7.5, latency.getDouble("p99Ms"), 1e-9);
  }

  @Test
  void nodesThatLeftTheClusterOrFellSilentAreDropped() {
    ClusterFigures cluster = new ClusterFigures();
    cluster.accept(figures("a", 1, 0, 0, 0, new long[] {0, 0, 0, 0, 0}, "up"), 1000);
    cluster.accept(figures("b", 1, 0, 0, 0, new long[] {0, 0, 0, 0, 0}, "up"), 1000);
    cluster.accept(figures("c", 1, 0, 0, 0, new long[] {0, 0, 0, 0, 0}, "up"), 4000);
    cluster.accept(new JsonObject().put("connections", 9), 4000); // no node: ignored
    cluster.retain(List.of("a", "b", "c"), 6000);
    assertEquals(Set.of("a", "b", "c"), cluster.nodeIds(), "5 s of silence is still fine");
    cluster.retain(List.of("a", "c"), 6000);
    assertEquals(Set.of("a", "c"), cluster.nodeIds(), "b left the cluster");
    cluster.retain(List.of("a", "c"), 6001);
    assertEquals(Set.of("c"), cluster.nodeIds(), "a was silent for more than 5 s");
    assertEquals(1L, cluster.toJson(6001).getJsonObject("totals").getLong("connections"));
    cluster.accept(figures("a", 4, 0, 0, 0, new long[] {0, 0, 0, 0, 0}, "up"), 6500);
    cluster.retain(List.of("a", "c"), 6500);
    assertEquals(Set.of("a", "c"), cluster.nodeIds(), "a is back once it publishes again");
    cluster.retain(List.of(), 6500);
    assertTrue(cluster.nodeIds().isEmpty());
    JsonObject empty = cluster.toJson(7000);
    assertEquals(0, empty.getJsonObject("totals").getInteger("nodes"));
    assertNull(empty.getJsonObject("totals").getJsonObject("latency").getValue("p99Ms"));
  }

  @Test
  void histogramsWithOtherBoundsCountWithTheirOwnPercentiles() {
    JsonObject a = figures("a", 1, 0, 0, 0, new long[] {10, 10, 10, 10, 10}, null);
    JsonObject b = new JsonObject().put("node", "b")
        .put("latency", NodeFigures.latency(new double[] {100, 200}, new long[] {0, 10, 10}));
    JsonObject latency = ClusterFigures.mergedLatency(List.of(a, b));
    assertEquals(20L, latency.getLong("count"));
    assertEquals(199.0, latency.getDouble("p99Ms"), 1e-9, "the worst p99 of the two");
  }

  @Test
  void totalsTellTheWorstOverloadLevelAndHowManyNodesAreOverloaded() {
    JsonObject calm = figures("a", 1, 0, 0, 0, new long[] {0, 0, 0, 0, 0}, null)
        .put("overload", new JsonObject().put("level", 0).put("state", "normal"));
    JsonObject busy = figures("b", 1, 0, 0, 0, new long[] {0, 0, 0, 0, 0}, null)
        .put("overload", new JsonObject().put("level", 3).put("state", "shed_free"));
    JsonObject noGateway = figures("c", 0, 0, 0, 0, new long[] {0, 0, 0, 0, 0}, null).putNull("overload");
    JsonObject t = ClusterFigures.totals(List.of(calm, busy, noGateway));
    assertEquals(3, t.getInteger("overloadLevelMax"));
    assertEquals(1, t.getInteger("overloadedNodes"));
    JsonObject none = ClusterFigures.totals(List.of(noGateway));
    assertEquals(0, none.getInteger("overloadLevelMax"));
    assertEquals(0, none.getInteger("overloadedNodes"));
  }

  private static List<Long> asList(long[] a) {
    return java.util.Arrays.stream(a).boxed().toList();
  }
}

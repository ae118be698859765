package io.quotecast.monitor;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The latest {@link NodeFigures} of every node, as one monitor heard them on {@code monitor.figures}, and the cluster
 * totals. A node that left the cluster, or was silent for {@value #SILENT_MS} ms, is dropped. Pure (no Vert.x): the
 * caller passes the time and the live members, and runs everything on one event loop.
 */
final class ClusterFigures {
  /** A node that published nothing for this long is left out (it publishes every second). */
  static final long SILENT_MS = 5000;

  private record Entry(JsonObject figures, long receivedAt) {
  }

  private final Map<String, Entry> nodes = new TreeMap<>();

  /** Keeps {@code figures} (keyed by its {@code node}) as that node's latest. Ignores figures without a node. */
  void accept(JsonObject figures, long now) {
    String node = figures == null ? null : figures.getString("node");
    if (node != null) {
      nodes.put(node, new Entry(figures, now));
    }
  }

  /** Drops nodes that are not in {@code members} (left the cluster) or were silent too long. */
  void retain(Collection<String> members, long now) {
    Set<String> live = new HashSet<>(members);
    nodes.entrySet().removeIf(e -> !live.contains(e.getKey()) || now - e.getValue().receivedAt() > SILENT_MS);
  }

  Set<String> nodeIds() {
    return nodes.keySet();
  }

  /** {@code {at, nodes: [figures + ageMs], totals}}, nodes sorted by id. */
  JsonObject toJson(long now) {
    JsonArray list = new JsonArray();
    List<JsonObject> figures = new ArrayList<>();
    nodes.values().forEach(e -> {
      figures.add(e.figures());
      list.add(e.figures().copy().put("ageMs", now - e.receivedAt()));
    });
    return new JsonObject().put("at", now).put("nodes", list).put("totals", totals(figures));
  }

  /**
   * Sums of the additive figures (connections, subscriptions, rates, memory, counts), the worst of the others (CPU,
   * event-loop lag, overload level) with the CPU average and how many nodes are overloaded, latency percentiles of
   * the merged histograms, and source states counted.
   */
  static JsonObject totals(List<JsonObject> figures) {
    JsonObject t = new JsonObject().put("nodes", figures.size());
    for (String field : List.of("connections", "subscriptions", "feeds", "messagesIn", "messagesOut", "bytesIn",
        "bytesOut", "conflated", "dropped", "slowConsumerCloses", "authFailures", "rateLimitRefusals",
        "heapUsedBytes", "heapMaxBytes", "directBytes")) {
      t.put(field, figures.stream().mapToLong(f -> longOf(f, field)).sum());
    }
    for (String field : List.of("messagesInPerSec", "messagesOutPerSec", "bytesInPerSec", "bytesOutPerSec")) {
      t.put(field, Math.round(figures.stream().mapToDouble(f -> doubleOf(f, field)).sum() * 10) / 10.0);
    }
    t.put("connectionsByTier", sumObjects(figures, "connectionsByTier"));
    t.put("subscriptionsByType", sumObjects(figures, "subscriptionsByType"));
    double cpuMax = 0;
    double cpuSum = 0;
    int cpuNodes = 0;
    long lagMax = 0;
    for (JsonObject f : figures) {
      double cpu = doubleOf(f, "cpu");
      if (cpu >= 0) {
        cpuMax = Math.max(cpuMax, cpu);
        cpuSum += cpu;
        cpuNodes++;
      }
      lagMax = Math.max(lagMax, longOf(f, "eventLoopLagMs"));
    }
    t.put("cpuMax", cpuMax).put("cpuAvg", cpuNodes == 0 ? 0.0 : Math.round(cpuSum / cpuNodes * 1000) / 1000.0);
    t.put("eventLoopLagMsMax", lagMax);
    int overloadMax = 0;
    int overloaded = 0;
    for (JsonObject f : figures) {
      int level = f.getValue("overload") instanceof JsonObject o ? o.getInteger("level", 0) : 0;
      overloadMax = Math.max(overloadMax, level);
      overloaded += level > 0 ? 1 : 0;
    }
    t.put("overloadLevelMax", overloadMax).put("overloadedNodes", overloaded);
    t.put("latency", mergedLatency(figures));
    JsonObject states = new JsonObject();
    for (JsonObject f : figures) {
      JsonArray sources = f.getJsonArray("sources");
      if (sources != null) {
        for (Object o : sources) {
          if (o instanceof JsonObject s && s.getString("state") != null) {
            states.put(s.getString("state"), states.getLong(s.getString("state"), 0L) + 1);
          }
        }
      }
    }
    t.put("sources", states);
    return t;
  }

  /**
   * The interval's latency over all nodes: histograms with the same bounds are added bucket by bucket and the
   * percentiles read from the sum. Nodes configured with other bounds cannot be added in; they count with their own
   * percentiles, the worst of which is kept.
   */
  static JsonObject mergedLatency(List<JsonObject> figures) {
    JsonArray bounds = null;
    long[] counts = null;
    Double otherP50 = null;
    Double otherP99 = null;
    long otherCount = 0;
    for (JsonObject f : figures) {
      JsonObject latency = f.getJsonObject("latency");
      if (latency == null || latency.getJsonArray("boundsMs") == null || latency.getJsonArray("counts") == null) {
        continue;
      }
      JsonArray b = latency.getJsonArray("boundsMs");
      JsonArray c = latency.getJsonArray("counts");
      if (c.size() != b.size() + 1) {
        continue;
      }
      if (bounds == null) {
        bounds = b;
        counts = new long[c.size()];
      }
      if (bounds.equals(b)) {
        for (int i = 0; i < c.size(); i++) {
          counts[i] += c.getLong(i);
        }
      } else {
        otherCount += latency.getLong("count", 0L);
        otherP50 = max(otherP50, latency.getDouble("p50Ms"));
        otherP99 = max(otherP99, latency.getDouble("p99Ms"));
      }
    }
    if (bounds == null) {
      return new JsonObject().put("count", 0L).putNull("p50Ms").putNull("p99Ms");
    }
    double[] b = new double[bounds.size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = ((Number) bounds.getValue(i)).doubleValue();
    }
    JsonObject merged = NodeFigures.latency(b, counts);
    merged.put("count", merged.getLong("count") + otherCount)
        .put("p50Ms", max(merged.getDouble("p50Ms"), otherP50))
        .put("p99Ms", max(merged.getDouble("p99Ms"), otherP99));
    return merged;
  }

  private static Double max(Double a, Double b) {
    return a == null ? b : b == null ? a : Double.valueOf(Math.max(a, b));
  }

  private static JsonObject sumObjects(List<JsonObject> figures, String field) {
    Map<String, Long> sums = new TreeMap<>();
    for (JsonObject f : figures) {
      JsonObject o = f.getJsonObject(field);
      if (o != null) {
        o.forEach(e -> {
          if (e.getValue() instanceof Number n) {
            sums.merge(e.getKey(), n.longValue(), Long::sum);
          }
        });
      }
    }
    JsonObject out = new JsonObject();
    sums.forEach(out::put);
    return out;
  }

  private static long longOf(JsonObject f, String field) {
    return f.getValue(field) instanceof Number n ? n.longValue() : 0;
  }

  private static double doubleOf(JsonObject f, String field) {
    return f.getValue(field) instanceof Number n ? n.doubleValue() : 0;
  }
}

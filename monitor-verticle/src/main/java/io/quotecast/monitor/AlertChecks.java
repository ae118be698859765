package io.quotecast.monitor;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The stateless rules' {@link AlertRule.Check}s: each reads one figure of the node's {@link NodeFigures} (nothing is
 * measured again) and compares it with the rule's threshold. Pure.
 */
final class AlertChecks {
  /** Stale symbols named in an alert's details; the count says how many there are in all. */
  static final int STALE_SAMPLE = 20;

  private AlertChecks() {}

  /** {@code latency.p99Ms} of the last second; unknown without a sample in it. */
  static Observation latencyP99(AlertInputs in, AlertRule rule) {
    JsonObject latency = in.figures().getJsonObject("latency");
    Double p99 = latency == null ? null : number(latency.getValue("p99Ms"));
    if (p99 == null || latency.getLong("count", 0L) == 0) {
      return Observation.unknown("no latency sample in the last second");
    }
    boolean breached = p99 > rule.threshold;
    JsonObject details = new JsonObject().put("count", latency.getLong("count"))
        .put("p50Ms", latency.getValue("p50Ms")).put("p99Ms", p99);
    return Observation.of(p99, breached, "source-to-client latency p99 " + rule.show(p99)
        + (breached ? " above " : ", threshold ") + rule.show(rule.threshold), details);
  }

  /** How many of the node's data sources are down (or degraded too); unknown when the node has none. */
  static AlertRule.Check sourceDown(boolean includeDegraded) {
    return (in, rule) -> {
      JsonArray sources = in.figures().getJsonArray("sources");
      if (sources == null || sources.isEmpty()) {
        return Observation.unknown("no data source on this node");
      }
      JsonArray bad = new JsonArray();
      List<String> names = new ArrayList<>();
      for (Object o : sources) {
        if (o instanceof JsonObject s) {
          String state = s.getString("state");
          if ("down".equals(state) || includeDegraded && "degraded".equals(state)) {
            bad.add(s.copy());
            names.add(s.getString("source", "source") + " " + state
                + (s.getString("reason") == null ? "" : " (" + s.getString("reason") + ")"));
          }
        }
      }
      boolean breached = bad.size() > rule.threshold;
      String message = bad.isEmpty() ? "data sources up" : "data source " + String.join(", ", names);
      return Observation.of(bad.size(), breached, message,
          new JsonObject().put("sources", bad).put("includeDegraded", includeDegraded));
    };
  }

  /** How many symbols the node's quality report calls stale; unknown while no report answered. */
  static Observation staleSymbols(AlertInputs in, AlertRule rule) {
    List<String> stale = in.staleSymbols();
    if (stale == null) {
      return Observation.unknown("no data-quality report from this node");
    }
    boolean breached = stale.size() > rule.threshold;
    JsonObject details = new JsonObject().put("count", stale.size())
        .put("symbols", new JsonArray(new ArrayList<>(stale.subList(0, Math.min(STALE_SAMPLE, stale.size())))));
    return Observation.of(stale.size(), breached, rule.show(stale.size()) + " stale"
        + (breached ? ", more than " : ", threshold ") + number(rule.threshold), details);
  }

  /** The process's share of the machine's CPU, in %; unknown when the JVM does not tell. */
  static Observation cpu(AlertInputs in, AlertRule rule) {
    Double cpu = number(in.figures().getValue("cpu"));
    if (cpu == null || cpu < 0) {
      return Observation.unknown("process CPU not known");
    }
    double percent = Math.round(cpu * 1000) / 10.0;
    boolean breached = percent > rule.threshold;
    return Observation.of(percent, breached, "process CPU " + rule.show(percent)
        + (breached ? " above " : ", threshold ") + rule.show(rule.threshold), new JsonObject().put("cpu", cpu));
  }

  /** Heap used, in % of the maximum heap; unknown without a maximum. */
  static Observation heap(AlertInputs in, AlertRule rule) {
    Double used = number(in.figures().getValue("heapUsedBytes"));
    Double max = number(in.figures().getValue("heapMaxBytes"));
    if (used == null || max == null || max <= 0) {
      return Observation.unknown("maximum heap not known");
    }
    double percent = Math.round(used / max * 1000) / 10.0;
    boolean breached = percent > rule.threshold;
    return Observation.of(percent, breached, "heap used " + rule.show(percent)
            + (breached ? " above " : ", threshold ") + rule.show(rule.threshold),
        new JsonObject().put("heapUsedBytes", used.longValue()).put("heapMaxBytes", max.longValue()));
  }

  /** The worst event-loop lag of the last one to two seconds. */
  static Observation eventLoopLag(AlertInputs in, AlertRule rule) {
    Double lag = number(in.figures().getValue("eventLoopLagMs"));
    if (lag == null) {
      return Observation.unknown("event-loop lag not known");
    }
    boolean breached = lag > rule.threshold;
    return Observation.of(lag, breached, "event-loop lag " + rule.show(lag)
            + (breached ? " above " : ", threshold ") + rule.show(rule.threshold),
        new JsonObject().put("eventLoops", in.figures().getValue("eventLoops")));
  }

  static Double number(Object v) {
    return v instanceof Number n ? Double.valueOf(n.doubleValue()) : null;
  }

  /** {@code 812.5}, {@code 3} (no {@code .0}). */
  static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}

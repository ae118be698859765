package io.quotecast.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * S3's knee: over steps of rising simulator rate, the last step whose source-to-client p99 stayed within the threshold
 * before the first one that passed it. Its delivered messages/s is the fan-out the node sustains at that latency.
 */
final class Knee {
  private Knee() {}

  /** One step: the simulator rate it ran at and what the generators measured. */
  record Step(double rate, double delivered, double p50, double p99, double p999, double max, long missed,
      double missedPerSecond, long connected, double serverCpu, double generatorCpu, double machineBusy) {

    static Step of(double rate, JsonObject r) {
      JsonObject w = r.getJsonObject("window");
      JsonObject h = r.getJsonObject("latency").getJsonObject("sourceToClient");
      double secs = w.getDouble("seconds");
      return new Step(rate, w.getDouble("messagesPerSecond"), h.getDouble("p50", 0.0), h.getDouble("p99", 0.0),
          h.getDouble("p999", 0.0), h.getDouble("max", 0.0), w.getLong("missedSeq"),
          secs > 0 ? w.getLong("missedSeq") / secs : 0, r.getJsonObject("connections").getLong("connected"),
          r.getJsonObject("server").getDouble("cpuPercentOfOneCore", 0.0),
          r.getJsonObject("generator").getDouble("cpuPercentOfOneCore", 0.0),
          r.getJsonObject("machine").getDouble("busyPercent", 0.0));
    }

    JsonObject toJson() {
      return new JsonObject().put("simulatorUpdatesPerSecond", rate).put("deliveredPerSecond", delivered)
          .put("p50Ms", p50).put("p99Ms", p99).put("p999Ms", p999).put("maxMs", max).put("missedSeq", missed)
          .put("missedPerSecond", HistogramJson.round(missedPerSecond, 1)).put("connected", connected)
          .put("serverCpuPercentOfOneCore", serverCpu).put("generatorCpuPercentOfOneCore", generatorCpu)
          .put("machineBusyPercent", machineBusy);
    }
  }

  /**
   * @param lastGood the last step within the threshold before firstBad (null: even the first step passed it)
   * @param firstBad the first step past the threshold (null: no step passed it, the knee lies beyond the last)
   */
  record Result(List<Step> steps, double thresholdMs, Step lastGood, Step firstBad) {
    boolean reached() {
      return firstBad != null;
    }

    String describe() {
      if (steps.isEmpty()) {
        return "no steps";
      }
      if (firstBad == null) {
        Step last = steps.get(steps.size() - 1);
        return String.format("knee not reached: p99 stayed <= %.0f ms up to %.0f deliveries/s (rate %.0f); "
            + "raise the rate further", thresholdMs, last.delivered, last.rate);
      }
      if (lastGood == null) {
        return String.format("knee below the first step: p99 %.1f ms > %.0f ms already at %.0f deliveries/s "
            + "(rate %.0f)", firstBad.p99, thresholdMs, firstBad.delivered, firstBad.rate);
      }
      return String.format("knee: %.0f deliveries/s (rate %.0f, p99 %.1f ms); the next step, %.0f deliveries/s "
              + "(rate %.0f), had p99 %.1f ms > %.0f ms", lastGood.delivered, lastGood.rate, lastGood.p99,
          firstBad.delivered, firstBad.rate, firstBad.p99, thresholdMs);
    }

    JsonObject toJson() {
      JsonArray a = new JsonArray();
      steps.forEach(s -> a.add(s.toJson()));
      JsonObject j = new JsonObject().put("thresholdP99Ms", thresholdMs).put("reached", reached())
          .put("summary", describe()).put("steps", a);
      if (lastGood != null) {
        j.put("kneeDeliveredPerSecond", lastGood.delivered).put("kneeSimulatorRate", lastGood.rate)
            .put("kneeP99Ms", lastGood.p99);
      }
      if (firstBad != null) {
        j.put("firstPastThreshold", firstBad.toJson());
      }
      return j;
    }
  }

  static Result find(List<Step> steps, double thresholdMs) {
    List<Step> sorted = new ArrayList<>(steps);
    sorted.sort(Comparator.comparingDouble(Step::rate));
    Step lastGood = null;
    for (Step s : sorted) {
      if (s.p99 > thresholdMs) {
        return new Result(sorted, thresholdMs, lastGood, s);
      }
      lastGood = s;
    }
    return new Result(sorted, thresholdMs, lastGood, null);
  }

  /** The steps as a fixed-width table. */
  static String table(Result r) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%9s %13s %9s %9s %9s %9s %11s %8s %8s %8s%n", "rate/s", "delivered/s", "p50 ms",
        "p99 ms", "p99.9 ms", "max ms", "missed/s", "conns", "srv CPU%", "gen CPU%"));
    for (Step s : r.steps()) {
      sb.append(String.format("%9.0f %13.0f %9.2f %9.2f %9.2f %9.2f %11.1f %8d %8.0f %8.0f%s%n", s.rate,
          s.delivered, s.p50, s.p99, s.p999, s.max, s.missedPerSecond, s.connected, s.serverCpu, s.generatorCpu,
          s.p99 > r.thresholdMs() ? "  > " + (long) r.thresholdMs() + " ms" : ""));
    }
    return sb.toString();
  }
}

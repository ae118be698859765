package io.quotecast.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The human summary of a results JSON, of one LoadClient process or merged from several ({@link ResultsMerger}). */
final class ResultsSummary {
  private ResultsSummary() {}

  static String format(JsonObject r) {
    JsonObject o = r.getJsonObject("options");
    JsonObject c = r.getJsonObject("connections");
    JsonObject s = r.getJsonObject("subscriptions");
    JsonObject w = r.getJsonObject("window");
    JsonObject l = r.getJsonObject("latency");
    JsonObject sv = r.getJsonObject("server");
    JsonObject g = r.getJsonObject("generator");
    JsonObject t = r.getJsonObject("totals");
    StringBuilder sb = new StringBuilder();
    int processes = g.getInteger("processes", 1);
    sb.append("\n==== Quotecast load summary").append(processes > 1 ? " (" + processes + " generator processes)" : "")
        .append(" ====\n");
    sb.append(String.format("target         %s  freq %s  batch %s  types %s  assign %s%n", o.getString("url"),
        o.getString("freq"), o.getValue("batch"), String.join(",", o.getJsonArray("types").getList()),
        o.getString("assign")));
    sb.append(String.format("connections    %d/%d connected (%d failed) in %.1f s; open at end %d; "
            + "unexpected closes %d %s%n", c.getLong("connected"), c.getLong("attempted"),
        c.getLong("connectFailures"), c.getDouble("rampSeconds"), c.getLong("openAtEnd"),
        c.getLong("unexpectedClosesTotal"), nonEmpty(c.getJsonObject("closeCodes"))));
    long connErrors = c.getLong("connectFailures") + c.getLong("unexpectedClosesTotal") + c.getLong("exceptions");
    sb.append(String.format("conn. errors   %d: connect failures %d %s, unexpected closes %d, exceptions %d %s%n",
        connErrors, c.getLong("connectFailures"), nonEmpty(c.getJsonObject("connectErrors")),
        c.getLong("unexpectedClosesTotal"), c.getLong("exceptions"), nonEmpty(c.getJsonObject("exceptionMessages"))));
    sb.append(String.format("subscriptions  %d subscribed, %d rejected %s, error replies %d %s%n",
        s.getLong("subscribed"), s.getLong("rejected"), nonEmpty(s.getJsonObject("rejectCodes")),
        s.getLong("errorReplies"), nonEmpty(s.getJsonObject("errorCodes"))));
    sb.append(String.format("window         %.1f s: %d messages = %.0f msg/s, %.0f frames/s, %.2f MB/s "
            + "(%d frames, %d batches)%n", w.getDouble("seconds"), w.getLong("messages"),
        w.getDouble("messagesPerSecond"), w.getDouble("framesPerSecond", 0.0), w.getDouble("bytesPerSecond") / 1e6,
        w.getLong("frames"), w.getLong("batches")));
    if (w.containsKey("startSpreadMs")) {
      sb.append(String.format("               the processes' windows started within %d ms of each other%n",
          w.getLong("startSpreadMs")));
    }
    sb.append(String.format("sequence       window: gaps %d (missed seq %d), stale/dup %d, snapshots %d%n",
        w.getLong("gaps"), w.getLong("missedSeq"), w.getLong("staleOrDuplicate"), w.getLong("snapshots")));
    sb.append(String.format("               whole run: gaps %d (missed seq %d; %d right after a snapshot), "
            + "stale/dup %d (%d right after a snapshot), snapshots %d%n", t.getLong("gaps"), t.getLong("missedSeq"),
        t.getLong("gapsAfterSnapshot"), t.getLong("staleOrDuplicate"), t.getLong("staleAfterSnapshot"),
        t.getLong("snapshots")));
    for (String k : List.of("sourceToClient", "serverToClient", "sourceToServer")) {
      JsonObject h = l.getJsonObject(k);
      if (h.getLong("count") == 0) {
        sb.append(String.format("%-14s no samples%n", k));
        continue;
      }
      sb.append(String.format("%-14s ms p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f  (n=%d)%n", k,
          h.getDouble("p50"), h.getDouble("p90"), h.getDouble("p99"), h.getDouble("p999"), h.getDouble("max"),
          h.getLong("count")));
    }
    if (l.getLong("negativeClampedToZero") > 0 || l.getLong("aboveOneHourClamped") > 0) {
      sb.append(String.format("               (%d negative latencies clamped to 0, %d above 1 h clamped)%n",
          l.getLong("negativeClampedToZero"), l.getLong("aboveOneHourClamped")));
    }
    long pid = o.getLong("serverPid", -1L);
    if (sv.containsKey("error")) {
      sb.append(String.format("server         pid %d: %s%n", pid, sv.getString("error")));
    }
    if (sv.containsKey("cpuPercentOfOneCore")) {
      sb.append(String.format("server         pid %d: CPU %.1f%% of one core, RSS %.0f -> %.0f MB, %d threads%n",
          pid, sv.getDouble("cpuPercentOfOneCore"), sv.getDouble("rssMbStart"), sv.getDouble("rssMbEnd"),
          sv.getInteger("threads")));
    }
    sb.append(String.format("generator      %sCPU %.1f%% of one core, RSS %.0f MB; machine busy %.1f%% of %d cores%n",
        processes > 1 ? processes + " processes together: " : "", g.getDouble("cpuPercentOfOneCore", 0.0),
        g.getDouble("rssMb", 0.0), r.getJsonObject("machine").getDouble("busyPercent", 0.0), g.getInteger("cores")));
    JsonObject gd = sv.getJsonObject("gatewayCountersInWindow");
    if (gd != null) {
      StringBuilder line = new StringBuilder();
      for (String k : List.of("messagesOut", "bytesOut", "publicationsIn", "messagesIn", "conflated", "dropped",
          "malformed")) {
        JsonObject e = gd.getJsonObject(k);
        if (e != null) {
          line.append(String.format(" %s %.0f/s (+%d)", k, e.getDouble("perSecond"), e.getLong("delta")));
        }
      }
      JsonObject conns = gd.getJsonObject("connections");
      if (conns != null) {
        line.append(" connections ").append(conns.getLong("end"));
      }
      sb.append("server /stats ").append(line).append('\n');
    }
    JsonObject ops = sv.getJsonObject("opsEnd");
    if (ops != null) {
      for (String k : ops.fieldNames()) {
        JsonObject e = ops.getJsonObject(k);
        sb.append(String.format("ops %-10s %s%n", k, e.containsKey("status")
            ? "HTTP " + e.getInteger("status") : e.getString("error")));
      }
    }
    if (t.getLong("parseErrors") > 0 || t.getLong("unknownChannelMessages") > 0) {
      sb.append(String.format("WARNING        %d unparsable messages, %d messages on channels not subscribed%n",
          t.getLong("parseErrors"), t.getLong("unknownChannelMessages")));
    }
    JsonArray sync = r.getJsonArray("syncWarnings");
    if (sync != null) {
      sync.forEach(x -> sb.append("WARNING        ").append(x).append('\n'));
    }
    return sb.toString();
  }

  /**
   * Checks a run against a scenario's goals: source-to-client p99 at most {@code p99Ms} (null: no latency goal) and,
   * with {@code zeroLoss}, no missed or stale seq in the window, no failed connection and no unexpected close.
   */
  static JsonObject goals(JsonObject r, Double p99Ms, boolean zeroLoss) {
    JsonObject g = new JsonObject();
    boolean all = true;
    if (p99Ms != null) {
      JsonObject h = r.getJsonObject("latency").getJsonObject("sourceToClient");
      boolean ok = h.getLong("count") > 0 && h.getDouble("p99") <= p99Ms;
      g.put("p99", new JsonObject().put("goalMs", p99Ms).put("measuredMs", h.getDouble("p99", 0.0)).put("met", ok));
      all &= ok;
    }
    if (zeroLoss) {
      JsonObject w = r.getJsonObject("window");
      JsonObject c = r.getJsonObject("connections");
      long missed = w.getLong("missedSeq");
      long stale = w.getLong("staleOrDuplicate");
      long failed = c.getLong("connectFailures");
      long closes = c.getLong("unexpectedClosesTotal");
      boolean ok = missed == 0 && stale == 0 && failed == 0 && closes == 0 && w.getLong("messages") > 0;
      g.put("zeroLoss", new JsonObject().put("missedSeqInWindow", missed).put("staleInWindow", stale)
          .put("connectFailures", failed).put("unexpectedCloses", closes).put("met", ok));
      all &= ok;
    }
    return g.put("allMet", all);
  }

  static String formatGoals(JsonObject g) {
    StringBuilder sb = new StringBuilder();
    JsonObject p = g.getJsonObject("p99");
    if (p != null) {
      sb.append(String.format("goal           source-to-client p99 <= %.0f ms: %.2f ms, %s%n", p.getDouble("goalMs"),
          p.getDouble("measuredMs"), p.getBoolean("met") ? "met" : "NOT met"));
    }
    JsonObject z = g.getJsonObject("zeroLoss");
    if (z != null) {
      sb.append(String.format("goal           zero loss: missed seq %d, stale %d, connect failures %d, unexpected "
              + "closes %d: %s%n", z.getLong("missedSeqInWindow"), z.getLong("staleInWindow"),
          z.getLong("connectFailures"), z.getLong("unexpectedCloses"), z.getBoolean("met") ? "met" : "NOT met"));
    }
    return sb.toString();
  }

  private static String nonEmpty(JsonObject j) {
    return j == null || j.isEmpty() ? "" : j.encode();
  }
}

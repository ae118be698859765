package io.quotecast.client;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code quotecast-cli diag} measures about one connection, and its printed report: handshake and welcome
 * times, ping round trips, the subscribe round trip, per-message latency (server send time {@code ts} and, where the
 * payload has one, the source time {@code data.time} against the local clock) and seq gaps per channel. Pure.
 */
final class DiagReport {
  double handshakeMs = -1;
  double welcomeMs = -1;
  JsonObject welcome;
  final List<Double> rtts = new ArrayList<>();
  double subscribeMs = -1;
  int subscribed;
  int rejected;
  final List<Long> serverToClient = new ArrayList<>();
  final List<Long> sourceToClient = new ArrayList<>();
  int messages;
  int gaps;
  long missed;
  int duplicates;
  private final Map<String, Long> lastSeq = new HashMap<>();

  /** One channel message (batches already flattened) received at local time {@code nowMs}. */
  void message(JsonObject m, long nowMs) {
    messages++;
    if (m.getValue("ts") instanceof Number ts) {
      serverToClient.add(nowMs - ts.longValue());
    }
    if (m.getValue("data") instanceof JsonObject data && data.getValue("time") instanceof Number t) {
      sourceToClient.add(nowMs - t.longValue());
    }
    String ch = m.getString("ch");
    if (!(m.getValue("seq") instanceof Number seqValue) || ch == null) {
      return;
    }
    long seq = seqValue.longValue();
    JsonObject meta = m.getJsonObject("meta");
    boolean restart = meta != null && meta.getBoolean("snapshot", false);
    Long prev = lastSeq.get(ch);
    if (prev != null && !restart) {
      long from = meta != null && meta.getValue("fromSeq") instanceof Number f ? f.longValue() : seq;
      if (seq <= prev) {
        duplicates++;
        return;
      }
      if (from > prev + 1) {
        gaps++;
        missed += from - prev - 1;
      }
    }
    lastSeq.put(ch, seq);
  }

  String render() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("handshake      %.1f ms%n", handshakeMs));
    if (welcome != null) {
      JsonObject d = welcome.getJsonObject("data", new JsonObject());
      sb.append(String.format("welcome        after %.1f ms: connection %s, node %s, protocol %s, heartbeat %s ms%n",
          welcomeMs, d.getValue("connectionId"), d.getValue("node"), d.getValue("protocol"),
          d.getValue("heartbeatMs")));
    } else {
      sb.append("welcome        none\n");
    }
    sb.append(String.format("ping rtt       %d pings: min %.3f ms, avg %.3f ms, max %.3f ms%n", rtts.size(),
        rtts.stream().mapToDouble(d -> d).min().orElse(0), rtts.stream().mapToDouble(d -> d).average().orElse(0),
        rtts.stream().mapToDouble(d -> d).max().orElse(0)));
    sb.append(String.format("subscribe      %.1f ms round trip: %d subscribed, %d rejected%n", subscribeMs, subscribed,
        rejected));
    sb.append(String.format("messages       %d%n", messages));
    sb.append("server->client ").append(percentiles(serverToClient)).append('\n');
    sb.append("source->client ").append(percentiles(sourceToClient)).append('\n');
    sb.append(String.format("seq            gaps %d (missed %d), duplicates %d%n", gaps, missed, duplicates));
    return sb.toString();
  }

  static String percentiles(List<Long> values) {
    if (values.isEmpty()) {
      return "n/a";
    }
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return String.format("ms p50 %d  p90 %d  p99 %d  max %d  (n=%d)", at(sorted, 0.50), at(sorted, 0.90),
        at(sorted, 0.99), sorted.get(sorted.size() - 1), sorted.size());
  }

  private static long at(List<Long> sorted, double q) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1 < 0 ? 0
        : (int) Math.ceil(q * sorted.size()) - 1));
  }
}

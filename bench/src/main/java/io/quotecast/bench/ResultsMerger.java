package io.quotecast.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.HdrHistogram.Histogram;

/**
 * Merges the results of several LoadClient processes that ran side by side against the same server into one results
 * JSON of the same shape: latency histograms are added exactly (from their encoded copies), counts and per-second
 * rates are summed, generator CPU and RSS are summed over the processes and kept apart from the server's, which is
 * taken from the first process that sampled it (every process sees the same server over nearly the same window).
 */
final class ResultsMerger {
  static final List<String> LATENCIES = List.of("sourceToClient", "serverToClient", "sourceToServer");
  /** Window starts further apart than this are reported: the processes did not measure the same seconds. */
  static final long START_SPREAD_WARN_MS = 1000;

  private ResultsMerger() {}

  static JsonObject merge(List<JsonObject> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("nothing to merge");
    }
    JsonObject first = parts.get(0);
    JsonObject out = new JsonObject().put("tool", "quotecast-bench LoadClient, " + parts.size() + " processes merged");
    List<String> warnings = new ArrayList<>();

    out.put("options", options(parts));
    for (String section : List.of("connections", "subscriptions", "window", "totals")) {
      JsonObject acc = new JsonObject();
      for (JsonObject p : parts) {
        addInto(acc, p.getJsonObject(section, new JsonObject()));
      }
      out.put(section, acc);
    }

    JsonObject conns = out.getJsonObject("connections");
    conns.put("rampSeconds", parts.stream().mapToDouble(p -> p.getJsonObject("connections")
        .getDouble("rampSeconds", 0.0)).max().orElse(0));
    conns.put("handshakeMs", HistogramJson.summary(mergedHistogram(parts, "handshake")));

    JsonObject window = out.getJsonObject("window");
    double seconds = parts.stream().mapToDouble(p -> p.getJsonObject("window").getDouble("seconds")).average()
        .orElse(0);
    for (String k : new ArrayList<>(window.fieldNames())) {
      if (window.getValue(k) instanceof Double d) {
        window.put(k, HistogramJson.round(d, 1)); // sums of rates: no float noise in the report
      }
    }
    window.put("seconds", HistogramJson.round(seconds, 3));
    window.put("gapsCountMeaning", first.getJsonObject("window").getString("gapsCountMeaning"));
    long minStart = Long.MAX_VALUE;
    long maxStart = Long.MIN_VALUE;
    for (JsonObject p : parts) {
      long t = Instant.parse(p.getJsonObject("window").getString("start")).toEpochMilli();
      minStart = Math.min(minStart, t);
      maxStart = Math.max(maxStart, t);
    }
    window.put("start", Instant.ofEpochMilli(minStart).toString()).put("startSpreadMs", maxStart - minStart);
    if (maxStart - minStart > START_SPREAD_WARN_MS) {
      warnings.add("the processes' windows started " + (maxStart - minStart) + " ms apart: their rates are summed "
          + "over different seconds");
    }

    JsonObject latency = new JsonObject().put("unit", "ms");
    JsonObject histograms = new JsonObject().put("encoding",
        first.getJsonObject("latency").getJsonObject("histograms").getString("encoding"));
    for (String k : LATENCIES) {
      Histogram h = mergedHistogram(parts, k);
      latency.put(k, HistogramJson.summary(h));
      histograms.put(k, HistogramJson.encode(h));
    }
    histograms.put("handshake", HistogramJson.encode(mergedHistogram(parts, "handshake")));
    latency.put("histograms", histograms);
    for (String k : List.of("negativeClampedToZero", "aboveOneHourClamped")) {
      latency.put(k, parts.stream().mapToLong(p -> p.getJsonObject("latency").getLong(k, 0L)).sum());
    }
    latency.put("note", first.getJsonObject("latency").getString("note"));
    out.put("latency", latency);

    out.put("server", server(parts));
    out.put("generator", generator(parts));
    double busy = parts.stream().mapToDouble(p -> p.getJsonObject("machine", new JsonObject())
        .getDouble("busyPercent", 0.0)).average().orElse(0);
    out.put("machine", new JsonObject().put("cores", first.getJsonObject("machine").getInteger("cores"))
        .put("busyPercent", HistogramJson.round(busy, 1)));

    for (JsonObject p : parts) {
      JsonObject sync = p.getJsonObject("sync");
      if (sync != null && sync.getInteger("ready", 0) < sync.getInteger("parties", 0)) {
        warnings.add(sync.getString("id") + " went on with " + sync.getInteger("ready") + " of "
            + sync.getInteger("parties") + " parties ready");
      }
    }
    if (first.containsKey("welcome")) {
      out.put("welcome", first.getValue("welcome"));
    }
    JsonArray samples = new JsonArray();
    for (JsonObject p : parts) {
      for (Object s : p.getJsonArray("samples", new JsonArray())) {
        if (samples.size() < 20) {
          samples.add(s);
        }
      }
    }
    out.put("samples", samples);
    if (!warnings.isEmpty()) {
      out.put("syncWarnings", new JsonArray(warnings));
    }
    return out;
  }

  private static JsonObject options(List<JsonObject> parts) {
    JsonObject o = parts.get(0).getJsonObject("options").copy();
    Set<Object> addresses = new LinkedHashSet<>();
    JsonArray seeds = new JsonArray();
    JsonObject byFreq = new JsonObject();
    JsonObject byBatch = new JsonObject();
    long connections = 0;
    for (JsonObject p : parts) {
      JsonObject po = p.getJsonObject("options");
      connections += po.getLong("connections");
      addresses.addAll(po.getJsonArray("localAddresses", new JsonArray()).getList());
      seeds.add(po.getValue("seed"));
      addInto(byFreq, po.getJsonObject("connectionsByFreq", new JsonObject()));
      addInto(byBatch, po.getJsonObject("connectionsByBatch", new JsonObject()));
    }
    return o.put("connections", connections).put("localAddresses", new JsonArray(new ArrayList<>(addresses)))
        .put("seeds", seeds).put("connectionsByFreq", byFreq).put("connectionsByBatch", byBatch)
        .put("processes", parts.size());
  }

  private static JsonObject server(List<JsonObject> parts) {
    for (int i = 0; i < parts.size(); i++) {
      JsonObject s = parts.get(i).getJsonObject("server", new JsonObject());
      if (s.containsKey("cpuPercentOfOneCore")) {
        return s.copy().put("sampledByProcess", i);
      }
    }
    return parts.get(0).getJsonObject("server", new JsonObject()).copy().put("sampledByProcess", 0);
  }

  private static JsonObject generator(List<JsonObject> parts) {
    JsonObject first = parts.get(0).getJsonObject("generator");
    JsonObject g = new JsonObject().put("processes", parts.size()).put("cores", first.getInteger("cores"))
        .put("java", first.getString("java"))
        .put("note", "CPU, RSS and heap are sums over the generator processes");
    JsonArray each = new JsonArray();
    for (String k : List.of("cpuPercentOfOneCore", "rssMb", "heapUsedMb", "heapMaxMb", "cpuSecondsWholeRun")) {
      double sum = parts.stream().mapToDouble(p -> p.getJsonObject("generator").getDouble(k, 0.0)).sum();
      g.put(k, HistogramJson.round(sum, 2));
    }
    for (JsonObject p : parts) {
      JsonObject pg = p.getJsonObject("generator");
      each.add(new JsonObject().put("pid", pg.getValue("pid"))
          .put("connections", p.getJsonObject("connections").getLong("connected"))
          .put("messagesPerSecond", p.getJsonObject("window").getDouble("messagesPerSecond"))
          .put("cpuPercentOfOneCore", pg.getDouble("cpuPercentOfOneCore", 0.0))
          .put("rssMb", pg.getDouble("rssMb", 0.0))
          .put("localAddresses", p.getJsonObject("options").getJsonArray("localAddresses")));
    }
    return g.put("perProcess", each);
  }

  static Histogram mergedHistogram(List<JsonObject> parts, String name) {
    Histogram sum = null;
    for (JsonObject p : parts) {
      JsonObject hs = p.getJsonObject("latency", new JsonObject()).getJsonObject("histograms");
      if (hs == null || hs.getString(name) == null) {
        throw new IllegalArgumentException("a results file has no encoded '" + name + "' histogram; it was written "
            + "by an older LoadClient and cannot be merged exactly");
      }
      Histogram h = HistogramJson.decode(hs.getString(name));
      if (sum == null) {
        sum = new Histogram(h.getLowestDiscernibleValue(), Math.max(h.getHighestTrackableValue(),
            BenchStats.MAX_LATENCY_US), h.getNumberOfSignificantValueDigits());
      }
      sum.add(h);
    }
    return sum;
  }

  /**
   * Adds x into acc: numbers are summed (integers stay integers), objects are merged recursively, and anything else
   * keeps the value acc already has (the first part's).
   */
  static void addInto(JsonObject acc, JsonObject x) {
    for (String k : x.fieldNames()) {
      Object v = x.getValue(k);
      Object a = acc.getValue(k);
      if (a == null) {
        acc.put(k, v instanceof JsonObject j ? copyOf(j) : v);
      } else if (a instanceof Number na && v instanceof Number nv) {
        acc.put(k, isIntegral(na) && isIntegral(nv) ? (Object) (na.longValue() + nv.longValue())
            : (Object) (na.doubleValue() + nv.doubleValue()));
      } else if (a instanceof JsonObject ja && v instanceof JsonObject jv) {
        addInto(ja, jv);
      }
    }
  }

  private static JsonObject copyOf(JsonObject j) {
    JsonObject c = new JsonObject();
    addInto(c, j);
    return c;
  }

  private static boolean isIntegral(Number n) {
    return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte;
  }
}

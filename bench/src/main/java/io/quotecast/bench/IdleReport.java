package io.quotecast.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * S4 "idle capacity": what one open, idle connection costs the server, from measurements taken before the ramp and
 * with every connection open: live heap after a full GC (class histograms), RSS, and native memory by category when
 * the server runs with -XX:NativeMemoryTracking=summary.
 *
 * <p>{@code IdleReport --connections N --before DIR --after DIR [--generators merged.json] [--goal-kb 20]
 * --out s4.json [--png s4.png]}; each DIR holds what the script captured: {@code class_histogram.txt},
 * {@code heap_info.txt}, {@code rss_kb.txt}, optionally {@code native_memory.txt} and {@code stats.json}.
 */
public final class IdleReport {
  private static final Pattern NMT_TOTAL = Pattern.compile("(?m)^Total: reserved=(\\d+)KB, committed=(\\d+)KB");
  private static final Pattern NMT_CATEGORY =
      Pattern.compile("(?m)^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");

  /** What the script captured at one point. */
  record Capture(ClassHistogram histogram, String heapInfo, long rssKb, String nativeMemory, JsonObject stats) {
    static Capture read(Path dir) throws Exception {
      Path nmt = dir.resolve("native_memory.txt");
      Path stats = dir.resolve("stats.json");
      JsonObject statsJson = null;
      if (Files.exists(stats)) {
        try {
          statsJson = new JsonObject(Files.readString(stats));
        } catch (RuntimeException notJson) {
          statsJson = null;
        }
      }
      return new Capture(ClassHistogram.parse(Files.readString(dir.resolve("class_histogram.txt"))),
          Files.exists(dir.resolve("heap_info.txt")) ? Files.readString(dir.resolve("heap_info.txt")) : "",
          Long.parseLong(Files.readString(dir.resolve("rss_kb.txt")).trim()),
          Files.exists(nmt) ? Files.readString(nmt) : null, statsJson);
    }

    /** The server's own count of open connections, or -1. */
    long serverConnections() {
      try {
        return stats.getJsonObject("gateway").getLong("connections");
      } catch (RuntimeException e) {
        return -1;
      }
    }
  }

  private IdleReport() {}

  /**
   * @param connections open connections at the second capture (the difference to the first is what is divided)
   */
  static JsonObject analyse(Capture before, Capture after, long connections, double goalKb) {
    long added = connections - Math.max(0, before.serverConnections());
    JsonObject r = new JsonObject().put("connectionsOpen", connections).put("connectionsAdded", added);
    if (added <= 0) {
      return r.put("error", "no connection was added between the two captures");
    }
    long heapDelta = after.histogram().totalBytes() - before.histogram().totalBytes();
    double heapPerConn = heapDelta / (double) added;
    r.put("heap", new JsonObject()
        .put("liveBytesBefore", before.histogram().totalBytes()).put("liveBytesAfter", after.histogram().totalBytes())
        .put("perConnectionBytes", Math.round(heapPerConn))
        .put("perConnectionKb", HistogramJson.round(heapPerConn / 1024, 2))
        .put("goalKb", goalKb).put("withinGoal", heapPerConn / 1024 <= goalKb)
        .put("method", "jcmd GC.class_histogram totals (live objects after a full GC), difference / connections added")
        .put("heapInfoBefore", firstLines(before.heapInfo(), 3)).put("heapInfoAfter", firstLines(after.heapInfo(), 3)));
    double rssPerConn = (after.rssKb() - before.rssKb()) / (double) added;
    r.put("rss", new JsonObject().put("kbBefore", before.rssKb()).put("kbAfter", after.rssKb())
        .put("perConnectionKb", HistogramJson.round(rssPerConn, 2)));
    JsonArray top = new JsonArray();
    for (ClassHistogram.Growth g : after.histogram().growthSince(before.histogram(), 15)) {
      top.add(new JsonObject().put("class", g.className())
          .put("bytesPerConnection", HistogramJson.round(g.bytes() / (double) added, 1))
          .put("instancesPerConnection", HistogramJson.round(g.instances() / (double) added, 2)));
    }
    r.put("topClassesPerConnection", top);
    if (before.nativeMemory() != null && after.nativeMemory() != null) {
      JsonObject nmt = nativeMemory(before.nativeMemory(), after.nativeMemory(), added);
      if (nmt != null) {
        r.put("nativeMemory", nmt);
      }
    }
    return r;
  }

  /** NMT committed KB, total and per category, and their growth per connection. */
  static JsonObject nativeMemory(String before, String after, long added) {
    Matcher tb = NMT_TOTAL.matcher(before);
    Matcher ta = NMT_TOTAL.matcher(after);
    if (!tb.find() || !ta.find()) {
      return null;
    }
    long b = Long.parseLong(tb.group(2));
    long a = Long.parseLong(ta.group(2));
    Map<String, Long> cb = categories(before);
    Map<String, Long> ca = categories(after);
    JsonObject perCategory = new JsonObject();
    ca.forEach((k, v) -> {
      long d = v - cb.getOrDefault(k, 0L);
      if (d != 0) {
        perCategory.put(k, HistogramJson.round(d / (double) added, 2));
      }
    });
    return new JsonObject().put("committedKbBefore", b).put("committedKbAfter", a)
        .put("perConnectionKb", HistogramJson.round((a - b) / (double) added, 2))
        .put("perConnectionKbByCategory", perCategory);
  }

  private static Map<String, Long> categories(String nmt) {
    Map<String, Long> m = new LinkedHashMap<>();
    Matcher c = NMT_CATEGORY.matcher(nmt);
    while (c.find()) {
      m.put(c.group(1).trim(), Long.parseLong(c.group(3)));
    }
    return m;
  }

  private static String firstLines(String s, int n) {
    String[] lines = s.strip().split("\r?\n");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(n, lines.length); i++) {
      if (lines[i].matches("^\\d+:$")) { // jcmd's "<pid>:" header
        n++;
        continue;
      }
      sb.append(sb.length() > 0 ? " | " : "").append(lines[i].strip());
    }
    return sb.toString();
  }

  static String format(JsonObject r) {
    StringBuilder sb = new StringBuilder("\n==== S4 idle capacity ====\n");
    sb.append(String.format("connections    %d open on the server (%d added since the first capture)%n",
        r.getLong("connectionsOpen"), r.getLong("connectionsAdded")));
    if (r.containsKey("error")) {
      return sb.append("error          ").append(r.getString("error")).append('\n').toString();
    }
    JsonObject h = r.getJsonObject("heap");
    sb.append(String.format("heap (live)    %.1f -> %.1f MB: %.2f KB per connection (goal <= %.0f KB: %s)%n",
        h.getLong("liveBytesBefore") / 1048576.0, h.getLong("liveBytesAfter") / 1048576.0,
        h.getDouble("perConnectionKb"), h.getDouble("goalKb"), h.getBoolean("withinGoal") ? "met" : "NOT met"));
    JsonObject rss = r.getJsonObject("rss");
    sb.append(String.format("RSS            %.1f -> %.1f MB: %.2f KB per connection%n", rss.getLong("kbBefore") / 1024.0,
        rss.getLong("kbAfter") / 1024.0, rss.getDouble("perConnectionKb")));
    JsonObject nmt = r.getJsonObject("nativeMemory");
    if (nmt != null) {
      sb.append(String.format("NMT committed  %.1f -> %.1f MB: %.2f KB per connection %s%n",
          nmt.getLong("committedKbBefore") / 1024.0, nmt.getLong("committedKbAfter") / 1024.0,
          nmt.getDouble("perConnectionKb"), nmt.getJsonObject("perConnectionKbByCategory").encode()));
    }
    sb.append("heap growth per connection, by class:\n");
    for (Object o : r.getJsonArray("topClassesPerConnection")) {
      JsonObject c = (JsonObject) o;
      sb.append(String.format("  %9.1f B  %6.2f x  %s%n", c.getDouble("bytesPerConnection"),
          c.getDouble("instancesPerConnection"), c.getString("class")));
    }
    return sb.toString();
  }

  public static void main(String[] args) throws Exception {
    long connections = -1;
    Path before = null;
    Path after = null;
    Path generators = null;
    double goalKb = 20;
    String out = null;
    String png = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--connections" -> connections = Long.parseLong(args[++i]);
        case "--before" -> before = Path.of(args[++i]);
        case "--after" -> after = Path.of(args[++i]);
        case "--generators" -> generators = Path.of(args[++i]);
        case "--goal-kb" -> goalKb = Double.parseDouble(args[++i]);
        case "--out" -> out = args[++i];
        case "--png" -> png = args[++i];
        default -> {
          System.err.println("unknown argument " + args[i]);
          System.exit(2);
        }
      }
    }
    if (before == null || after == null || out == null) {
      System.err.println("usage: IdleReport --before DIR --after DIR [--connections N] [--generators merged.json] "
          + "[--goal-kb 20] --out s4.json [--png s4.png]");
      System.exit(2);
    }
    Capture b = Capture.read(before);
    Capture a = Capture.read(after);
    // the server's own count is the truth; the generators' count is the fallback
    long open = a.serverConnections() >= 0 ? a.serverConnections() : connections;
    JsonObject r = analyse(b, a, open, goalKb);
    if (generators != null && Files.exists(generators)) {
      JsonObject g = new JsonObject(Files.readString(generators));
      r.put("generators", new JsonObject().put("connections", g.getJsonObject("connections"))
          .put("generator", g.getJsonObject("generator")).put("window", g.getJsonObject("window")));
    }
    Files.writeString(Path.of(out), r.encodePrettily() + "\n");
    System.out.print(format(r));
    if (png != null && !r.containsKey("error")) {
      Charts.writePng(Charts.idle(r), Path.of(png));
    }
  }
}

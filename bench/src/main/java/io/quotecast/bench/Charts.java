package io.quotecast.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG charts of bench results (XChart, headless): latency percentiles of one run, S3's p99 against delivered
 * messages/s, S4's memory per idle connection, and the peers' p99 against delivered messages/s. Also a command line:
 * {@code Charts latency|knee|idle|peers IN.json OUT.png [TITLE]}.
 */
public final class Charts {
  private static final int WIDTH = 1000;
  private static final int HEIGHT = 600;

  private Charts() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: Charts latency|knee|idle|peers IN.json OUT.png [TITLE]");
      System.exit(2);
    }
    JsonObject in = new JsonObject(Files.readString(Path.of(args[1])));
    Chart<?, ?> chart = switch (args[0]) {
      case "latency" -> latency(in, args.length > 3 ? args[3] : null);
      case "knee" -> knee(in);
      case "idle" -> idle(in);
      case "peers" -> peers(in);
      default -> throw new IllegalArgumentException("unknown chart " + args[0]);
    };
    writePng(chart, Path.of(args[2]));
    System.out.println("chart: " + Path.of(args[2]).toAbsolutePath());
  }

  static void writePng(Chart<?, ?> chart, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    if (png.getParent() != null) {
      Files.createDirectories(png.getParent());
    }
    try (OutputStream out = Files.newOutputStream(png)) {
      BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
    }
  }

  /** Percentile curves (HdrHistogram layout) of the latencies of one results JSON; throughput in the title. */
  static XYChart latency(JsonObject results, String title) {
    JsonObject w = results.getJsonObject("window");
    JsonObject o = results.getJsonObject("options");
    String head = (title == null ? "" : title + ": ")
        + String.format("%,d conns, %,.0f msg/s, %,.0f frames/s, %.1f MB/s, missed seq %,d",
        results.getJsonObject("connections").getLong("connected"), w.getDouble("messagesPerSecond"),
        w.getDouble("framesPerSecond", 0.0), w.getDouble("bytesPerSecond") / 1e6, w.getLong("missedSeq"));
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(head)
        .xAxisTitle("percentile (" + o.getString("freq") + ", " + w.getDouble("seconds") + " s window; "
            + "rightmost point = max)").yAxisTitle("latency ms").build();
    style(chart);
    // x is log10(1 / (1 - percentile)) on a linear axis, labelled as percentiles at the decades: XChart's tick
    // formatting callback does not support a logarithmic axis (it never returns)
    chart.getStyler().setxAxisTickLabelsFormattingFunction(ChartData::decadeLabel);
    JsonObject hs = results.getJsonObject("latency").getJsonObject("histograms");
    int added = 0;
    for (String k : ResultsMerger.LATENCIES) {
      if (hs == null || hs.getString(k) == null) {
        continue;
      }
      Histogram h = HistogramJson.decode(hs.getString(k));
      ChartData.Curve c = ChartData.percentileCurve(h);
      if (c.x().isEmpty()) {
        continue;
      }
      JsonObject s = HistogramJson.summary(h);
      XYSeries series = chart.addSeries(String.format("%s  p50 %.1f  p99 %.1f  p99.9 %.1f  max %.1f ms", k,
          s.getDouble("p50"), s.getDouble("p99"), s.getDouble("p999"), s.getDouble("max")),
          c.x().stream().map(Math::log10).toList(), c.y());
      series.setMarker(SeriesMarkers.NONE);
      added++;
    }
    if (added == 0) {
      chart.addSeries("no latency samples", List.of(0.0, 1.0), List.of(0.0, 0.0));
    }
    return chart;
  }

  /** S3: p50, p99 and p99.9 against delivered messages/s per step, with the threshold as a flat line. */
  static XYChart knee(JsonObject knee) {
    JsonArray steps = knee.getJsonArray("steps");
    List<Double> x = new ArrayList<>();
    List<Double> p50 = new ArrayList<>();
    List<Double> p99 = new ArrayList<>();
    List<Double> p999 = new ArrayList<>();
    for (Object o : steps) {
      JsonObject s = (JsonObject) o;
      x.add(s.getDouble("deliveredPerSecond"));
      // a log axis cannot show 0
      p50.add(Math.max(0.01, s.getDouble("p50Ms")));
      p99.add(Math.max(0.01, s.getDouble("p99Ms")));
      p999.add(Math.max(0.01, s.getDouble("p999Ms")));
    }
    double threshold = knee.getDouble("thresholdP99Ms");
    String title = knee.containsKey("kneeDeliveredPerSecond")
        ? String.format("S3 fan-out: knee %,.0f deliveries/s (p99 %.1f ms)%s", knee.getDouble("kneeDeliveredPerSecond"),
            knee.getDouble("kneeP99Ms"), knee.getBoolean("reached") ? "" : ", threshold not reached yet")
        : knee.getBoolean("reached") ? "S3 fan-out: p99 past the threshold from the first step" : "S3 fan-out";
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .xAxisTitle("delivered messages/s (all connections)").yAxisTitle("source-to-client latency ms").build();
    style(chart);
    chart.getStyler().setYAxisLogarithmic(true).setXAxisDecimalPattern("#,###");
    chart.addSeries("p50", x, p50).setMarker(SeriesMarkers.CIRCLE);
    chart.addSeries("p99", x, p99).setMarker(SeriesMarkers.DIAMOND);
    chart.addSeries("p99.9", x, p999).setMarker(SeriesMarkers.SQUARE);
    double x0 = x.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    double x1 = x.stream().mapToDouble(Double::doubleValue).max().orElse(1);
    chart.addSeries("p99 threshold " + (long) threshold + " ms", List.of(x0, Math.max(x1, x0 + 1)),
        List.of(threshold, threshold)).setMarker(SeriesMarkers.NONE);
    return chart;
  }

  /**
   * peers.sh's summary: each server's source-to-client p99 against the deliveries/s it achieved, one point per rate
   * (runs without a result are left out), and the p99 bound of the capacity figure as a flat line.
   */
  static XYChart peers(JsonObject summary) {
    JsonObject workload = summary.getJsonObject("workload");
    double slo = workload.getDouble("sloP99Ms");
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
        .title(String.format("Peers: %,d connections x %d channels over %d symbols (same generator, same run)",
            workload.getLong("connections"), workload.getLong("channelsPerConnection"), workload.getLong("universe")))
        .xAxisTitle("delivered messages/s").yAxisTitle("source-to-client p99 ms").build();
    style(chart);
    chart.getStyler().setYAxisLogarithmic(true).setXAxisDecimalPattern("#,###");
    double x0 = Double.MAX_VALUE;
    double x1 = 0;
    for (ChartData.Series series : ChartData.peerSeries(summary.getJsonArray("rows"))) {
      chart.addSeries(series.name(), series.x(), series.y()).setMarker(SeriesMarkers.CIRCLE);
      for (double x : series.x()) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
      }
    }
    if (x1 == 0) {
      chart.addSeries("no results", List.of(0.0, 1.0), List.of(slo, slo));
      return chart;
    }
    chart.addSeries("p99 bound " + (long) slo + " ms", List.of(x0, Math.max(x1, x0 + 1)), List.of(slo, slo))
        .setMarker(SeriesMarkers.NONE);
    return chart;
  }

  /** S4: KB per idle connection: live heap, RSS, native memory, and the classes that grew most. */
  static CategoryChart idle(JsonObject r) {
    List<String> names = new ArrayList<>();
    List<Double> kb = new ArrayList<>();
    JsonObject heap = r.getJsonObject("heap");
    names.add("live heap");
    kb.add(heap.getDouble("perConnectionKb"));
    names.add("RSS");
    kb.add(r.getJsonObject("rss").getDouble("perConnectionKb"));
    JsonObject nmt = r.getJsonObject("nativeMemory");
    if (nmt != null) {
      names.add("NMT committed");
      kb.add(nmt.getDouble("perConnectionKb"));
    }
    JsonArray top = r.getJsonArray("topClassesPerConnection", new JsonArray());
    for (int i = 0; i < Math.min(6, top.size()); i++) {
      JsonObject c = top.getJsonObject(i);
      names.add(shortClass(c.getString("class")));
      kb.add(HistogramJson.round(c.getDouble("bytesPerConnection") / 1024, 2));
    }
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
        .title(String.format("S4 idle capacity: %,d connections; live heap %.2f KB each (goal <= %.0f KB)",
            r.getLong("connectionsOpen"), heap.getDouble("perConnectionKb"), heap.getDouble("goalKb")))
        .xAxisTitle("").yAxisTitle("KB per connection").build();
    style(chart);
    chart.getStyler().setXAxisLabelRotation(20);
    chart.addSeries("KB per connection", names, kb);
    chart.addSeries("heap goal", names, names.stream().map(n -> n.equals("live heap")
        ? heap.getDouble("goalKb") : 0.0).toList());
    return chart;
  }

  /** "io.netty.Foo" -> "Foo", "[B" -> "byte[]", "[Ljava.lang.Object;" -> "Object[]". */
  static String shortClass(String name) {
    int dims = 0;
    while (dims < name.length() && name.charAt(dims) == '[') {
      dims++;
    }
    if (dims > 0) {
      String element = name.substring(dims);
      String base = switch (element) {
        case "B" -> "byte";
        case "C" -> "char";
        case "I" -> "int";
        case "J" -> "long";
        case "S" -> "short";
        case "Z" -> "boolean";
        case "F" -> "float";
        case "D" -> "double";
        default -> element.startsWith("L") && element.endsWith(";")
            ? element.substring(1, element.length() - 1) : element;
      };
      return shortClass(base) + "[]".repeat(dims);
    }
    int dot = name.lastIndexOf('.');
    String s = dot >= 0 ? name.substring(dot + 1) : name;
    return s.length() > 28 ? s.substring(0, 27) + "…" : s;
  }

  private static void style(Chart<?, ?> chart) {
    Styler s = chart.getStyler();
    s.setLegendPosition(Styler.LegendPosition.InsideNW);
    s.setChartTitleFont(s.getChartTitleFont().deriveFont(13f));
  }
}

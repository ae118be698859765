package io.quotecast.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/** The numbers behind the PNG charts, kept apart from drawing so they can be tested. */
final class ChartData {
  /** Percentile curves stop here (99.9999 %); the maximum is drawn at this x. */
  static final double MAX_X = 1_000_000;

  record Curve(List<Double> x, List<Double> y) {}

  /** One named line of a chart: points in the order they are to be joined (not necessarily by x). */
  record Series(String name, List<Double> x, List<Double> y) {}

  private ChartData() {}

  /**
   * A latency percentile curve in the usual HdrHistogram layout: x = 1 / (1 - percentile), so 90 %, 99 %, 99.9 %
   * fall on 10, 100, 1000 of a log axis; y in ms. x grows strictly; the last point is the maximum.
   */
  static Curve percentileCurve(Histogram h) {
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    if (h.getTotalCount() == 0) {
      return new Curve(xs, ys);
    }
    for (HistogramIterationValue v : h.percentiles(5)) {
      double p = v.getPercentileLevelIteratedTo() / 100.0;
      if (p >= 1.0) {
        break;
      }
      double x = Math.min(MAX_X, 1.0 / (1.0 - p));
      if (!xs.isEmpty() && x <= xs.get(xs.size() - 1)) {
        continue;
      }
      xs.add(x);
      ys.add(h.highestEquivalentValue(v.getValueIteratedTo()) / 1000.0);
      if (x >= MAX_X) {
        break;
      }
    }
    double lastX = xs.isEmpty() ? 1.0 : xs.get(xs.size() - 1);
    double maxMs = h.getMaxValue() / 1000.0;
    if (lastX < MAX_X) {
      xs.add(Math.min(MAX_X, lastX * 10)); // the maximum, one decade right of the last percentile
      ys.add(maxMs);
    } else {
      ys.set(ys.size() - 1, maxMs);
    }
    return new Curve(xs, ys);
  }

  /** The label of tick v = log10(x) on a percentile axis: whole decades only (0 -> "0%", 2 -> "99%"), else "". */
  static String decadeLabel(double v) {
    long decade = Math.round(v);
    return Math.abs(v - decade) < 1e-6 && decade >= 0 ? percentileLabel(Math.pow(10, decade)) : "";
  }

  /** The tick label of x on a percentile axis: 1 -> "0%", 10 -> "90%", 1000 -> "99.9%". */
  static String percentileLabel(double x) {
    if (x <= 1.0) {
      return "0%";
    }
    double pct = 100.0 * (1.0 - 1.0 / x);
    BigDecimal d = new BigDecimal(pct).setScale(6, java.math.RoundingMode.HALF_UP).stripTrailingZeros();
    return d.toPlainString() + "%";
  }

  /**
   * peers.sh's rows as one series per server, in the order servers first appear: (deliveries/s, p99 ms) per rate,
   * in rate order (a server that falls behind delivers less at a higher rate, and its line turns back). Rows with an error or without a p99 are left out; p99 is at least 0.01 (a log axis).
   */
  static List<Series> peerSeries(JsonArray rows) {
    Map<String, List<double[]>> points = new LinkedHashMap<>();
    for (Object o : rows) {
      JsonObject row = (JsonObject) o;
      Double delivered = row.getDouble("deliveriesPerSecond");
      Double p99 = row.getDouble("p99");
      if (row.getString("error") != null || delivered == null || p99 == null) {
        continue;
      }
      points.computeIfAbsent(row.getString("server"), k -> new ArrayList<>())
          .add(new double[] {delivered, Math.max(0.01, p99), row.getDouble("rate", 0.0)});
    }
    List<Series> series = new ArrayList<>();
    points.forEach((server, list) -> {
      list.sort(Comparator.comparingDouble(p -> p[2]));
      series.add(new Series(server, list.stream().map(p -> p[0]).toList(), list.stream().map(p -> p[1]).toList()));
    });
    return series;
  }
}

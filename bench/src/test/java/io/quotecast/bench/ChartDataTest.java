package io.quotecast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartDataTest {
  @TempDir
  Path dir;

  @Test
  void percentileCurveGrowsAndEndsAtTheMaximum() {
    Histogram h = new Histogram(BenchStats.MAX_LATENCY_US, 3);
    for (int i = 1; i <= 10_000; i++) {
      h.recordValue(i * 10L);
    }
    h.recordValue(900_000);
    ChartData.Curve c = ChartData.percentileCurve(h);
    assertTrue(c.x().size() > 10);
    for (int i = 1; i < c.x().size(); i++) {
      assertTrue(c.x().get(i) > c.x().get(i - 1), "x must grow at " + i);
      assertTrue(c.y().get(i) >= c.y().get(i - 1), "y must not fall at " + i);
    }
    assertEquals(h.getMaxValue() / 1000.0, c.y().get(c.y().size() - 1));
    assertTrue(ChartData.percentileCurve(new Histogram(3)).x().isEmpty());
  }

  @Test
  void percentileLabels() {
    assertEquals("0%", ChartData.percentileLabel(1));
    assertEquals("90%", ChartData.percentileLabel(10));
    assertEquals("99.9%", ChartData.percentileLabel(1000));
    assertEquals("99%", ChartData.decadeLabel(2.0));
    assertEquals("", ChartData.decadeLabel(2.5));
    assertEquals("byte[]", Charts.shortClass("[B"));
    assertEquals("Object[][]", Charts.shortClass("[[Ljava.lang.Object;"));
    assertEquals("Session", Charts.shortClass("io.quotecast.gateway.Session"));
  }

  @Test
  void kneeChartIsWrittenAsPng() throws Exception {
    Knee.Result r = Knee.find(List.of(new Knee.Step(1000, 1e5, 1, 5, 9, 20, 0, 0, 10, 1, 1, 1),
        new Knee.Step(2000, 2e5, 2, 150, 300, 400, 0, 0, 10, 1, 1, 1)), 100);
    Path png = dir.resolve("knee.png");
    Charts.writePng(Charts.knee(r.toJson()), png);
    byte[] b = Files.readAllBytes(png);
    assertTrue(b.length > 1000);
    assertEquals((byte) 0x89, b[0]);
    assertEquals('P', b[1]);
    JsonObject unused = r.toJson();
    assertTrue(unused.getBoolean("reached"));
  }

  @Test
  void peerSeriesHaveOneLinePerServerInRateOrder() throws Exception {
    JsonArray rows = new JsonArray()
        .add(new JsonObject().put("server", "quotecast").put("rate", 4000).put("deliveriesPerSecond", 101_000.0)
            .put("p99", 17.5))
        .add(new JsonObject().put("server", "vertx-broadcast").put("rate", 4000).put("deliveriesPerSecond", 101_300.0)
            .put("p99", 10.4))
        .add(new JsonObject().put("server", "quotecast").put("rate", 2000).put("deliveriesPerSecond", 50_700.0)
            .put("p99", 0.0))
        .add(new JsonObject().put("server", "spring-stomp").put("rate", 4000).put("error", "server did not start"))
        .add(new JsonObject().put("server", "vertx-broadcast").put("rate", 9000).put("deliveriesPerSecond", 150_000.0)
            .put("p99", 15_745.0))
        .add(new JsonObject().put("server", "vertx-broadcast").put("rate", 8000).put("deliveriesPerSecond", 163_000.0)
            .put("p99", 10_477.6));
    List<ChartData.Series> series = ChartData.peerSeries(rows);
    assertEquals(List.of("quotecast", "vertx-broadcast"), series.stream().map(ChartData.Series::name).toList());
    assertEquals(List.of(50_700.0, 101_000.0), series.get(0).x());
    assertEquals(List.of(0.01, 17.5), series.get(0).y(), "p99 0 drawn at 0.01 on the log axis");
    assertEquals(List.of(101_300.0, 163_000.0, 150_000.0), series.get(1).x(), "falls back at the highest rate");
    assertEquals(List.of(10.4, 10_477.6, 15_745.0), series.get(1).y());

    JsonObject summary = new JsonObject().put("rows", rows).put("workload", new JsonObject().put("sloP99Ms", 100)
        .put("connections", 1000).put("channelsPerConnection", 10).put("universe", 395));
    Path png = dir.resolve("peers.png");
    Charts.writePng(Charts.peers(summary), png);
    byte[] b = Files.readAllBytes(png);
    assertEquals('P', b[1], "a PNG");
  }
}

package io.quotecast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}

package io.quotecast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class IdleReportTest {
  private static final String BEFORE = String.join("\n",
      "12345:",
      " num     #instances         #bytes  class name (module)",
      "-------------------------------------------------------",
      "   1:         10000        1000000  [B (java.base@17.0.15)",
      "   2:          2000          48000  java.lang.String (java.base@17.0.15)",
      "Total         12000        1048000");
  private static final String AFTER = String.join("\n",
      "12345:",
      " num     #instances         #bytes  class name (module)",
      "-------------------------------------------------------",
      "   1:         30000       11000000  [B (java.base@17.0.15)",
      "   2:          3000          72000  java.lang.String (java.base@17.0.15)",
      "   3:          1000         120000  io.netty.channel.socket.nio.NioSocketChannel",
      "   4:           500          60000  io.netty.channel.socket.nio.NioSocketChannel",
      "Total         34500       11252000");
  private static final String NMT_BEFORE = "Total: reserved=3000000KB, committed=500000KB\n"
      + "-                 Java Heap (reserved=2097152KB, committed=300000KB)\n"
      + "-                     Other (reserved=1000KB, committed=1000KB)\n";
  private static final String NMT_AFTER = "Total: reserved=3100000KB, committed=520000KB\n"
      + "-                 Java Heap (reserved=2097152KB, committed=310000KB)\n"
      + "-                     Other (reserved=11000KB, committed=11000KB)\n";

  @Test
  void classHistogramTotalsAndGrowthByClass() {
    ClassHistogram b = ClassHistogram.parse(BEFORE);
    ClassHistogram a = ClassHistogram.parse(AFTER);
    assertEquals(1048000, b.totalBytes());
    assertEquals(34500, a.totalInstances());
    var growth = a.growthSince(b, 2);
    assertEquals("[B", growth.get(0).className());
    assertEquals(10_000_000, growth.get(0).bytes());
    // the same class under two loaders is added up
    assertEquals(180_000, growth.get(1).bytes());
    assertThrows(IllegalArgumentException.class, () -> ClassHistogram.parse("Exception: no such process"));
  }

  @Test
  void perConnectionFiguresDivideTheGrowthByTheConnectionsAdded() {
    JsonObject stats = new JsonObject().put("gateway", new JsonObject().put("connections", 0));
    IdleReport.Capture b = new IdleReport.Capture(ClassHistogram.parse(BEFORE), "ZHeap used 10M", 400_000,
        NMT_BEFORE, stats);
    IdleReport.Capture a = new IdleReport.Capture(ClassHistogram.parse(AFTER), "ZHeap used 30M", 420_000,
        NMT_AFTER, null);
    JsonObject r = IdleReport.analyse(b, a, 1000, 20);
    assertEquals(1000L, r.getLong("connectionsAdded"));
    assertEquals(10204L, r.getJsonObject("heap").getLong("perConnectionBytes"));
    assertEquals(9.96, r.getJsonObject("heap").getDouble("perConnectionKb"));
    assertTrue(r.getJsonObject("heap").getBoolean("withinGoal"));
    assertEquals(20.0, r.getJsonObject("rss").getDouble("perConnectionKb"));
    assertEquals(20.0, r.getJsonObject("nativeMemory").getDouble("perConnectionKb"));
    assertEquals(10.0, r.getJsonObject("nativeMemory").getJsonObject("perConnectionKbByCategory").getDouble("Other"));
    assertEquals("[B", r.getJsonArray("topClassesPerConnection").getJsonObject(0).getString("class"));
    assertTrue(IdleReport.format(r).contains("goal <= 20 KB: met"));
    assertFalse(IdleReport.analyse(b, a, 1000, 5).getJsonObject("heap").getBoolean("withinGoal"));
    assertTrue(IdleReport.analyse(b, a, 0, 20).containsKey("error"));
  }
}

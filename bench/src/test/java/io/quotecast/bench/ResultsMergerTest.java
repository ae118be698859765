package io.quotecast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ResultsMergerTest {
  private static Histogram hist(long... us) {
    Histogram h = new Histogram(BenchStats.MAX_LATENCY_US, 3);
    for (long v : us) {
      h.recordValue(v);
    }
    return h;
  }

  /** A results JSON as LoadClient writes it, with the fields the merger reads. */
  private static JsonObject part(String start, long connected, long messages, double seconds, Histogram src,
      double genCpu, double genRss, double ramp) {
    JsonObject histograms = new JsonObject().put("encoding", "x")
        .put("sourceToClient", HistogramJson.encode(src)).put("serverToClient", HistogramJson.encode(src))
        .put("sourceToServer", HistogramJson.encode(hist())).put("handshake", HistogramJson.encode(hist(1000, 2000)));
    return new JsonObject()
        .put("options", new JsonObject().put("url", "ws://x/ws").put("connections", connected).put("freq", "realtime")
            .put("batch", "off").put("assign", "random").put("types", new JsonArray().add("quote"))
            .put("localAddresses", new JsonArray().add("127.0.0." + connected)).put("seed", connected)
            .put("connectionsByFreq", new JsonObject().put("realtime", connected)))
        .put("connections", new JsonObject().put("attempted", connected).put("connected", connected)
            .put("connectFailures", 1).put("openAtEnd", connected).put("rampSeconds", ramp)
            .put("unexpectedClosesTotal", 0).put("unexpectedClosesInWindow", 0).put("exceptions", 0)
            .put("closeCodes", new JsonObject()).put("connectErrors", new JsonObject().put("refused", 1))
            .put("exceptionMessages", new JsonObject()))
        .put("subscriptions", new JsonObject().put("requested", connected * 10).put("subscribed", connected * 10)
            .put("rejected", 0).put("rejectCodes", new JsonObject()).put("errorReplies", 0)
            .put("errorCodes", new JsonObject()))
        .put("window", new JsonObject().put("start", start).put("seconds", seconds).put("messages", messages)
            .put("messagesPerSecond", messages / seconds).put("frames", messages)
            .put("framesPerSecond", messages / seconds).put("bytes", messages * 100)
            .put("bytesPerSecond", messages * 100 / seconds).put("batches", 0).put("gaps", 1).put("missedSeq", 2)
            .put("staleOrDuplicate", 0).put("snapshots", 0).put("gapsCountMeaning", "realtime: loss"))
        .put("totals", new JsonObject().put("gaps", 1).put("missedSeq", 2).put("staleOrDuplicate", 0)
            .put("gapsAfterSnapshot", 0).put("staleAfterSnapshot", 0).put("snapshots", 10).put("parseErrors", 0)
            .put("unknownChannelMessages", 0))
        .put("latency", new JsonObject().put("sourceToClient", HistogramJson.summary(src))
            .put("negativeClampedToZero", 1).put("aboveOneHourClamped", 0).put("histograms", histograms)
            .put("note", "n"))
        .put("server", new JsonObject().put("pid", 9).put("cpuPercentOfOneCore", 80.0).put("rssMbStart", 100.0)
            .put("rssMbEnd", 120.0).put("threads", 30))
        .put("generator", new JsonObject().put("pid", connected).put("cores", 2).put("java", "17")
            .put("cpuPercentOfOneCore", genCpu).put("rssMb", genRss).put("heapUsedMb", 10.0)
            .put("heapMaxMb", 100.0))
        .put("machine", new JsonObject().put("cores", 2).put("busyPercent", 50.0))
        .put("samples", new JsonArray().add("s" + connected));
  }

  @Test
  void histogramsAddExactlyAndCountsAndRatesSum() {
    Histogram a = hist(1000, 2000, 3000, 50_000);
    Histogram b = hist(4000, 5000, 120_000);
    JsonObject m = ResultsMerger.merge(List.of(
        part("2026-01-01T00:00:00.100Z", 100, 1000, 10.0, a, 20.0, 200.0, 3.0),
        part("2026-01-01T00:00:00.300Z", 50, 500, 10.0, b, 10.0, 150.0, 5.0)));

    Histogram expected = hist(1000, 2000, 3000, 50_000, 4000, 5000, 120_000);
    assertEquals(HistogramJson.summary(expected), m.getJsonObject("latency").getJsonObject("sourceToClient"));
    Histogram decoded = HistogramJson.decode(
        m.getJsonObject("latency").getJsonObject("histograms").getString("sourceToClient"));
    assertEquals(expected.getTotalCount(), decoded.getTotalCount());
    assertEquals(expected.getValueAtPercentile(99), decoded.getValueAtPercentile(99));
    assertEquals(4, m.getJsonObject("connections").getJsonObject("handshakeMs").getLong("count"));

    JsonObject c = m.getJsonObject("connections");
    assertEquals(150L, c.getLong("connected"));
    assertEquals(2L, c.getLong("connectFailures"));
    assertEquals(2L, c.getJsonObject("connectErrors").getLong("refused"));
    assertEquals(5.0, c.getDouble("rampSeconds"));
    JsonObject w = m.getJsonObject("window");
    assertEquals(1500L, w.getLong("messages"));
    assertEquals(150.0, w.getDouble("messagesPerSecond"));
    assertEquals(150.0, w.getDouble("framesPerSecond"));
    assertEquals(10.0, w.getDouble("seconds"));
    assertEquals(4L, w.getLong("missedSeq"));
    assertEquals(200L, w.getLong("startSpreadMs"));
    assertEquals("2026-01-01T00:00:00.100Z", w.getString("start"));
    assertEquals("realtime: loss", w.getString("gapsCountMeaning"));
    assertEquals(2L, m.getJsonObject("latency").getLong("negativeClampedToZero"));

    JsonObject g = m.getJsonObject("generator");
    assertEquals(2, g.getInteger("processes"));
    assertEquals(30.0, g.getDouble("cpuPercentOfOneCore"));
    assertEquals(350.0, g.getDouble("rssMb"));
    assertEquals(2, g.getJsonArray("perProcess").size());
    // the server is the server: not summed
    assertEquals(80.0, m.getJsonObject("server").getDouble("cpuPercentOfOneCore"));
    assertEquals(150L, m.getJsonObject("options").getLong("connections"));
    assertEquals(150L, m.getJsonObject("options").getJsonObject("connectionsByFreq").getLong("realtime"));
    assertEquals(2, m.getJsonObject("options").getJsonArray("localAddresses").size());
    assertFalse(m.containsKey("syncWarnings"));
    // the merged file is itself a valid input to the summary
    assertTrue(ResultsSummary.format(m).contains("2 generator processes"));
  }

  @Test
  void windowsFarApartAndMissingPartiesAreReported() {
    JsonObject late = part("2026-01-01T00:00:05Z", 10, 10, 10.0, hist(1), 1, 1, 1);
    late.put("sync", new JsonObject().put("id", "gen1").put("parties", 2).put("ready", 1));
    JsonObject m = ResultsMerger.merge(List.of(part("2026-01-01T00:00:00Z", 10, 10, 10.0, hist(1), 1, 1, 1), late));
    assertEquals(2, m.getJsonArray("syncWarnings").size());
  }

  @Test
  void refusesResultsWithoutHistograms() {
    JsonObject old = part("2026-01-01T00:00:00Z", 10, 10, 10.0, hist(1), 1, 1, 1);
    old.getJsonObject("latency").remove("histograms");
    assertThrows(IllegalArgumentException.class, () -> ResultsMerger.merge(List.of(old, old)));
  }

  @Test
  void goalsAreCheckedFromTheMergedNumbers() {
    JsonObject r = part("2026-01-01T00:00:00Z", 10, 10, 10.0, hist(1000, 2000, 60_000), 1, 1, 1);
    JsonObject g = ResultsSummary.goals(r, 50.0, true);
    assertFalse(g.getJsonObject("p99").getBoolean("met"));
    assertFalse(g.getJsonObject("zeroLoss").getBoolean("met")); // missed seq 2, a connect failure
    assertFalse(g.getBoolean("allMet"));
    JsonObject fine = part("2026-01-01T00:00:00Z", 10, 10, 10.0, hist(1000, 2000), 1, 1, 1);
    fine.getJsonObject("window").put("missedSeq", 0);
    fine.getJsonObject("connections").put("connectFailures", 0);
    assertTrue(ResultsSummary.goals(fine, 50.0, true).getBoolean("allMet"));
  }

  @Test
  void histogramEncodingRoundTrips() {
    Histogram h = hist(1, 10, 100, 1000, 10_000, 3_600_000_000L);
    Histogram d = HistogramJson.decode(HistogramJson.encode(h));
    assertEquals(h, d);
    assertThrows(IllegalArgumentException.class, () -> HistogramJson.decode("AAAA"));
  }
}

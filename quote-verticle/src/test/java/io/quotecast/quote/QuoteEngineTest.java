package io.quotecast.quote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.KlineInterval;
import io.quotecast.common.Publication;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuoteEngineTest {
  static final long T0 = MarketSimulatorTest.MONDAY_10AM;

  static QuoteConfig config(SimulatorMode mode) {
    return new QuoteConfig(mode, 1000, 1, 5, 10, "", 8, 50, 8, 250, 240);
  }

  @Test
  void publicationsHaveConsecutiveSeqsAndConsistentPayloads() {
    QuoteEngine engine = new QuoteEngine(TestListings.small(), config(SimulatorMode.CONTINUOUS), 5, "ep0001", T0);
    Map<String, Long> seqs = new HashMap<>();
    List<Publication> all = new ArrayList<>();
    QuoteEngine.Sink sink = (ch, p) -> {
      assertEquals(ch.key().toString(), p.channel());
      long expected = seqs.getOrDefault(p.channel(), 0L) + 1;
      assertEquals(expected, p.seq(), p.channel());
      seqs.put(p.channel(), p.seq());
      assertEquals("ep0001", p.epoch());
      all.add(p);
    };
    engine.seed(T0, sink);
    assertEquals(engine.size() * 7, all.size(), "a quote and the latest bar of each interval per symbol");
    int trades = 0;
    for (int k = 0; k < 300; k++) {
      long now = T0 + k * 1_000L;
      engine.onClock(now, sink);
      trades += engine.generate(20, now, sink);
    }
    assertTrue(trades > 0);
    int closed = 0;
    for (Publication p : all) {
      JsonObject data = new JsonObject(p.data());
      assertEquals(ChannelKey.parse(p.channel()).symbol(), data.getString("symbol"));
      if (p.type().wire().equals("quote")) {
        assertEquals(p.sourceTime(), data.getLong("time"));
      } else if (p.type().wire().equals("trade")) {
        assertEquals(p.sourceTime(), data.getLong("time"));
      } else if (p.isClosedBar()) {
        closed++;
        assertTrue(data.getBoolean("closed"));
      }
    }
    assertTrue(closed > engine.size() * 6, "seeded bars plus bars closed by the clock: " + closed);
  }

  @Test
  void historyRequests() {
    QuoteEngine engine = new QuoteEngine(TestListings.small(), config(SimulatorMode.CONTINUOUS), 5, "ep0001", T0);
    QuoteRequests req = new QuoteRequests(engine);
    QuoteEngine.Sink sink = (ch, p) -> {};
    engine.seed(T0, sink);
    long now = T0;
    for (int k = 0; k < 200; k++) {
      now = T0 + k * 1_000L;
      engine.onClock(now, sink);
      engine.generate(50, now, sink);
    }
    JsonArray bars = new JsonArray(req.history(new JsonObject().put("kind", "klines").put("symbol", "600519.sh")
        .put("interval", "1m").put("limit", 100), now));
    assertEquals(100, bars.size());
    long prev = Long.MIN_VALUE;
    for (int i = 0; i < bars.size(); i++) {
      JsonObject b = bars.getJsonObject(i);
      assertEquals("600519.SH", b.getString("symbol"));
      assertEquals("1m", b.getString("interval"));
      assertTrue(b.getLong("openTime") > prev, "oldest first");
      prev = b.getLong("openTime");
      assertEquals(i < 99, b.getBoolean("closed"));
    }
    assertEquals(KlineInterval.M1.openTime(now), prev, "ends with the current open bar");
    // end filters by openTime; the backfill (previous trading day) comes before the live bars
    JsonArray older = new JsonArray(req.history(new JsonObject().put("kind", "klines").put("symbol", "600519.SH")
        .put("interval", "1m").put("limit", 3).put("end", T0 - 1), now));
    assertEquals(3, older.size());
    assertTrue(older.getJsonObject(2).getLong("openTime") < T0);
    JsonArray daily = new JsonArray(req.history(new JsonObject().put("kind", "klines").put("symbol", "600519.SH")
        .put("interval", "1d").put("limit", 1000), now));
    assertEquals(251, daily.size(), "250 backfilled days and today");
    assertEquals(1720.00, daily.getJsonObject(249).getDouble("close"));
    JsonArray trades = new JsonArray(req.history(new JsonObject().put("kind", "trades").put("symbol", "600519.SH")
        .put("limit", 10), now));
    assertEquals(10, trades.size());
    long id = 0;
    for (int i = 0; i < trades.size(); i++) {
      assertTrue(trades.getJsonObject(i).getLong("tradeId") > id);
      id = trades.getJsonObject(i).getLong("tradeId");
    }
    assertFalse(trades.getJsonObject(9).getString("side").isEmpty());

    RequestFailure unknown = assertThrows(RequestFailure.class, () -> req.history(
        new JsonObject().put("kind", "trades").put("symbol", "600520.SH"), T0));
    assertEquals(404, unknown.code());
    assertEquals("unknown symbol 600520.SH", unknown.getMessage());
    for (JsonObject bad : List.of(new JsonObject(), new JsonObject().put("kind", "x").put("symbol", "600519.SH"),
        new JsonObject().put("kind", "klines").put("symbol", "600519.SH").put("interval", "2m"),
        new JsonObject().put("kind", "klines").put("symbol", "nope").put("interval", "1m"),
        new JsonObject().put("kind", "klines").put("symbol", "600519.SH").put("interval", "1m").put("limit", 0),
        new JsonObject().put("kind", "klines").put("symbol", "600519.SH").put("interval", "1m").put("limit", "5"),
        new JsonObject().put("kind", "trades").put("symbol", "600519.SH").put("limit", 51))) {
      assertEquals(400, assertThrows(RequestFailure.class, () -> req.history(bad, T0)).code(), bad.encode());
    }
  }

  @Test
  void replay() {
    QuoteEngine engine = new QuoteEngine(TestListings.small(), config(SimulatorMode.CONTINUOUS), 5, "ep0001", T0);
    QuoteRequests req = new QuoteRequests(engine);
    engine.seed(T0, (ch, p) -> {});
    engine.generate(2000, T0, (ch, p) -> {});
    ChannelState ch = engine.channel(ChannelKey.quote("600519.SH"));
    long seq = ch.seq();
    assertTrue(seq > 10);
    JsonObject ok = req.replay(new JsonObject().put("channel", "quote:600519.SH").put("seq", seq - 3)
        .put("epoch", "ep0001"));
    assertTrue(ok.getBoolean("recovered"));
    assertEquals(3, ok.getJsonArray("publications").size());
    assertEquals(seq, ok.getLong("seq"));
    assertEquals(seq - 2, ok.getJsonArray("publications").getJsonObject(0).getLong("seq"));
    assertFalse(req.replay(new JsonObject().put("channel", "quote:600519.SH").put("seq", 1).put("epoch", "ep0001"))
        .getBoolean("recovered"));
    assertFalse(req.replay(new JsonObject().put("channel", "quote:600519.SH").put("seq", seq).put("epoch", "other"))
        .getBoolean("recovered"));
    assertEquals(404, assertThrows(RequestFailure.class, () -> req.replay(
        new JsonObject().put("channel", "quote:600520.SH").put("seq", 1))).code());
    assertEquals(400, assertThrows(RequestFailure.class, () -> req.replay(
        new JsonObject().put("channel", "bogus").put("seq", 1))).code());
  }

  @Test
  void realisticSessionRunsAuctionsAndMatches() {
    long nine = T0 - 3_600_000L;
    QuoteEngine engine = new QuoteEngine(TestListings.small(), config(SimulatorMode.REALISTIC), 5, "ep0001", nine);
    List<Publication> pubs = new ArrayList<>();
    QuoteEngine.Sink sink = (ch, p) -> pubs.add(p);
    engine.seed(nine, sink);
    assertEquals(0, engine.generate(100, nine, sink), "pre_open: no updates");
    pubs.clear();
    long auction = nine + 15 * 60_000L;
    engine.onClock(auction, sink); // phase change: every quote republished
    assertEquals(engine.size(), pubs.size());
    assertTrue(pubs.get(0).data().contains("\"phase\":\"call_auction\""));
    assertEquals(0, engine.generate(500, auction + 1000, sink), "call auction: no trades");
    pubs.clear();
    engine.onClock(nine + 25 * 60_000L, sink); // opening match for every symbol
    long trades = pubs.stream().filter(p -> p.channel().startsWith("trade:")).count();
    assertEquals(engine.size(), trades);
    assertTrue(pubs.stream().filter(p -> p.channel().startsWith("quote:"))
        .allMatch(p -> p.data().contains("\"phase\":\"pre_open\"")));
    assertTrue(engine.generate(500, nine + 31 * 60_000L, sink) > 0);
  }

  @Test
  void fullMarketStartsQuickly() {
    List<io.quotecast.common.Listing> full = TestListings.full();
    if (full == null) {
      return; // ../shared/data not beside the checkout
    }
    Runtime rt = Runtime.getRuntime();
    System.gc();
    long before = rt.totalMemory() - rt.freeMemory();
    long t0 = System.nanoTime();
    QuoteEngine engine = new QuoteEngine(full, new QuoteConfig(SimulatorMode.CONTINUOUS, 1000, 1, 9, 10, "", 32, 1000,
        32, 250, 240), 9, "ep0001", T0);
    long built = System.nanoTime();
    List<Publication> seeded = new ArrayList<>();
    engine.seed(T0, (ch, p) -> seeded.add(p));
    long seededAt = System.nanoTime();
    int trades = engine.generate(100_000, T0 + 1000, (ch, p) -> {});
    long warm = System.nanoTime();
    trades += engine.generate(100_000, T0 + 2000, (ch, p) -> {});
    long generated = System.nanoTime();
    System.out.printf("first 100k updates %d ms%n", (warm - seededAt) / 1_000_000);
    seededAt = warm;
    System.gc();
    long after = rt.totalMemory() - rt.freeMemory();
    assertEquals(5524, engine.size());
    assertEquals(5524 * 7, seeded.size());
    assertTrue(trades > 0);
    System.out.printf("full market: build+backfill %d ms, seed %d ms, 100k updates %d ms, heap +%d MB%n",
        (built - t0) / 1_000_000, (seededAt - built) / 1_000_000, (generated - seededAt) / 1_000_000,
        (after - before) >> 20);
    seeded.clear();
    assertNotNullEngine(engine);
  }

  private static void assertNotNullEngine(QuoteEngine engine) {
    assertTrue(engine.indexOf("600519.SH") >= 0);
  }
}

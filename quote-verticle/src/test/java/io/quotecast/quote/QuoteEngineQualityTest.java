package io.quotecast.quote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Quality figures as the engine records them: the simulator's injected gap and stale symbol, and an upstream feed's
 * seq gaps, out-of-order times, crossed books, limit breaches and refused ticks, for owned symbols only; and a quote
 * node's answer to the report's question (filters, order, limit, totals).
 */
class QuoteEngineQualityTest {
  static final long T0 = MarketSimulatorTest.MONDAY_10AM;
  static final String SYMBOL = "600519.SH"; // previous close 1720.00, limits 1548.00 / 1892.00
  static final QuoteEngine.Sink NOWHERE = (ch, p) -> { };

  static QuoteEngine simulator() {
    QuoteConfig c = new QuoteConfig(SimulatorMode.CONTINUOUS, 1000, 0, 5, 10, "", 8, 50, 8, 0, 0, 2_000, 10);
    return new QuoteEngine(TestListings.small(), c, 5, "ep0001", T0);
  }

  /** Runs the simulator from {@code from} to {@code to}, 50 updates every 10 ms (every symbol updates often). */
  static void run(QuoteEngine e, long from, long to) {
    for (long now = from; now <= to; now += 10) {
      e.onClock(now, NOWHERE);
      e.generate(50, now, NOWHERE);
    }
  }

  static JsonObject answer(QuoteEngine e, JsonObject question, long now) {
    return QualityQuery.from(question).answer(e, "node-1", "id-1", now);
  }

  static List<String> symbols(JsonObject answer) {
    return answer.getJsonArray("rows").stream().map(r -> ((JsonObject) r).getString("symbol")).toList();
  }

  @Test
  void theSimulatorIsCleanWithoutFaults() {
    QuoteEngine e = simulator();
    run(e, T0, T0 + 5_000);
    JsonObject a = answer(e, new JsonObject().put("flagged", true), T0 + 5_000);
    assertEquals(0, a.getInteger("matched"), a::encodePrettily);
    JsonObject totals = a.getJsonObject("totals");
    assertEquals(e.size(), totals.getLong("symbols"));
    assertEquals(0, totals.getLong("gaps") + totals.getLong("stale") + totals.getLong("invalid")
        + totals.getLong("outOfOrder"), totals::encode);
  }

  @Test
  void anInjectedGapAndAStaleSymbolAreFlaggedAndNothingElse() {
    QuoteEngine e = simulator();
    run(e, T0, T0 + 1_000);
    int gap = e.indexOf("000001.SZ");
    int stale = e.indexOf("300150.SZ");
    e.skipSourceSeq(gap, 5);
    e.silence(stale, T0 + 6_000);
    run(e, T0 + 1_010, T0 + 5_000);

    long now = T0 + 5_000;
    JsonObject a = answer(e, new JsonObject().put("flagged", true), now);
    assertEquals(List.of("000001.SZ", "300150.SZ"), symbols(a), a::encodePrettily);
    JsonObject gapRow = a.getJsonArray("rows").getJsonObject(0);
    assertEquals(1, gapRow.getLong("gaps"));
    assertEquals(5, gapRow.getLong("missing"));
    assertEquals(new JsonArray().add("gap"), gapRow.getJsonArray("flags"));
    JsonObject staleRow = a.getJsonArray("rows").getJsonObject(1);
    assertTrue(staleRow.getBoolean("stale"));
    assertTrue(staleRow.getLong("lastUpdateAgeMs") >= 3_990, staleRow::encode);
    assertEquals(new JsonArray().add("stale"), staleRow.getJsonArray("flags"));
    assertEquals("平安银行", gapRow.getString("name"));
    assertEquals("node-1", gapRow.getString("owner"));
    assertEquals("continuous", gapRow.getString("phase"));

    run(e, T0 + 5_010, T0 + 7_000); // the stale fault ended at +6 s
    JsonObject later = answer(e, new JsonObject().put("flagged", true), T0 + 7_000);
    assertEquals(List.of("000001.SZ"), symbols(later), "updates resumed: no longer stale; the gap stays for the day");
  }

  @Test
  void filtersOrderAndLimitApplyToRowsAndTotalsToEveryOwnedSymbol() {
    QuoteEngine e = simulator();
    run(e, T0, T0 + 1_000);
    e.skipSourceSeq(e.indexOf("000001.SZ"), 2);
    e.skipSourceSeq(e.indexOf("000004.SZ"), 9);
    e.skipSourceSeq(e.indexOf("300016.SZ"), 9);
    run(e, T0 + 1_010, T0 + 3_000);
    e.release(new int[] {e.indexOf("300016.SZ")}); // another node's now: neither a row nor in the totals

    JsonObject byGaps = answer(e, new JsonObject().put("sort", "gaps").put("limit", 2), T0 + 3_000);
    assertEquals(List.of("000004.SZ", "000001.SZ"), symbols(byGaps), "most missing first, cut to the limit");
    assertEquals(e.size() - 1, byGaps.getInteger("matched"));
    assertEquals(e.size() - 1, byGaps.getJsonObject("totals").getLong("symbols"));
    assertEquals(2, byGaps.getJsonObject("totals").getLong("gaps"));
    assertEquals(11, byGaps.getJsonObject("totals").getLong("missing"));
    assertEquals(2, byGaps.getJsonObject("totals").getLong("flagged"));

    JsonObject one = answer(e, new JsonObject().put("symbol", "600519.sh"), T0 + 3_000);
    assertEquals(List.of(SYMBOL), symbols(one), "symbol filter, case-insensitive");
    JsonObject none = answer(e, new JsonObject().put("symbol", "300016.SZ"), T0 + 3_000);
    assertEquals(List.of(), symbols(none), "not owned here");

    JsonObject byAge = answer(e, new JsonObject().put("sort", "age"), T0 + 3_000);
    List<JsonObject> rows = byAge.getJsonArray("rows").stream().map(r -> (JsonObject) r).toList();
    for (int k = 1; k < rows.size(); k++) {
      assertTrue(rows.get(k - 1).getLong("lastUpdateAgeMs") >= rows.get(k).getLong("lastUpdateAgeMs"),
          "oldest first");
    }
  }

  @Test
  void feedTicksShowSeqGapsOutOfOrderTimesCrossedBooksLimitBreachesAndRefusedTicks() {
    QuoteEngine e = new QuoteEngine(TestListings.small(), QuoteEngineTest.config(SimulatorMode.CONTINUOUS), 5,
        "ep0001", T0);
    e.feedDriven();
    FeedIngest feed = new FeedIngest(e, NOWHERE, new FeedCounters());
    feed.onFrame(trade("1725.50", 1, T0 + 100), T0 + 100);
    feed.onFrame(trade("1725.60", 2, T0 + 200), T0 + 200);
    feed.onFrame(trade("1725.70", 6, T0 + 300), T0 + 300); // 3, 4, 5 missing
    feed.onFrame(trade("1725.80", 7, T0 + 250), T0 + 310); // stamped before the previous tick
    feed.onFrame(trade("1999.00", 8, T0 + 400), T0 + 400); // above limit-up 1892.00
    feed.onFrame(book("[[\"1725.50\",100]]", "[[\"1725.50\",100]]", 9, T0 + 500), T0 + 500); // crossed
    feed.onFrame(trade("1725.555", 10, T0 + 600), T0 + 600); // three decimals: refused by the parser
    feed.onFrame(trade("1725.90", 11, T0 + 700), T0 + 700); // 10 was refused, not missing: no gap

    int i = e.indexOf(SYMBOL);
    QualityBook q = e.quality();
    assertEquals(1, q.gaps(i));
    assertEquals(3, q.missing(i));
    assertEquals(1, q.outOfOrder(i));
    assertEquals(1, q.invalid(i, QualityBook.Invalid.LIMIT_BREACH));
    assertEquals(1, q.invalid(i, QualityBook.Invalid.CROSSED_BOOK));
    assertEquals(1, q.invalid(i, QualityBook.Invalid.OUT_OF_RANGE));
    assertEquals(5, q.updates(i), "the applied ticks");
    JsonObject row = answer(e, new JsonObject().put("symbol", SYMBOL), T0 + 800).getJsonArray("rows")
        .getJsonObject(0);
    assertEquals(new JsonArray().add("gap").add("outOfOrder").add("invalid").add("crossedBook").add("limitBreach"),
        row.getJsonArray("flags"), row::encodePrettily);
    assertEquals(100, row.getLong("lastUpdateAgeMs"));

    // a symbol of another node: its owner counts, not this node
    int other = e.indexOf("000001.SZ");
    e.release(new int[] {other});
    feed.onFrame("{\"type\":\"trade\",\"symbol\":\"000001.SZ\",\"price\":\"99.00\",\"size\":100}", T0 + 900);
    feed.onFrame("{\"type\":\"trade\",\"symbol\":\"000001.SZ\",\"price\":\"11.555\",\"size\":100}", T0 + 900);
    assertEquals(0, q.invalidTotal(other));
  }

  static String trade(String price, long seq, long ts) {
    return "{\"type\":\"trade\",\"symbol\":\"" + SYMBOL + "\",\"seq\":" + seq + ",\"ts\":" + ts + ",\"price\":\""
        + price + "\",\"size\":100}";
  }

  static String book(String bids, String asks, long seq, long ts) {
    return "{\"type\":\"book\",\"symbol\":\"" + SYMBOL + "\",\"seq\":" + seq + ",\"ts\":" + ts + ",\"bids\":" + bids
        + ",\"asks\":" + asks + "}";
  }

  @Test
  void anInjectedGapOnASymbolOfAnotherNodeShowsNowhere() {
    QuoteEngine e = simulator();
    int i = e.indexOf("000001.SZ");
    e.release(new int[] {i});
    e.skipSourceSeq(i, 5);
    run(e, T0, T0 + 500);
    e.takeOver(new int[] {i}, java.util.Map.of(), "ep0002", T0 + 510, NOWHERE);
    run(e, T0 + 520, T0 + 2_000);
    assertEquals(0, e.quality().gaps(i), "a new owner starts counting from its first number");
    assertFalse(e.quality().stale(i, T0 + 2_000));
  }
}

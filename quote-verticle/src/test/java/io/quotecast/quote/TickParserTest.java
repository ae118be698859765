package io.quotecast.quote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.quote.FeedCounters.Reason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TickParserTest {
  static final long NOW = MarketSimulatorTest.MONDAY_10AM;
  static final Map<String, Integer> SYMBOLS = Map.of("600519.SH", 0, "000001.SZ", 1);

  final FeedCounters counters = new FeedCounters();
  final TickParser parser = new TickParser(s -> SYMBOLS.getOrDefault(s, -1), counters);

  List<FeedTick> parse(String frame) {
    List<FeedTick> out = new ArrayList<>();
    parser.parse(frame, NOW, out::add);
    return out;
  }

  FeedTick one(String frame) {
    List<FeedTick> ticks = parse(frame);
    assertEquals(1, ticks.size(), () -> frame + " -> " + ticks + ", counters " + counters.toJson());
    return ticks.get(0);
  }

  long rejected() {
    long n = 0;
    for (Reason r : Reason.values()) {
      n += counters.rejected(r);
    }
    return n;
  }

  @Test
  void tradeWithStringPrice() {
    FeedTick.TradeTick t = (FeedTick.TradeTick) one("{\"type\":\"trade\",\"symbol\":\"600519.SH\",\"ts\":" + (NOW - 5)
        + ",\"price\":\"1688.50\",\"size\":300,\"side\":\"B\"}");
    assertEquals(new FeedTick.TradeTick(0, NOW - 5, 168_850, 300, Side.BUY), t);
    assertEquals(0, rejected());
  }

  @Test
  void decimalsAreExactWhetherStringsOrNumbers() {
    // 10.05 is not representable in binary floating point: a double on the way would give 10.049999...
    for (String price : List.of("\"10.05\"", "10.05", "10.050", "\"10.050000\"", "1.005E1")) {
      FeedTick.TradeTick t = (FeedTick.TradeTick) one("{\"type\":\"trade\",\"symbol\":\"000001.SZ\",\"price\":"
          + price + ",\"size\":\"100\"}");
      assertEquals(1005, t.price(), price);
    }
    assertEquals(99_999_999L, ((FeedTick.TradeTick) one("{\"type\":\"trade\",\"symbol\":\"600519.SH\","
        + "\"price\":999999.99,\"size\":1}")).price(), "more digits than a float keeps");
    assertEquals(0, rejected());
    assertTrue(parse("{\"type\":\"trade\",\"symbol\":\"600519.SH\",\"price\":1000000.01,\"size\":1}").isEmpty());
    assertEquals(1, counters.rejected(Reason.OUT_OF_RANGE), "too large");
  }

  @Test
  void moreThanTwoDecimalPlacesIsRejectedNotRounded() {
    assertTrue(parse("{\"type\":\"trade\",\"symbol\":\"600519.SH\",\"price\":\"10.055\",\"size\":100}").isEmpty());
    assertTrue(parse("{\"type\":\"trade\",\"symbol\":\"600519.SH\",\"price\":10.001,\"size\":100}").isEmpty());
    assertEquals(2, counters.rejected(Reason.OUT_OF_RANGE));
  }

  @Test
  void optionalFieldsDefault() {
    FeedTick.TradeTick t = (FeedTick.TradeTick) one("{\"type\":\"trade\",\"symbol\":\" 600519.sh \","
        + "\"price\":\"1700\",\"size\":200}");
    assertEquals(0, t.index(), "symbols are case-insensitive and trimmed");
    assertEquals(NOW, t.time(), "no ts: the arrival time");
    assertEquals(Side.NEUTRAL, t.side());
    assertEquals(Side.SELL, ((FeedTick.TradeTick) one("{\"type\":\"trade\",\"symbol\":\"600519.SH\","
        + "\"price\":\"1700\",\"size\":200,\"side\":\"sell\"}")).side());
  }

  @Test
  void bookLevels() {
    FeedTick.BookTick b = (FeedTick.BookTick) one("{\"type\":\"book\",\"symbol\":\"600519.SH\",\"ts\":" + NOW
        + ",\"bids\":[[\"1688.40\",1200],[\"1688.00\",300,7]],\"asks\":[[1688.5,100]]}");
    assertEquals(0, b.index());
    assertEquals(2, b.bids().count());
    assertArrayEquals(new long[] {168_840, 168_800}, Arrays.copyOf(b.bids().prices(), 2));
    assertArrayEquals(new long[] {1200, 300}, Arrays.copyOf(b.bids().sizes(), 2));
    assertEquals(1, b.asks().count());
    assertEquals(168_850, b.asks().prices()[0]);

    FeedTick.BookTick bidsOnly = (FeedTick.BookTick) one("{\"type\":\"book\",\"symbol\":\"600519.SH\","
        + "\"bids\":[[\"1688.40\",1200]]}");
    assertNull(bidsOnly.asks(), "a side left out keeps its levels");

    FeedTick.BookTick deep = (FeedTick.BookTick) one("{\"type\":\"book\",\"symbol\":\"600519.SH\",\"asks\":"
        + "[[\"1.01\",1],[\"1.02\",1],[\"1.03\",1],[\"1.04\",1],[\"1.05\",1],[\"1.06\",1],[\"1.07\",1]]}");
    assertEquals(5, deep.asks().count(), "deeper books are cut to five levels");

    FeedTick.BookTick padded = (FeedTick.BookTick) one("{\"type\":\"book\",\"symbol\":\"600519.SH\",\"bids\":"
        + "[[\"9.99\",100],[\"0.00\",0],[\"0\",0]],\"asks\":[]}");
    assertEquals(1, padded.bids().count(), "zero-padded levels end the side");
    assertEquals(0, padded.asks().count(), "an empty side");
    assertEquals(0, rejected());
  }

  @Test
  void unsortedLevelsAreOutOfRange() {
    assertTrue(parse("{\"type\":\"book\",\"symbol\":\"600519.SH\",\"bids\":[[\"10.00\",1],[\"10.01\",1]]}")
        .isEmpty());
    assertTrue(parse("{\"type\":\"book\",\"symbol\":\"600519.SH\",\"asks\":[[\"10.01\",1],[\"10.01\",1]]}")
        .isEmpty());
    assertEquals(2, counters.rejected(Reason.OUT_OF_RANGE));
  }

  @Test
  void arraysAndSeveralValuesPerFrame() {
    List<FeedTick> ticks = parse("[{\"type\":\"trade\",\"symbol\":\"600519.SH\",\"price\":\"1700.00\",\"size\":100},"
        + "{\"type\":\"heartbeat\",\"ts\":" + NOW + "}]\n{\"type\":\"heartbeat\"}");
    assertEquals(3, ticks.size());
    assertTrue(ticks.get(0) instanceof FeedTick.TradeTick);
    assertEquals(new FeedTick.Heartbeat(NOW), ticks.get(1));
    assertEquals(new FeedTick.Heartbeat(NOW), ticks.get(2));
  }

  @Test
  void badMessagesAreCountedNeverThrown() {
    List<FeedTick> ticks = parse("[{\"type\":\"trade\",\"symbol\":\"600520.SH\",\"price\":\"1.00\",\"size\":100},"
        + "{\"type\":\"trade\",\"symbol\":\"600519.SH\",\"price\":\"abc\",\"size\":100},"
        + "{\"type\":\"trade\",\"symbol\":\"600519.SH\",\"size\":100},"
        + "{\"type\":\"trade\",\"symbol\":\"600519.SH\",\"price\":\"-1.00\",\"size\":100},"
        + "{\"type\":\"trade\",\"symbol\":\"600519.SH\",\"price\":\"1.00\",\"size\":100.5},"
        + "{\"type\":\"trade\",\"symbol\":\"600519.SH\",\"price\":\"1.00\",\"size\":0},"
        + "{\"type\":\"trade\",\"symbol\":\"600519.SH\",\"price\":\"1.00\",\"size\":1,\"side\":\"up\"},"
        + "{\"type\":\"trade\",\"symbol\":600519,\"price\":\"1.00\",\"size\":1},"
        + "{\"type\":\"trade\",\"symbol\":\"600519.SH\",\"price\":\"1.00\",\"size\":1,\"ts\":" + (NOW + 120_000) + "},"
        + "{\"type\":\"trade\",\"symbol\":\"600519.SH\",\"price\":\"1.00\",\"size\":1,\"ts\":" + (NOW - 86_400_000)
        + "},"
        + "{\"type\":\"trade\",\"symbol\":\"600519.SH\",\"price\":\"1.00\",\"size\":1,\"ts\":\"soon\"},"
        + "{\"type\":\"book\",\"symbol\":\"600519.SH\"},"
        + "{\"type\":\"book\",\"symbol\":\"600519.SH\",\"bids\":{\"1.00\":1}},"
        + "{\"type\":\"news\",\"text\":\"hello\"},"
        + "{\"symbol\":\"600519.SH\"},"
        + "42,"
        + "{\"type\":\"trade\",\"symbol\":\"600519.SH\",\"price\":\"1.23\",\"size\":1}]");
    assertEquals(1, ticks.size(), "only the last one is good: " + ticks);
    assertEquals(123, ((FeedTick.TradeTick) ticks.get(0)).price());
    assertEquals(1, counters.rejected(Reason.UNKNOWN_SYMBOL));
    assertEquals(1, counters.rejected(Reason.UNKNOWN_TYPE));
    assertEquals(5, counters.rejected(Reason.OUT_OF_RANGE), counters.toJson()::encode);
    assertEquals(9, counters.rejected(Reason.MALFORMED), counters.toJson()::encode);

    for (String frame : List.of("", "not json", "{\"type\":\"trade\"", "[1,2", "\"text\"", "null",
        "[[[[[[[[[[[[]]]]]]]]]]]]")) {
      parse(frame);
    }
    assertEquals(16, counters.rejected(Reason.MALFORMED), counters.toJson()::encode);
  }

  @Test
  void hugeExponentsAreRejectedCheaply() {
    assertTrue(parse("[{\"type\":\"trade\",\"symbol\":\"600519.SH\",\"price\":1e999999999,\"size\":1},"
        + "{\"type\":\"trade\",\"symbol\":\"600519.SH\",\"price\":\"1.00\",\"size\":\"1e999999999\"},"
        + "{\"type\":\"trade\",\"symbol\":\"600519.SH\",\"price\":\"1e-999999999\",\"size\":1},"
        + "{\"type\":\"heartbeat\",\"ts\":1e999999999}]").isEmpty());
    assertEquals(4, counters.rejected(Reason.OUT_OF_RANGE), counters.toJson()::encode);
  }

  @Test
  void valuesBeforeABrokenOneInTheSameFrameCount() {
    List<FeedTick> ticks = parse("{\"type\":\"heartbeat\"}\n{\"type\":");
    assertEquals(1, ticks.size());
    assertEquals(1, counters.rejected(Reason.MALFORMED));
  }

  @Test
  void rejectionsAreSummedUpAtMostOncePerInterval() {
    parse("nope");
    parse("{\"type\":\"trade\",\"symbol\":\"999999.SH\",\"price\":\"1.00\",\"size\":1}");
    String first = counters.summaryDue(NOW);
    assertTrue(first.contains("malformed 1") && first.contains("unknownSymbol 1 (e.g. 999999.SH)"), first);
    parse("nope");
    assertNull(counters.summaryDue(NOW + 1_000), "not again within the interval");
    String second = counters.summaryDue(NOW + FeedCounters.LOG_EVERY_MS);
    assertTrue(second.contains("malformed 1") && !second.contains("unknownSymbol"), second);
    assertNull(counters.summaryDue(NOW + 3 * FeedCounters.LOG_EVERY_MS), "nothing new, nothing said");
    assertEquals(2, counters.rejected(Reason.MALFORMED), "totals are kept");
  }

  @Test
  void anOptionalSeqIsReadAndABadOneRefused() {
    FeedTick.TradeTick t = (FeedTick.TradeTick) one("{\"type\":\"trade\",\"symbol\":\"600519.SH\",\"seq\":42,"
        + "\"price\":\"1688.50\",\"size\":300}");
    assertEquals(42, t.seq());
    FeedTick.BookTick b = (FeedTick.BookTick) one("{\"type\":\"book\",\"symbol\":\"600519.SH\",\"seq\":43,"
        + "\"bids\":[[\"1688.40\",100]]}");
    assertEquals(43, b.seq());
    assertEquals(0, ((FeedTick.TradeTick) one("{\"type\":\"trade\",\"symbol\":\"600519.SH\",\"price\":1,"
        + "\"size\":1}")).seq(), "absent: 0");
    for (String bad : List.of("0", "-1", "1.5", "\"x\"", "[1]")) {
      assertEquals(0, parse("{\"type\":\"trade\",\"symbol\":\"600519.SH\",\"seq\":" + bad
          + ",\"price\":1,\"size\":1}").size(), bad);
    }
    assertEquals(5, counters.rejected(Reason.MALFORMED));
  }

  @Test
  void rejectionsOfAListedSymbolAreReportedWithItsSeq() {
    List<String> seen = new ArrayList<>();
    TickParser p = new TickParser(s -> SYMBOLS.getOrDefault(s, -1), counters,
        (index, seq, reason) -> seen.add(index + "/" + seq + "/" + reason));
    p.parse("[{\"type\":\"trade\",\"symbol\":\"000001.SZ\",\"seq\":7,\"price\":\"1.005\",\"size\":1},"
        + "{\"type\":\"trade\",\"symbol\":\"600519.SH\",\"price\":\"1.00\"},"
        + "{\"type\":\"trade\",\"symbol\":\"999999.SH\",\"seq\":1,\"price\":\"1.00\",\"size\":1},"
        + "{\"type\":\"book\",\"symbol\":\"000001.SZ\",\"seq\":8,\"bids\":[[\"1.00\",1],[\"1.01\",1]]},"
        + "{\"type\":\"trade\",\"price\":\"1.00\",\"size\":1}]", NOW, t -> { });
    assertEquals(List.of("1/7/OUT_OF_RANGE", "0/0/MALFORMED", "1/8/OUT_OF_RANGE"), seen,
        "unknown symbols and messages without a symbol are nobody's");
  }
}

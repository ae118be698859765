package io.quotecast.quote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.KlineInterval;
import io.quotecast.common.Publication;
import io.quotecast.quote.FeedCounters.Reason;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Feed ticks through the engine: the same publications as simulated updates, only for owned symbols, within bounds. */
class FeedIngestTest {
  static final long T0 = MarketSimulatorTest.MONDAY_10AM;
  static final String SYMBOL = "600519.SH"; // previous close 1720.00, limits 1548.00 / 1892.00

  final List<Publication> published = new ArrayList<>();
  final FeedCounters counters = new FeedCounters();

  FeedIngest ingest(QuoteEngine engine) {
    return new FeedIngest(engine, (ch, p) -> published.add(p), counters);
  }

  static QuoteEngine feedEngine(SimulatorMode mode, long now) {
    QuoteEngine e = new QuoteEngine(TestListings.small(), QuoteEngineTest.config(mode), 5, "ep0001", now);
    e.feedDriven();
    return e;
  }

  static String trade(String price, long size, String side, long ts) {
    return "{\"type\":\"trade\",\"symbol\":\"" + SYMBOL + "\",\"ts\":" + ts + ",\"price\":\"" + price + "\",\"size\":"
        + size + ",\"side\":\"" + side + "\"}";
  }

  List<Publication> of(String channel) {
    return published.stream().filter(p -> p.channel().equals(channel)).toList();
  }

  @Test
  void ticksMakeTheSamePublicationsAsSimulatedUpdates() {
    QuoteEngine engine = feedEngine(SimulatorMode.CONTINUOUS, T0);
    int i = engine.indexOf(SYMBOL);
    assertEquals(0, engine.simulator().state(i).bidLevels() + engine.simulator().state(i).askLevels(),
        "no made-up book before the feed sends one");
    FeedIngest feed = ingest(engine);
    String book = "{\"type\":\"book\",\"symbol\":\"" + SYMBOL + "\",\"ts\":" + (T0 + 900) + ",\"bids\":"
        + "[[\"1725.49\",300],[\"1725.48\",1200],[\"1725.45\",500],[\"1725.40\",800],[\"1725.38\",100]],"
        + "\"asks\":[[\"1725.50\",200],[\"1725.52\",900]]}";
    assertEquals(3, feed.onFrame("[" + book + "," + trade("1725.50", 300, "B", T0 + 1000) + "]\n"
        + "{\"type\":\"heartbeat\"}", T0 + 1005));
    assertEquals(2, counters.applied());
    assertEquals(1, counters.heartbeats());

    List<Publication> quotes = of("quote:" + SYMBOL);
    assertEquals(2, quotes.size(), "one quote per tick");
    JsonObject q = new JsonObject(quotes.get(1).data());
    assertTrue(quotes.get(1).data().contains("\"last\":1725.50,"), quotes.get(1).data());
    assertTrue(quotes.get(1).data().contains("\"bids\":[[1725.49,300],[1725.48,1200],[1725.45,500],[1725.40,800],"
        + "[1725.38,100]],\"asks\":[[1725.50,200],[1725.52,900]]"), quotes.get(1).data());
    assertEquals(300, q.getLong("volume"));
    assertEquals(T0 + 1000, q.getLong("time"), "the feed's time");
    assertEquals("continuous", q.getString("phase"));
    assertEquals(T0 + 900, quotes.get(0).sourceTime());

    List<Publication> trades = of("trade:" + SYMBOL);
    assertEquals(1, trades.size());
    assertEquals("{\"symbol\":\"600519.SH\",\"tradeId\":1,\"price\":1725.50,\"volume\":300,\"amount\":517650.00,"
        + "\"side\":\"buy\",\"time\":" + (T0 + 1000) + "}", trades.get(0).data());

    for (KlineInterval k : KlineInterval.values()) {
      List<Publication> bars = of("kline:" + k.wire() + ":" + SYMBOL);
      assertEquals(1, bars.size(), k.wire());
      JsonObject bar = new JsonObject(bars.get(0).data());
      assertEquals(k.openTime(T0 + 1000), bar.getLong("openTime"));
      assertTrue(bars.get(0).data().contains("\"close\":1725.50,\"volume\":300,"), bars.get(0).data());
    }
    JsonArray history = new JsonArray(engine.trades(SYMBOL, 10));
    assertEquals(1, history.size(), "REST trades and recovery see feed trades");
  }

  @Test
  void symbolsOfOtherNodesAreSkipped() {
    QuoteEngine engine = feedEngine(SimulatorMode.CONTINUOUS, T0);
    int i = engine.indexOf(SYMBOL);
    engine.release(new int[] {i});
    FeedIngest feed = ingest(engine);
    assertEquals(1, feed.onFrame(trade("1725.50", 100, "S", T0), T0 + 10), "still a sign of life");
    assertTrue(published.isEmpty(), "a node applies only the symbols of the buckets it owns");
    assertEquals(1, counters.notOwned());
    assertEquals(0, engine.simulator().state(i).volume());

    engine.takeOver(new int[] {i}, java.util.Map.of(), "ep0002", T0 + 20, (ch, p) -> { });
    feed.onFrame(trade("1725.50", 100, "S", T0 + 30), T0 + 30);
    assertEquals(1, of("trade:" + SYMBOL).size(), "applied once owned");
  }

  @Test
  void twoNodesSplittingTheBucketsProduceEverySymbolOnce() {
    QuoteEngine a = feedEngine(SimulatorMode.CONTINUOUS, T0);
    QuoteEngine b = feedEngine(SimulatorMode.CONTINUOUS, T0);
    int[][] byBucket = BucketOwnership.bucketIndex(a, 8);
    for (int bucket = 0; bucket < 8; bucket++) {
      (bucket % 2 == 0 ? b : a).release(byBucket[bucket]); // a owns the even buckets, b the odd ones
    }
    FeedIngest feedA = new FeedIngest(a, (ch, p) -> published.add(p), counters);
    FeedIngest feedB = new FeedIngest(b, (ch, p) -> published.add(p), counters);
    StringBuilder frame = new StringBuilder("[");
    for (int i = 0; i < a.size(); i++) {
      SymbolState s = a.simulator().state(i);
      frame.append(i == 0 ? "" : ",").append("{\"type\":\"trade\",\"symbol\":\"").append(s.listing().symbol())
          .append("\",\"price\":").append(io.quotecast.common.Price.format(s.preClose())).append(",\"size\":100}");
    }
    String text = frame.append(']').toString();
    feedA.onFrame(text, T0);
    feedB.onFrame(text, T0);
    for (int i = 0; i < a.size(); i++) {
      assertEquals(1, of("trade:" + a.simulator().state(i).listing().symbol()).size(), "one producer per symbol");
    }
    assertEquals(a.size(), counters.applied());
    assertEquals(a.size(), counters.notOwned());
  }

  @Test
  void pricesOutsideTheLimitsAndCrossedBooksAreRejected() {
    QuoteEngine engine = feedEngine(SimulatorMode.CONTINUOUS, T0);
    FeedIngest feed = ingest(engine);
    feed.onFrame(trade("1892.01", 100, "B", T0), T0);
    feed.onFrame(trade("1547.99", 100, "B", T0), T0);
    feed.onFrame("{\"type\":\"book\",\"symbol\":\"600519.SH\",\"bids\":[[\"1900.00\",100]]}", T0);
    feed.onFrame("{\"type\":\"book\",\"symbol\":\"600519.SH\",\"bids\":[[\"1725.50\",100]],\"asks\":"
        + "[[\"1725.50\",100]]}", T0);
    assertTrue(published.isEmpty(), published::toString);
    assertEquals(4, counters.rejected(Reason.OUT_OF_RANGE));
    assertTrue(counters.summaryDue(T0).contains("600519.SH trade at 1892.01 outside the daily limits "
        + "[1548.00, 1892.00]"));

    feed.onFrame("{\"type\":\"book\",\"symbol\":\"600519.SH\",\"asks\":[[\"1725.50\",100]]}", T0);
    feed.onFrame("{\"type\":\"book\",\"symbol\":\"600519.SH\",\"bids\":[[\"1725.60\",100]]}", T0);
    assertEquals(5, counters.rejected(Reason.OUT_OF_RANGE), "bids crossing the asks already held");
    feed.onFrame(trade("1892.00", 100, "B", T0), T0);
    assertEquals(1, of("trade:" + SYMBOL).size(), "the limit itself is a valid price");
  }

  @Test
  void aLateTickCannotReopenABarTheClockClosed() {
    QuoteEngine engine = feedEngine(SimulatorMode.CONTINUOUS, T0);
    FeedIngest feed = ingest(engine);
    feed.onFrame(trade("1725.50", 100, "B", T0 + 1000), T0 + 1000);
    engine.onClock(T0 + 60_100, (ch, p) -> published.add(p)); // closes the 10:00 bar
    feed.onFrame(trade("1726.00", 100, "B", T0 + 59_000), T0 + 60_200); // stamped inside the closed bar
    List<Publication> bars = of("kline:1m:" + SYMBOL);
    JsonObject last = new JsonObject(bars.get(bars.size() - 1).data());
    assertEquals(T0 + 60_000, last.getLong("openTime"), "the late trade lands in the current minute");
    assertEquals(1, engine.history(engine.indexOf(SYMBOL), KlineInterval.M1).countUpTo(T0 + 60_000)
        - engine.history(engine.indexOf(SYMBOL), KlineInterval.M1).countUpTo(T0 - 1), "one closed 10:00 bar");
    JsonObject trade = new JsonObject(of("trade:" + SYMBOL).get(1).data());
    assertEquals(T0 + 60_000, trade.getLong("time"));

    feed.onFrame(trade("1726.10", 100, "B", T0 + 60_150), T0 + 60_300);
    assertEquals(T0 + 60_150, new JsonObject(of("trade:" + SYMBOL).get(2).data()).getLong("time"),
        "in-order ticks keep the feed's time");
  }

  @Test
  void noMadeUpMarketWhenTheFeedDrives() {
    long beforeOpeningMatch = LocalDateTime.parse("2025-11-24T09:24:59").atZone(ZoneId.of("Asia/Shanghai"))
        .toInstant().toEpochMilli();
    QuoteEngine engine = feedEngine(SimulatorMode.REALISTIC, beforeOpeningMatch);
    QuoteEngine.Sink sink = (ch, p) -> published.add(p);
    assertEquals(0, engine.generate(1000, beforeOpeningMatch, sink));
    engine.onClock(beforeOpeningMatch + 1_500, sink); // 09:25:00.5: the simulator would match the auction here
    assertTrue(published.stream().noneMatch(p -> p.channel().startsWith("trade:")), "no auction trades");
    assertTrue(published.stream().filter(p -> p.channel().startsWith("quote:"))
        .allMatch(p -> p.data().contains("\"bids\":[],\"asks\":[]")), "phase change republishes empty books");
    assertEquals(engine.size(), published.size(), "one quote per symbol for the phase change");
  }

  @Test
  void aNewDayStartsWithAnEmptyBook() {
    QuoteEngine engine = feedEngine(SimulatorMode.CONTINUOUS, T0);
    FeedIngest feed = ingest(engine);
    feed.onFrame("{\"type\":\"book\",\"symbol\":\"600519.SH\",\"bids\":[[\"1725.00\",100]],\"asks\":"
        + "[[\"1726.00\",100]]}", T0);
    feed.onFrame(trade("1725.50", 100, "B", T0 + 1), T0 + 1);
    long tomorrow = T0 + 86_400_000L;
    feed.onFrame(trade("1730.00", 100, "B", tomorrow), tomorrow);
    List<Publication> quotes = of("quote:" + SYMBOL);
    JsonObject q = new JsonObject(quotes.get(quotes.size() - 1).data());
    assertEquals(0, q.getJsonArray("bids").size() + q.getJsonArray("asks").size());
    assertTrue(quotes.get(quotes.size() - 1).data().contains("\"preClose\":1725.50,"), "yesterday's last");
    assertEquals(100, q.getLong("volume"), "today's volume only");
  }

  @Test
  void everyOwnedSymbolCanBeFed() {
    QuoteEngine engine = feedEngine(SimulatorMode.CONTINUOUS, T0);
    FeedIngest feed = ingest(engine);
    StringBuilder frame = new StringBuilder("[");
    IntStream.range(0, engine.size()).forEach(i -> {
      SymbolState s = engine.simulator().state(i);
      frame.append(i == 0 ? "" : ",").append("{\"type\":\"trade\",\"symbol\":\"").append(s.listing().symbol())
          .append("\",\"price\":").append(io.quotecast.common.Price.format(s.preClose())).append(",\"size\":100}");
    });
    assertEquals(engine.size(), feed.onFrame(frame.append(']').toString(), T0));
    assertEquals(engine.size(), counters.applied(), counters.toJson()::encode);
  }
}

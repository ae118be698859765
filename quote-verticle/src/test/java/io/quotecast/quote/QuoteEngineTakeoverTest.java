package io.quotecast.quote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.ChannelType;
import io.quotecast.common.KlineInterval;
import io.quotecast.common.Listing;
import io.quotecast.common.Publication;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Ownership on the engine: producing only owned symbols, handing state over and taking it over under a new epoch. */
class QuoteEngineTakeoverTest {
  static final long T0 = MarketSimulatorTest.MONDAY_10AM;
  /** The configured seed is 0 (random per process); the engines below get different process seeds. */
  static final QuoteConfig CONFIG = new QuoteConfig(SimulatorMode.CONTINUOUS, 1000, 1, 0, 10, "", 8, 50, 8, 250, 240);
  static final List<Listing> LISTINGS = TestListings.small();

  static int[] all(QuoteEngine e) {
    return IntStream.range(0, e.size()).toArray();
  }

  /** Runs node A's market for a while; returns the latest publication per channel (what the snapshot map holds). */
  static Map<String, Publication> produce(QuoteEngine a, long until) {
    Map<String, Publication> latest = new HashMap<>();
    QuoteEngine.Sink sink = (ch, p) -> latest.put(p.channel(), p);
    a.seed(T0, sink);
    for (long now = T0; now <= until; now += 250) {
      a.onClock(now, sink);
      a.generate(20, now, sink);
    }
    return latest;
  }

  @Test
  void historyBackfillDoesNotDependOnTheProcessSeed() {
    QuoteEngine a = new QuoteEngine(LISTINGS, CONFIG, 11, "aaaaaa", T0);
    QuoteEngine b = new QuoteEngine(LISTINGS, CONFIG, 22, "bbbbbb", T0);
    for (Listing l : LISTINGS) {
      for (KlineInterval k : KlineInterval.values()) {
        assertEquals(a.klines(l.symbol(), k, 1000, T0), b.klines(l.symbol(), k, 1000, T0), l.symbol() + " " + k);
      }
    }
  }

  @Test
  void takeoverContinuesFromTheLastPublicationsUnderANewEpoch() {
    long until = T0 + 150_000;
    QuoteEngine a = new QuoteEngine(LISTINGS, CONFIG, 11, "aaaaaa", T0);
    Map<String, Publication> snapshots = produce(a, until);
    a.release(all(a));

    QuoteEngine b = new QuoteEngine(LISTINGS, CONFIG, 22, "bbbbbb", T0);
    b.release(all(b));
    Map<String, List<Publication>> out = new LinkedHashMap<>();
    QuoteEngine.Sink sink = (ch, p) -> out.computeIfAbsent(p.channel(), c -> new ArrayList<>()).add(p);
    b.takeOver(all(b), snapshots, "newep1", until, sink);

    for (int i = 0; i < b.size(); i++) {
      String sym = LISTINGS.get(i).symbol();
      assertTrue(b.owns(i));
      // the quote: seq 1 of the new epoch, the same market as A's last quote
      Publication q = out.get(ChannelKey.quote(sym).toString()).get(0);
      assertEquals(1, q.seq());
      assertEquals("newep1", q.epoch());
      JsonObject before = new JsonObject(snapshots.get(q.channel()).data());
      JsonObject after = new JsonObject(q.data());
      for (String f : List.of("last", "open", "high", "low", "preClose", "change", "volume", "amount", "bids", "asks",
          "limitUp", "limitDown")) {
        assertEquals(before.getValue(f), after.getValue(f), sym + " " + f);
      }
      SymbolState sa = a.simulator().state(i);
      SymbolState sb = b.simulator().state(i);
      assertEquals(sa.trades(), sb.trades(), sym + " trades today (from the day bar)");
      assertEquals(sa.lastTradeId(), sb.lastTradeId(), sym + " trade id (from the trade channel)");
      // the open bars: republished as they were, under the new epoch
      for (KlineInterval k : KlineInterval.values()) {
        String ch = ChannelKey.kline(k, sym).toString();
        Publication last = snapshots.get(ch);
        List<Publication> published = out.get(ch);
        assertNotNull(published, ch);
        assertEquals(1, published.get(0).seq());
        assertEquals("newep1", published.get(0).epoch());
        assertEquals(last.data(), published.get(0).data(), ch);
      }
      assertFalse(out.containsKey(ChannelKey.trade(sym).toString()), "no trade without a new trade");
      assertEquals("newep1", b.channel(ChannelKey.trade(sym)).epoch());
    }

    // the market goes on from there: trade ids continue, the day's volume only grows
    Map<String, Long> lastTradeId = new HashMap<>();
    for (int i = 0; i < a.size(); i++) {
      lastTradeId.put(LISTINGS.get(i).symbol(), a.simulator().state(i).lastTradeId());
    }
    List<Publication> later = new ArrayList<>();
    QuoteEngine.Sink collect = (ch, p) -> later.add(p);
    for (long now = until; now < until + 20_000; now += 250) {
      b.onClock(now, collect);
      b.generate(20, now, collect);
    }
    int trades = 0;
    for (Publication p : later) {
      assertEquals("newep1", p.epoch());
      JsonObject d = new JsonObject(p.data());
      if (p.type() == ChannelType.TRADE) {
        trades++;
        assertTrue(d.getLong("tradeId") > lastTradeId.get(d.getString("symbol")), p.data());
      } else if (p.type() == ChannelType.QUOTE) {
        JsonObject before = new JsonObject(snapshots.get(p.channel()).data());
        assertTrue(d.getLong("volume") >= before.getLong("volume"), p.data());
      }
    }
    assertTrue(trades > 0);
    // a replay naming the old epoch is not recoverable: the client takes a snapshot
    String sym = LISTINGS.get(0).symbol();
    JsonObject replay = new QuoteRequests(b).replay(new JsonObject().put("channel", "quote:" + sym).put("seq", 3)
        .put("epoch", snapshots.get("quote:" + sym).epoch()));
    assertFalse(replay.getBoolean("recovered"));
    assertEquals("newep1", replay.getString("epoch"));
  }

  @Test
  void aBarThatEndedMeanwhileIsClosedFirstAndKeptInHistory() {
    long until = T0 + 150_000;
    QuoteEngine a = new QuoteEngine(LISTINGS, CONFIG, 11, "aaaaaa", T0);
    Map<String, Publication> snapshots = produce(a, until);
    QuoteEngine b = new QuoteEngine(LISTINGS, CONFIG, 22, "bbbbbb", T0);
    b.release(all(b));
    Map<String, Publication> first = new HashMap<>();
    long later = until + 180_000; // three minutes on: the open 1m bars are over
    b.takeOver(all(b), snapshots, "newep2", later, (ch, p) -> first.putIfAbsent(p.channel(), p));
    int closed = 0;
    for (Listing l : LISTINGS) {
      String ch = ChannelKey.kline(KlineInterval.M1, l.symbol()).toString();
      JsonObject before = new JsonObject(snapshots.get(ch).data());
      if (before.getBoolean("closed")) {
        continue;
      }
      Publication p = first.get(ch);
      JsonObject after = new JsonObject(p.data());
      assertTrue(after.getBoolean("closed"), p.data());
      assertEquals(before.copy().put("closed", true), after);
      String history = b.klines(l.symbol(), KlineInterval.M1, 1, later);
      assertEquals(after, new io.vertx.core.json.JsonArray(history).getJsonObject(0));
      closed++;
    }
    assertTrue(closed > 0);
  }

  @Test
  void onlyOwnedSymbolsAreProduced() {
    QuoteEngine e = new QuoteEngine(LISTINGS, CONFIG, 11, "aaaaaa", T0);
    int[] odd = IntStream.range(0, e.size()).filter(i -> i % 2 == 1).toArray();
    List<ChannelState> released = e.release(odd);
    assertEquals(odd.length * 8, released.size());
    assertEquals(e.size() - odd.length, e.ownedCount());
    List<Publication> out = new ArrayList<>();
    e.seed(T0, (ch, p) -> out.add(p));
    for (long now = T0; now < T0 + 200_000; now += 250) {
      e.onClock(now, (ch, p) -> out.add(p));
      e.generate(20, now, (ch, p) -> out.add(p));
    }
    e.onClock(T0 + 86_400_000L, (ch, p) -> out.add(p)); // a new day republishes owned quotes only
    assertFalse(out.isEmpty());
    for (Publication p : out) {
      int i = e.indexOf(ChannelKey.parse(p.channel()).symbol());
      assertEquals(0, i % 2, "published a released symbol: " + p.channel());
    }
    for (int i : odd) {
      assertEquals(0, e.channel(ChannelKey.quote(LISTINGS.get(i).symbol())).seq());
    }
  }
}

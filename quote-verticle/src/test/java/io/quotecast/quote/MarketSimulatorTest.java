package io.quotecast.quote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.Board;
import io.quotecast.common.Listing;
import io.quotecast.common.Price;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MarketSimulatorTest {
  static final long MONDAY_10AM = LocalDateTime.parse("2025-11-24T10:00:00")
      .atZone(ZoneId.of("Asia/Shanghai")).toInstant().toEpochMilli();

  /** The small universe plus a sample of every board of the full market when it is available. */
  static List<Listing> universe() {
    Map<String, Listing> out = new LinkedHashMap<>();
    TestListings.small().forEach(l -> out.put(l.symbol(), l));
    List<Listing> full = TestListings.full();
    if (full != null) {
      for (int i = 0; i < full.size(); i += 23) {
        out.putIfAbsent(full.get(i).symbol(), full.get(i));
      }
    }
    return new ArrayList<>(out.values());
  }

  @Test
  void invariantsHoldOverAMillionTicks() {
    List<Listing> listings = universe();
    MarketSimulator sim = new MarketSimulator(listings, new SessionClock(SimulatorMode.CONTINUOUS), 0.3, 7, MONDAY_10AM);
    int n = sim.size();
    long[] day = new long[n];
    long[] vol = new long[n];
    long[] amt = new long[n];
    long[] last = new long[n];
    long[] tradeId = new long[n];
    for (int i = 0; i < n; i++) {
      day[i] = sim.state(i).epochDay();
      last[i] = sim.state(i).last();
    }
    Map<Board, Integer> limitUps = new EnumMap<>(Board.class);
    Map<Board, Integer> limitDowns = new EnumMap<>(Board.class);
    int stuckUp = 0;
    int stuckDown = 0;
    int rolls = 0;
    long trades = 0;
    boolean st = false;
    long time = MONDAY_10AM;
    int ticks = 1_000_000;
    for (int tick = 0; tick < ticks; tick++) {
      time += 250; // ~2.9 days: crosses two Shanghai midnights
      int i = sim.pick();
      Trade t = sim.update(i, time);
      SymbolState s = sim.state(i);
      Listing l = s.listing();
      st |= l.st();
      if (s.epochDay() != day[i]) {
        rolls++;
        assertEquals(last[i], s.preClose(), "new preClose = last close");
        long band = Price.percentOf(s.preClose(), l.limitPercent());
        assertEquals(s.preClose() + band, s.limitUp());
        assertEquals(Math.max(1, s.preClose() - band), s.limitDown());
        day[i] = s.epochDay();
        vol[i] = 0;
        amt[i] = 0;
      }
      // prices within limits, OHLC consistent
      assertTrue(s.last() >= s.limitDown() && s.last() <= s.limitUp(), () -> "last outside limits " + l.symbol());
      if (s.traded()) {
        assertTrue(s.low() <= s.open() && s.open() <= s.high());
        assertTrue(s.low() <= s.last() && s.last() <= s.high());
        assertTrue(s.low() >= s.limitDown() && s.high() <= s.limitUp());
      } else {
        assertEquals(s.preClose(), s.last());
        assertEquals(0, s.volume());
      }
      // trade rules
      if (t != null) {
        trades++;
        assertEquals(i, t.symbolIndex());
        assertEquals(tradeId[i] + 1, t.tradeId(), "tradeId +1");
        tradeId[i] = t.tradeId();
        assertEquals(s.last(), t.price());
        assertEquals(t.price() * t.volume(), t.amount());
        if (l.board() == Board.STAR) {
          assertTrue(t.volume() >= 200, "STAR >= 200 shares");
        } else {
          assertTrue(t.volume() >= 100 && t.volume() % 100 == 0, "lots of 100");
        }
        assertEquals(vol[i] + t.volume(), s.volume());
        assertEquals(amt[i] + t.amount(), s.amount());
        assertNotNull(t.side());
        if (t.price() == s.limitUp()) {
          limitUps.merge(l.board(), 1, Integer::sum);
        }
        if (t.price() == s.limitDown()) {
          limitDowns.merge(l.board(), 1, Integer::sum);
        }
      } else {
        assertEquals(vol[i], s.volume());
        assertEquals(amt[i], s.amount());
      }
      assertTrue(s.volume() >= vol[i] && s.amount() >= amt[i], "cumulative volume/amount only grow");
      vol[i] = s.volume();
      amt[i] = s.amount();
      last[i] = s.last();
      checkBook(s);
      if (s.stuckAtLimit() && s.last() == s.limitUp()) {
        stuckUp++;
        assertEquals(0, s.askLevels(), "no asks at a sealed limit-up");
        assertEquals(s.limitUp(), s.bidPrice(0));
        assertTrue(s.bidSize(0) >= 100_000, "bids pile at limit-up");
      }
      if (s.stuckAtLimit() && s.last() == s.limitDown()) {
        stuckDown++;
        assertEquals(0, s.bidLevels(), "no bids at a sealed limit-down");
        assertEquals(s.limitDown(), s.askPrice(0));
      }
    }
    assertTrue(st, "universe has ST listings");
    for (Board b : Board.values()) {
      assertTrue(listings.stream().anyMatch(l -> l.board() == b), "universe has " + b);
    }
    assertTrue(rolls >= n, "every symbol rolled over midnight at least once: " + rolls);
    assertTrue(trades > ticks / 2, "most updates trade: " + trades);
    int ups = limitUps.values().stream().mapToInt(Integer::intValue).sum();
    int downs = limitDowns.values().stream().mapToInt(Integer::intValue).sum();
    assertTrue(ups > 0 && downs > 0, "limit-up " + limitUps + " limit-down " + limitDowns);
    assertTrue(stuckUp > 0 && stuckDown > 0, "sealed limits seen: up " + stuckUp + " down " + stuckDown);
    System.out.printf("symbols %d, trades %d, limit-up trades %s, limit-down trades %s, rolls %d%n",
        n, trades, limitUps, limitDowns, rolls);
  }

  static void checkBook(SymbolState s) {
    assertTrue(s.bidLevels() <= 5 && s.askLevels() <= 5);
    assertTrue(s.bidLevels() + s.askLevels() > 0, "book not empty");
    for (int k = 0; k < s.bidLevels(); k++) {
      assertTrue(s.bidPrice(k) >= s.limitDown() && s.bidPrice(k) <= s.limitUp(), "bid within limits");
      assertTrue(s.bidSize(k) > 0 && s.bidSize(k) % 100 == 0, "bid size lots");
      if (k > 0) {
        assertTrue(s.bidPrice(k) < s.bidPrice(k - 1), "bids descending");
      }
    }
    for (int k = 0; k < s.askLevels(); k++) {
      assertTrue(s.askPrice(k) >= s.limitDown() && s.askPrice(k) <= s.limitUp(), "ask within limits");
      assertTrue(s.askSize(k) > 0 && s.askSize(k) % 100 == 0, "ask size lots");
      if (k > 0) {
        assertTrue(s.askPrice(k) > s.askPrice(k - 1), "asks ascending");
      }
    }
    if (s.bidLevels() > 0 && s.askLevels() > 0) {
      assertTrue(s.bidPrice(0) < s.askPrice(0), "bid < ask");
    }
    if (s.bidLevels() > 0) {
      assertTrue(s.bidPrice(0) <= s.last(), "bid1 <= last");
    }
    if (s.askLevels() > 0) {
      assertTrue(s.last() <= s.askPrice(0), "last <= ask1");
    }
    long gap = Math.max(1, s.limitUp() / 8_000) + 1; // widest gap between levels, plus one
    if (s.bidLevels() < 5) {
      long deepest = s.bidLevels() == 0 ? s.last() : s.bidPrice(s.bidLevels() - 1);
      assertTrue(deepest - s.limitDown() < gap, "bid levels omitted only near limit-down");
    }
    if (s.askLevels() < 5) {
      long deepest = s.askLevels() == 0 ? s.last() : s.askPrice(s.askLevels() - 1);
      assertTrue(s.limitUp() - deepest < gap, "ask levels omitted only near limit-up");
    }
  }

  @Test
  void deterministicForASeed() {
    List<Listing> listings = TestListings.small();
    MarketSimulator a = new MarketSimulator(listings, new SessionClock(SimulatorMode.CONTINUOUS), 1, 99, MONDAY_10AM);
    MarketSimulator b = new MarketSimulator(listings, new SessionClock(SimulatorMode.CONTINUOUS), 1, 99, MONDAY_10AM);
    for (int k = 0; k < 10_000; k++) {
      int i = a.pick();
      assertEquals(i, b.pick());
      assertEquals(a.update(i, MONDAY_10AM + k), b.update(i, MONDAY_10AM + k));
    }
  }

  @Test
  void moutaiIsBusiestUnderSkew() {
    List<Listing> listings = universe();
    MarketSimulator sim = new MarketSimulator(listings, new SessionClock(SimulatorMode.CONTINUOUS), 1, 3, MONDAY_10AM);
    int moutai = sim.indexOf("600519.SH");
    assertEquals(1, sim.picker().rank(moutai));
    int[] counts = new int[sim.size()];
    for (int k = 0; k < 100_000; k++) {
      counts[sim.pick()]++;
    }
    for (int i = 0; i < counts.length; i++) {
      assertTrue(counts[moutai] >= counts[i]);
    }
    assertTrue(counts[moutai] > 100_000 / sim.size() * 5, "much busier than average");
    MarketSimulator uniform = new MarketSimulator(listings, new SessionClock(SimulatorMode.CONTINUOUS), 0, 3,
        MONDAY_10AM);
    assertEquals(1.0 / sim.size(), uniform.picker().share(0), 1e-12);
  }

  @Test
  void realisticSessionAuctionsAndMatches() {
    List<Listing> listings = TestListings.small();
    MarketSimulator sim = new MarketSimulator(listings, new SessionClock(SimulatorMode.REALISTIC), 0, 5,
        MONDAY_10AM - 3_600_000L); // 09:00
    int i = sim.indexOf("600519.SH");
    long nine = MONDAY_10AM - 3_600_000L;
    assertNull(sim.update(i, nine), "pre_open: nothing");
    long auction = nine + 16 * 60_000L; // 09:16
    for (int k = 0; k < 200; k++) {
      assertNull(sim.update(i, auction + k), "call auction: no trades");
      checkBookAround(sim.state(i));
    }
    SymbolState s = sim.state(i);
    assertEquals(0, s.volume());
    assertEquals(s.preClose(), s.last());
    Trade open = sim.auctionMatch(i, nine + 25 * 60_000L);
    assertEquals(Side.NEUTRAL, open.side());
    assertEquals(open.price(), s.open());
    assertEquals(open.volume(), s.volume());
    assertNull(sim.update(i, nine + 27 * 60_000L), "09:25-09:30: no trades");
    int traded = 0;
    for (int k = 0; k < 100; k++) {
      traded += sim.update(i, nine + 31 * 60_000L + k) != null ? 1 : 0;
    }
    assertTrue(traded > 0, "continuous trades");
    assertNull(sim.update(i, nine + 3 * 3_600_000L), "lunch break");
  }

  private static void checkBookAround(SymbolState s) {
    for (int k = 1; k < s.bidLevels(); k++) {
      assertTrue(s.bidPrice(k) < s.bidPrice(k - 1));
    }
    for (int k = 1; k < s.askLevels(); k++) {
      assertTrue(s.askPrice(k) > s.askPrice(k - 1));
    }
    if (s.bidLevels() > 0 && s.askLevels() > 0) {
      assertTrue(s.bidPrice(0) < s.askPrice(0));
    }
  }
}

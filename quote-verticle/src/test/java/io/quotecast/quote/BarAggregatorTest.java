package io.quotecast.quote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.KlineInterval;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class BarAggregatorTest {

  @Test
  void barsMatchTheTradesForEveryInterval() {
    MarketSimulator sim = new MarketSimulator(TestListings.small(), new SessionClock(SimulatorMode.CONTINUOUS), 0.5,
        11, MarketSimulatorTest.MONDAY_10AM);
    int n = sim.size();
    BarAggregator[] agg = new BarAggregator[n];
    List<List<Trade>> trades = new ArrayList<>();
    List<Map<KlineInterval, List<Bar>>> closed = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      agg[i] = new BarAggregator();
      trades.add(new ArrayList<>());
      Map<KlineInterval, List<Bar>> m = new HashMap<>();
      for (KlineInterval k : KlineInterval.values()) {
        m.put(k, new ArrayList<>());
      }
      closed.add(m);
    }
    long time = MarketSimulatorTest.MONDAY_10AM;
    for (int tick = 0; tick < 200_000; tick++) {
      time += 1_000 + (tick % 7) * 100; // ~2.6 days
      int i = sim.pick();
      Trade t = sim.update(i, time);
      if (t == null) {
        continue;
      }
      trades.get(i).add(t);
      int index = i;
      Trade trade = t;
      agg[i].onTrade(t.time(), t.price(), t.volume(), bar -> {
        if (bar.closed()) {
          closed.get(index).get(bar.interval()).add(bar);
        } else {
          assertEquals(trade.price(), bar.close(), "every trade updates the current bar");
          assertTrue(bar.openTime() <= trade.time() && trade.time() <= bar.closeTime());
        }
      });
      if (tick % 1000 == 0) {
        for (int j = 0; j < n; j++) {
          int jj = j;
          agg[j].closeDue(time, bar -> closed.get(jj).get(bar.interval()).add(bar));
        }
      }
    }
    long end = time + 2 * 86_400_000L;
    for (int i = 0; i < n; i++) {
      int index = i;
      agg[i].closeDue(end, bar -> closed.get(index).get(bar.interval()).add(bar));
      for (KlineInterval k : KlineInterval.values()) {
        assertNull(agg[i].current(k), "all bars closed after the last close time");
        TreeMap<Long, Bar> expected = expectedBars(trades.get(i), k);
        List<Bar> actual = closed.get(i).get(k);
        assertEquals(expected.size(), actual.size(), "one closed bar per bar with trades, none without");
        int j = 0;
        for (Bar e : expected.values()) {
          Bar a = actual.get(j++);
          assertEquals(e, a);
          assertTrue(a.closed());
          assertTrue(a.low() <= a.open() && a.open() <= a.high());
          assertTrue(a.low() <= a.close() && a.close() <= a.high());
        }
      }
    }
  }

  private static TreeMap<Long, Bar> expectedBars(List<Trade> trades, KlineInterval k) {
    TreeMap<Long, Bar> bars = new TreeMap<>();
    for (Trade t : trades) {
      long open = k.openTime(t.time());
      Bar b = bars.get(open);
      bars.put(open, b == null
          ? new Bar(k, open, t.price(), t.price(), t.price(), t.price(), t.volume(), t.amount(), 1, true)
          : new Bar(k, open, b.open(), Math.max(b.high(), t.price()), Math.min(b.low(), t.price()), t.price(),
              b.volume() + t.volume(), b.amount() + t.amount(), b.trades() + 1, true));
    }
    return bars;
  }

  @Test
  void quietSymbolBarClosesAtTheBoundary() {
    BarAggregator agg = new BarAggregator();
    long t = MarketSimulatorTest.MONDAY_10AM + 5_000; // 10:00:05
    List<Bar> out = new ArrayList<>();
    agg.onTrade(t, 1000, 100, out::add);
    assertEquals(KlineInterval.values().length, out.size());
    assertTrue(out.stream().noneMatch(Bar::closed));
    out.clear();
    agg.closeDue(MarketSimulatorTest.MONDAY_10AM + 59_999, out::add); // 10:00:59.999 still inside
    assertTrue(out.isEmpty());
    agg.closeDue(MarketSimulatorTest.MONDAY_10AM + 60_000, out::add); // 10:01:00.000
    assertEquals(1, out.size());
    Bar b = out.get(0);
    assertEquals(KlineInterval.M1, b.interval());
    assertTrue(b.closed());
    assertEquals(MarketSimulatorTest.MONDAY_10AM, b.openTime());
    assertEquals(MarketSimulatorTest.MONDAY_10AM + 59_999, b.closeTime());
    assertEquals(100, b.volume());
    assertEquals(100_000, b.amount());
    assertEquals(1, b.trades());
    assertTrue(PayloadEncoder.kline("600519.SH", b).endsWith("\"closed\":true}"));
    out.clear();
    agg.closeDue(MarketSimulatorTest.MONDAY_10AM + 60_000, out::add);
    assertTrue(out.isEmpty(), "closed once");
    agg.closeDue(MarketSimulatorTest.MONDAY_10AM + 5 * 60_000, out::add);
    assertEquals(List.of(KlineInterval.M5), out.stream().map(Bar::interval).toList());
    assertNull(agg.current(KlineInterval.M5));
    assertFalse(agg.current(KlineInterval.D1).closed());
  }

  @Test
  void laterTradeClosesThePreviousBarFirst() {
    BarAggregator agg = new BarAggregator();
    long t = MarketSimulatorTest.MONDAY_10AM;
    agg.onTrade(t + 1_000, 1000, 100, b -> {});
    agg.onTrade(t + 2_000, 1010, 200, b -> {});
    List<Bar> out = new ArrayList<>();
    agg.onTrade(t + 61_000, 990, 300, out::add);
    assertTrue(out.get(0).closed());
    assertEquals(new Bar(KlineInterval.M1, t, 1000, 1010, 1000, 1010, 300, 302_000, 2, true), out.get(0));
    assertEquals(new Bar(KlineInterval.M1, t + 60_000, 990, 990, 990, 990, 300, 297_000, 1, false), out.get(1));
    assertEquals(new Bar(KlineInterval.M5, t, 1000, 1010, 990, 990, 600, 599_000, 3, false), out.get(2));
  }
}

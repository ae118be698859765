package io.quotecast.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.Freq;
import org.junit.jupiter.api.Test;

/** The small parts of overload protection: CPU over a window, the shedding pace, a connection's remembered freqs. */
class OverloadMeasuresTest {
  private static final long MS = 1_000_000;

  @Test
  void cpuIsTheShareOfAllCoresOverAboutTheLastSecond() {
    CpuUsage cpu = new CpuUsage(2);
    assertEquals(-1, cpu.percent(0, 0), "one reading tells nothing");
    assertEquals(50.0, cpu.percent(100, 100 * MS), 1e-9, "one core busy of two");
    assertEquals(50.0, cpu.percent(200, 200 * MS), 1e-9);
    // 900 ms idle: measured from 0, the last reading at least a second old is still the first
    assertEquals(200.0 / 2000 * 100, cpu.percent(1000, 200 * MS), 1e-9);
    // from now on the base moves: at 1200 it is the reading of 200 (a second back)
    assertEquals(0.0, cpu.percent(1200, 200 * MS), 1e-9, "a second without CPU time");
    assertEquals(100.0, cpu.percent(1300, 200 * MS + 4 * 1100 * MS), 1e-9, "capped at the machine");
    assertEquals(-1, cpu.percent(1400, -1), "the JVM does not tell");
  }

  @Test
  void aTickedCounterAveragesOutOverTheWindow() {
    // The counter advances in 10 ms ticks: sampled every 100 ms a steady 15 % of one core reads 10 % or 20 %
    // one interval at a time, but about 15 % over the window.
    CpuUsage cpu = new CpuUsage(1);
    double last = -1;
    for (long t = 0; t <= 3000; t += 100) {
      long used = (t * 15 / 100) / 10 * 10; // ms of CPU, in whole ticks
      last = cpu.percent(t, used * MS);
    }
    assertEquals(15.0, last, 1.01);
  }

  @Test
  void sheddingRunsAtTheConfiguredPaceWithoutBursts() {
    ShedBudget budget = new ShedBudget();
    int taken = 0;
    for (long t = 0; t < 10_000; t += 100) {
      while (budget.take(t, 50)) {
        taken++;
      }
    }
    assertTrue(taken >= 495 && taken <= 505, "about 50 a second over 10 s: " + taken);
    ShedBudget idle = new ShedBudget();
    idle.take(0, 50);
    int burst = 0;
    while (idle.take(60_000, 50)) {
      burst++;
    }
    assertEquals(5, burst, "a minute of no shedding saves up a tenth of a second's worth, not a minute's");
    ShedBudget slow = new ShedBudget();
    assertTrue(slow.take(0, 1));
    assertFalse(slow.take(500, 1));
    assertTrue(slow.take(1000, 1), "one a second");
  }

  @Test
  void aDegradedConnectionRemembersEachSubscriptionsOwnFreq() {
    Degradation d = new Degradation(Freq.S5);
    Subscription fast = new Subscription(null, ChannelKey.quote("600519.SH"), Freq.S1, 0);
    Subscription slow = new Subscription(null, ChannelKey.quote("000001.SZ"), Freq.S10, 0);
    Subscription never = new Subscription(null, ChannelKey.trade("600519.SH"), Freq.REALTIME, 0);
    assertSame(Freq.S5, d.slow(fast, Freq.S1));
    assertSame(Freq.S10, d.slow(slow, Freq.S10), "already slower: unchanged");
    assertEquals(Freq.S1, d.own(fast));
    assertEquals(Freq.S10, d.own(slow));
    assertEquals(Freq.REALTIME, d.own(never), "never slowed: its current freq");
    assertEquals(1, d.slowed());
    assertSame(Freq.S5, d.slow(fast, Freq.MS100), "an update while degraded: remembered, still slowed");
    assertEquals(Freq.MS100, d.own(fast));
    d.forget(fast);
    assertEquals(0, d.slowed());
  }
}

package io.quotecast.quote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.KlineInterval;
import io.quotecast.common.Listing;
import io.quotecast.common.Price;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryBackfillTest {
  private static final LocalDate MONDAY = LocalDate.of(2025, 11, 24);

  @Test
  void shapesAndConsistency() {
    HistoryBackfill backfill = new HistoryBackfill(250, 240, 17);
    List<Listing> listings = TestListings.small();
    for (int idx = 0; idx < listings.size(); idx++) {
      Listing l = listings.get(idx);
      BarSeries[] s = backfill.newSeries();
      backfill.fill(l, idx, MONDAY, s);
      BarSeries d1 = s[KlineInterval.D1.ordinal()];
      BarSeries m1 = s[KlineInterval.M1.ordinal()];
      assertEquals(250, d1.size());
      assertEquals(240, m1.size());
      assertEquals(48, s[KlineInterval.M5.ordinal()].size());
      assertEquals(16, s[KlineInterval.M15.ordinal()].size());
      assertEquals(8, s[KlineInterval.M30.ordinal()].size());
      assertEquals(5, s[KlineInterval.M60.ordinal()].size()); // 09:00(half) 10 11(half) 13 14
      assertEquals(l.preClose(), d1.close(249), "daily history ends at preClose");
      assertEquals(l.preClose(), m1.close(239), "minute history ends at preClose");
      // daily: previous 250 weekdays, ascending, each day within its own limits (from the day before's close)
      LocalDate friday = LocalDate.of(2025, 11, 21);
      assertEquals(SessionClock.at(friday, 0), d1.openTime(249));
      for (int k = 0; k < 250; k++) {
        Bar b = d1.get(k);
        LocalDate date = KlineInterval.tradingDate(b.openTime());
        assertTrue(date.getDayOfWeek() != DayOfWeek.SATURDAY && date.getDayOfWeek() != DayOfWeek.SUNDAY);
        assertEquals(KlineInterval.D1.openTime(b.openTime()), b.openTime());
        assertOhlc(b);
        if (k > 0) {
          assertTrue(b.openTime() > d1.openTime(k - 1));
          assertWithin(b, d1.close(k - 1), l.limitPercent());
        }
      }
      // 1m: the whole previous trading day, 09:30-11:29 and 13:00-14:59
      long pc = d1.close(248);
      Bar last = d1.get(249);
      long h = Long.MIN_VALUE;
      long lo = Long.MAX_VALUE;
      long v = 0;
      long a = 0;
      for (int t = 0; t < 240; t++) {
        Bar b = m1.get(t);
        assertEquals(HistoryBackfill.minuteOpenTime(friday, t), b.openTime());
        int minute = SessionClock.minuteOfDay(b.openTime());
        assertTrue(minute >= 570 && minute < 690 || minute >= 780 && minute < 900, "session minute " + minute);
        assertOhlc(b);
        assertWithin(b, pc, l.limitPercent());
        assertTrue(b.volume() > 0 && b.trades() > 0);
        h = Math.max(h, b.high());
        lo = Math.min(lo, b.low());
        v += b.volume();
        a += b.amount();
      }
      assertEquals(m1.get(0).open(), last.open(), "daily bar = aggregate of its minute bars");
      assertEquals(h, last.high());
      assertEquals(lo, last.low());
      assertEquals(v, last.volume());
      assertEquals(a, last.amount());
      // derived bars aggregate the minute bars
      for (KlineInterval k : List.of(KlineInterval.M5, KlineInterval.M15, KlineInterval.M30, KlineInterval.M60)) {
        BarSeries ds = s[k.ordinal()];
        long sum = 0;
        for (int j = 0; j < ds.size(); j++) {
          Bar b = ds.get(j);
          assertEquals(k.openTime(b.openTime()), b.openTime());
          assertOhlc(b);
          sum += b.volume();
        }
        assertEquals(v, sum);
        assertEquals(l.preClose(), ds.close(ds.size() - 1));
      }
    }
  }

  private static void assertOhlc(Bar b) {
    assertTrue(b.low() <= b.open() && b.open() <= b.high(), () -> "OHLC " + b);
    assertTrue(b.low() <= b.close() && b.close() <= b.high(), () -> "OHLC " + b);
    assertTrue(b.low() > 0);
    assertTrue(b.amount() >= b.low() * b.volume() && b.amount() <= b.high() * b.volume(), "amount within range");
  }

  private static void assertWithin(Bar b, long preClose, int pct) {
    long band = Price.percentOf(preClose, pct);
    assertTrue(b.high() <= preClose + band && b.low() >= Math.max(1, preClose - band),
        () -> "within limits of " + preClose + ": " + b);
  }

  @Test
  void partialMinuteHistoryAndDeterminism() {
    Listing l = TestListings.small().get(0);
    HistoryBackfill backfill = new HistoryBackfill(5, 300, 3);
    BarSeries[] a = backfill.newSeries();
    BarSeries[] b = backfill.newSeries();
    backfill.fill(l, 0, MONDAY, a);
    backfill.fill(l, 0, MONDAY, b);
    assertEquals(5, a[KlineInterval.D1.ordinal()].size());
    assertEquals(300, a[KlineInterval.M1.ordinal()].size());
    for (int k = 0; k < 300; k++) {
      assertEquals(a[0].get(k), b[0].get(k));
    }
    assertEquals(l.preClose(), a[0].close(299));
  }

  @Test
  void fullMarketIsFastAndCompact() {
    List<Listing> full = TestListings.full();
    List<Listing> listings = full != null ? full : TestListings.small();
    HistoryBackfill backfill = new HistoryBackfill(250, 240, 1);
    long t0 = System.nanoTime();
    long bytes = 0;
    for (int i = 0; i < listings.size(); i++) {
      BarSeries[] s = backfill.newSeries();
      backfill.fill(listings.get(i), i, MONDAY, s);
      for (BarSeries x : s) {
        bytes += x.bytes();
      }
      assertEquals(listings.get(i).preClose(), s[KlineInterval.D1.ordinal()].close(249));
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("backfilled %d symbols in %d ms, %d MB of bars%n", listings.size(), ms, bytes >> 20);
  }
}

package io.quotecast.quote;

import io.quotecast.common.KlineInterval;
import io.quotecast.common.Listing;
import io.quotecast.common.Price;
import java.time.LocalDate;
import java.util.SplittableRandom;

/**
 * Synthesises the history a symbol has when the service starts: {@code dailyBars} daily bars for the previous weekdays
 * (the last one closing at the listing's previous close) and {@code minuteBars} 1m bars of the last trading days
 * (240 a day: 09:30-11:30 and 13:00-15:00 Shanghai time), ending at the previous close. Every day is consistent: it
 * opens near the day's own previous close, all prices are on the 0.01 grid within that day's limits, and the daily bars
 * of days that have minute bars are exactly the aggregate of those minute bars. 5m/15m/30m/60m history is derived by
 * aggregating the 1m history. Deterministic per (seed, symbol index). Pure logic and fast: two passes of simple
 * arithmetic per symbol.
 */
public final class HistoryBackfill {
  public static final int MINUTES_PER_DAY = 240;

  private final int dailyBars;
  private final int minuteBars;
  private final long seed;

  public HistoryBackfill(int dailyBars, int minuteBars, long seed) {
    if (dailyBars < 0 || minuteBars < 0) {
      throw new IllegalArgumentException("backfill counts must be >= 0");
    }
    this.dailyBars = dailyBars;
    this.minuteBars = minuteBars;
    this.seed = seed;
  }

  public int dailyBars() {
    return dailyBars;
  }

  public int minuteBars() {
    return minuteBars;
  }

  /** How many closed bars a series of {@code interval} keeps (backfill plus live bars, ring). */
  public int capacity(KlineInterval interval) {
    return switch (interval) {
      case D1 -> Math.max(dailyBars, 30);
      case M1 -> Math.max(minuteBars, MINUTES_PER_DAY);
      case M5 -> Math.max(minuteBars / 5 + 1, 240);
      case M15 -> Math.max(minuteBars / 15 + 1, 160);
      case M30, M60 -> Math.max(minuteBars / 30 + 1, 120);
    };
  }

  /** Empty series for one symbol, indexed by {@link KlineInterval#ordinal()}, sized for the backfill. */
  public BarSeries[] newSeries() {
    BarSeries[] s = new BarSeries[KlineInterval.values().length];
    for (KlineInterval i : KlineInterval.values()) {
      int initial = switch (i) {
        case D1 -> dailyBars;
        case M1 -> minuteBars;
        default -> (int) Math.min(Integer.MAX_VALUE, minuteBars * 60_000L / i.millis() + 2);
      };
      s[i.ordinal()] = new BarSeries(i, capacity(i), minuteBars == 0 && i != KlineInterval.D1 ? 0 : initial);
    }
    return s;
  }

  /** Fills the series of listing number {@code index} with the history of the trading days before {@code today}. */
  public void fill(Listing listing, int index, LocalDate today, BarSeries[] series) {
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + 1);
    int pct = listing.limitPercent();
    int minuteDays = (minuteBars + MINUTES_PER_DAY - 1) / MINUTES_PER_DAY;
    int days = Math.max(dailyBars, minuteDays);
    if (days == 0) {
      return;
    }
    LocalDate[] dates = new LocalDate[days];
    LocalDate d = today;
    for (int k = days - 1; k >= 0; k--) {
      d = SessionClock.previousTradingDay(d);
      dates[k] = d;
    }
    long[] pc = new long[days];
    long[] open = new long[days];
    long[] high = new long[days];
    long[] low = new long[days];
    long[] close = new long[days];
    long[] volume = new long[days];
    long[] amount = new long[days];
    long[] trades = new long[days];
    // walk backwards from today's previous close
    double maxMove = pct / 100.0 * 0.95;
    double turnover = 2e10 * Math.exp(random.nextGaussian() * 0.8); // typical daily amount in fen
    for (int k = days - 1; k >= 0; k--) {
      long c = k == days - 1 ? listing.preClose() : pc[k + 1];
      double r = Math.max(-maxMove, Math.min(maxMove, random.nextGaussian() * 0.02));
      long p = Math.max(1, Math.round(c / (1 + r)));
      long band = Price.percentOf(p, pct);
      if (c > p + band || c < p - band) {
        p = c;
        band = Price.percentOf(p, pct);
      }
      long up = p + band;
      long down = Math.max(1, p - band);
      long o = clamp(Math.round(p * (1 + random.nextGaussian() * 0.006)), down, up);
      long h = clamp(Math.max(o, c) + Math.round(Math.abs(random.nextGaussian()) * p * 0.008), down, up);
      long l = clamp(Math.min(o, c) - Math.round(Math.abs(random.nextGaussian()) * p * 0.008), down, up);
      long vol = Math.max(100, Math.round(turnover * Math.exp(random.nextGaussian() * 0.4) / p / 100) * 100);
      long vwap = (o + h + l + c) / 4;
      pc[k] = p;
      open[k] = o;
      high[k] = h;
      low[k] = l;
      close[k] = c;
      volume[k] = vol;
      amount[k] = vwap * vol;
      trades[k] = Math.max(1, vol / avgTrade(p));
    }
    // minute bars of the last days; their daily bars become the aggregate
    BarSeries m1 = series[KlineInterval.M1.ordinal()];
    int skip = minuteDays * MINUTES_PER_DAY - minuteBars;
    double[] walk = new double[MINUTES_PER_DAY + 1];
    for (int k = days - minuteDays; k < days; k++) {
      long p = pc[k];
      long band = Price.percentOf(p, pct);
      long up = p + band;
      long down = Math.max(1, p - band);
      long o = open[k];
      long c = close[k];
      double sigma = o * 0.0012;
      walk[0] = 0;
      for (int t = 1; t <= MINUTES_PER_DAY; t++) {
        walk[t] = walk[t - 1] + random.nextGaussian() * sigma;
      }
      double perMinute = turnover / p / MINUTES_PER_DAY / 100;
      long dh = Long.MIN_VALUE;
      long dl = Long.MAX_VALUE;
      long dv = 0;
      long da = 0;
      long dt = 0;
      long prev = o;
      for (int t = 0; t < MINUTES_PER_DAY; t++) {
        int u = t + 1;
        long next = u == MINUTES_PER_DAY ? c : clamp(Math.round(o + (double) (c - o) * u / MINUTES_PER_DAY
            + walk[u] - walk[MINUTES_PER_DAY] * u / MINUTES_PER_DAY), down, up);
        long bo = prev;
        long bh = clamp(Math.max(bo, next) + Math.round(Math.abs(random.nextGaussian()) * sigma * 0.5), down, up);
        long bl = clamp(Math.min(bo, next) - Math.round(Math.abs(random.nextGaussian()) * sigma * 0.5), down, up);
        double shape = 1 + 1.5 * Math.exp(-t / 20.0) + Math.exp(-(MINUTES_PER_DAY - 1 - t) / 20.0);
        long vol = Math.max(1, Math.round(perMinute * shape * Math.exp(random.nextGaussian() * 0.5))) * 100;
        long amt = (bo + bh + bl + next) / 4 * vol;
        long tr = Math.max(1, vol / avgTrade(bo));
        dh = Math.max(dh, bh);
        dl = Math.min(dl, bl);
        dv += vol;
        da += amt;
        dt += tr;
        if (skip > 0) {
          skip--;
        } else {
          m1.add(minuteOpenTime(dates[k], t), bo, bh, bl, next, vol, amt, tr);
        }
        prev = next;
      }
      high[k] = dh;
      low[k] = dl;
      volume[k] = dv;
      amount[k] = da;
      trades[k] = dt;
    }
    BarSeries d1 = series[KlineInterval.D1.ordinal()];
    for (int k = days - dailyBars; k < days; k++) {
      d1.add(SessionClock.at(dates[k], 0), open[k], high[k], low[k], close[k], volume[k], amount[k], trades[k]);
    }
    for (KlineInterval i : KlineInterval.values()) {
      if (i != KlineInterval.M1 && i != KlineInterval.D1) {
        derive(m1, series[i.ordinal()]);
      }
    }
  }

  /** Aggregates 1m bars into the bars of {@code target}'s (longer, minute-aligned) interval. */
  static void derive(BarSeries m1, BarSeries target) {
    KlineInterval interval = target.interval();
    int n = m1.size();
    int i = 0;
    while (i < n) {
      Bar first = m1.get(i);
      long openTime = interval.openTime(first.openTime());
      long h = first.high();
      long l = first.low();
      long c = first.close();
      long v = first.volume();
      long a = first.amount();
      long t = first.trades();
      int j = i + 1;
      while (j < n && interval.openTime(m1.openTime(j)) == openTime) {
        Bar b = m1.get(j);
        h = Math.max(h, b.high());
        l = Math.min(l, b.low());
        c = b.close();
        v += b.volume();
        a += b.amount();
        t += b.trades();
        j++;
      }
      target.add(openTime, first.open(), h, l, c, v, a, t);
      i = j;
    }
  }

  /** Open time of minute bar {@code t} (0..239) of a trading day. */
  public static long minuteOpenTime(LocalDate date, int t) {
    int minute = t < 120 ? SessionClock.MORNING_OPEN + t : SessionClock.AFTERNOON_OPEN + t - 120;
    return SessionClock.at(date, minute);
  }

  private static long avgTrade(long price) {
    return Math.max(100, Math.min(100_000, 20_000_000 / Math.max(1, price)));
  }

  private static long clamp(long v, long lo, long hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}

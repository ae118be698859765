package io.quotecast.quote;

import io.quotecast.common.KlineInterval;
import java.util.function.Consumer;

/**
 * Builds the current bar of every interval of one symbol from its trades. Every trade updates the current bar; a bar
 * whose close time has passed is finished with a final {@code closed: true} state, either when a later trade arrives
 * or when {@link #closeDue} is called by the clock (so a quiet symbol's bar closes too). Intervals without trades
 * produce no bars. Pure logic.
 */
public final class BarAggregator {
  private static final KlineInterval[] INTERVALS = KlineInterval.values();

  private final long[] openTime = new long[INTERVALS.length];
  private final long[] open = new long[INTERVALS.length];
  private final long[] high = new long[INTERVALS.length];
  private final long[] low = new long[INTERVALS.length];
  private final long[] close = new long[INTERVALS.length];
  private final long[] volume = new long[INTERVALS.length];
  private final long[] amount = new long[INTERVALS.length];
  private final long[] trades = new long[INTERVALS.length];
  private final boolean[] active = new boolean[INTERVALS.length];

  /**
   * Applies one trade. For each interval, in {@link KlineInterval} order: when the trade falls after the current bar,
   * the closed bar first, then the updated current bar (closed false).
   */
  public void onTrade(long time, long price, long vol, Consumer<Bar> out) {
    for (int k = 0; k < INTERVALS.length; k++) {
      KlineInterval interval = INTERVALS[k];
      if (active[k] && time > interval.closeTime(openTime[k])) {
        out.accept(bar(k, true));
        active[k] = false;
      }
      if (!active[k]) {
        active[k] = true;
        openTime[k] = interval.openTime(time);
        open[k] = price;
        high[k] = price;
        low[k] = price;
        volume[k] = 0;
        amount[k] = 0;
        trades[k] = 0;
      } else {
        high[k] = Math.max(high[k], price);
        low[k] = Math.min(low[k], price);
      }
      close[k] = price;
      volume[k] += vol;
      amount[k] += price * vol;
      trades[k]++;
      out.accept(bar(k, false));
    }
  }

  /** Finishes every bar whose close time is before {@code now}. */
  public void closeDue(long now, Consumer<Bar> out) {
    for (int k = 0; k < INTERVALS.length; k++) {
      if (active[k] && now > INTERVALS[k].closeTime(openTime[k])) {
        out.accept(bar(k, true));
        active[k] = false;
      }
    }
  }

  /** Makes {@code bar} (an open bar, e.g. from another node's snapshot) the current bar of its interval. */
  public void restore(Bar bar) {
    int k = bar.interval().ordinal();
    active[k] = true;
    openTime[k] = bar.openTime();
    open[k] = bar.open();
    high[k] = bar.high();
    low[k] = bar.low();
    close[k] = bar.close();
    volume[k] = bar.volume();
    amount[k] = bar.amount();
    trades[k] = bar.trades();
  }

  /** Forgets the open bar of an interval (another node closed it meanwhile). */
  public void discard(KlineInterval interval) {
    active[interval.ordinal()] = false;
  }

  /** The open bar of an interval, or null when it has no trade yet. */
  public Bar current(KlineInterval interval) {
    int k = interval.ordinal();
    return active[k] ? bar(k, false) : null;
  }

  private Bar bar(int k, boolean closed) {
    return new Bar(INTERVALS[k], openTime[k], open[k], high[k], low[k], close[k], volume[k], amount[k], trades[k],
        closed);
  }
}

package io.quotecast.quote;

import io.quotecast.common.KlineInterval;
import java.util.Arrays;

/**
 * Closed bars of one symbol and interval, oldest first, in compact columns (ints for times and prices, longs for volume
 * and amount: 40 bytes a bar). A ring: once {@code capacity} bars are held, each new bar drops the oldest. Storage
 * grows on demand up to the capacity. Bars must be added in ascending open time.
 */
public final class BarSeries {
  private static final int INTS = 6; // openMinute, open, high, low, close, trades
  private static final int LONGS = 2; // volume, amount

  private final KlineInterval interval;
  private final int capacity;
  private int[] ints;
  private long[] longs;
  private int start;
  private int count;

  public BarSeries(KlineInterval interval, int capacity, int initial) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.interval = interval;
    this.capacity = capacity;
    int n = Math.max(0, Math.min(initial, capacity));
    this.ints = new int[n * INTS];
    this.longs = new long[n * LONGS];
  }

  public KlineInterval interval() {
    return interval;
  }

  public int size() {
    return count;
  }

  public int capacity() {
    return capacity;
  }

  public void add(Bar b) {
    add(b.openTime(), b.open(), b.high(), b.low(), b.close(), b.volume(), b.amount(), b.trades());
  }

  public void add(long openTime, long open, long high, long low, long close, long volume, long amount, long trades) {
    int slots = ints.length / INTS;
    int slot;
    if (count < slots) {
      slot = (start + count) % slots;
      count++;
    } else if (slots < capacity) {
      grow(Math.min(capacity, Math.max(8, slots * 2)));
      slot = count++;
    } else {
      slot = start;
      start = (start + 1) % slots;
    }
    int i = slot * INTS;
    ints[i] = Math.toIntExact(Math.floorDiv(openTime, 60_000L));
    ints[i + 1] = Math.toIntExact(open);
    ints[i + 2] = Math.toIntExact(high);
    ints[i + 3] = Math.toIntExact(low);
    ints[i + 4] = Math.toIntExact(close);
    ints[i + 5] = (int) Math.min(Integer.MAX_VALUE, trades);
    longs[slot * LONGS] = volume;
    longs[slot * LONGS + 1] = amount;
  }

  private void grow(int slots) {
    int old = ints.length / INTS;
    int[] ni = new int[slots * INTS];
    long[] nl = new long[slots * LONGS];
    for (int k = 0; k < count; k++) {
      int from = (start + k) % old;
      System.arraycopy(ints, from * INTS, ni, k * INTS, INTS);
      System.arraycopy(longs, from * LONGS, nl, k * LONGS, LONGS);
    }
    ints = ni;
    longs = nl;
    start = 0;
  }

  private int slot(int i) {
    if (i < 0 || i >= count) {
      throw new IndexOutOfBoundsException(i);
    }
    return (start + i) % (ints.length / INTS);
  }

  public long openTime(int i) {
    return ints[slot(i) * INTS] * 60_000L;
  }

  public long close(int i) {
    return ints[slot(i) * INTS + 4];
  }

  /** Bar {@code i} (0 = oldest) with {@code closed: true}. */
  public Bar get(int i) {
    int s = slot(i);
    int b = s * INTS;
    return new Bar(interval, ints[b] * 60_000L, ints[b + 1], ints[b + 2], ints[b + 3], ints[b + 4],
        longs[s * LONGS], longs[s * LONGS + 1], ints[b + 5], true);
  }

  /** Number of bars with {@code openTime <= end} (bars are sorted, so they are the first ones). */
  public int countUpTo(long end) {
    int lo = 0;
    int hi = count;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (openTime(mid) <= end) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Approximate heap bytes held by the arrays. */
  public long bytes() {
    return 32L + ints.length * 4L + longs.length * 8L;
  }

  @Override
  public String toString() {
    return "BarSeries[" + interval.wire() + ", " + count + "/" + capacity + "]" + (count == 0 ? ""
        : Arrays.toString(new long[] {openTime(0), openTime(count - 1)}));
  }
}

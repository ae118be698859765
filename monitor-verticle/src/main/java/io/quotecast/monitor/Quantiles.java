package io.quotecast.monitor;

/**
 * Quantiles from a bucketed histogram, as Prometheus's {@code histogram_quantile} estimates them: linear within the
 * bucket that holds the rank. Counts are cumulative: {@code counts[i]} recordings at or below {@code boundsMs[i]},
 * and one more element, the total (the +Inf bucket).
 */
final class Quantiles {
  private Quantiles() {}

  /**
   * The {@code q} quantile (0..1) in ms, or null without recordings. A rank in the +Inf bucket answers the largest
   * finite bound: the histogram only knows the value is above it.
   */
  static Double quantile(double[] boundsMs, long[] counts, double q) {
    long total = counts[counts.length - 1];
    if (total <= 0) {
      return null;
    }
    double rank = q * total;
    for (int i = 0; i < boundsMs.length; i++) {
      if (counts[i] >= rank) {
        double lower = i == 0 ? 0 : boundsMs[i - 1];
        long below = i == 0 ? 0 : counts[i - 1];
        long inBucket = counts[i] - below;
        if (inBucket <= 0) {
          return lower;
        }
        return lower + (boundsMs[i] - lower) * (rank - below) / inBucket;
      }
    }
    return boundsMs.length == 0 ? null : boundsMs[boundsMs.length - 1];
  }

  /** {@code now - before} element by element: the recordings between two cumulative readings. */
  static long[] delta(long[] now, long[] before) {
    long[] out = new long[now.length];
    for (int i = 0; i < now.length; i++) {
      out[i] = Math.max(0, now[i] - (before == null || i >= before.length ? 0 : before[i]));
    }
    return out;
  }
}

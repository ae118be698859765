package io.quotecast.peers.market;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Which symbol the next update is for: weight {@code 1 / rank^skew} over a seeded random permutation (skew 0 =
 * uniform). The same rule as Quotecast's simulator; the permutation differs, so with skew &gt; 0 a peer's busiest
 * symbols are not Quotecast's.
 */
public final class ZipfActivity {
  private final double[] cumulative;

  public ZipfActivity(int size, double skew, SplittableRandom random) {
    if (size <= 0 || skew < 0) {
      throw new IllegalArgumentException("size must be > 0 and skew >= 0");
    }
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    for (int i = size - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int[] rank = new int[size];
    for (int k = 0; k < size; k++) {
      rank[order[k]] = k + 1;
    }
    cumulative = new double[size];
    double sum = 0;
    for (int i = 0; i < size; i++) {
      sum += skew == 0 ? 1.0 : Math.pow(rank[i], -skew);
      cumulative[i] = sum;
    }
  }

  public int pick(SplittableRandom random) {
    double u = random.nextDouble() * cumulative[cumulative.length - 1];
    int i = Arrays.binarySearch(cumulative, u);
    if (i < 0) {
      i = -i - 1;
    }
    return Math.min(i, cumulative.length - 1);
  }
}

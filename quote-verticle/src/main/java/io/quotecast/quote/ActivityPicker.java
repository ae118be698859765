package io.quotecast.quote;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Picks which symbol the next update is for: Zipf weights {@code 1 / rank^skew} over a random permutation of the
 * symbols (skew 0 = uniform), with preferred symbols moved to the top ranks so demos show busy well-known names.
 */
public final class ActivityPicker {
  private final double[] cumulative;
  private final int[] rankOf;

  public ActivityPicker(int size, double skew, RandomGenerator random, int... preferred) {
    if (size <= 0) {
      throw new IllegalArgumentException("no symbols");
    }
    if (skew < 0) {
      throw new IllegalArgumentException("simulator.skew must be >= 0, got " + skew);
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
    int top = 0;
    for (int p : preferred) {
      if (p < 0 || p >= size) {
        continue;
      }
      for (int k = top; k < size; k++) {
        if (order[k] == p) {
          order[k] = order[top];
          order[top] = p;
          top++;
          break;
        }
      }
    }
    rankOf = new int[size];
    cumulative = new double[size];
    double sum = 0;
    for (int k = 0; k < size; k++) {
      rankOf[order[k]] = k + 1;
    }
    for (int i = 0; i < size; i++) {
      sum += skew == 0 ? 1.0 : Math.pow(rankOf[i], -skew);
      cumulative[i] = sum;
    }
  }

  public int pick(RandomGenerator random) {
    double u = random.nextDouble() * cumulative[cumulative.length - 1];
    int i = Arrays.binarySearch(cumulative, u);
    if (i < 0) {
      i = -i - 1;
    }
    return Math.min(i, cumulative.length - 1);
  }

  /** 1 = busiest. */
  public int rank(int index) {
    return rankOf[index];
  }

  /** Share of all updates that go to {@code index}. */
  public double share(int index) {
    double prev = index == 0 ? 0 : cumulative[index - 1];
    return (cumulative[index] - prev) / cumulative[cumulative.length - 1];
  }
}

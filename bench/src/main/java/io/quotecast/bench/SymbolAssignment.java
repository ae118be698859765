package io.quotecast.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * Deals symbols to connections: each connection gets {@code perConnection} distinct symbols, each subscribed once per
 * channel type. Modes:
 * <ul>
 *   <li>{@code random}: uniform, seeded;</li>
 *   <li>{@code rr}: round-robin over the list, so every symbol gets the same number of subscribers (±1);</li>
 *   <li>{@code zipf}: skewed, seeded: the symbol of rank r (its position in the list, from 1) is picked with weight
 *   1/r^skew, as real audiences crowd onto a few popular names.</li>
 * </ul>
 */
final class SymbolAssignment {
  private SymbolAssignment() {}

  static List<List<String>> assign(List<String> symbols, int connections, int perConnection, List<String> types,
      String mode, double skew, long seed) {
    int n = symbols.size();
    if (perConnection > n) {
      throw new IllegalArgumentException(n + " symbols available, " + perConnection + " per connection requested");
    }
    Random random = new Random(seed);
    double[] weights = mode.equals("zipf") ? zipfWeights(n, skew) : null;
    int[] idx = new int[n];
    List<List<String>> all = new ArrayList<>(connections);
    for (int c = 0; c < connections; c++) {
      List<String> picked = new ArrayList<>(perConnection);
      switch (mode) {
        case "rr" -> {
          for (int k = 0; k < perConnection; k++) {
            picked.add(symbols.get((int) (((long) c * perConnection + k) % n)));
          }
        }
        case "random" -> {
          // partial Fisher-Yates: the first perConnection slots of a fresh permutation
          for (int k = 0; k < n; k++) {
            idx[k] = k;
          }
          for (int k = 0; k < perConnection; k++) {
            int j = k + random.nextInt(n - k);
            int t = idx[k];
            idx[k] = idx[j];
            idx[j] = t;
            picked.add(symbols.get(idx[k]));
          }
        }
        case "zipf" -> {
          for (int i : weightedSample(weights, perConnection, random)) {
            picked.add(symbols.get(i));
          }
        }
        default -> throw new IllegalArgumentException("unknown assignment " + mode + " (random, rr, zipf)");
      }
      List<String> channels = new ArrayList<>(picked.size() * types.size());
      for (String type : types) {
        for (String s : picked) {
          channels.add(type + ":" + s);
        }
      }
      all.add(channels);
    }
    return all;
  }

  static double[] zipfWeights(int n, double skew) {
    double[] w = new double[n];
    for (int r = 0; r < n; r++) {
      w[r] = 1.0 / Math.pow(r + 1, skew);
    }
    return w;
  }

  /**
   * k distinct indexes drawn without replacement with probability proportional to their weights (Efraimidis and
   * Spirakis: keep the k largest u^(1/w), compared as log(u)/w).
   */
  static int[] weightedSample(double[] weights, int k, Random random) {
    PriorityQueue<double[]> smallest = new PriorityQueue<>(k + 1, (a, b) -> Double.compare(a[0], b[0]));
    for (int i = 0; i < weights.length; i++) {
      double key = Math.log(1.0 - random.nextDouble()) / weights[i];
      if (smallest.size() < k) {
        smallest.add(new double[] {key, i});
      } else if (key > smallest.peek()[0]) {
        smallest.poll();
        smallest.add(new double[] {key, i});
      }
    }
    int[] out = new int[smallest.size()];
    for (int i = out.length - 1; i >= 0; i--) {
      out[i] = (int) smallest.poll()[1];
    }
    return out;
  }
}

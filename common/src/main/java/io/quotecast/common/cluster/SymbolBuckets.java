package io.quotecast.common.cluster;

import java.util.Collection;

/**
 * Symbols are owned in buckets ({@code cluster.buckets}), so that ownership moves a bucket at a time (one map entry,
 * one event-bus consumer) rather than thousands of symbols. Both functions are deterministic across JVMs: every node
 * computes the same bucket for a symbol and the same preferred owner for a bucket from the same member list.
 */
public final class SymbolBuckets {
  private SymbolBuckets() {}

  /** The bucket of {@code symbol}, in {@code [0, buckets)}. {@link String#hashCode()} is specified, so stable. */
  public static int of(String symbol, int buckets) {
    return (int) Math.floorMod(mix(symbol.hashCode()), (long) buckets);
  }

  /**
   * The node that should own {@code bucket} among {@code nodes} (rendezvous hashing: the highest score wins). When a
   * node leaves, only its buckets move; when one joins, it takes about 1/n of the buckets from the others. Null for
   * no nodes.
   */
  public static String preferredOwner(int bucket, Collection<String> nodes) {
    String best = null;
    long bestScore = 0;
    for (String node : nodes) {
      long score = mix(((long) node.hashCode() << 32) ^ (bucket * 0x9E3779B97F4A7C15L) ^ node.length());
      if (best == null || Long.compareUnsigned(score, bestScore) > 0
          || (score == bestScore && node.compareTo(best) < 0)) {
        best = node;
        bestScore = score;
      }
    }
    return best;
  }

  /** splitmix64's finalizer: spreads similar inputs (symbol codes differ in a digit or two) over the whole range. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}

package io.quotecast.sdk;

import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter (PROTOCOL.md §8): attempt n waits a uniformly random time in
 * [0, min(max, min * 2^n)]. The randomness spreads a fleet's reconnects after a node dies, so the survivors are not
 * hit by every client at the same instant (a reconnect storm).
 */
public final class Backoff {
  private final long minMs;
  private final long maxMs;
  private final DoubleSupplier random;
  private int attempt;

  public Backoff(long minMs, long maxMs, DoubleSupplier random) {
    if (minMs <= 0 || maxMs < minMs) {
      throw new IllegalArgumentException("need 0 < min <= max, got " + minMs + ", " + maxMs);
    }
    this.minMs = minMs;
    this.maxMs = maxMs;
    this.random = random;
  }

  /** The upper bound of attempt {@code n}'s delay: min * 2^n, capped at max. */
  public long ceilingMs(int n) {
    // shift only while it cannot overflow; beyond 2^20 the cap has long been reached anyway
    return n >= 20 ? maxMs : Math.min(maxMs, minMs << n);
  }

  /** The delay before the next attempt; each call moves one attempt further. */
  public long next() {
    long ceiling = ceilingMs(attempt);
    attempt++;
    return (long) Math.floor(random.getAsDouble() * (ceiling + 1));
  }

  /** A connection that reached {@code welcome} starts the next outage from the smallest window again. */
  public void reset() {
    attempt = 0;
  }

  public int attempt() {
    return attempt;
  }
}

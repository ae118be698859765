package io.quotecast.gateway;

/**
 * A token bucket: refilled continuously at {@code perSecond}, holding at most {@code burst}, full at the start. Used
 * for a connection's requests ({@link RequestRate}) and for one address's new connections ({@link ConnectionRate}).
 * Pure logic, not thread-safe: the caller confines or locks it.
 */
final class TokenBucket {
  private final double perMs;
  private final double burst;
  private double tokens;
  private long refilledAt;

  TokenBucket(double perSecond, int burst, long now) {
    if (perSecond <= 0) {
      throw new IllegalArgumentException("perSecond must be positive: " + perSecond);
    }
    this.perMs = perSecond / 1000.0;
    this.burst = Math.max(1, burst);
    this.tokens = this.burst;
    this.refilledAt = now;
  }

  /** Takes one token; false (and nothing taken) when none is left. */
  boolean tryAcquire(long now) {
    refill(now);
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  /** Milliseconds until the next token; at least 1. */
  long retryAfterMs(long now) {
    refill(now);
    // the epsilon keeps binary rounding (0.998 tokens at 2/s is 1.0000000002 ms away) from adding a whole ms
    return tokens >= 1 ? 1 : Math.max(1, (long) Math.ceil((1 - tokens) / perMs - 1e-6));
  }

  /** Whether the bucket is full again, i.e. forgetting it changes nothing. */
  boolean full(long now) {
    refill(now);
    return tokens >= burst;
  }

  private void refill(long now) {
    if (now > refilledAt) {
      tokens = Math.min(burst, tokens + (now - refilledAt) * perMs);
      refilledAt = now;
    }
  }
}

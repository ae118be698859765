package io.quotecast.gateway;

/**
 * One connection's request budget (PROTOCOL.md §5 RATE_LIMITED, §8 4029): a token bucket refilled at {@code perSecond}
 * holding up to {@code burst}, so a client may send a burst (a page subscribing at load) but not a sustained flood.
 * Refusals are counted over a sliding {@link #ABUSE_WINDOW_MS}: a client that keeps sending while refused is abusing,
 * and the caller closes it. Pure logic, one instance per connection on its event loop: no locks, no allocation.
 */
final class RequestRate {
  static final long ABUSE_WINDOW_MS = 10_000;

  private final double perMs;
  private final double burst;
  private final int abuseLimit;
  private double tokens;
  private long refilledAt;
  private int refusals;
  private long windowStart;

  /**
   * @param perSecond sustained requests per second
   * @param burst     requests that may come at once
   * @param abuseLimit refusals within {@link #ABUSE_WINDOW_MS} after which the client is abusing
   */
  RequestRate(int perSecond, int burst, int abuseLimit, long now) {
    this.perMs = perSecond / 1000.0;
    this.burst = Math.max(1, burst);
    this.abuseLimit = abuseLimit;
    this.tokens = this.burst;
    this.refilledAt = now;
    this.windowStart = now;
  }

  /** Takes one request's token; false when the budget is spent (the request is refused). */
  boolean tryAcquire(long now) {
    refill(now);
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    if (now - windowStart >= ABUSE_WINDOW_MS) {
      windowStart = now;
      refusals = 0;
    }
    refusals++;
    return false;
  }

  /** Milliseconds until the next token (for {@code retryAfterMs}); at least 1. */
  long retryAfterMs(long now) {
    refill(now);
    return tokens >= 1 ? 1 : Math.max(1, (long) Math.ceil((1 - tokens) / perMs));
  }

  /** Whether the refusals within the current window reached the abuse limit. */
  boolean abusing() {
    return refusals >= abuseLimit;
  }

  private void refill(long now) {
    if (now > refilledAt) {
      tokens = Math.min(burst, tokens + (now - refilledAt) * perMs);
      refilledAt = now;
    }
  }
}

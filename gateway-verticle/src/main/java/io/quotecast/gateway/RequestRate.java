package io.quotecast.gateway;

/**
 * One connection's request budget (PROTOCOL.md §5 RATE_LIMITED, §8 4029): a token bucket refilled at {@code perSecond}
 * holding up to {@code burst}, so a client may send a burst (a page subscribing at load) but not a sustained flood.
 * Refusals are counted over a sliding {@link #ABUSE_WINDOW_MS}: a client that keeps sending while refused is abusing,
 * and the caller closes it. Pure logic, one instance per connection on its event loop: no locks, no allocation per
 * request.
 */
final class RequestRate {
  static final long ABUSE_WINDOW_MS = 10_000;

  private final TokenBucket bucket;
  private final int abuseLimit;
  private int refusals;
  private long windowStart;

  /**
   * @param perSecond sustained requests per second
   * @param burst     requests that may come at once
   * @param abuseLimit refusals within {@link #ABUSE_WINDOW_MS} after which the client is abusing
   */
  RequestRate(int perSecond, int burst, int abuseLimit, long now) {
    this.bucket = new TokenBucket(perSecond, burst, now);
    this.abuseLimit = abuseLimit;
    this.windowStart = now;
  }

  /** Takes one request's token; false when the budget is spent (the request is refused). */
  boolean tryAcquire(long now) {
    if (bucket.tryAcquire(now)) {
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
    return bucket.retryAfterMs(now);
  }

  /** Whether the refusals within the current window reached the abuse limit. */
  boolean abusing() {
    return refusals >= abuseLimit;
  }
}

package io.quotecast.gateway;

/**
 * How many connections the node may shed now: a token bucket refilled at {@code overload.shedPerSecond}, holding a
 * tenth of a second's worth (at least one), so shedding runs at a steady pace rather than in bursts. Shared by the
 * node's gateway instances (each sheds its own sessions), hence synchronized; taken a few times per 100 ms at most.
 */
final class ShedBudget {
  private double tokens = 1;
  private long lastMs = -1;

  /** Takes one permit if there is one at {@code nowMs}, refilling at {@code perSecond} since the last call. */
  synchronized boolean take(long nowMs, int perSecond) {
    double capacity = Math.max(1, perSecond / 10.0);
    if (lastMs >= 0 && nowMs > lastMs) {
      tokens = Math.min(capacity, tokens + (nowMs - lastMs) * perSecond / 1000.0);
    }
    tokens = Math.min(tokens, capacity);
    lastMs = Math.max(lastMs, nowMs);
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }
}

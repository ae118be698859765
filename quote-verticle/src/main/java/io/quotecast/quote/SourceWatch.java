package io.quotecast.quote;

import io.vertx.core.json.JsonObject;
import java.util.Random;

/**
 * A data source's health as clients see it ({@code status}, PROTOCOL.md §7): {@code up}; {@code degraded} — connected
 * but no updates for {@code staleMs} while the market trades; {@code down} — the connection is lost and is being
 * re-established with exponential backoff and full jitter (0.5 s doubling to 20 s). Pure: the verticle feeds it events
 * and publishes the statuses it returns.
 */
final class SourceWatch {
  static final String UP = "up";
  static final String DEGRADED = "degraded";
  static final String DOWN = "down";
  static final long BACKOFF_BASE_MS = 500;
  static final long BACKOFF_MAX_MS = 20_000;

  private final String source;
  private final long staleMs;
  private final Random random;
  private String state = UP;
  private String reason;
  private long since;
  private long lastUpdate;
  private int attempt;
  private long nextRetryMs = -1;

  SourceWatch(String source, long staleMs, long now, Random random) {
    this.source = source;
    this.staleMs = staleMs;
    this.random = random;
    this.since = now;
    this.lastUpdate = now;
  }

  String state() {
    return state;
  }

  void onUpdate(long now) {
    lastUpdate = now;
  }

  /** The connection is lost: status down; call {@link #nextRetryDelay()} for the first reconnect. */
  JsonObject lost(long now, String why) {
    attempt = 0;
    return change(DOWN, why, now);
  }

  /**
   * The delay before the next reconnect attempt: full jitter over an exponentially growing cap, so that many sources
   * (or nodes) do not retry in step. Also recorded in the status ({@code attempt}, {@code nextRetryMs}).
   */
  long nextRetryDelay() {
    long cap = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS << Math.min(attempt, 20));
    attempt++;
    nextRetryMs = (long) (random.nextDouble() * cap);
    return nextRetryMs;
  }

  /** A reconnect attempt failed: the status still says down, with the attempt count and the next delay. */
  JsonObject retryFailed(String why) {
    reason = why;
    return status();
  }

  /** Connected again: status up (clients then get fresh snapshots). */
  JsonObject reconnected(long now) {
    lastUpdate = now;
    return change(UP, null, now);
  }

  /** While connected: degraded after {@code staleMs} without updates in an active phase, up once updates resume. */
  JsonObject check(long now, boolean trading) {
    if (DOWN.equals(state)) {
      return null;
    }
    boolean stale = trading && now - lastUpdate >= staleMs;
    if (stale && UP.equals(state)) {
      return change(DEGRADED, "no updates for " + (now - lastUpdate) + " ms", now);
    }
    if (!stale && DEGRADED.equals(state)) {
      return change(UP, null, now);
    }
    return null;
  }

  private JsonObject change(String newState, String why, long now) {
    state = newState;
    reason = why;
    since = now;
    if (!DOWN.equals(newState)) {
      attempt = 0;
      nextRetryMs = -1;
    }
    return status();
  }

  JsonObject status() {
    JsonObject s = new JsonObject().put("source", source).put("state", state).put("since", since);
    if (reason != null) {
      s.put("reason", reason);
    }
    if (DOWN.equals(state) && attempt > 0) {
      s.put("attempt", attempt).put("nextRetryMs", nextRetryMs);
    }
    return s;
  }
}

package io.quotecast.quote;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * The quote verticle's market-data source as a connection whose health clients see ({@code status}, PROTOCOL.md §7):
 * the simulator or an upstream feed. Both watch themselves with a {@link SourceWatch} and publish each change.
 */
interface SourceConnection {
  /** Starts watching (and, for a feed, connecting). */
  void start();

  /** Stops for good: no reconnects, no timers. */
  Future<Void> stop();

  /** The current status object ({@code source}, {@code state}, {@code since}, ...). */
  JsonObject status();
}

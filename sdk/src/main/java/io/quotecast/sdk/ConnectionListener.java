package io.quotecast.sdk;

import io.vertx.core.json.JsonObject;
import java.util.List;

/** Connection-level events, all optional. Called on the client's event loop. */
public interface ConnectionListener {
  /** A connection reached {@code welcome} (its data: connectionId, node, limits, sources...). */
  default void connected(String url, JsonObject welcome) {}

  /** The connection ended (code null when it never opened); the next attempt follows after {@code reconnectInMs}. */
  default void disconnected(Short code, String reason, long reconnectInMs) {}

  /**
   * A connect attempt to {@code url} was refused before the upgrade (HTTP {@code status}, 503 when the node is full or
   * draining). The client will not try {@code url} again for {@code retryAfterMs} (Retry-After) and tries
   * {@code endpoints} (the alternatives the refusal named) first.
   */
  default void refused(String url, int status, long retryAfterMs, List<String> endpoints) {}

  /** A {@code notice} (shutdown, rebalance, token_expiring, degraded), before the client acts on it. */
  default void notice(JsonObject data) {}

  /** A {@code status} message: a data source went up, degraded or down. */
  default void status(JsonObject data) {}

  /** The server said not to retry (4003 forbidden, 4100 closed by an operator): the client stopped. */
  default void terminated(short code, String reason) {}
}

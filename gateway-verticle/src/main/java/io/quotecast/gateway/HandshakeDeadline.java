package io.quotecast.gateway;

import io.quotecast.common.GatewayCounters;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code gateway.handshakeTimeoutMs}: a TCP connection that has not completed an HTTP request (the WebSocket upgrade,
 * a SockJS or REST call) this long after it was accepted is closed. Without it a client that connects and sends
 * nothing, or trickles its headers (slowloris), holds a socket and a file descriptor for ever, and enough of them
 * exhaust the node's open-files limit without ever reaching a limit that counts connections.
 *
 * <p>Needs HTTP/2 clear-text (h2c) off: with it on, Vert.x creates the connection (and calls the connection handler)
 * only once the first bytes tell HTTP/1 from h2c, so a socket that sends nothing would never be seen.
 *
 * <p>One per gateway verticle instance: a connection's accept and its requests are handled on the instance's event
 * loop, so the map needs no lock.
 */
final class HandshakeDeadline {
  private final Vertx vertx;
  private final long timeoutMs;
  private final GatewayCounters counters;
  private final Map<HttpConnection, Long> pending = new HashMap<>();

  /** @param timeoutMs 0 = no deadline */
  HandshakeDeadline(Vertx vertx, long timeoutMs, GatewayCounters counters) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
    this.counters = counters;
  }

  /** A connection was accepted: it has {@code timeoutMs} to send a complete request. */
  void accepted(HttpConnection connection) {
    if (timeoutMs <= 0) {
      return;
    }
    long timer = vertx.setTimer(timeoutMs, id -> {
      if (pending.remove(connection) != null) {
        counters.handshakeTimeouts.increment();
        connection.close();
      }
    });
    pending.put(connection, timer);
    connection.closeHandler(v -> cancel(connection));
  }

  /** A request arrived on the connection: its handshake is done. */
  void requested(HttpConnection connection) {
    if (!pending.isEmpty()) {
      cancel(connection);
    }
  }

  /** Connections still waiting for their first request. */
  int pending() {
    return pending.size();
  }

  private void cancel(HttpConnection connection) {
    Long timer = pending.remove(connection);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }
}

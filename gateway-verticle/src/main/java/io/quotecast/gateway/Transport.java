package io.quotecast.gateway;

import io.vertx.core.Handler;

/** The socket under a session: a WebSocket or a SockJS connection; everything above it speaks the same protocol. */
interface Transport {
  String name();

  void write(OutboundMessage message);

  /** True while the socket's send queue is over its byte bound. */
  boolean writeQueueFull();

  /**
   * Called each time the send queue, having been full, drains below its low-water mark (Vert.x's drainHandler), so
   * the session can write what it held back meanwhile.
   */
  default void drainHandler(Handler<Void> handler) {
    // A transport whose queue never fills never drains.
  }

  /** Bytes written but not yet handed to the kernel, or -1 when the transport cannot tell (diagnostics and tests). */
  default long queuedBytes() {
    return -1;
  }

  /** True once the socket is closed; nothing may be written then. */
  boolean isClosed();

  void close(short code, String reason);

  String remoteAddress();

  /** Text messages from the client. */
  void textHandler(Handler<String> handler);

  void closeHandler(Handler<Void> handler);

  /** Called on any sign of life from the client that is not a message (e.g. a WebSocket pong). */
  void activityHandler(Handler<Void> handler);

  /** Sends a transport-level heartbeat if the transport has one. */
  void ping();
}

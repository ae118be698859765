package io.quotecast.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * {@code gateway.coalesceFlushes}: one socket write per connection per event-loop turn instead of one per message.
 *
 * <p>Vert.x flushes every WebSocket write that does not happen while the connection is reading, so each message a
 * channel fans out costs its connection a {@code write(2)} of its own — the largest share of the gateway's CPU per
 * delivery. Netty's {@link FlushConsolidationHandler}, first in the pipeline, turns those flushes into one flush task
 * per connection that runs once the event loop has finished what it is doing (the batch of publications it took from
 * the bus): messages to one connection in the same turn leave in one write, and none waits for a later turn. Writes,
 * the send-queue accounting and back-pressure are unchanged (they count written bytes, not flushed ones); a close or
 * a full queue flushes at once.
 */
final class FlushCoalescing {
  /** Name of the handler in the pipeline. */
  static final String HANDLER = "quotecastFlushCoalescing";
  /** Flushes absorbed before one is forced even within a turn: bounds what a long turn holds back. */
  static final int MAX_FLUSHES_HELD = 256;

  private FlushCoalescing() {}

  /** For {@code HttpServer.connectionHandler}: runs on the connection's event loop before any request is read. */
  static void install(HttpConnection connection) {
    if (connection instanceof ConnectionBase base) {
      ChannelHandlerContext context = base.channelHandlerContext();
      if (context != null && context.pipeline().get(HANDLER) == null) {
        context.pipeline().addFirst(HANDLER, new FlushConsolidationHandler(MAX_FLUSHES_HELD, true));
      }
    }
  }
}

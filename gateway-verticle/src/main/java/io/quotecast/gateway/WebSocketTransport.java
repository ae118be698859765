package io.quotecast.gateway;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.quotecast.common.MessageTypes;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.internal.http.WebSocketInternal;
import java.lang.reflect.Field;

final class WebSocketTransport implements Transport {
  private static final Buffer PING = Buffer.buffer("qc");
  private final ServerWebSocket ws;
  /** The core WebSocket under any wrapper, for {@link #queuedBytes}; null when it cannot be reached. */
  private final WebSocketInternal core;

  WebSocketTransport(ServerWebSocket ws, int writeQueueBytes) {
    this.ws = ws;
    this.core = unwrap(ws);
    ws.setWriteQueueMaxSize(writeQueueBytes);
    // Netty refuses a frame over gateway.maxFrameBytes as a protocol violation, and Vert.x then drops the TCP
    // connection without a close frame; answer with the close code PROTOCOL.md §8 promises first.
    ws.exceptionHandler(failure -> {
      if (failure instanceof CorruptedWebSocketFrameException corrupted) {
        short code = corrupted.closeStatus() == null ? MessageTypes.CLOSE_MALFORMED
            : (short) corrupted.closeStatus().code();
        ws.close(code, code == MessageTypes.CLOSE_TOO_BIG ? "message too big" : "malformed frame");
      } else if (failure instanceof IllegalStateException && failure.getMessage() != null
          && failure.getMessage().contains("max message size")) {
        // Vert.x's frame aggregator drops a message whose frames add up past gateway.maxFrameBytes and only reports
        // it here: without this the client's message would vanish with no answer and the connection stay open.
        ws.close(MessageTypes.CLOSE_TOO_BIG, "message too big");
      }
    });
  }

  @Override
  public String name() {
    return "websocket";
  }

  @Override
  public void write(OutboundMessage message) {
    ws.writeFrame(message.frame());
  }

  @Override
  public boolean writeQueueFull() {
    return ws.writeQueueFull();
  }

  @Override
  public void drainHandler(Handler<Void> handler) {
    ws.drainHandler(handler);
  }

  /**
   * The bytes in Netty's outbound buffer of the connection. Vert.x has no public accessor; its WebSocket
   * implementation exposes the channel context, which is all this needs (read on the event loop that owns it).
   */
  @Override
  public long queuedBytes() {
    if (core != null && core.channelHandlerContext() != null) {
      ChannelOutboundBuffer buffer = core.channelHandlerContext().channel().unsafe().outboundBuffer();
      return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }
    return -1;
  }

  /**
   * Sockets upgraded through a vertx-web router come wrapped ({@code ServerWebSocketWrapper}), which keeps the core
   * socket in a private {@code delegate} field without an accessor; it is read once per connection. Null when the
   * layout differs (after an upgrade): the queue size is then unknown, nothing else changes.
   */
  private static WebSocketInternal unwrap(ServerWebSocket ws) {
    for (int depth = 0; depth < 3 && ws != null; depth++) {
      if (ws instanceof WebSocketInternal internal) {
        return internal;
      }
      Field delegate = DELEGATE.get(ws.getClass());
      try {
        ws = delegate != null && delegate.get(ws) instanceof ServerWebSocket inner ? inner : null;
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }
    return null;
  }

  private static final ClassValue<Field> DELEGATE = new ClassValue<>() {
    @Override
    protected Field computeValue(Class<?> type) {
      try {
        Field f = type.getDeclaredField("delegate");
        f.setAccessible(true);
        return f;
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }
  };

  @Override
  public boolean isClosed() {
    return ws.isClosed();
  }

  @Override
  public void close(short code, String reason) {
    ws.close(code, reason);
  }

  @Override
  public String remoteAddress() {
    return String.valueOf(ws.remoteAddress());
  }

  @Override
  public void textHandler(Handler<String> handler) {
    ws.textMessageHandler(handler);
    // Binary frames are not part of the protocol; treat them as text so they get a clear BAD_REQUEST.
    ws.binaryMessageHandler(buffer -> handler.handle(buffer.toString()));
  }

  @Override
  public void closeHandler(Handler<Void> handler) {
    ws.closeHandler(handler);
  }

  @Override
  public void activityHandler(Handler<Void> handler) {
    ws.pongHandler(pong -> handler.handle(null));
  }

  @Override
  public void ping() {
    ws.writePing(PING);
  }
}

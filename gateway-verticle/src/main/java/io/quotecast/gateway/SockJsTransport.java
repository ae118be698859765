package io.quotecast.gateway;

import io.quotecast.common.Envelope;
import io.quotecast.common.MessageTypes;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

final class SockJsTransport implements Transport {
  private final SockJSSocket socket;
  private boolean closed;

  SockJsTransport(SockJSSocket socket, int writeQueueBytes) {
    this.socket = socket;
    socket.setWriteQueueMaxSize(writeQueueBytes);
  }

  @Override
  public String name() {
    return "sockjs";
  }

  @Override
  public void write(OutboundMessage message) {
    socket.write(Buffer.buffer(message.utf8()));
  }

  @Override
  public boolean writeQueueFull() {
    return socket.writeQueueFull();
  }

  @Override
  public void drainHandler(Handler<Void> handler) {
    socket.drainHandler(handler);
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  /**
   * Vert.x's SockJS sessions close every non-WebSocket transport with SockJS's generic {@code c[3000,"Go away!"]},
   * whatever code is asked for, so the code would be lost. The client is told first, in a {@code notice} with event
   * {@code closing} carrying the protocol close code and reason (a documented extension clients may ignore).
   */
  @Override
  public void close(short code, String reason) {
    if (!closed && code != MessageTypes.CLOSE_NORMAL) {
      JsonObject data = new JsonObject().put("event", "closing").put("code", code).put("reason", reason);
      socket.write(Buffer.buffer(Envelope.message(MessageTypes.NOTICE, System.currentTimeMillis())
          .put("data", data).encode()));
    }
    closed = true;
    socket.close(code, reason);
  }

  @Override
  public String remoteAddress() {
    return String.valueOf(socket.remoteAddress());
  }

  @Override
  public void textHandler(Handler<String> handler) {
    socket.handler(buffer -> handler.handle(buffer.toString()));
  }

  @Override
  public void closeHandler(Handler<Void> handler) {
    socket.closeHandler(v -> {
      closed = true;
      handler.handle(v);
    });
  }

  @Override
  public void activityHandler(Handler<Void> handler) {
    // SockJS has its own heartbeat frames; clients send {"op":"ping"} (PROTOCOL.md §8).
  }

  @Override
  public void ping() {
    // SockJS sends its own heartbeats ('h' frames).
  }
}

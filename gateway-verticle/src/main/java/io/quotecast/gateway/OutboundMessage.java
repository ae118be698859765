package io.quotecast.gateway;

import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import java.nio.charset.StandardCharsets;

/**
 * A server message encoded once and written to any number of connections. The UTF-8 bytes are computed once; each
 * WebSocket write wraps the same array in a frame, so the fan-out copies nothing per connection.
 */
final class OutboundMessage {
  private final String text;
  private byte[] utf8;

  OutboundMessage(String text) {
    this.text = text;
  }

  String text() {
    return text;
  }

  byte[] utf8() {
    byte[] b = utf8;
    if (b == null) {
      b = text.getBytes(StandardCharsets.UTF_8);
      utf8 = b;
    }
    return b;
  }

  int byteLength() {
    return utf8().length;
  }

  /**
   * A final text frame over the shared bytes. Vert.x has no public text-frame factory taking bytes, and encoding the
   * String again per connection is exactly what hot-path rule 1 forbids, so this uses the frame implementation
   * directly (it wraps the array without copying).
   */
  WebSocketFrame frame() {
    return new WebSocketFrameImpl(WebSocketFrameType.TEXT, utf8(), true);
  }
}

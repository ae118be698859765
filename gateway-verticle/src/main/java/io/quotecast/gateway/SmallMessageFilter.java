package io.quotecast.gateway;

import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilter;

/**
 * Tells Netty's permessage-deflate encoder to send messages shorter than {@code minBytes} as they are: on a short
 * JSON reply deflate saves a few bytes (or adds some) for a full compressor run. Only whole data messages are
 * skipped: a continuation follows its first fragment, and a control frame between fragments must not be judged
 * (Netty refuses to skip while a message is being compressed).
 */
final class SmallMessageFilter implements WebSocketExtensionFilter {
  private final int minBytes;

  SmallMessageFilter(int minBytes) {
    this.minBytes = minBytes;
  }

  @Override
  public boolean mustSkip(WebSocketFrame frame) {
    return (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) && frame.isFinalFragment()
        && frame.content().readableBytes() < minBytes;
  }
}

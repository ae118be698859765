package io.quotecast.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The negotiation and the short-message rule, without a server (the wire behaviour: app CompressionTest). */
class PerMessageDeflateTest {
  private static WebSocketExtensionData offer(Map<String, String> parameters) {
    return new WebSocketExtensionData("permessage-deflate", parameters);
  }

  private static TextWebSocketFrame text(int bytes, boolean last) {
    return new TextWebSocketFrame(last, 0, Unpooled.wrappedBuffer(new byte[bytes]));
  }

  @Test
  void shortWholeMessagesAreSkippedAndNothingElse() {
    SmallMessageFilter filter = new SmallMessageFilter(256);
    assertTrue(filter.mustSkip(text(255, true)));
    assertFalse(filter.mustSkip(text(256, true)));
    assertFalse(filter.mustSkip(text(10, false)), "the first fragment of a longer message is compressed");
    assertFalse(filter.mustSkip(new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(new byte[10]))),
        "a continuation follows its message");
    assertFalse(filter.mustSkip(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[2]))),
        "control frames are not the filter's to judge (they may come between fragments)");
  }

  @Test
  void serverNoContextIsAnsweredEvenWhenTheClientDidNotAsk() {
    // What a browser offers ("permessage-deflate; client_max_window_bits"): nothing about the server's context.
    Map<String, String> parameters = new HashMap<>();
    parameters.put("client_max_window_bits", null); // a parameter without a value, as Netty parses it
    WebSocketExtensionData browser = offer(parameters);
    WebSocketServerExtension forced = new PerMessageDeflate(6, true, false, 0).handshake(browser);
    assertNotNull(forced, "accepted");
    assertTrue(forced.newReponseData().parameters().containsKey("server_no_context_takeover"),
        () -> "answer: " + forced.newReponseData().parameters());

    WebSocketServerExtension kept = new PerMessageDeflate(6, false, false, 0).handshake(browser);
    assertNotNull(kept);
    assertFalse(kept.newReponseData().parameters().containsKey("server_no_context_takeover"));
  }

  @Test
  void aClientAskingForNoServerContextGetsItEitherWay() {
    Map<String, String> parameters = new HashMap<>();
    parameters.put("server_no_context_takeover", null);
    WebSocketExtensionData asks = offer(parameters);
    for (boolean serverNoContext : new boolean[] {true, false}) {
      WebSocketServerExtension answer = new PerMessageDeflate(1, serverNoContext, false, 256).handshake(asks);
      assertNotNull(answer, "compression is not refused to a client that wants to save memory");
      assertTrue(answer.newReponseData().parameters().containsKey("server_no_context_takeover"));
    }
  }

  @Test
  void otherExtensionsPassUnchanged() {
    WebSocketExtensionData other = new WebSocketExtensionData("x-webkit-deflate-frame", Map.of());
    assertEquals(other, PerMessageDeflate.withoutServerContext(other));
  }
}

package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * permessage-deflate (RFC 7692) as {@code gateway.compression.*} configures it, with a standard client (Vert.x's own
 * WebSocket client, which offers the extension like browsers do): negotiated and working when on, not negotiated
 * (and still working) when off.
 */
class CompressionTest {
  private static final String QUOTES = "quote:600519.SH";

  /** Connects offering permessage-deflate; the handshake's extension header and the first quote messages. */
  private static JsonObject session(QuotecastServer server) {
    WebSocketClient client = server.vertx.createWebSocketClient(new WebSocketClientOptions()
        .setTryUsePerMessageCompression(true).setMaxMessageSize(16 << 20));
    try {
      ClientWebSocket ws = client.webSocket();
      List<JsonObject> messages = new CopyOnWriteArrayList<>();
      ws.textMessageHandler(text -> messages.add(new JsonObject(text)));
      QuotecastServer.await(ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.port)
          .setURI("/ws")), QuotecastServer.TIMEOUT_S);
      String extensions = ws.headers().get("Sec-WebSocket-Extensions");
      ws.writeTextMessage(new JsonObject().put("op", "subscribe").put("id", "s")
          .put("args", new JsonObject().put("channels", new JsonArray().add(QUOTES))).encode());
      assertTrue(QuotecastServer.poll(() -> messages.stream().filter(m -> QUOTES.equals(m.getString("ch"))).count()
          >= 3, WsClient.WAIT_MS), () -> "quotes arrive and decode: " + messages);
      JsonObject quote = messages.stream().filter(m -> QUOTES.equals(m.getString("ch"))).findFirst().orElseThrow();
      QuoteAssert.valid(quote.getJsonObject("data"));
      return new JsonObject().put("extensions", extensions);
    } finally {
      client.close();
    }
  }

  @Test
  void onByDefaultAndNegotiatedWithAStandardClient() {
    try (QuotecastServer server = QuotecastServer.start(config -> { })) {
      String extensions = session(server).getString("extensions");
      assertTrue(extensions != null && extensions.contains("permessage-deflate"), () -> "negotiated: " + extensions);
    }
  }

  @Test
  void offMeansNotNegotiatedAndPlainFramesStillWork() {
    try (QuotecastServer server = QuotecastServer.start(config -> config.getJsonObject("gateway")
        .put("compression", new JsonObject().put("enabled", false).put("level", 6)
            .put("serverNoContextTakeover", true).put("clientNoContextTakeover", false)))) {
      assertNull(session(server).getString("extensions"), "no extension without compression");
    }
  }

  @Test
  void aBadLevelIsRefusedAtStart() {
    Throwable refused = null;
    try (QuotecastServer server = QuotecastServer.start(config -> config.getJsonObject("gateway")
        .getJsonObject("compression").put("level", 12))) {
      refused = null; // started: the assertion below fails
    } catch (AssertionError | RuntimeException e) {
      refused = e;
    }
    Throwable failure = refused;
    assertTrue(failure != null && String.valueOf(failure).contains("gateway.compression.level"),
        () -> "refused naming the key: " + failure);
  }
}

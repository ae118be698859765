package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
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
            .put("serverNoContextTakeover", true).put("clientNoContextTakeover", false).put("minMessageBytes", 0)))) {
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

  /**
   * The wire itself, read by a client written against RFC 6455/7692 ({@link RawFrameSocket}): messages under
   * {@code minMessageBytes} go out with RSV1 clear (as they are), longer ones compressed; every compressed message
   * inflates with a plain zlib inflater as the RFC describes, one inflater for the connection when the server keeps
   * its context (uncompressed messages in between must not disturb it), a fresh one per message when it does not.
   */
  private static List<String> wire(boolean serverNoContext) throws DataFormatException {
    int min = 300;
    try (QuotecastServer server = QuotecastServer.start(config -> config.getJsonObject("gateway")
        .getJsonObject("compression").put("enabled", true).put("level", 6).put("minMessageBytes", min)
        .put("serverNoContextTakeover", serverNoContext))) {
      RawFrameSocket ws = new RawFrameSocket(server.vertx);
      try {
        // What Chromium offers.
        QuotecastServer.await(ws.connect(server.port, "/ws", "permessage-deflate; client_max_window_bits"),
            QuotecastServer.TIMEOUT_S);
        assertTrue(QuotecastServer.poll(ws::upgraded, WsClient.WAIT_MS), () -> "upgraded: " + ws.status);
        String extensions = ws.extensions;
        assertTrue(extensions != null && extensions.startsWith("permessage-deflate"), () -> "answer: " + extensions);
        assertEquals(serverNoContext, extensions.contains("server_no_context_takeover"), extensions);
        ws.sendText("{\"op\":\"ping\",\"id\":\"p\"}");
        ws.sendText(new JsonObject().put("op", "subscribe").put("id", "s")
            .put("args", new JsonObject().put("channels", new JsonArray().add(QUOTES))).encode());
        assertTrue(QuotecastServer.poll(() -> ws.frames.stream().filter(RawFrameSocket.Frame::compressed).count() >= 6,
            WsClient.WAIT_MS), () -> ws.frames.size() + " frames, none compressed enough");
      } finally {
        QuotecastServer.await(ws.close(), QuotecastServer.TIMEOUT_S);
      }
      Inflater connection = new Inflater(true);
      List<String> texts = new ArrayList<>();
      int plain = 0;
      int compressed = 0;
      for (RawFrameSocket.Frame frame : ws.frames) {
        if (frame.opcode() != 1) {
          continue; // pings
        }
        String text;
        if (frame.compressed()) {
          text = inflate(serverNoContext ? new Inflater(true) : connection, frame.payload());
          assertTrue(text.getBytes(StandardCharsets.UTF_8).length >= min, () -> "compressed though short: " + text);
          compressed++;
        } else {
          text = new String(frame.payload(), StandardCharsets.UTF_8);
          assertTrue(frame.payload().length < min, () -> "sent as it is though long: " + text);
          plain++;
        }
        texts.add(text);
        new JsonObject(text); // whole, valid JSON either way
      }
      assertTrue(plain >= 1 && compressed >= 6, "both kinds: " + plain + " plain, " + compressed + " compressed");
      assertTrue(texts.stream().anyMatch(t -> t.contains("\"id\":\"p\"")), () -> "the ping's reply: " + texts);
      JsonObject quote = texts.stream().map(JsonObject::new).filter(m -> QUOTES.equals(m.getString("ch")))
          .reduce((a, b) -> b).orElseThrow();
      QuoteAssert.valid(quote.getJsonObject("data"));
      return texts;
    }
  }

  /** RFC 7692 §7.2.2: append 00 00 ff ff to the message and inflate. */
  private static String inflate(Inflater inflater, byte[] payload) throws DataFormatException {
    byte[] input = Arrays.copyOf(payload, payload.length + 4);
    input[payload.length + 2] = (byte) 0xff;
    input[payload.length + 3] = (byte) 0xff;
    inflater.setInput(input);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    int n;
    do {
      n = inflater.inflate(buffer);
      out.write(buffer, 0, n);
    } while (n > 0);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void shortMessagesGoAsTheyAreAndLongOnesCompressedKeepingContext() throws DataFormatException {
    wire(false);
  }

  @Test
  void serverNoContextTakeoverIsUsedEvenWhenTheClientDidNotAsk() throws DataFormatException {
    wire(true);
  }
}

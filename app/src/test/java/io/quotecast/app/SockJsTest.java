package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * /sockjs speaks the same protocol, checked over SockJS's raw WebSocket transport: server frames {@code o},
 * {@code h}, {@code a[..]} (JSON strings holding our envelopes), {@code c[code,reason]}; the client sends a JSON array
 * of strings.
 */
class SockJsTest extends SharedServerTest {

  private final Object lock = new Object();
  private final List<String> frames = new ArrayList<>();
  private final List<JsonObject> messages = new ArrayList<>();

  private void onFrame(String text) {
    synchronized (lock) {
      frames.add(text);
      if (text.startsWith("a")) {
        for (Object o : new JsonArray(text.substring(1))) {
          messages.add(new JsonObject((String) o));
        }
      }
      lock.notifyAll();
    }
  }

  private JsonObject waitFor(java.util.function.Predicate<JsonObject> p) {
    long deadline = System.currentTimeMillis() + WsClient.WAIT_MS;
    synchronized (lock) {
      while (true) {
        for (JsonObject m : messages) {
          if (p.test(m)) {
            return m;
          }
        }
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          fail("no matching SockJS message; frames: " + frames);
        }
        try {
          lock.wait(left);
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      }
    }
  }

  @Test
  void sameProtocolOverSockJs() {
    WebSocketClient client = server.vertx.createWebSocketClient();
    ClientWebSocket ws = client.webSocket();
    ws.textMessageHandler(this::onFrame);
    String session = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    try {
      QuotecastServer.await(ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.port)
          .setURI("/sockjs/000/" + session + "/websocket")), QuotecastServer.TIMEOUT_S);
      JsonObject welcome = waitFor(m -> "welcome".equals(m.getString("type")));
      synchronized (lock) {
        assertEquals("o", frames.get(0), "SockJS open frame first");
        assertEquals("welcome", messages.get(0).getString("type"));
      }
      assertEquals("sockjs", welcome.getJsonObject("data").getString("transport"));
      assertEquals(1, welcome.getJsonObject("data").getInteger("protocol"));

      String request = new JsonObject().put("op", "subscribe").put("id", "s1")
          .put("args", new JsonObject().put("channels", new JsonArray().add("quote:600519.sh"))).encode();
      QuotecastServer.await(ws.writeTextMessage(new JsonArray().add(request).encode()), QuotecastServer.TIMEOUT_S);
      JsonObject reply = waitFor(m -> "s1".equals(m.getString("id")));
      assertEquals("result", reply.getString("type"), reply::encode);
      JsonObject sub = reply.getJsonObject("data").getJsonArray("subscribed").getJsonObject(0);
      assertEquals("quote:" + BUSY, sub.getString("ch"));
      JsonObject snapshot = waitFor(m -> ("quote:" + BUSY).equals(m.getString("ch")));
      assertTrue(WsClient.isSnapshot(snapshot), snapshot::encode);
      assertEquals(sub.getLong("seq"), snapshot.getLong("seq"));
      synchronized (lock) {
        assertTrue(messages.indexOf(reply) < messages.indexOf(snapshot), "reply before snapshot");
      }
      JsonObject live = waitFor(m -> ("quote:" + BUSY).equals(m.getString("ch")) && !WsClient.isSnapshot(m));
      assertEquals(sub.getLong("seq") + 1, live.getLong("seq"));

      String ping = new JsonObject().put("op", "ping").put("id", "p1").encode();
      QuotecastServer.await(ws.writeTextMessage(new JsonArray().add(ping).encode()), QuotecastServer.TIMEOUT_S);
      assertEquals("result", waitFor(m -> "p1".equals(m.getString("id"))).getString("type"));

      String list = new JsonObject().put("op", "list").put("id", "l1").encode();
      QuotecastServer.await(ws.writeTextMessage(new JsonArray().add(list).encode()), QuotecastServer.TIMEOUT_S);
      JsonObject listed = waitFor(m -> "l1".equals(m.getString("id"))).getJsonObject("data");
      assertEquals("sockjs", listed.getJsonObject("connection").getString("transport"));
      assertEquals(1, listed.getJsonArray("subscriptions").size());
    } finally {
      try {
        QuotecastServer.await(ws.close(), 5);
      } catch (AssertionError ignored) {
        // already closed
      }
      client.close();
    }
    assertTrue(QuotecastServer.poll(() -> server.counters().subscriptions.get() == 0, 5000),
        "the SockJS session's subscriptions are released on close");
  }
}

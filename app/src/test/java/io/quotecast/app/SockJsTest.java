package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * /sockjs speaks the same protocol, checked over SockJS's raw WebSocket transport: server frames {@code o},
 * {@code h}, {@code a[..]} (JSON strings holding our envelopes), {@code c[code,reason]}; the client sends a JSON array
 * of strings.
 */
class SockJsTest extends SharedServerTest {

  @Test
  void sameProtocolOverSockJs() {
    try (SockJsClient c = SockJsClient.connect(server.vertx, server.port)) {
      JsonObject welcome = c.waitFor(m -> "welcome".equals(m.getString("type")));
      assertEquals("o", c.frameList().get(0), "SockJS open frame first");
      assertEquals("welcome", c.messages().get(0).getString("type"));
      assertEquals("sockjs", welcome.getJsonObject("data").getString("transport"));
      assertEquals(1, welcome.getJsonObject("data").getInteger("protocol"));

      JsonObject reply = c.request("subscribe",
          new JsonObject().put("channels", new JsonArray().add("quote:600519.sh")));
      assertEquals("result", reply.getString("type"), reply::encode);
      JsonObject sub = reply.getJsonObject("data").getJsonArray("subscribed").getJsonObject(0);
      assertEquals("quote:" + BUSY, sub.getString("ch"));
      JsonObject snapshot = c.waitFor(m -> ("quote:" + BUSY).equals(m.getString("ch")));
      assertTrue(WsClient.isSnapshot(snapshot), snapshot::encode);
      assertEquals(sub.getLong("seq"), snapshot.getLong("seq"));
      List<JsonObject> messages = c.messages();
      assertTrue(messages.indexOf(reply) < messages.indexOf(snapshot), "reply before snapshot");
      JsonObject live = c.waitFor(m -> ("quote:" + BUSY).equals(m.getString("ch")) && !WsClient.isSnapshot(m));
      assertEquals(sub.getLong("seq") + 1, live.getLong("seq"));

      assertEquals("result", c.request("ping").getString("type"));

      JsonObject listed = c.request("list").getJsonObject("data");
      assertEquals("sockjs", listed.getJsonObject("connection").getString("transport"));
      assertEquals(1, listed.getJsonArray("subscriptions").size());
    }
    assertTrue(QuotecastServer.poll(() -> server.counters().subscriptions.get() == 0, 5000),
        "the SockJS session's subscriptions are released on close");
  }
}

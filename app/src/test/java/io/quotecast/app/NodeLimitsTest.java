package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node of its own with limits.connectionsPerNode = 2 (the third connection is refused before the upgrade with 503,
 * then space frees)
 * and tiers.free.minFreq = 500ms (anonymous users are tier free) (requested freqs are raised to it).
 */
class NodeLimitsTest {
  static QuotecastServer server;

  @BeforeAll
  static void start() {
    server = QuotecastServer.start(config -> {
      config.getJsonObject("limits").put("connectionsPerNode", 2);
      config.getJsonObject("tiers").getJsonObject("free").put("minFreq", "500ms");
      config.getJsonObject("simulator").put("updatesPerSecond", 200);
    });
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void thirdConnectionIsRefusedUntilOneCloses() {
    try (WsClient a = WsClient.open(server.vertx, server.port, "/ws");
         WsClient b = WsClient.open(server.vertx, server.port, "/ws")) {
      assertEquals(2, server.counters().connections.get());
      assertEquals(503, WsClient.handshakeStatus(server.vertx, server.port, "/ws", null), "refused before upgrade");
      io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> refused = server.get("/ws");
      assertEquals(503, refused.statusCode());
      assertTrue(refused.getHeader("Retry-After") != null, "Retry-After");
      JsonObject problem = refused.bodyAsJsonObject();
      assertEquals("UNAVAILABLE", problem.getString("code"), problem::encode);
      assertEquals("connectionsPerNode", problem.getString("limit"), problem::encode);
      assertEquals(2, problem.getInteger("max"), problem::encode);
      assertEquals(2, problem.getInteger("current"), problem::encode);
      assertTrue(problem.getJsonArray("endpoints").isEmpty(), "a lone node has no other endpoint: " + problem);
      assertEquals(2, server.counters().connections.get(), "the refused connection is not counted");
      assertEquals("result", a.request("ping").getString("type"), "existing connections are unaffected");

      b.close();
      assertTrue(QuotecastServer.poll(() -> server.counters().connections.get() == 1, 5000),
          "connections back to 1 after a close");
      try (WsClient d = WsClient.open(server.vertx, server.port, "/ws")) {
        assertEquals("result", d.request("ping").getString("type"));
      }
    }
  }

  @Test
  void freqIsRaisedToMinFreq() {
    try (WsClient c = WsClient.open(server.vertx, server.port, "/ws")) {
      assertEquals("500ms", c.welcome().getJsonObject("data").getJsonObject("limits").getString("minFreq"));
      String ch = "quote:600519.SH";
      JsonObject sub = c.ok("subscribe", WsClient.args("channels", List.of(ch)));
      assertEquals("500ms", sub.getJsonArray("subscribed").getJsonObject(0).getString("freq"), sub::encode);
      JsonObject slower = c.ok("subscribe", WsClient.args("channels", List.of("trade:600519.SH"), "freq", "1s"));
      assertEquals("1s", slower.getJsonArray("subscribed").getJsonObject(0).getString("freq"), slower::encode);
      JsonObject upd = c.ok("update", WsClient.args("channels", List.of(ch), "freq", "100ms"));
      assertEquals(new JsonArray().add(new JsonObject().put("ch", ch).put("freq", "500ms")),
          upd.getJsonArray("updated"));
      QuotecastServer.sleep(1000);
      long live = c.channel(ch).stream().filter(m -> !WsClient.isSnapshot(m)).count();
      assertTrue(live <= 1000 / 500 + 2, "at most one message per 500 ms: " + live);
    }
  }
}

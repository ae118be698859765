package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The per-connection request budget (limits.requestsPerSecond / requestBurst, PROTOCOL.md §5 and §8): a well-behaved
 * client is never refused; a flood gets RATE_LIMITED with retryAfterMs and, kept up, close 4029.
 */
class RequestRateLimitTest {
  static QuotecastServer server;

  @BeforeAll
  static void start() {
    server = QuotecastServer.start(config -> config.getJsonObject("limits").put("requestsPerSecond", 20)
        .put("requestBurst", 40).put("rateLimitedCloseAfter", 100));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static List<JsonObject> errors(WsClient c) {
    return c.messages().stream().filter(m -> "error".equals(m.getString("type"))).toList();
  }

  @Test
  void aClientWithinItsBudgetIsNeverRefused() {
    try (WsClient c = WsClient.open(server.vertx, server.port, "/ws", null)) {
      assertEquals(20, c.welcome().getJsonObject("data").getJsonObject("limits").getInteger("requestsPerSecond"));
      for (int i = 0; i < 40; i++) { // the burst at once
        c.sendRaw(new JsonObject().put("op", "ping").put("id", "b" + i).encode());
      }
      c.reply("b39");
      QuotecastServer.sleep(2100); // the bucket refills
      for (int i = 0; i < 30; i++) { // then 15 a second for 2 s
        c.sendRaw(new JsonObject().put("op", "ping").put("id", "p" + i).encode());
        QuotecastServer.sleep(66);
      }
      c.reply("p29");
      assertEquals(List.of(), errors(c));
    }
  }

  @Test
  void aFloodIsRateLimitedThenClosed4029() {
    try (WsClient c = WsClient.open(server.vertx, server.port, "/ws", null)) {
      int sent = 0;
      long start = System.currentTimeMillis();
      while (!c.isClosed() && sent < 1000 && System.currentTimeMillis() - start < 10_000) {
        try {
          c.sendRaw(new JsonObject().put("op", "ping").put("id", "f" + sent).encode());
        } catch (AssertionError closedMeanwhile) {
          break;
        }
        sent++;
      }
      assertEquals(4029, c.awaitClose(WsClient.WAIT_MS), () -> "closed as abusive; errors " + errors(c).size());
      double seconds = (System.currentTimeMillis() - start) / 1000.0;
      List<JsonObject> errors = errors(c);
      assertTrue(errors.size() >= 100, "refusals before the close: " + errors.size());
      JsonObject first = errors.get(0).getJsonObject("data");
      assertEquals("RATE_LIMITED", first.getString("code"), first::encode);
      assertTrue(first.getLong("retryAfterMs") >= 1 && first.getLong("retryAfterMs") <= 50, first::encode);
      long answered = c.messages().stream().filter(m -> "result".equals(m.getString("type"))).count();
      assertTrue(answered >= 40 && answered <= 40 + 20 * seconds + 1,
          "the burst and the refill were served, no more: " + answered + " in " + seconds + " s");
    }
  }
}

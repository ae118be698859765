package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Data-source faults injected through the operations port: a lost connection gives status down with reconnect
 * attempts in backoff, then status up followed by fresh snapshots; a stalled source is reported degraded, then up.
 */
class SourceFaultTest {
  static QuotecastServer server;
  static final String CH = "quote:600519.SH";

  @BeforeAll
  static void start() {
    server = QuotecastServer.start(config -> {
      TestTokens.configure(config, true, false);
      config.getJsonObject("simulator").put("updatesPerSecond", 2000).put("skew", 0);
      config.getJsonObject("source").put("staleMs", 600);
      config.getJsonObject("tiers").getJsonObject("free").put("minFreq", "realtime");
    });
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static HttpResponse<Buffer> inject(String body, String token) {
    var request = server.http.post(server.monitorPort, "127.0.0.1", "/admin/source/fault");
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    return QuotecastServer.await(request.sendBuffer(Buffer.buffer(body)), QuotecastServer.TIMEOUT_S);
  }

  private static String admin() {
    return TestTokens.token("ops").scopes("admin").build();
  }

  private static List<JsonObject> statuses(WsClient c) {
    return c.messages().stream().filter(m -> "status".equals(m.getString("type")))
        .map(m -> m.getJsonObject("data")).toList();
  }

  @Test
  void aLostConnectionIsReportedRetriedWithBackoffAndFollowedBySnapshots() {
    try (WsClient c = WsClient.open(server.vertx, server.port, "/ws")) {
      c.ok("subscribe", WsClient.args("channels", List.of(CH)));
      assertEquals(401, inject("{\"mode\":\"down\",\"durationMs\":100}", null).statusCode(), "admin only");
      assertEquals(400, inject("{\"mode\":\"sideways\"}", admin()).statusCode());
      assertEquals(202, inject("{\"mode\":\"down\",\"durationMs\":2500}", admin()).statusCode());
      JsonObject down = c.waitFor(m -> "status".equals(m.getString("type"))
          && "down".equals(m.getJsonObject("data").getString("state")), 5000).getJsonObject("data");
      assertEquals("simulator", down.getString("source"));
      assertTrue(down.getString("reason").contains("lost"), down::encode);
      JsonObject up = c.waitFor(m -> "status".equals(m.getString("type"))
          && "up".equals(m.getJsonObject("data").getString("state")), 15_000);
      int upAt = c.indexOf(up);
      // while down, the attempts carry a count and the delay before the next one (full jitter, growing cap)
      List<JsonObject> attempts = statuses(c).stream().filter(s -> s.containsKey("attempt")).toList();
      assertTrue(!attempts.isEmpty(), "reconnect attempts reported: " + statuses(c));
      for (int i = 0; i < attempts.size(); i++) {
        JsonObject a = attempts.get(i);
        assertEquals(i + 1, a.getInteger("attempt"), a::encode);
        long cap = Math.min(20_000, 500L << i);
        assertTrue(a.getLong("nextRetryMs") >= 0 && a.getLong("nextRetryMs") <= cap, a.encode() + " cap " + cap);
      }
      // status up, then a fresh snapshot of the subscribed channel
      JsonObject snap = c.find(m -> CH.equals(m.getString("ch")) && WsClient.isSnapshot(m), upAt, 5000);
      assertTrue(c.indexOf(snap) > upAt, "the snapshot follows the status up");
    }
  }

  @Test
  void aStalledSourceIsDegradedUntilUpdatesResume() {
    try (WsClient c = WsClient.open(server.vertx, server.port, "/ws")) {
      assertEquals(202, inject("{\"mode\":\"stall\",\"durationMs\":2000}", admin()).statusCode());
      JsonObject degraded = c.waitFor(m -> "status".equals(m.getString("type"))
          && "degraded".equals(m.getJsonObject("data").getString("state")), 5000).getJsonObject("data");
      assertTrue(degraded.getString("reason").startsWith("no updates for"), degraded::encode);
      c.waitFor(m -> "status".equals(m.getString("type")) && "up".equals(m.getJsonObject("data").getString("state"))
          && c.indexOf(m) > 0, 10_000);
      assertEquals(200, server.getMonitor("/health/ready").statusCode(), "ready again once the source is up");
    }
  }
}

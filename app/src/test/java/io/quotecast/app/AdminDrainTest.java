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
 * {@code POST /admin/drain} does what SIGTERM does minus the exit — readiness 503, every client told to reconnect
 * elsewhere ({@code notice shutdown}) and closed with 1012, new connections refused with 503 — and
 * {@code POST /admin/undrain} makes the node ready and accepting again.
 */
class AdminDrainTest {
  static final long DRAIN_MS = 400;
  static QuotecastServer server;
  static Ops ops;

  @BeforeAll
  static void start() {
    server = QuotecastServer.start(config -> {
      TestTokens.configure(config, true, false);
      config.getJsonObject("shutdown").put("drainMs", DRAIN_MS);
    });
    ops = new Ops(server);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** What the node's published figures (GET /admin/stats, the dashboard's source) say about draining. */
  private static boolean drainingInStats(boolean expected) {
    io.vertx.core.json.JsonArray nodes = QuotecastServer.await(server.http.get(server.monitorPort, "127.0.0.1",
        "/admin/stats").putHeader("Authorization", "Bearer " + Ops.admin()).send(), QuotecastServer.TIMEOUT_S)
        .bodyAsJsonObject().getJsonArray("nodes");
    return nodes.size() == 1 && nodes.getJsonObject(0).getBoolean("draining", !expected) == expected;
  }

  private static int ready() {
    return server.getMonitor("/health/ready").statusCode();
  }

  @Test
  void drainThenUndrain() {
    assertTrue(QuotecastServer.poll(() -> ready() == 200, 10_000), "ready before the drain");
    try (WsClient a = WsClient.open(server.vertx, server.port, "/ws");
         WsClient b = WsClient.open(server.vertx, server.port, "/ws")) {
      a.ok("subscribe", WsClient.args("channels", List.of("quote:600519.SH")));
      assertEquals(401, ops.post("/admin/drain", null, null).statusCode());
      assertEquals(403, ops.post("/admin/drain", Ops.notAdmin(), null).statusCode());
      assertEquals(404, ops.post("/admin/drain?node=no-such-node", Ops.admin(), null).statusCode());
      assertEquals(200, ready(), "the refused drains changed nothing");

      HttpResponse<Buffer> drained = ops.post("/admin/drain", Ops.admin(), null);
      assertEquals(200, drained.statusCode(), drained::bodyAsString);
      JsonObject body = drained.bodyAsJsonObject();
      assertEquals(true, body.getBoolean("draining"));
      assertEquals(false, body.getBoolean("wasDraining"));
      assertEquals("node-1", body.getString("node"));
      assertEquals(2, body.getLong("connections"));

      for (WsClient c : List.of(a, b)) {
        JsonObject notice = c.waitFor(m -> "notice".equals(m.getString("type")), 5000).getJsonObject("data");
        assertEquals("shutdown", notice.getString("event"));
        long after = notice.getLong("reconnectAfterMs");
        assertTrue(after >= 0 && after <= DRAIN_MS, notice::encode);
        assertTrue(notice.getJsonArray("endpoints").isEmpty(), "no other node: " + notice.encode());
        assertEquals(1012, c.awaitClose(5000));
      }
      HttpResponse<Buffer> readiness = server.getMonitor("/health/ready");
      assertEquals(503, readiness.statusCode());
      assertEquals(true, readiness.bodyAsJsonObject().getBoolean("draining"));
      assertEquals(503, WsClient.handshakeStatus(server.vertx, server.port, "/ws", null),
          "new connections are refused while draining");
      assertTrue(QuotecastServer.poll(() -> drainingInStats(true), 5000), "the node's figures say draining");
    }

    HttpResponse<Buffer> undrained = ops.post("/admin/undrain?node=node-1", Ops.admin(), null);
    assertEquals(200, undrained.statusCode(), undrained::bodyAsString);
    assertEquals(false, undrained.bodyAsJsonObject().getBoolean("draining"));
    assertEquals(true, undrained.bodyAsJsonObject().getBoolean("wasDraining"));
    assertEquals(200, ready());
    assertTrue(QuotecastServer.poll(() -> drainingInStats(false), 5000), "and no longer after the undrain");
    try (WsClient c = WsClient.open(server.vertx, server.port, "/ws")) {
      c.ok("ping");
      assertTrue(QuotecastServer.poll(() -> ops.get("/admin/connections").getLong("total") == 1, 5000),
          "accepted and listed");
    }
  }
}

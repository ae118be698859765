package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Priority under overload, end to end on one node with clients of the three tiers: an operator sets a CPU threshold
 * any running process passes ({@code POST /admin/overload}) and the node climbs its ladder, one step per
 * {@value #STEP_MS} ms — free subscriptions slowed (notice {@code degraded}), new free connections refused (503 before
 * the upgrade, UNAVAILABLE + 1013 after authentication), free connections shed (notice {@code overloaded}, 1013)
 * while standard and pro stay, then standard, then pro. With the threshold taken away it comes down in reverse: pro
 * accepted again first, then standard, then free, and at the bottom the free subscriptions get their own freq back
 * with a notice. The level and the actions show in {@code GET /admin/overload}, the metrics and the figures.
 */
class OverloadTest {
  static final long STEP_MS = 700;
  static final String CH = "quote:600519.SH";
  static QuotecastServer server;
  static Ops ops;

  @BeforeAll
  static void start() {
    server = QuotecastServer.start(config -> {
      TestTokens.configure(config, false, false); // tokens required: a tokenless connection authenticates later
      config.getJsonObject("cluster").put("loadIntervalMs", 100);
      config.put("overload", new JsonObject().put("enabled", true).put("cpuPercent", 0).put("eventLoopLagMs", 10_000)
          .put("sendQueueBytes", 0).put("recoverBelow", 0.8).put("stepUpMs", STEP_MS).put("stepDownMs", STEP_MS)
          .put("degradedFreq", "5s").put("shedPerSecond", 50));
    });
    ops = new Ops(server);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static String token(String sub, String tier) {
    return TestTokens.token(sub).tier(tier).scopes("md:quote").build();
  }

  static WsClient open(String sub, String tier) {
    return WsClient.open(server.vertx, server.port, "/ws", WsClient.bearer(token(sub, tier)));
  }

  static int handshake(String sub, String tier) {
    return WsClient.handshakeStatus(server.vertx, server.port, "/ws", WsClient.bearer(token(sub, tier)));
  }

  /** This node's entry of {@code GET /admin/overload}. */
  static JsonObject overload() {
    JsonObject body = ops.get("/admin/overload");
    assertEquals(1, body.getInteger("gateways"), body::encode);
    return body.getJsonArray("nodes").getJsonObject(0);
  }

  static int level() {
    return overload().getInteger("level");
  }

  static HttpResponse<Buffer> configure(JsonObject changes) {
    return ops.post("/admin/overload", Ops.admin(), changes);
  }

  static boolean isNotice(JsonObject m, String event) {
    return "notice".equals(m.getString("type")) && event.equals(m.getJsonObject("data").getString("event"));
  }

  @Test
  void shedsFreeThenStandardThenProAndRestoresInReverse() {
    JsonObject normal = overload();
    assertEquals(0, normal.getInteger("level"), normal::encode);
    assertEquals("normal", normal.getString("state"));
    assertEquals(true, normal.getBoolean("enabled"));
    assertEquals("node-1", normal.getString("node"));

    WsClient f1 = open("f1", "free");
    WsClient f2 = open("f2", "free");
    WsClient s1 = open("s1", "standard");
    WsClient p1 = open("p1", "pro");
    List<WsClient> all = List.of(f1, f2, s1, p1);
    try {
      for (WsClient c : all) {
        c.ok("subscribe", WsClient.args("channels", List.of(CH)));
      }
      assertEquals("1s", f1.ok("list").getJsonArray("subscriptions").getJsonObject(0).getString("freq"),
          "free minFreq before the overload");

      // Bad settings change nothing and say why.
      assertEquals(401, ops.post("/admin/overload", null, new JsonObject().put("cpuPercent", 1)).statusCode());
      HttpResponse<Buffer> bad = configure(new JsonObject().put("cpuPercent", -1));
      assertEquals(400, bad.statusCode(), bad::bodyAsString);
      assertTrue(bad.getHeader("Content-Type").startsWith("application/problem+json"));
      assertEquals("BAD_REQUEST", bad.bodyAsJsonObject().getString("code"));
      assertEquals("cpuPercent", bad.bodyAsJsonObject().getString("field"));
      assertEquals("nope", configure(new JsonObject().put("nope", 1)).bodyAsJsonObject().getString("field"));
      assertEquals(404, ops.post("/admin/overload?node=no-such-node", Ops.admin(),
          new JsonObject().put("cpuPercent", 1)).statusCode());
      assertEquals(0.0, overload().getJsonObject("settings").getDouble("cpuPercent"), "unchanged");

      // The overload: any CPU use at all passes this threshold.
      HttpResponse<Buffer> set = configure(new JsonObject().put("cpuPercent", 0.0001));
      assertEquals(200, set.statusCode(), set::bodyAsString);
      assertEquals(0.0001, set.bodyAsJsonObject().getJsonArray("nodes").getJsonObject(0).getJsonObject("settings")
          .getDouble("cpuPercent"));

      // Level 1: free subscriptions slowed to 5 s, with a notice; standard and pro untouched.
      for (WsClient f : List.of(f1, f2)) {
        JsonObject degraded = f.waitFor(m -> isNotice(m, "degraded"), 10_000).getJsonObject("data");
        assertEquals(true, degraded.getBoolean("active"), degraded::encode);
        assertEquals("5s", degraded.getString("minFreq"));
        assertEquals(new JsonArray().add(new JsonObject().put("ch", CH).put("freq", "5s")),
            degraded.getJsonArray("updated"));
        assertEquals("5s", f.ok("list").getJsonArray("subscriptions").getJsonObject(0).getString("freq"));
      }

      // Level 2: a new free connection is refused before the upgrade, or at its first authentication.
      assertTrue(QuotecastServer.poll(() -> level() >= 2, 10_000), "level 2");
      // the node publishes its level with its load: the other nodes' endpoint lists put it after calmer ones
      assertTrue(QuotecastServer.poll(() -> server.get("/api/v1/endpoints").bodyAsJsonObject()
          .getJsonArray("endpoints").getJsonObject(0).getInteger("overloadLevel") >= 2, 5_000),
          "GET /api/v1/endpoints shows the level");
      HttpResponse<Buffer> refused = QuotecastServer.await(server.http.get("/ws")
          .putHeader("Authorization", "Bearer " + token("f3", "free")).send(), QuotecastServer.TIMEOUT_S);
      assertEquals(503, refused.statusCode());
      assertEquals("1", refused.getHeader("Retry-After"));
      assertTrue(refused.getHeader("Content-Type").startsWith("application/problem+json"));
      JsonObject problem = refused.bodyAsJsonObject();
      assertEquals("UNAVAILABLE", problem.getString("code"), problem::encode);
      assertEquals("free", problem.getString("tier"));
      assertEquals(new JsonArray(), problem.getJsonArray("endpoints"), "a lone node has no other endpoint");
      assertEquals(503, handshake("f3", "free"), "the WebSocket handshake too");
      try (WsClient late = WsClient.open(server.vertx, server.port, "/ws")) {
        assertEquals(true, late.welcome().getJsonObject("data").getBoolean("authRequired"));
        JsonObject error = late.error("auth", new JsonObject().put("token", token("f4", "free")), "UNAVAILABLE");
        assertEquals(1000L, error.getLong("retryAfterMs"), error::encode);
        assertEquals(1013, late.awaitClose(5000), "refused once its tier is known");
      }
      assertEquals(101, handshake("s2", "standard"), "standard is still accepted");

      // Level 3: free connections are shed (a notice, then 1013) while standard and pro stay.
      for (WsClient f : List.of(f1, f2)) {
        assertEquals(1013, f.awaitClose(10_000));
        JsonObject notice = f.waitFor(m -> isNotice(m, "overloaded"), 1000).getJsonObject("data");
        assertTrue(notice.getLong("reconnectAfterMs") <= 1000, notice::encode);
      }
      assertFalse(s1.isClosed() || p1.isClosed(), "standard and pro stay while free is shed");

      // Level 4: standard is shed and refused; pro stays and is accepted.
      assertEquals(1013, s1.awaitClose(10_000));
      assertFalse(p1.isClosed(), "pro stays while standard is shed");
      assertEquals(503, handshake("s3", "standard"));
      assertEquals(101, handshake("p2", "pro"));

      // Level 5: pro too.
      assertEquals(1013, p1.awaitClose(10_000));
      assertEquals(503, handshake("p3", "pro"));

      JsonObject top = overload();
      assertEquals(5, top.getInteger("level"), top::encode);
      assertEquals("shed_pro", top.getString("state"));
      assertTrue(top.getDouble("pressure") >= 1, top::encode);
      assertEquals(0.0001, top.getJsonObject("inputs").getJsonObject("cpuPercent").getDouble("threshold"));
      assertEquals(new JsonArray().add("free").add("standard").add("pro"),
          top.getJsonObject("inForce").getJsonArray("shed"));
      assertEquals(new JsonObject().put("free", 2).put("standard", 1).put("pro", 1), top.getJsonObject("shed"));
      JsonObject refusedCounts = top.getJsonObject("refused");
      assertTrue(refusedCounts.getLong("free") >= 3 && refusedCounts.getLong("standard") >= 1
          && refusedCounts.getLong("pro") >= 1, refusedCounts::encode);
      PrometheusText metrics = PrometheusText.parse(server.getMonitor("/metrics").bodyAsString());
      assertEquals(5.0, metrics.value("quotecast_overload_level"));
      assertTrue(metrics.value("quotecast_overload_pressure") >= 1);
      assertEquals(2.0, metrics.value("quotecast_overload_shed_total", "tier", "free"));
      assertEquals(1.0, metrics.value("quotecast_overload_shed_total", "tier", "standard"));
      assertEquals(1.0, metrics.value("quotecast_overload_shed_total", "tier", "pro"));
      assertTrue(metrics.value("quotecast_overload_refused_total", "tier", "free") >= 3);
      assertTrue(metrics.names().contains("quotecast_overload_degraded_subscriptions"));
      assertTrue(metrics.names().contains("quotecast_send_queue_bytes"));
      assertTrue(QuotecastServer.poll(() -> figuresLevel() == 5, 5000), "the node's figures show the level");

      // The end of the overload: CPU no longer counts. The ladder comes down one step per STEP_MS, in reverse.
      assertEquals(200, configure(new JsonObject().put("cpuPercent", 0)).statusCode());
      long[] acceptedAt = {-1, -1, -1}; // pro, standard, free
      String[][] tries = {{"p4", "pro"}, {"s4", "standard"}, {"f5", "free"}};
      long deadline = System.currentTimeMillis() + 15_000;
      while (acceptedAt[2] < 0 && System.currentTimeMillis() < deadline) {
        for (int i = 0; i < 3; i++) {
          if (acceptedAt[i] < 0 && handshake(tries[i][0], tries[i][1]) == 101) {
            acceptedAt[i] = System.nanoTime();
          }
        }
        QuotecastServer.sleep(20);
      }
      assertTrue(acceptedAt[0] > 0 && acceptedAt[1] > 0 && acceptedAt[2] > 0, "every tier accepted again");
      assertTrue(acceptedAt[0] < acceptedAt[1] && acceptedAt[1] < acceptedAt[2],
          "pro first, then standard, then free");

      // Free is accepted at level 1: still slowed (and told), until the bottom gives it its own freq back.
      try (WsClient f5 = open("f5", "free")) {
        JsonObject degraded = f5.waitFor(m -> isNotice(m, "degraded"), 5000).getJsonObject("data");
        assertEquals(true, degraded.getBoolean("active"), degraded::encode);
        JsonObject sub = f5.ok("subscribe", WsClient.args("channels", List.of(CH)));
        assertEquals("5s", sub.getJsonArray("subscribed").getJsonObject(0).getString("freq"), sub::encode);
        JsonObject restored = f5.waitFor(m -> isNotice(m, "degraded")
            && !m.getJsonObject("data").getBoolean("active"), 10_000).getJsonObject("data");
        assertEquals(new JsonArray().add(new JsonObject().put("ch", CH).put("freq", "1s")),
            restored.getJsonArray("updated"), restored::encode);
        assertEquals("1s", f5.ok("list").getJsonArray("subscriptions").getJsonObject(0).getString("freq"));
      }

      JsonObject end = overload();
      assertEquals(0, end.getInteger("level"), end::encode);
      List<String> path = new ArrayList<>();
      end.getJsonArray("transitions").forEach(t -> path.add(((JsonObject) t).getString("to")));
      assertEquals(List.of("degrade_free", "refuse_free", "shed_free", "shed_standard", "shed_pro",
          "shed_standard", "shed_free", "refuse_free", "degrade_free", "normal"), path);
      assertEquals(0.0, PrometheusText.parse(server.getMonitor("/metrics").bodyAsString())
          .value("quotecast_overload_level"));
    } finally {
      all.forEach(WsClient::close);
    }
  }

  /** The overload level in this node's published figures ({@code GET /admin/stats}). */
  private static int figuresLevel() {
    JsonArray nodes = ops.get("/admin/stats").getJsonArray("nodes");
    JsonObject figures = nodes.isEmpty() ? null : nodes.getJsonObject(0).getJsonObject("overload");
    assertNotNull(nodes);
    return figures == null ? -1 : figures.getInteger("level", -1);
  }
}

package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin API's connection routes against a real node with real WebSocket clients: every connection with its
 * diagnostics (remote address, user, tier, client name, subscriptions, queue bytes, RTT, acked lag), filters and
 * paging, one in detail, closing one (the client sees 4100), subscription statistics and source states; and every
 * admin route refusing callers without a token (401) or without the admin scope (403).
 */
class AdminConnectionsTest {
  static final String CH = "quote:600519.SH";
  static QuotecastServer server;
  static Ops ops;

  @BeforeAll
  static void start() {
    server = QuotecastServer.start(config -> {
      TestTokens.configure(config, true, false);
      // pings often enough that a test sees a measured round trip
      config.getJsonObject("gateway").put("heartbeatMs", 200);
      config.getJsonObject("simulator").put("updatesPerSecond", 2000);
    });
    ops = new Ops(server);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static WsClient open(String user, String tier, String client) {
    String token = TestTokens.token(user).tier(tier).scopes("md:quote", "md:trade", "md:kline").build();
    return WsClient.open(server.vertx, server.port, "/ws?client=" + client + "&token=" + token);
  }

  static String id(WsClient c) {
    return c.welcome().getJsonObject("data").getString("connectionId");
  }

  /** Every admin route this API adds: without a token 401, without the admin scope 403, with it the given status. */
  @Test
  void everyAdminRouteNeedsTheAdminScope() {
    record Route(HttpMethod method, String uri, JsonObject body, int adminStatus) {
    }
    List<Route> routes = List.of(
        new Route(HttpMethod.GET, "/admin/connections", null, 200),
        new Route(HttpMethod.GET, "/admin/connections/c-nope", null, 404),
        new Route(HttpMethod.POST, "/admin/connections/c-nope/close", new JsonObject(), 404),
        new Route(HttpMethod.DELETE, "/admin/connections/c-nope", null, 404),
        new Route(HttpMethod.GET, "/admin/subscriptions", null, 200),
        new Route(HttpMethod.GET, "/admin/sources", null, 200),
        new Route(HttpMethod.POST, "/admin/undrain", null, 200),
        new Route(HttpMethod.POST, "/admin/drain?node=no-such-node", null, 404),
        new Route(HttpMethod.GET, "/admin/traces", null, 200),
        new Route(HttpMethod.POST, "/admin/traces", new JsonObject().put("user", "nobody").put("seconds", 1), 201),
        new Route(HttpMethod.GET, "/admin/traces/t-nope", null, 404),
        new Route(HttpMethod.GET, "/admin/traces/t-nope/stream", null, 404),
        new Route(HttpMethod.DELETE, "/admin/traces/t-nope", null, 404));
    for (Route route : routes) {
      String what = route.method() + " " + route.uri();
      HttpResponse<Buffer> none = ops.send(route.method(), route.uri(), null, route.body());
      assertEquals(401, none.statusCode(), () -> what + " without a token: " + none.bodyAsString());
      assertEquals("UNAUTHORIZED", none.bodyAsJsonObject().getString("code"), what);
      HttpResponse<Buffer> user = ops.send(route.method(), route.uri(), Ops.notAdmin(), route.body());
      assertEquals(403, user.statusCode(), () -> what + " without the admin scope: " + user.bodyAsString());
      assertEquals("FORBIDDEN", user.bodyAsJsonObject().getString("code"), what);
      HttpResponse<Buffer> admin = ops.send(route.method(), route.uri(), Ops.admin(), route.body());
      assertEquals(route.adminStatus(), admin.statusCode(), () -> what + " as admin: " + admin.bodyAsString());
    }
  }

  @Test
  void connectionsWithDiagnosticsFiltersAndPaging() {
    try (WsClient alice = open("alice", "pro", "alice-bot/1.0"); WsClient bob = open("bob", "standard", "bob-ui")) {
      String aliceId = id(alice);
      String bobId = id(bob);
      alice.ok("subscribe", WsClient.args("channels", List.of(CH, "trade:600519.SH")));
      List<JsonObject> first = alice.waitForChannel(CH, 3, WsClient.WAIT_MS);
      long acked = first.get(1).getLong("seq");
      alice.ok("ack", WsClient.args("acks", new JsonObject().put(CH, acked)));
      // at least two publications after the acked one reached the client, so the server has sent them too
      alice.waitUntil(() -> alice.channel(CH).stream().anyMatch(m -> m.getLong("seq") >= acked + 2),
          WsClient.WAIT_MS, "two more quotes");

      JsonObject page = ops.get("/admin/connections?user=alice");
      assertEquals(1, page.getLong("total"), page::encode);
      JsonObject c = page.getJsonArray("connections").getJsonObject(0);
      assertEquals(aliceId, c.getString("connectionId"));
      assertEquals("websocket", c.getString("transport"));
      assertTrue(c.getString("remoteAddress").startsWith("127.0.0.1:"), c::encode);
      assertEquals("alice", c.getString("user"));
      assertEquals("pro", c.getString("tier"));
      assertEquals("alice-bot/1.0", c.getString("client"));
      assertEquals("node-1", c.getString("node"));
      assertEquals(2, c.getInteger("subscriptions"));
      assertTrue(c.getLong("sent") >= 4, c::encode);
      assertTrue(c.getLong("received") >= 2, c::encode);
      assertNotNull(c.getValue("queueBytes"), c::encode);
      assertTrue(c.getLong("queueBytes") >= 0, c::encode);
      assertTrue(c.getLong("ackLag") >= 2, () -> "acked " + acked + ": " + c.encode());
      long now = System.currentTimeMillis();
      assertTrue(c.getLong("connectedAt") <= now && c.getLong("connectedAt") > now - 60_000, c::encode);
      assertTrue(c.getLong("lastActivity") >= c.getLong("connectedAt"), c::encode);
      assertEquals(0, c.getLong("dropped"));

      // the ping round trip, once a heartbeat has been answered
      assertTrue(QuotecastServer.poll(() -> ops.get("/admin/connections?user=bob").getJsonArray("connections")
          .getJsonObject(0).getValue("rttMs") instanceof Number, 5000), "rttMs measured");
      JsonObject b = ops.get("/admin/connections?user=bob").getJsonArray("connections").getJsonObject(0);
      assertEquals(bobId, b.getString("connectionId"));
      assertEquals("standard", b.getString("tier"));
      assertEquals("bob-ui", b.getString("client"));
      assertTrue(b.getDouble("rttMs") >= 0 && b.getDouble("rttMs") < 5000, b::encode);
      assertEquals(null, b.getValue("ackLag"), "no ack, no lag");

      JsonObject all = ops.get("/admin/connections");
      assertTrue(all.getLong("total") >= 2, all::encode);
      assertEquals(100, all.getInteger("limit"));
      JsonObject busiest = ops.get("/admin/connections?sort=sent&limit=1");
      assertEquals(1, busiest.getJsonArray("connections").size());
      assertEquals(aliceId, busiest.getJsonArray("connections").getJsonObject(0).getString("connectionId"),
          "alice got more messages than bob");
      JsonObject beyond = ops.get("/admin/connections?offset=1000");
      assertEquals(all.getLong("total"), beyond.getLong("total"));
      assertTrue(beyond.getJsonArray("connections").isEmpty());
      assertEquals(0, ops.get("/admin/connections?node=elsewhere").getLong("total"));
      assertTrue(ops.get("/admin/connections?node=node-1").getLong("total") >= 2);
      HttpResponse<Buffer> bad = ops.get("/admin/connections?limit=5000", Ops.admin());
      assertEquals(400, bad.statusCode());
      assertEquals("limit", bad.bodyAsJsonObject().getString("field"));

      JsonObject detail = ops.get("/admin/connections/" + aliceId);
      assertEquals(aliceId, detail.getString("connectionId"));
      assertEquals("alice-bot/1.0", detail.getString("client"));
      JsonArray channels = detail.getJsonArray("channels");
      assertEquals(2, channels.size(), detail::encode);
      JsonObject quote = channels.stream().map(o -> (JsonObject) o).filter(s -> CH.equals(s.getString("ch")))
          .findFirst().orElseThrow();
      assertEquals(acked, quote.getLong("acked"));
      assertTrue(quote.getLong("ackLag") >= 2, quote::encode);
      assertEquals("realtime", quote.getString("freq"));
      assertTrue(detail.getJsonArray("scopes").contains("md:trade"));
      assertNotNull(detail.getJsonObject("limits"));
      assertEquals(404, ops.get("/admin/connections/c-nope", Ops.admin()).statusCode());
    }
  }

  @Test
  void anOperatorClosesAConnectionWith4100() {
    try (WsClient victim = open("mallory", "pro", "noisy"); WsClient other = open("mallory", "pro", "noisy2")) {
      String id = id(victim);
      HttpResponse<Buffer> r = ops.post("/admin/connections/" + id + "/close", Ops.admin(),
          new JsonObject().put("reason", "abusive traffic"));
      assertEquals(200, r.statusCode(), r::bodyAsString);
      JsonObject body = r.bodyAsJsonObject();
      assertEquals(true, body.getBoolean("closed"));
      assertEquals(4100, body.getInteger("code"));
      assertEquals("mallory", body.getString("user"));
      assertEquals(4100, victim.awaitClose(5000));
      assertEquals("abusive traffic", victim.closeReason());
      assertFalse(other.isClosed(), "only that connection");
      assertTrue(QuotecastServer.poll(() -> ops.get("/admin/connections/" + id, Ops.admin()).statusCode() == 404,
          5000), "gone from the list");
      assertEquals(404, ops.post("/admin/connections/" + id + "/close", Ops.admin(), null).statusCode());

      String otherId = id(other);
      assertEquals(200, ops.delete("/admin/connections/" + otherId, Ops.admin()).statusCode());
      assertEquals(4100, other.awaitClose(5000));
      assertEquals("closed by an operator", other.closeReason());
    }
  }

  @Test
  void subscriptionStatisticsByChannel() {
    try (WsClient c = open("stats", "pro", "s")) {
      c.ok("subscribe", WsClient.args("channels", List.of("quote:000001.SZ", "kline:1m:000001.SZ")));
      assertTrue(QuotecastServer.poll(() -> ops.get("/admin/subscriptions?type=kline").getJsonArray("channels")
          .stream().anyMatch(o -> "kline:1m:000001.SZ".equals(((JsonObject) o).getString("ch"))), 5000));
      JsonObject stats = ops.get("/admin/subscriptions?top=1000");
      JsonObject quote = stats.getJsonArray("channels").stream().map(o -> (JsonObject) o)
          .filter(s -> "quote:000001.SZ".equals(s.getString("ch"))).findFirst().orElseThrow();
      assertTrue(quote.getInteger("subscribers") >= 1);
      assertEquals("quote", quote.getString("type"));
      assertTrue(stats.getJsonObject("byType").getJsonObject("kline").getLong("subscriptions") >= 1, stats::encode);
      assertTrue(stats.getLong("totalSubscriptions") >= 2);
      assertEquals(400, ops.get("/admin/subscriptions?type=bogus", Ops.admin()).statusCode());
    }
  }

  @Test
  void sourceStatesOfEveryQuoteNode() {
    JsonObject sources = ops.get("/admin/sources");
    assertEquals(1, sources.getInteger("nodes"), sources::encode);
    JsonObject s = sources.getJsonArray("sources").getJsonObject(0);
    assertEquals("simulator", s.getString("source"));
    assertEquals("up", s.getString("state"));
    assertEquals("node-1", s.getString("node"));
    assertEquals(true, sources.getBoolean("allUp"));
  }
}

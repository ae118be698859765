package io.quotecast.gateway;

import static io.quotecast.gateway.TestSocket.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.Addresses;
import io.quotecast.common.ChannelKey;
import io.quotecast.common.ConfigLoader;
import io.quotecast.common.Publication;
import io.quotecast.common.PublicationCodec;
import io.quotecast.common.cluster.GatewayLoad;
import io.quotecast.common.cluster.NodeState;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One gateway node, not clustered, with a stub owner on {@code quote.bucket.*} and a permissive stub policy: reads go
 * to the owner, epochs restart as snapshots, endpoints and admission, graceful stop and rebalance notices.
 */
@ExtendWith(VertxExtension.class)
class GatewayServerTest {
  private static final String SYMBOL = "600519.SH";
  private static final ChannelKey QUOTE = ChannelKey.quote(SYMBOL);

  private Vertx vertx;
  private HttpClient http;
  private OwnerStub owner;
  private int port;
  private String gatewayDeployment;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.http = vertx.createHttpClient();
  }

  @AfterEach
  void tearDown() {
    await(http.close());
  }

  private JsonObject start(Consumer<JsonObject> tweak, boolean nodeVerticle) throws IOException {
    JsonObject config = await(ConfigLoader.load(vertx, null));
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    config.getJsonObject("gateway").put("host", "127.0.0.1").put("port", port);
    config.getJsonObject("cluster").put("loadIntervalMs", 200);
    // What the app's prepare step adds for the dev profile's admin and dev tokens.
    config.getJsonObject("auth").put("localSecret", "test-secret-test-secret-test-secret-0123");
    tweak.accept(config);
    owner = await(OwnerStub.start(vertx, config.getJsonObject("cluster").getInteger("buckets"), true));
    gatewayDeployment = await(vertx.deployVerticle(GatewayVerticle.class,
        new DeploymentOptions().setConfig(config).setInstances(2)));
    if (nodeVerticle) {
      await(vertx.deployVerticle(GatewayNodeVerticle.class, new DeploymentOptions().setConfig(config)));
    }
    return config;
  }

  private record Reply(int status, String retryAfter, String contentType, JsonObject body) {
  }

  private Reply get(String uri) {
    return await(http.request(HttpMethod.GET, port, "127.0.0.1", uri)
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(body -> reply(resp, body))));
  }

  private static Reply reply(HttpClientResponse resp, Buffer body) {
    return new Reply(resp.statusCode(), resp.getHeader("Retry-After"), resp.getHeader("Content-Type"),
        body.length() == 0 ? null : body.toJsonObject());
  }

  /** A handshake the server refuses: its status, headers and problem body. */
  private Reply refusedHandshake() {
    Throwable failure = await(vertx.createWebSocketClient()
        .connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws"))
        .map(ws -> (Throwable) null)
        .otherwise(t -> t));
    assertTrue(failure instanceof UpgradeRejectedException, "refused before the upgrade: " + failure);
    UpgradeRejectedException rejected = (UpgradeRejectedException) failure;
    return new Reply(rejected.getStatus(), rejected.getHeaders().get("Retry-After"),
        rejected.getHeaders().get("Content-Type"), rejected.getBody().toJsonObject());
  }

  private void publish(Publication p) {
    vertx.eventBus().publish(ChannelKey.parse(p.channel()).address(), p);
  }

  private static Publication quote(long seq, String epoch) {
    return new Publication(QUOTE.toString(), seq, epoch, seq, "{\"symbol\":\"" + SYMBOL + "\",\"n\":" + seq + "}");
  }

  @Test
  void subscribeTakesTheOwnersStateThenLiveDataAndAnEpochChangeAsASnapshot() throws Exception {
    start(c -> { }, false);
    PublicationCodec.register(vertx);
    owner.state.put(QUOTE.toString(), quote(10, "e1"));
    try (TestSocket c = TestSocket.connect(vertx, port)) {
      JsonObject welcome = c.welcome().getJsonObject("data");
      assertEquals("node-1", welcome.getString("node"), "node.id in the welcome");
      assertTrue(NodeState.of(vertx).components().getJsonObject("gateway").getBoolean("ready"));
      JsonObject result = c.request("subscribe", new JsonObject().put("channels", new JsonArray().add(QUOTE.toString())));
      JsonObject entry = result.getJsonObject("data").getJsonArray("subscribed").getJsonObject(0);
      assertEquals(10L, entry.getLong("seq"), result::encode);
      assertEquals("e1", entry.getString("epoch"));
      publish(quote(9, "e1")); // older than the snapshot: dropped
      publish(quote(11, "e1"));
      publish(quote(5, "e2")); // failover: the new owner's epoch
      publish(quote(6, "e2"));
      c.waitFor(m -> m.getLong("seq", -1L) == 6L);
      List<JsonObject> data = c.messages().stream().filter(m -> QUOTE.toString().equals(m.getString("ch"))).toList();
      assertEquals(List.of(10L, 11L, 5L, 6L), data.stream().map(m -> m.getLong("seq")).toList());
      assertEquals(new JsonObject().put("snapshot", true).put("epoch", "e1"), data.get(0).getJsonObject("meta"));
      assertNull(data.get(1).getJsonObject("meta"));
      assertEquals(new JsonObject().put("snapshot", true).put("epoch", "e2"), data.get(2).getJsonObject("meta"));
      assertNull(data.get(3).getJsonObject("meta"));
      int reply = c.messages().indexOf(result);
      assertTrue(reply >= 0 && reply < c.messages().indexOf(data.get(0)), "the reply, then the snapshot");
    }
  }

  @Test
  void snapshotOpAndRestReadTheOwnerAndSayUnavailableWithoutOne() throws Exception {
    start(c -> { }, false);
    owner.state.put(QUOTE.toString(), quote(42, "e7"));
    Reply rest = get("/api/v1/quotes/" + SYMBOL);
    assertEquals(200, rest.status(), String.valueOf(rest.body()));
    assertEquals(42L, rest.body().getLong("seq"));
    assertEquals("e7", rest.body().getString("epoch"));
    Reply several = get("/api/v1/quotes?symbols=" + SYMBOL + ",000001.SZ,999999.SH");
    assertEquals(1, several.body().getJsonArray("quotes").size(), several.body().encode());
    assertEquals(2, several.body().getJsonArray("rejected").size(), "no data yet, and an unknown symbol");
    Reply trades = get("/api/v1/trades/" + SYMBOL);
    assertEquals(SYMBOL, trades.body().getJsonArray("trades").getJsonObject(0).getString("symbol"));
    assertTrue(owner.actions.contains("history"));
    try (TestSocket c = TestSocket.connect(vertx, port)) {
      c.welcome();
      JsonObject snap = c.request("snapshot", new JsonObject().put("channels",
          new JsonArray().add(QUOTE.toString()).add("trade:000001.SZ"))).getJsonObject("data");
      assertEquals(42L, snap.getJsonArray("snapshots").getJsonObject(0).getLong("seq"), snap::encode);
      assertEquals(0L, snap.getJsonArray("snapshots").getJsonObject(1).getLong("seq"), "no data yet: seq 0");

      await(owner.stop()); // a takeover in progress: no one owns the bucket
      JsonObject none = c.request("snapshot", new JsonObject().put("channels", new JsonArray().add(QUOTE.toString())))
          .getJsonObject("data");
      JsonObject rejected = none.getJsonArray("rejected").getJsonObject(0);
      assertEquals("UNAVAILABLE", rejected.getString("code"), none::encode);
      assertTrue(rejected.getLong("retryAfterMs") > 0);
    }
    Reply unavailable = get("/api/v1/quotes/" + SYMBOL);
    assertEquals(503, unavailable.status());
    assertEquals("UNAVAILABLE", unavailable.body().getString("code"));
    assertTrue(unavailable.contentType().startsWith("application/problem+json"));
    assertEquals("2", unavailable.retryAfter());
    assertEquals(503, get("/api/v1/klines/" + SYMBOL).status());
  }

  @Test
  void endpointsListTheNodeUnclusteredAndNeedNoToken() throws Exception {
    start(c -> c.getJsonObject("auth").put("anonymous", false)
        .put("hmacSecret", "another-test-secret-another-test-secret"), true);
    Reply reply = get("/api/v1/endpoints");
    assertEquals(200, reply.status(), String.valueOf(reply.body()));
    String url = "ws://127.0.0.1:" + port + "/ws";
    assertEquals(url, reply.body().getString("self"));
    JsonArray endpoints = reply.body().getJsonArray("endpoints");
    assertEquals(1, endpoints.size(), endpoints::encode);
    assertEquals(url, endpoints.getJsonObject(0).getString("url"));
    assertEquals("ready", endpoints.getJsonObject(0).getString("state"));
    assertEquals(401, get("/api/v1/quotes/" + SYMBOL).status(), "other routes still need a token");
    JsonObject published = await(vertx.sharedData().<String, JsonObject>getAsyncMap(Addresses.GATEWAY_LOAD_MAP)
        .compose(map -> map.get("local")));
    assertEquals(url, published.getString("url"), "the node verticle publishes this node's load");
  }

  @Test
  void aFullNodeRefusesBeforeTheUpgradeNamingTheNodesThatAccept() throws Exception {
    start(c -> c.getJsonObject("limits").put("connectionsPerNode", 1), false);
    GatewayLoad idle = new GatewayLoad("n2", "node-2", "ws://n2:8080/ws", 3, 100, 0.2, 0, 0, 0, GatewayLoad.READY,
        System.currentTimeMillis());
    GatewayLoad busy = new GatewayLoad("n3", "node-3", "ws://n3:8080/ws", 90, 100, 0.9, 0, 0, 0, GatewayLoad.READY,
        System.currentTimeMillis());
    GatewayLoad full = new GatewayLoad("n4", "node-4", "ws://n4:8080/ws", 100, 100, 0.9, 0, 0, 0, GatewayLoad.FULL,
        System.currentTimeMillis());
    Fleet.store(vertx, List.of(full, busy, idle));
    try (TestSocket first = TestSocket.connect(vertx, port)) {
      first.welcome();
      Reply refused = refusedHandshake();
      assertEquals(503, refused.status());
      assertEquals("1", refused.retryAfter());
      assertEquals("UNAVAILABLE", refused.body().getString("code"), refused.body()::encode);
      assertEquals(new JsonArray().add("ws://n2:8080/ws").add("ws://n3:8080/ws"),
          refused.body().getJsonArray("endpoints"));
      assertEquals("connectionsPerNode", refused.body().getString("limit"));

      List<String> order = get("/api/v1/endpoints").body().getJsonArray("endpoints").stream()
          .map(o -> ((JsonObject) o).getString("name")).toList();
      assertEquals("node-2", order.get(0));
      assertEquals("node-3", order.get(1), "accepting nodes first, least loaded first; full ones last");
      assertEquals(List.of("node-1", "node-4"), order.subList(2, 4).stream().sorted().toList());

      // SockJS: the first request of a new session is refused the same way.
      Reply info = get("/sockjs/info");
      assertEquals(503, info.status());
    }
    NodeState.of(vertx).draining(true);
    try {
      Reply draining = refusedHandshake();
      assertEquals(503, draining.status());
      assertEquals("5", draining.retryAfter());
    } finally {
      NodeState.of(vertx).draining(false);
    }
  }

  @Test
  void aGracefulStopSendsEverySessionAShutdownNoticeThenCloses1012() throws Exception {
    start(c -> { }, false);
    Fleet.store(vertx, List.of(new GatewayLoad("n2", "node-2", "ws://n2:8080/ws", 0, 100, 0.2, 0, 0, 0,
        GatewayLoad.READY, System.currentTimeMillis())));
    TestSocket a = TestSocket.connect(vertx, port);
    TestSocket b = TestSocket.connect(vertx, port);
    a.welcome();
    b.welcome();
    await(vertx.undeploy(gatewayDeployment));
    for (TestSocket c : List.of(a, b)) {
      JsonObject notice = c.waitFor(m -> "notice".equals(m.getString("type"))).getJsonObject("data");
      assertEquals("shutdown", notice.getString("event"));
      long after = notice.getLong("reconnectAfterMs");
      assertTrue(after >= 0 && after <= 2000, "within shutdown.drainMs (default 2000): " + notice.encode());
      assertEquals(new JsonArray().add("ws://n2:8080/ws"), notice.getJsonArray("endpoints"));
      assertEquals(1012, c.awaitClose());
      c.close();
    }
    assertTrue(NodeState.of(vertx).draining());
    assertFalse(NodeState.of(vertx).components().getJsonObject("gateway").getBoolean("ready"));
  }

  @Test
  void aRebalanceRequestMovesItsShareOfSessionsOnceEach() throws Exception {
    start(c -> c.getJsonObject("gateway").put("instances", 1), false);
    TestSocket a = TestSocket.connect(vertx, port);
    TestSocket b = TestSocket.connect(vertx, port);
    a.welcome();
    b.welcome();
    // Both sessions may sit on either of the two instances: ask all of them.
    JsonObject request = new JsonObject().put("fraction", 1.0).put("spreadMs", 0)
        .put("endpoints", new JsonArray().add("ws://n2:8080/ws"));
    vertx.eventBus().publish(GatewayNodeVerticle.rebalanceAddress("local"), request);
    for (TestSocket c : List.of(a, b)) {
      JsonObject notice = c.waitFor(m -> "notice".equals(m.getString("type"))).getJsonObject("data");
      assertEquals("rebalance", notice.getString("event"));
      assertEquals(0L, notice.getLong("reconnectAfterMs"));
      assertEquals(new JsonArray().add("ws://n2:8080/ws"), notice.getJsonArray("endpoints"));
      assertTrue(notice.getString("message").contains("ws://n2:8080/ws"));
    }
    // A second request before they leave asks no one twice.
    vertx.eventBus().publish(GatewayNodeVerticle.rebalanceAddress("local"), request);
    for (TestSocket c : List.of(a, b)) {
      assertEquals(1001, c.awaitClose(), "closed after reconnectAfterMs plus the grace, as the client stayed");
      assertEquals(1, c.messages().stream().filter(m -> "notice".equals(m.getString("type"))).count());
      c.close();
    }
  }
}

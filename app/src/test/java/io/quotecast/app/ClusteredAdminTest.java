package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import io.quotecast.common.ConfigLoader;
import io.quotecast.common.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The admin API over two clustered nodes in one JVM (the shipped cluster.xml on 127.0.0.1, a cluster name of their
 * own): node a runs every role with one gateway instance, node b gateways (two instances) and a monitor. Asked on a,
 * the connections of both nodes are listed, found, filtered and closed; a trace started on a sees a connection on b;
 * a drain of b through a's monitor takes b out of service; b's monitor reports a's data source.
 */
class ClusteredAdminTest {
  private final String clusterName = "admin-test-" + UUID.randomUUID();
  private Vertx a;
  private Vertx b;
  private WebClient http;

  @AfterEach
  void tearDown() {
    if (http != null) {
      http.close();
    }
    for (Vertx v : new Vertx[] {b, a}) {
      if (v != null) {
        try {
          QuotecastServer.await(v.close(), 30);
        } catch (AssertionError ignored) {
          // best effort
        }
      }
    }
  }

  /** The test defaults for node {@code name}, clustered over loopback with the other test node. */
  private JsonObject config(String name, int clusterPort) {
    Vertx loader = Vertx.vertx();
    try {
      JsonObject config = QuotecastServer.await(ConfigLoader.load(loader, null), 30);
      TestTokens.configure(config, true, false);
      config.getJsonObject("node").put("id", name);
      config.getJsonObject("gateway").put("host", "127.0.0.1").put("port", QuotecastServer.freePort());
      config.getJsonObject("monitor").put("host", "127.0.0.1").put("port", QuotecastServer.freePort());
      config.getJsonObject("cluster").put("port", clusterPort).put("members", "127.0.0.1:5871,127.0.0.1:5872")
          .put("memberTimeoutSeconds", 4).put("loadIntervalMs", 200);
      return config;
    } finally {
      loader.close();
    }
  }

  /** A clustered Vert.x from the shipped cluster.xml (as {@link ClusterBoot} builds it), in a cluster of its own. */
  private Vertx clustered(JsonObject config) {
    Config hazelcast = ClusterBoot.hazelcastConfig(new Settings(config)).setClusterName(clusterName);
    return QuotecastServer.await(Vertx.builder()
        .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1")))
        .withClusterManager(new HazelcastClusterManager(hazelcast))
        .buildClustered(), 60);
  }

  private record Node(int port, int monitorPort, Ops ops) {
  }

  private Node deploy(Vertx vertx, JsonObject config, int instances, Set<Role> roles) {
    config.getJsonObject("gateway").put("instances", instances);
    QuotecastServer.await(Quotecast.deploy(vertx, config, roles), 60);
    int monitorPort = config.getJsonObject("monitor").getInteger("port");
    return new Node(config.getJsonObject("gateway").getInteger("port"), monitorPort, new Ops(http, monitorPort));
  }

  private static WsClient open(Vertx vertx, Node node, String user) {
    String token = TestTokens.token(user).tier("pro").scopes("md:quote", "md:trade", "md:kline").build();
    return WsClient.open(vertx, node.port(), "/ws?client=" + user + "-app&token=" + token);
  }

  private static String id(WsClient c) {
    return c.welcome().getJsonObject("data").getString("connectionId");
  }

  private int ready(Node node) {
    return node.ops().get("/health/ready", null).statusCode();
  }

  @Test
  void theAdminApiSeesAndActsOnTheWholeCluster() {
    JsonObject configA = config("a", 5871);
    JsonObject configB = config("b", 5872);
    a = clustered(configA);
    b = clustered(configB);
    http = WebClient.create(a);
    Node na = deploy(a, configA, 1, EnumSet.allOf(Role.class));
    Node nb = deploy(b, configB, 2, EnumSet.of(Role.GATEWAY, Role.MONITOR));
    try (WsClient alice = open(a, na, "alice"); WsClient bob = open(a, nb, "bob")) {
      String aliceId = id(alice);
      String bobId = id(bob);
      // both nodes' load reports in the cluster map: then every instance is asked and awaited
      assertTrue(QuotecastServer.poll(() -> na.ops().get("/admin/connections").getLong("total") == 2
          && na.ops().get("/admin/connections").getInteger("gateways") == 3, 15_000),
          () -> na.ops().get("/admin/connections").encode());
      JsonObject all = na.ops().get("/admin/connections?sort=connectedAt");
      Set<String> nodes = all.getJsonArray("connections").stream().map(c -> ((JsonObject) c).getString("node"))
          .collect(Collectors.toSet());
      assertEquals(Set.of("a", "b"), nodes, all::encode);
      List<JsonObject> onB = na.ops().get("/admin/connections?node=b").getJsonArray("connections").stream()
          .map(c -> (JsonObject) c).toList();
      assertEquals(1, onB.size());
      assertEquals(bobId, onB.get(0).getString("connectionId"));
      assertEquals("bob-app", onB.get(0).getString("client"));
      assertNotEquals("b", onB.get(0).getString("member"), "the member id is the cluster's");
      assertEquals(bobId, na.ops().get("/admin/connections?node=" + onB.get(0).getString("member"))
          .getJsonArray("connections").getJsonObject(0).getString("connectionId"), "by member id too");
      assertEquals("b", na.ops().get("/admin/connections/" + bobId).getString("node"));
      assertEquals(aliceId, nb.ops().get("/admin/connections/" + aliceId).getString("connectionId"),
          "any monitor sees every node");

      // a trace started on a's monitor sees carol on b
      JsonObject trace = na.ops().post("/admin/traces", Ops.admin(), new JsonObject().put("user", "carol")
          .put("seconds", 30)).bodyAsJsonObject();
      String traceId = trace.getString("traceId");
      assertEquals(3, trace.getInteger("gateways"), trace::encode);
      try (WsClient carol = open(a, nb, "carol")) {
        String pingId = carol.request("ping").getString("id");
        assertTrue(QuotecastServer.poll(() -> na.ops().get("/admin/traces/" + traceId).getJsonArray("events")
            .stream().map(e -> (JsonObject) e).anyMatch(e -> pingId.equals(e.getString("id"))
                && "b".equals(e.getString("node"))), 10_000), "carol's ping, traced on b, kept by a");
      }
      assertEquals(200, na.ops().delete("/admin/traces/" + traceId, Ops.admin()).statusCode());

      // closing a connection of b through a's monitor
      assertEquals(200, na.ops().post("/admin/connections/" + bobId + "/close", Ops.admin(), null).statusCode());
      assertEquals(4100, bob.awaitClose(5000));
      assertTrue(alice.request("ping").getString("type").equals("result"), "a's client untouched");

      // drain b through a's monitor, then undrain it
      assertTrue(QuotecastServer.poll(() -> ready(nb) == 200, 15_000), "b ready");
      JsonObject drained = na.ops().post("/admin/drain?node=b", Ops.admin(), null).bodyAsJsonObject();
      assertEquals("b", drained.getString("node"), drained::encode);
      assertEquals(true, drained.getBoolean("draining"));
      assertEquals(503, ready(nb));
      assertEquals(200, ready(na), "only b drains");
      assertEquals(503, WsClient.handshakeStatus(a, nb.port(), "/ws", null));
      assertEquals(200, na.ops().post("/admin/undrain?node=b", Ops.admin(), null).statusCode());
      assertEquals(200, ready(nb));

      // b has no quote role: its monitor reports a's data source
      JsonObject sources = nb.ops().get("/admin/sources");
      assertEquals(1, sources.getInteger("nodes"), sources::encode);
      assertEquals("a", sources.getJsonArray("sources").getJsonObject(0).getString("node"));
    }
  }
}

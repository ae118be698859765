package io.quotecast.gateway;

import static io.quotecast.gateway.TestSocket.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.quotecast.common.ChannelKey;
import io.quotecast.common.ConfigLoader;
import io.quotecast.common.Publication;
import io.quotecast.common.PublicationCodec;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.ServerSocket;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two clustered gateway nodes in one JVM (Hazelcast on 127.0.0.1): reads routed to the owner on the other node,
 * publications crossing the clustered bus, the endpoints list built from both nodes' loads, a full node's refusal
 * naming the other, and a departed node leaving the list.
 */
class ClusteredGatewayTest {
  private static final String SYMBOL = "600519.SH";
  private static final ChannelKey QUOTE = ChannelKey.quote(SYMBOL);
  private static final long WAIT_MS = 15_000;

  private final String clusterName = "gateway-test-" + UUID.randomUUID();
  private Vertx a;
  private Vertx b;

  @AfterEach
  void tearDown() {
    for (Vertx v : new Vertx[] {a, b}) {
      if (v != null) {
        try {
          await(v.close(), 30_000);
        } catch (AssertionError ignored) {
          // closed by the test already
        }
      }
    }
  }

  private Config hazelcast() {
    Config cfg = new Config().setClusterName(clusterName);
    cfg.getNetworkConfig().setPort(5841).setPortAutoIncrement(true).setPortCount(4);
    JoinConfig join = cfg.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true)
        .addMember("127.0.0.1:5841").addMember("127.0.0.1:5842").addMember("127.0.0.1:5843");
    cfg.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    cfg.setProperty("hazelcast.max.no.heartbeat.seconds", "4");
    cfg.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    cfg.setProperty("hazelcast.logging.type", "slf4j");
    cfg.setProperty("hazelcast.phone.home.enabled", "false");
    cfg.setProperty("hazelcast.wait.seconds.before.join", "1");
    return cfg;
  }

  private Future<Vertx> clustered() {
    return Vertx.builder()
        .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1")))
        .withClusterManager(new HazelcastClusterManager(hazelcast()))
        .buildClustered();
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static JsonObject config(Vertx vertx, String name, int port, int maxConnections) {
    JsonObject config = await(ConfigLoader.load(vertx, null));
    config.getJsonObject("node").put("id", name);
    config.getJsonObject("gateway").put("host", "127.0.0.1").put("port", port).put("instances", 1);
    config.getJsonObject("cluster").put("loadIntervalMs", 200);
    config.getJsonObject("limits").put("connectionsPerNode", maxConnections);
    config.getJsonObject("auth").put("localSecret", "test-secret-test-secret-test-secret-0123");
    return config;
  }

  private static void deploy(Vertx vertx, JsonObject config) {
    DeploymentOptions options = new DeploymentOptions().setConfig(config);
    // What a quote node does at start: share the reference data the gateways serve (they wait for it).
    await(io.quotecast.common.ReferenceData.publish(vertx, ""));
    await(vertx.deployVerticle(GatewayVerticle.class, options)
        .compose(id -> vertx.deployVerticle(GatewayNodeVerticle.class, options)));
  }

  private static JsonObject get(Vertx vertx, int port, String uri) {
    HttpClient http = vertx.createHttpClient();
    try {
      return await(http.request(HttpMethod.GET, port, "127.0.0.1", uri).compose(req -> req.send())
          .compose(resp -> resp.body()).map(body -> body.toJsonObject()));
    } finally {
      http.close();
    }
  }

  private static boolean poll(Supplier<Boolean> condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + WAIT_MS;
    while (System.currentTimeMillis() < deadline) {
      if (condition.get()) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  private static List<String> names(JsonObject endpoints) {
    return endpoints.getJsonArray("endpoints").stream().map(o -> ((JsonObject) o).getString("name")).toList();
  }

  @Test
  void twoNodesShareOwnersLoadsAndRefusals() throws Exception {
    List<Vertx> nodes = await(Future.all(clustered(), clustered()).map(all -> all.<Vertx>list()), 45_000);
    a = nodes.get(0);
    b = nodes.get(1);
    int portA = freePort();
    int portB = freePort();
    JsonObject configA = config(a, "node-a", portA, 1);
    OwnerStub owner = await(OwnerStub.start(b, configA.getJsonObject("cluster").getInteger("buckets"), true));
    PublicationCodec.register(b);
    owner.state.put(QUOTE.toString(), new Publication(QUOTE.toString(), 42, "e7", 1, "{\"n\":42}"));
    deploy(a, configA);
    deploy(b, config(b, "node-b", portB, 100));

    JsonObject rest = get(a, portA, "/api/v1/quotes/" + SYMBOL);
    assertEquals(42L, rest.getLong("seq"), rest::encode);
    assertEquals("e7", rest.getString("epoch"), "the owner on the other node answered");

    assertTrue(poll(() -> names(get(a, portA, "/api/v1/endpoints")).size() == 2), "both nodes listed");
    try (TestSocket c = TestSocket.connect(a, portA)) {
      c.welcome();
      JsonObject sub = c.request("subscribe", new JsonObject().put("channels", new JsonArray().add(QUOTE.toString())));
      assertEquals(42L, sub.getJsonObject("data").getJsonArray("subscribed").getJsonObject(0).getLong("seq"));
      b.eventBus().publish(QUOTE.address(), new Publication(QUOTE.toString(), 43, "e7", 2, "{\"n\":43}"));
      c.waitFor(m -> m.getLong("seq", 0L) == 43L); // published on b, delivered through a's feed

      // a is now at its limit of 1: the endpoints put b first, and a new connection to a is sent to b.
      String urlB = "ws://127.0.0.1:" + portB + "/ws";
      assertTrue(poll(() -> names(get(a, portA, "/api/v1/endpoints")).equals(List.of("node-b", "node-a"))),
          "the full node last");
      Throwable refused = await(a.createWebSocketClient()
          .connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(portA).setURI("/ws"))
          .map(ws -> (Throwable) null).otherwise(t -> t));
      assertTrue(refused instanceof UpgradeRejectedException, String.valueOf(refused));
      JsonObject problem = ((UpgradeRejectedException) refused).getBody().toJsonObject();
      assertEquals(503, ((UpgradeRejectedException) refused).getStatus());
      assertEquals(new JsonArray().add(urlB), problem.getJsonArray("endpoints"), problem::encode);
    }

    await(b.close(), 30_000); // b leaves: its entry goes at once, and it is no member any more
    b = null;
    assertTrue(poll(() -> names(get(a, portA, "/api/v1/endpoints")).equals(List.of("node-a"))), "b left the list");
  }
}

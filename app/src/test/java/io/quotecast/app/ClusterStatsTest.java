package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.quotecast.common.ConfigLoader;
import io.quotecast.common.GatewayCounters;
import io.quotecast.monitor.MonitorVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /admin/stats} over two clustered nodes in one JVM (Hazelcast on 127.0.0.1, a cluster name of its own):
 * each node's figures reach the other's monitor, the totals add both up, and a node that leaves drops out.
 */
class ClusterStatsTest {
  private final String clusterName = "stats-test-" + UUID.randomUUID();
  private final List<Vertx> nodes = new ArrayList<>();
  private WebClient http;

  @AfterEach
  void close() {
    if (http != null) {
      http.close();
    }
    nodes.forEach(v -> QuotecastServer.await(v.close(), 20));
  }

  private Config hazelcast() {
    Config cfg = new Config().setClusterName(clusterName);
    cfg.getNetworkConfig().setPort(5881).setPortAutoIncrement(true).setPortCount(6);
    JoinConfig join = cfg.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:5881").addMember("127.0.0.1:5882");
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

  /** Deploys the monitor role alone as node {@code name}; answers its operations port. */
  private static int monitor(Vertx vertx, String name) {
    JsonObject config = QuotecastServer.await(ConfigLoader.load(vertx, null), 30);
    TestTokens.configure(config, false, false);
    int port = QuotecastServer.freePort();
    config.getJsonObject("node").put("id", name);
    config.getJsonObject("monitor").put("host", "127.0.0.1").put("port", port);
    QuotecastServer.await(vertx.deployVerticle(MonitorVerticle.class, new DeploymentOptions().setConfig(config)), 30);
    return port;
  }

  private JsonObject stats(int port) {
    String admin = TestTokens.token("root").scopes("admin").build();
    var r = QuotecastServer.await(http.get(port, "127.0.0.1", "/admin/stats")
        .putHeader("Authorization", "Bearer " + admin).send(), QuotecastServer.TIMEOUT_S);
    assertEquals(200, r.statusCode(), r::bodyAsString);
    return r.bodyAsJsonObject();
  }

  private static Set<String> names(JsonObject stats) {
    Set<String> names = new TreeSet<>();
    JsonArray list = stats.getJsonArray("nodes");
    list.forEach(o -> names.add(((JsonObject) o).getString("name")));
    return names;
  }

  @Test
  void everyMonitorSeesEveryNodeAndDropsOneThatLeft() {
    List<Vertx> both = QuotecastServer.await(Future.all(clustered(), clustered()).map(all -> all.<Vertx>list()), 60);
    nodes.addAll(both);
    Vertx a = both.get(0);
    Vertx b = both.get(1);
    http = WebClient.create(a);
    int portA = monitor(a, "node-a");
    int portB = monitor(b, "node-b");

    JsonObject[] seen = new JsonObject[1];
    assertTrue(QuotecastServer.poll(() -> names(seen[0] = stats(portA)).equals(Set.of("node-a", "node-b")), 15_000),
        () -> "node a hears both: " + seen[0]);
    assertTrue(QuotecastServer.poll(() -> names(seen[0] = stats(portB)).equals(Set.of("node-a", "node-b")), 15_000),
        () -> "node b hears both: " + seen[0]);
    assertEquals(2, seen[0].getJsonObject("totals").getInteger("nodes"));
    assertTrue(seen[0].getBoolean("clustered"));

    // b's connections show in a's per-node figures and in the cluster totals
    GatewayCounters.of(b).connections.set(5);
    GatewayCounters.of(a).connections.set(2);
    assertTrue(QuotecastServer.poll(() -> (seen[0] = stats(portA)).getJsonObject("totals").getLong("connections") == 7,
        10_000), () -> "totals add up: " + seen[0]);
    JsonObject nodeB = seen[0].getJsonArray("nodes").stream().map(o -> (JsonObject) o)
        .filter(n -> "node-b".equals(n.getString("name"))).findFirst().orElseThrow();
    assertEquals(5L, nodeB.getLong("connections"));
    assertEquals(5L, nodeB.getJsonObject("connectionsByTier").getLong("none"));

    // b leaves the cluster: a drops it (ClusterFiguresTest checks membership and silence apart)
    GatewayCounters.of(b).connections.set(0);
    QuotecastServer.await(b.close(), 20);
    nodes.remove(b);
    assertTrue(QuotecastServer.poll(() -> names(seen[0] = stats(portA)).equals(Set.of("node-a")), 10_000),
        () -> "b dropped: " + seen[0]);
    assertEquals(2L, seen[0].getJsonObject("totals").getLong("connections"));
  }
}

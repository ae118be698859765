package io.quotecast.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.quotecast.common.Addresses;
import io.quotecast.common.ConfigLoader;
import io.quotecast.common.GatewayCounters;
import io.quotecast.monitor.MonitorVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Alerts over two clustered monitors in one JVM (Hazelcast on 127.0.0.1, a cluster name of its own): a node raises
 * alerts about itself only, so node b's connection drop is one alert, raised by b, which both monitors list; when b
 * leaves the cluster, a resolves b's firing alert.
 */
class ClusterAlertsTest {
  private final String clusterName = "alerts-test-" + UUID.randomUUID();
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
    cfg.getNetworkConfig().setPort(5891).setPortAutoIncrement(true).setPortCount(6);
    JoinConfig join = cfg.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    // every port the two nodes may end up on: another build on the machine may hold the first ones
    for (int port = 5891; port < 5897; port++) {
      join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + port);
    }
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

  /** The monitor role alone as node {@code name}, with only the connection-drop rule on, tuned for 5 clients. */
  private static int monitor(Vertx vertx, String name) {
    JsonObject config = QuotecastServer.await(ConfigLoader.load(vertx, null), 30);
    TestTokens.configure(config, false, false);
    int port = QuotecastServer.freePort();
    config.getJsonObject("node").put("id", name);
    config.getJsonObject("monitor").put("host", "127.0.0.1").put("port", port);
    JsonObject alerts = config.getJsonObject("alerts");
    for (String rule : List.of("latencyP99", "sourceDown", "staleSymbols", "cpu", "heap", "eventLoopLag")) {
      alerts.getJsonObject(rule).put("enabled", false);
    }
    // a long window: the alert still fires when b leaves
    alerts.getJsonObject("connectionDrop").put("threshold", 50).put("minDrop", 2).put("windowMs", 60_000)
        .put("forMs", 0).put("clearMs", 1000);
    QuotecastServer.await(vertx.deployVerticle(MonitorVerticle.class, new DeploymentOptions().setConfig(config)), 30);
    return port;
  }

  private JsonObject get(int port, String uri) {
    String admin = TestTokens.token("root").scopes("admin").build();
    var r = QuotecastServer.await(http.get(port, "127.0.0.1", uri)
        .putHeader("Authorization", "Bearer " + admin).send(), QuotecastServer.TIMEOUT_S);
    assertEquals(200, r.statusCode(), r::bodyAsString);
    return r.bodyAsJsonObject();
  }

  private List<JsonObject> alerts(int port, String state) {
    List<JsonObject> out = new ArrayList<>();
    get(port, "/admin/alerts?state=" + state).getJsonArray("alerts").forEach(a -> out.add((JsonObject) a));
    return out;
  }

  private long connectionsOf(int port, String name) {
    return get(port, "/admin/stats").getJsonArray("nodes").stream().map(o -> (JsonObject) o)
        .filter(n -> name.equals(n.getString("name"))).mapToLong(n -> n.getLong("connections", -1L))
        .findFirst().orElse(-1);
  }

  @Test
  void eachNodesAlertIsRaisedOnceAndKnownToEveryMonitor() {
    List<Vertx> both = QuotecastServer.await(Future.all(clustered(), clustered()).map(all -> all.<Vertx>list()), 60);
    nodes.addAll(both);
    Vertx a = both.get(0);
    Vertx b = both.get(1);
    http = WebClient.create(a);
    int portA = monitor(a, "node-a");
    int portB = monitor(b, "node-b");
    List<JsonObject> eventsAtA = new CopyOnWriteArrayList<>();
    QuotecastServer.await(a.eventBus().<JsonObject>consumer(Addresses.ALERTS, m -> eventsAtA.add(m.body()))
        .completion(), 10);

    // b has 5 clients (as both monitors hear its figures), then none
    GatewayCounters.of(b).connections.set(5);
    assertTrue(QuotecastServer.poll(() -> connectionsOf(portA, "node-b") == 5 && connectionsOf(portB, "node-b") == 5,
        15_000), "both monitors hear b's 5 connections");
    GatewayCounters.of(b).connections.set(0);

    AtomicReference<List<JsonObject>> seenA = new AtomicReference<>();
    AtomicReference<List<JsonObject>> seenB = new AtomicReference<>();
    assertTrue(QuotecastServer.poll(() -> seenA.updateAndGet(x -> alerts(portA, "firing")).size() == 1
        && seenB.updateAndGet(x -> alerts(portB, "firing")).size() == 1, 10_000),
        () -> "a: " + seenA.get() + ", b: " + seenB.get());
    JsonObject atA = seenA.get().get(0);
    assertEquals("connectionDrop", atA.getString("rule"));
    assertEquals("node-b", atA.getString("node"), "raised by b, about b");
    assertEquals(atA, seenB.get().get(0), "the same alert at both monitors");
    QuotecastServer.sleep(2500); // a few more evaluations on both nodes: still that one alert, raised once
    assertEquals(List.of(atA), alerts(portA, "firing"));
    assertEquals(1, eventsAtA.size(), () -> "one event in the cluster: " + eventsAtA);

    // b leaves while its alert fires: a can no longer hear it resolve, so a resolves it
    QuotecastServer.await(b.close(), 20);
    nodes.remove(b);
    assertTrue(QuotecastServer.poll(() -> alerts(portA, "firing").isEmpty(), 15_000), "b's alert no longer firing");
    JsonObject resolved = alerts(portA, "resolved").get(0);
    assertEquals(atA.getString("id"), resolved.getString("id"));
    assertEquals("node left", resolved.getJsonObject("details").getString("resolution"), resolved::encode);
  }
}

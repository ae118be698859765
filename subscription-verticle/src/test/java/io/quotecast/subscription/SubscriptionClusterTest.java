package io.quotecast.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import io.quotecast.common.Addresses;
import io.quotecast.common.ConfigLoader;
import io.quotecast.common.auth.Principal;
import io.quotecast.common.cluster.ClusterView;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two clustered Vert.x instances in one JVM (Hazelcast on 127.0.0.1), each with its own subscription verticle, as two
 * gateway nodes would have: per-user limits and statistics hold across them.
 */
@ExtendWith(VertxExtension.class)
class SubscriptionClusterTest {
  /** Hazelcast ports of this test class only, so parallel builds of other modules do not join this cluster. */
  private static final int PORT = 5871;
  private static final int PORTS = 5;

  private Vertx a;
  private Vertx b;

  private static Config hazelcast() {
    Config cfg = new Config();
    cfg.setClusterName("quotecast-subscription-cluster-test");
    cfg.setProperty("hazelcast.max.no.heartbeat.seconds", "4");
    cfg.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    cfg.setProperty("hazelcast.logging.type", "slf4j");
    cfg.setProperty("hazelcast.phone.home.enabled", "false");
    cfg.setProperty("hazelcast.wait.seconds.before.join", "0");
    NetworkConfig net = cfg.getNetworkConfig();
    net.setPort(PORT).setPortAutoIncrement(true).setPortCount(PORTS);
    net.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1"); // tries PORT..PORT+PORTS-1
    // what vertx-hazelcast's default-cluster.xml sets up for the event bus
    cfg.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(1)
        .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    cfg.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
    cfg.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
    return cfg;
  }

  private static Future<Vertx> clustered() {
    return Vertx.builder()
        .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1").setPort(0)))
        .withClusterManager(new HazelcastClusterManager(hazelcast()))
        .buildClustered();
  }

  /** A clustered node running a subscription verticle: free tier at 2 connections and 3 subscriptions per user. */
  private static Future<Vertx> node(String name) {
    return clustered().compose(vertx -> ConfigLoader.load(vertx, null).compose(config -> {
      config.getJsonObject("node").put("id", name);
      config.getJsonObject("cluster").put("loadIntervalMs", 200);
      config.getJsonObject("tiers").getJsonObject("free").put("connectionsPerUser", 2).put("subscriptionsPerUser", 3);
      // what a quote node does at start: share the reference data (subscription verticles wait for it)
      return io.quotecast.common.ReferenceData.publish(vertx, "")
          .compose(listings -> vertx.deployVerticle(new SubscriptionVerticle(),
              new DeploymentOptions().setConfig(config)));
    }).map(id -> vertx));
  }

  @AfterEach
  void close() throws Exception {
    for (Vertx v : new Vertx[] {b, a}) {
      if (v != null) {
        v.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static Future<JsonObject> request(Vertx vertx, String address, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(address, body).map(m -> m.body());
  }

  private static Future<JsonObject> connect(Vertx vertx, String connectionId, String userId) {
    JsonObject user = new Principal(userId, "free", SubscriptionVerticleTest.ALL_SCOPES, false, 0).toJson();
    return request(vertx, Addresses.SUBSCRIPTION_CONNECT,
        new JsonObject().put("connectionId", connectionId).put("user", user));
  }

  private static Future<JsonObject> check(Vertx vertx, String connectionId, String... channels) {
    return request(vertx, Addresses.SUBSCRIPTION_CHECK,
        new JsonObject().put("connectionId", connectionId).put("channels", new JsonArray(List.of(channels))));
  }

  private static Future<JsonObject> stats(Vertx vertx) {
    return request(vertx, Addresses.SUBSCRIPTION_STATS, new JsonObject());
  }

  /** Repeats {@code action} every 100 ms until {@code done} holds, at most {@code attempts} times; the last answer. */
  private static <T> Future<T> poll(Vertx vertx, Supplier<Future<T>> action, Predicate<T> done, int attempts) {
    return action.get().compose(value -> done.test(value) || attempts <= 1
        ? Future.succeededFuture(value)
        : vertx.timer(100).compose(t -> poll(vertx, action, done, attempts - 1)));
  }

  private static boolean bothNodes(JsonObject stats) {
    return stats.getJsonArray("nodes").size() == 2 && stats.getLong("totalSubscriptions") == 3
        && stats.getLong("connections") == 2;
  }

  private static void assertBothNodes(JsonObject stats) {
    assertTrue(bothNodes(stats), stats.encode());
    assertEquals(new JsonObject().put("ch", "quote:600519.SH").put("subscribers", 2),
        stats.getJsonArray("channels").getJsonObject(0), stats.encode());
    assertEquals(2, stats.getInteger("channelCount"));
    assertEquals(1, stats.getInteger("users"), "one user on two nodes");
    assertEquals(List.of("node-a", "node-b"), stats.getJsonArray("nodes").stream()
        .map(n -> ((JsonObject) n).getString("name")).sorted().toList());
  }

  private static void assertLimit(JsonObject reply, String limit, int current) {
    JsonObject error = reply.getJsonObject("error");
    assertTrue(error != null, "expected an error: " + reply.encode());
    assertEquals("LIMIT_EXCEEDED", error.getString("code"), reply.encode());
    assertEquals(limit, error.getString("limit"), reply.encode());
    assertEquals(current, error.getInteger("current"), reply.encode());
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  void perUserLimitsAndStatisticsHoldAcrossNodes(VertxTestContext ctx) {
    // one after the other: two members starting at once may form two clusters that take long to merge
    node("node-a")
        .compose(v -> {
          a = v;
          return node("node-b");
        })
        .compose(v -> {
          b = v;
          return poll(a, () -> Future.succeededFuture(ClusterView.of(a).members()), m -> m.size() == 2, 100);
        })
        .compose(members -> {
          ctx.verify(() -> assertEquals(2, members.size(), members.toString()));
          return connect(a, "a-1", "u1");
        })
        .compose(reply -> {
          ctx.verify(() -> assertNull(reply.getValue("error"), reply.encode()));
          return connect(b, "b-1", "u1");
        })
        .compose(reply -> {
          ctx.verify(() -> assertNull(reply.getValue("error"), reply.encode()));
          return check(a, "a-1", "quote:600519.SH");
        })
        .compose(reply -> {
          ctx.verify(() -> assertNull(reply.getValue("error"), reply.encode()));
          return check(b, "b-1", "quote:600519.SH", "quote:000001.SZ");
        })
        .compose(reply -> {
          ctx.verify(() -> assertNull(reply.getValue("error"), reply.encode()));
          // the connection registry is node-local: b's gateways never reach a's connections
          return check(b, "a-1", "quote:600000.SH");
        })
        .compose(reply -> {
          ctx.verify(() -> assertEquals("UNAUTHORIZED", reply.getJsonObject("error").getString("code"),
              reply.encode()));
          // the statistics (and so the remote counts) propagate within an interval or two
          return poll(a, () -> stats(a), SubscriptionClusterTest::bothNodes, 100);
        })
        .compose(stats -> {
          ctx.verify(() -> assertBothNodes(stats));
          return poll(b, () -> stats(b), SubscriptionClusterTest::bothNodes, 100);
        })
        .compose(stats -> {
          ctx.verify(() -> assertBothNodes(stats));
          return connect(a, "a-2", "u1");
        })
        .compose(reply -> {
          ctx.verify(() -> assertLimit(reply, "connectionsPerUser", 2));
          return connect(b, "b-2", "u1");
        })
        .compose(reply -> {
          ctx.verify(() -> assertLimit(reply, "connectionsPerUser", 2));
          return check(a, "a-1", "quote:600000.SH");
        })
        .compose(reply -> {
          ctx.verify(() -> assertLimit(reply, "subscriptionsPerUser", 3));
          return connect(a, "a-3", "u2");
        })
        .compose(reply -> {
          ctx.verify(() -> assertNull(reply.getValue("error"), "other users are not affected: " + reply.encode()));
          Vertx closing = b;
          b = null;
          return closing.close();
        })
        .compose(v -> poll(a, () -> connect(a, "a-2", "u1"), reply -> !reply.containsKey("error"), 100))
        .compose(reply -> {
          ctx.verify(() -> assertNull(reply.getValue("error"), "b's connection no longer counts: " + reply.encode()));
          return check(a, "a-1", "quote:600000.SH", "quote:600036.SH");
        })
        .compose(reply -> {
          ctx.verify(() -> assertNull(reply.getValue("error"), "nor its subscriptions: " + reply.encode()));
          return stats(a);
        })
        .onComplete(ctx.succeeding(stats -> ctx.verify(() -> {
          assertEquals(1, stats.getJsonArray("nodes").size(), stats.encode());
          assertEquals(3, stats.getLong("totalSubscriptions"), stats.encode());
          assertEquals(3, stats.getLong("connections"), stats.encode());
          ctx.completeNow();
        })));
  }
}

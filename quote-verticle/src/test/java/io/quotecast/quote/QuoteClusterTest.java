package io.quotecast.quote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.quotecast.common.ChannelKey;
import io.quotecast.common.ConfigLoader;
import io.quotecast.common.Listing;
import io.quotecast.common.Publication;
import io.quotecast.common.cluster.SymbolBuckets;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two clustered Vert.x instances in this JVM, each running a quote verticle over the same small universe: buckets split
 * between them with one owner each, no channel ever shows two interleaved epochs, and when one node stops gracefully
 * the other takes its symbols over with new epochs, continuing from the last price.
 */
@ExtendWith(VertxExtension.class)
class QuoteClusterTest {
  private static final int BUCKETS = 16;
  private static final int PORT_A = 5801;
  private static final int PORT_B = 5802;
  /** The bound this test holds a graceful handover to: one reconcile (200 ms) plus the takeover, with slack. */
  private static final long HANDOVER_BOUND_MS = 3_000;

  /** What one consumer sees on one quote channel. */
  private static final class Stream {
    final List<String> epochs = new ArrayList<>();
    final List<String> violations = new ArrayList<>();
    Publication last;
    /** First publication of each epoch, and the publication just before it. */
    final Map<String, Publication[]> switches = new HashMap<>();

    void accept(Publication p) {
      if (last != null && last.epoch().equals(p.epoch())) {
        if (p.seq() != last.seq() + 1) {
          violations.add(p.channel() + ": seq " + last.seq() + " then " + p.seq() + " in epoch " + p.epoch());
        }
      } else {
        if (epochs.contains(p.epoch())) {
          violations.add(p.channel() + ": epoch " + p.epoch() + " again after " + epochs);
        }
        epochs.add(p.epoch());
        switches.put(p.epoch(), new Publication[] {p, last});
      }
      last = p;
    }
  }

  @Test
  @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
  void bucketsSplitOneEpochAtATimeAndGracefulHandover(VertxTestContext ctx) {
    List<Listing> listings = TestListings.small();
    Vertx[] nodes = new Vertx[2];
    QuoteVerticle[] quote = {new QuoteVerticle(), new QuoteVerticle()};
    Map<String, Stream> streams = new ConcurrentHashMap<>();
    long[] closedAt = {0};
    Future.all(clustered(PORT_A), clustered(PORT_B)).compose(started -> {
      nodes[0] = started.resultAt(0);
      nodes[1] = started.resultAt(1);
      return ConfigLoader.load(nodes[0], null);
    }).compose(conf -> {
      conf.getJsonObject("symbols").put("listingsFile", TestListings.smallFile().toString());
      conf.getJsonObject("simulator").put("updatesPerSecond", 2000).put("tickMs", 10);
      conf.getJsonObject("cluster").put("buckets", BUCKETS).put("reconcileMs", 200).put("snapshotFlushMs", 100);
      DeploymentOptions options = new DeploymentOptions().setConfig(conf);
      // both at once: the first may claim everything and hand half over when it sees the second
      return Future.all(nodes[0].deployVerticle(quote[0], options), nodes[1].deployVerticle(quote[1], options));
    }).compose(deployed -> {
      // every quote channel, watched from node B (the survivor)
      List<Future<Void>> registered = new ArrayList<>();
      for (Listing l : listings) {
        ChannelKey key = ChannelKey.quote(l.symbol());
        Stream s = new Stream();
        streams.put(l.symbol(), s);
        registered.add(nodes[1].eventBus().<Publication>consumer(key.address(), m -> s.accept(m.body()))
            .completion());
      }
      return Future.all(registered);
    }).compose(v -> until(nodes[1], () -> {
      Set<Integer> a = quote[0].ownedBuckets();
      Set<Integer> b = quote[1].ownedBuckets();
      return !a.isEmpty() && !b.isEmpty() && a.size() + b.size() == BUCKETS && disjoint(a, b);
    }, 20_000)).compose(v -> {
      // (a) one owner per bucket, and the cluster map says the same
      Set<Integer> a = quote[0].ownedBuckets();
      Set<Integer> b = quote[1].ownedBuckets();
      ctx.verify(() -> {
        assertTrue(disjoint(a, b), a + " / " + b);
        assertEquals(BUCKETS, a.size() + b.size());
      });
      return nodes[1].sharedData().<String, String>getAsyncMap(io.quotecast.common.Addresses.OWNER_MAP)
          .compose(m -> m.entries()).map(entries -> {
            ctx.verify(() -> {
              assertEquals(BUCKETS, entries.size());
              String nodeA = io.quotecast.common.cluster.ClusterView.of(nodes[0]).nodeId();
              for (int bucket = 0; bucket < BUCKETS; bucket++) {
                assertEquals(a.contains(bucket), nodeA.equals(entries.get(Integer.toString(bucket))), "bucket " + bucket);
              }
            });
            return a;
          });
    }).compose(ownedByA -> {
      // both produce: every symbol updates, whichever node owns it
      Map<String, Long> seqs = new HashMap<>();
      streams.forEach((sym, s) -> seqs.put(sym, s.last == null ? -1 : s.last.seq()));
      return until(nodes[1], () -> streams.entrySet().stream()
          .allMatch(e -> e.getValue().last != null && e.getValue().last.seq() > seqs.get(e.getKey())), 10_000)
          .map(ownedByA);
    }).compose(ownedByA -> {
      Set<String> symbolsOfA = new TreeSet<>();
      for (Listing l : listings) {
        if (ownedByA.contains(SymbolBuckets.of(l.symbol(), BUCKETS))) {
          symbolsOfA.add(l.symbol());
        }
      }
      ctx.verify(() -> assertFalse(symbolsOfA.isEmpty(), "node A produces some of the test symbols"));
      Map<String, String> epochBefore = new HashMap<>();
      for (String sym : symbolsOfA) {
        epochBefore.put(sym, streams.get(sym).last.epoch());
      }
      closedAt[0] = System.currentTimeMillis();
      // (c) graceful stop of node A: undeploy (release every bucket) and leave the cluster
      return nodes[0].close().compose(v -> until(nodes[1], () -> symbolsOfA.stream().allMatch(sym -> {
        Publication last = streams.get(sym).last;
        return !last.epoch().equals(epochBefore.get(sym));
      }), 15_000)).map(v -> {
        long tookMs = System.currentTimeMillis() - closedAt[0];
        System.out.printf("handover of %d symbols (%d buckets) after close: %d ms; takeover itself %d ms%n",
            symbolsOfA.size(), ownedByA.size(), tookMs, quote[1].lastTakeoverMs());
        ctx.verify(() -> {
          assertTrue(tookMs < HANDOVER_BOUND_MS, "handover took " + tookMs + " ms");
          assertEquals(BUCKETS, quote[1].ownedBuckets().size(), "the survivor owns every bucket");
          for (String sym : symbolsOfA) {
            Stream s = streams.get(sym);
            Publication[] sw = s.switches.get(s.last.epoch());
            Publication first = sw[0];
            Publication before = sw[1];
            assertEquals(1, first.seq(), sym + " new epoch starts at 1");
            assertEquals(epochBefore.get(sym), before.epoch(), sym + ": switched straight from A's epoch");
            JsonObject q0 = new JsonObject(before.data());
            JsonObject q1 = new JsonObject(first.data());
            for (String field : List.of("last", "open", "high", "low", "preClose", "volume", "amount")) {
              assertEquals(q0.getValue(field), q1.getValue(field), sym + " continues: " + field);
            }
          }
        });
        return v;
      });
    }).compose(v -> until(nodes[1], () -> false, 500).recover(e -> Future.succeededFuture()))
        .onComplete(ar -> {
          // (b) per channel one epoch at a time, seq +1 within it, over the whole run
          List<String> violations = new ArrayList<>();
          streams.values().forEach(s -> violations.addAll(s.violations));
          Future<Void> closing = nodes[1] == null ? Future.succeededFuture() : nodes[1].close();
          Future<Void> closingA = nodes[0] == null ? Future.succeededFuture() : nodes[0].close()
              .recover(e -> Future.succeededFuture());
          Future.all(closing, closingA).onComplete(c -> {
            if (ar.failed()) {
              ctx.failNow(ar.cause());
              return;
            }
            ctx.verify(() -> assertEquals(List.of(), violations));
            ctx.completeNow();
          });
        });
  }

  private static boolean disjoint(Set<Integer> a, Set<Integer> b) {
    Set<Integer> both = new HashSet<>(a);
    both.retainAll(b);
    return both.isEmpty();
  }

  /** Completes when {@code condition} holds (checked every 50 ms), fails after {@code timeoutMs}. */
  private static Future<Void> until(Vertx vertx, BooleanSupplier condition, long timeoutMs) {
    Promise<Void> p = Promise.promise();
    long deadline = System.currentTimeMillis() + timeoutMs;
    vertx.setPeriodic(50, id -> {
      if (condition.getAsBoolean()) {
        vertx.cancelTimer(id);
        p.tryComplete();
      } else if (System.currentTimeMillis() > deadline) {
        vertx.cancelTimer(id);
        p.tryFail("condition not met within " + timeoutMs + " ms");
      }
    });
    return p.future();
  }

  private static Future<Vertx> clustered(int port) {
    Config cfg = new Config();
    cfg.setClusterName("quote-cluster-test");
    cfg.setProperty("hazelcast.max.no.heartbeat.seconds", "4");
    cfg.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    cfg.setProperty("hazelcast.logging.type", "slf4j");
    cfg.setProperty("hazelcast.phone.home.enabled", "false");
    NetworkConfig net = cfg.getNetworkConfig();
    net.setPort(port).setPortAutoIncrement(false);
    net.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + PORT_A).addMember("127.0.0.1:" + PORT_B);
    VertxOptions options = new VertxOptions()
        .setEventBusOptions(new EventBusOptions().setHost("127.0.0.1").setPort(0));
    return Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(cfg)).buildClustered();
  }
}

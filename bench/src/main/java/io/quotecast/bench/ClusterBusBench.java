package io.quotecast.bench;

import com.hazelcast.config.Config;
import io.quotecast.common.Publication;
import io.quotecast.common.PublicationCodec;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Publications per second through the clustered event bus between two processes: a consumer node and a producer node
 * join a Hazelcast cluster on 127.0.0.1; the producer publishes {@link Publication}s (a real quote payload, our
 * codec) to one address at rising target rates; the consumer counts them and records publish-to-receive latency
 * (System.nanoTime is CLOCK_MONOTONIC, shared by processes on one machine).
 *
 * <pre>
 * java -cp app/target/quotecast.jar:bench/target/quotecast-bench.jar io.quotecast.bench.ClusterBusBench consumer PORT PEER
 * java -cp ... io.quotecast.bench.ClusterBusBench producer PORT PEER [seconds-per-step] [rate,rate,...]
 * </pre>
 * bench/scripts/cluster-bus.sh runs both.
 */
public final class ClusterBusBench {
  static final String ADDRESS = "md.quote.600519.SH";
  static final String STATS = "bench.bus.stats";
  static final String PAYLOAD = "{\"symbol\":\"600519.SH\",\"name\":\"贵州茅台\",\"phase\":\"continuous\",\"last\":\"1523.50\","
      + "\"open\":\"1510.00\",\"high\":\"1530.00\",\"low\":\"1505.20\",\"preClose\":\"1508.00\",\"change\":\"15.50\","
      + "\"changePct\":\"1.03\",\"volume\":1234500,\"amount\":\"1880000000.00\",\"bids\":[[\"1523.40\",300],"
      + "[\"1523.30\",500],[\"1523.20\",200],[\"1523.10\",900],[\"1523.00\",1200]],\"asks\":[[\"1523.50\",100],"
      + "[\"1523.60\",400],[\"1523.70\",800],[\"1523.80\",300],[\"1523.90\",700]],\"limitUp\":\"1658.80\","
      + "\"limitDown\":\"1357.20\",\"time\":1764000000000}";

  private ClusterBusBench() {}

  public static void main(String[] args) throws Exception {
    String role = args[0];
    int port = Integer.parseInt(args[1]);
    int peer = Integer.parseInt(args[2]);
    Vertx vertx = clustered(port, peer);
    vertx.eventBus().registerDefaultCodec(Publication.class, new PublicationCodec());
    if (role.equals("consumer")) {
      consume(vertx);
    } else {
      int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
      String rates = args.length > 4 ? args[4] : "20000,50000,100000,200000,400000";
      produce(vertx, seconds, rates);
      vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      System.exit(0);
    }
  }

  static Vertx clustered(int port, int peer) throws Exception {
    Config hz = new Config().setClusterName("quotecast-bench");
    hz.setProperty("hazelcast.logging.type", "none");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.getNetworkConfig().setPort(port).setPortAutoIncrement(false).setPublicAddress("127.0.0.1");
    hz.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    hz.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
    hz.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true)
        .addMember("127.0.0.1:" + port).addMember("127.0.0.1:" + peer);
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setHost("127.0.0.1");
    return Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(hz)).buildClustered()
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  static void consume(Vertx vertx) {
    Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    long[] count = {0};
    vertx.eventBus().<Publication>consumer(ADDRESS, m -> {
      count[0]++;
      latency.recordValue(Math.max(0, (System.nanoTime() - m.body().sourceTime()) / 1000));
    });
    vertx.eventBus().<JsonObject>consumer(STATS, m -> {
      m.reply(new JsonObject().put("received", count[0])
          .put("p50us", latency.getValueAtPercentile(50)).put("p99us", latency.getValueAtPercentile(99))
          .put("maxUs", latency.getMaxValue()));
      count[0] = 0;
      latency.reset();
    });
    System.out.println("consumer ready");
  }

  static void produce(Vertx vertx, int seconds, String rates) throws Exception {
    // wait for the consumer's registration to reach this node
    for (int i = 0; i < 120; i++) {
      try {
        vertx.eventBus().request(STATS, new JsonObject()).toCompletionStage().toCompletableFuture()
            .get(1, TimeUnit.SECONDS);
        break;
      } catch (Exception notYet) {
        Thread.sleep(500);
      }
    }
    JsonArray results = new JsonArray();
    for (String r : rates.split(",")) {
      int rate = Integer.parseInt(r.trim());
      long[] sent = {0};
      long[] seq = {0};
      long start = System.nanoTime();
      long end = start + TimeUnit.SECONDS.toNanos(seconds);
      // 1 ms timer; each tick catches up to the target count (timer jitter does not lower the rate), but by at most
      // 20 ms worth: the event bus has no flow control, so a producer past the link's capacity would only queue
      // without bound — then "sent" falls short of the target, which is the measurement.
      long maxBurst = Math.max(1, rate / 50);
      long timer = vertx.setPeriodic(1, id -> {
        long now = System.nanoTime();
        long due = Math.min(now, end) - start;
        long target = due * rate / 1_000_000_000L;
        for (long burst = 0; sent[0] < target && burst < maxBurst; burst++) {
          vertx.eventBus().publish(ADDRESS, new Publication("quote:600519.SH", ++seq[0], "bench1",
              System.nanoTime(), PAYLOAD));
          sent[0]++;
        }
      });
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
      vertx.cancelTimer(timer);
      Thread.sleep(1000); // let the tail arrive
      JsonObject stats = vertx.eventBus().<JsonObject>request(STATS, new JsonObject()).toCompletionStage()
          .toCompletableFuture().get(10, TimeUnit.SECONDS).body();
      double elapsed = seconds;
      JsonObject row = new JsonObject().put("targetPerSecond", rate).put("sent", sent[0])
          .put("received", stats.getLong("received"))
          .put("receivedPerSecond", Math.round(stats.getLong("received") / elapsed))
          .put("p50ms", stats.getLong("p50us") / 1000.0).put("p99ms", stats.getLong("p99us") / 1000.0)
          .put("maxMs", stats.getLong("maxUs") / 1000.0);
      System.out.println(row.encode());
      results.add(row);
    }
    System.out.println("RESULTS " + results.encode());
  }
}

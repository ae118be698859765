package io.quotecast.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The node's registry, latency histogram and event-loop lag probe, without deploying anything. */
class NodeMetricsTest {

  private static Settings settings(Object buckets) {
    JsonObject config = new JsonObject().put("node", new JsonObject().put("id", "n-9"));
    if (buckets != null) {
      config.put("metrics", new JsonObject().put("latencyBucketsMs", buckets));
    }
    return new Settings(config);
  }

  @Test
  void latencyBucketsAreIncreasingPositiveMillisecondsOrTheKeyIsNamed() {
    assertEquals(NodeMetrics.DEFAULT_LATENCY_BUCKETS_MS, NodeMetrics.latencyBucketsMs(settings(null)));
    assertEquals(List.of(1L, 5L, 10L), NodeMetrics.latencyBucketsMs(settings(" 1, 5,10 ")));
    for (String bad : List.of("", "5,1", "1,1", "0,1", "-1", "x", "1.5")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> NodeMetrics.latencyBucketsMs(settings(bad)), bad);
      assertTrue(e.getMessage().startsWith("config key metrics.latencyBucketsMs:"), e.getMessage());
    }
  }

  @Test
  void oneRegistryPerNodeTaggedWithTheNodeAndTheLatencyHistogramIsCumulative() throws Exception {
    Vertx a = Vertx.vertx();
    Vertx b = Vertx.vertx();
    try {
      PrometheusMeterRegistry registry = NodeMetrics.newRegistry("n-9");
      NodeMetrics installed = NodeMetrics.install(a, registry, false, settings("1,5,100"));
      assertSame(installed, NodeMetrics.of(a), "found again through the node's local map");
      assertSame(registry, NodeMetrics.of(a).registry());
      assertNotSame(installed, NodeMetrics.of(b), "another Vert.x instance is another node");

      installed.latency(ChannelType.QUOTE).record(3, TimeUnit.MILLISECONDS);
      installed.latency(ChannelType.TRADE).record(50, TimeUnit.MILLISECONDS);
      installed.latency(ChannelType.KLINE).record(10, TimeUnit.SECONDS);
      installed.latency(ChannelType.QUOTE).record(1, TimeUnit.MILLISECONDS);
      // per finite bucket (<=1, <=5, <=100 ms) the count at or below it, then the total
      assertEquals(List.of(1L, 2L, 3L, 4L), toList(installed.latencyCounts()));
      String scrape = registry.scrape();
      assertTrue(scrape.contains("quotecast_latency_seconds_bucket{node=\"n-9\",type=\"quote\",le=\"0.005\"} 2"),
          scrape);
      assertTrue(scrape.contains("quotecast_latency_seconds_count{node=\"n-9\",type=\"kline\"} 1"), scrape);
    } finally {
      a.close().await();
      b.close().await();
    }
  }

  @Test
  void theLagProbeWatchesEveryEventLoopAndSeesOneThatIsStuck() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(4));
    try {
      EventLoopLag lag = NodeMetrics.of(vertx).eventLoopLag();
      List<EventExecutor> loops = new ArrayList<>();
      ((VertxInternal) vertx).nettyEventLoopGroup().forEach(loops::add);
      assertEquals(4, loops.size());
      assertEquals(4, lag.loops(), "a probe per event loop");
      Thread.sleep(300);
      assertTrue(lag.maxMs() < 250, "idle loops are not late: " + lag.maxMs());
      // Block the last loop, not the first: a probe on one loop only would miss it.
      CountDownLatch blocked = new CountDownLatch(1);
      loops.get(3).execute(() -> {
        blocked.countDown();
        sleep(700);
      });
      assertTrue(blocked.await(2, TimeUnit.SECONDS));
      Thread.sleep(450);
      long during = lag.maxMs();
      assertTrue(during >= 250, "a loop stuck right now shows while it is stuck: " + during);
      Thread.sleep(500);
      assertTrue(lag.maxMs() >= 400, "and after it ran again: " + lag.maxMs());
      String scrape = NodeMetrics.of(vertx).registry().scrape();
      assertTrue(scrape.contains("quotecast_event_loops{node=\"local\"} 4.0"), scrape);
      assertTrue(scrape.contains("quotecast_event_loop_lag_max_seconds"), scrape);
      assertTrue(scrape.contains("quotecast_event_loop_lag_seconds_bucket{node=\"local\",le=\"1.0\"}"), scrape);
    } finally {
      vertx.close().await();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<Long> toList(long[] a) {
    List<Long> out = new ArrayList<>();
    for (long v : a) {
      out.add(v);
    }
    return out;
  }
}

package io.quotecast.common;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The node's meter registry (Prometheus) and the meters the roles record into directly: the source-to-client latency
 * timers the gateway feeds use, and the event-loop lag probe. One per Vert.x instance, found through a local map.
 *
 * <p>In production {@code ClusterBoot} creates the registry before Vert.x, hands it to Vert.x's own Micrometer
 * metrics (HTTP server, pools) and {@linkplain #install installs} it. A Vert.x built without metrics (the in-JVM
 * tests' {@code Vertx.vertx()}) gets a registry of its own on first use ({@link #of}), so the quotecast meters and
 * {@code /metrics} work the same, only without Vert.x's meters.
 */
public final class NodeMetrics implements Shareable {
  private static final String KEY = "metrics";
  /** Default latency buckets (ms): fine where the service should be (a few ms), coarse where it should not. */
  public static final List<Long> DEFAULT_LATENCY_BUCKETS_MS =
      List.of(1L, 2L, 5L, 10L, 20L, 50L, 100L, 200L, 500L, 1000L, 2000L, 5000L);

  private final PrometheusMeterRegistry registry;
  private final boolean vertxMetrics;
  private final String nodeName;
  private final double[] latencyBoundsMs;
  private final Timer[] latency = new Timer[ChannelType.values().length];
  private final EventLoopLag lag;

  private NodeMetrics(Vertx vertx, PrometheusMeterRegistry registry, boolean vertxMetrics, String nodeName,
                      List<Long> bucketsMs) {
    this.registry = registry;
    this.vertxMetrics = vertxMetrics;
    this.nodeName = nodeName;
    this.latencyBoundsMs = bucketsMs.stream().mapToDouble(Long::doubleValue).toArray();
    Duration[] slos = bucketsMs.stream().map(Duration::ofMillis).toArray(Duration[]::new);
    for (ChannelType type : ChannelType.values()) {
      latency[type.ordinal()] = Timer.builder(MetricNames.LATENCY)
          .description("Source-to-client latency: a publication's source time to the gateway writing it to its "
              + "realtime subscribers, once per publication per gateway feed")
          .tag(MetricNames.TAG_TYPE, type.wire())
          .serviceLevelObjectives(slos)
          .register(registry);
    }
    this.lag = new EventLoopLag(((VertxInternal) vertx).nettyEventLoopGroup(), registry);
  }

  /** A fresh registry whose every meter carries {@code node=<node.id>}. */
  public static PrometheusMeterRegistry newRegistry(String nodeName) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags(MetricNames.TAG_NODE, nodeName);
    return registry;
  }

  /**
   * Makes {@code registry} (made by {@link #newRegistry}, already feeding Vert.x's own metrics when
   * {@code vertxMetrics}) the node's registry. Call once, right after building Vert.x and before deploying.
   */
  public static synchronized NodeMetrics install(Vertx vertx, PrometheusMeterRegistry registry, boolean vertxMetrics,
                                                 Settings settings) {
    LocalMap<String, NodeMetrics> map = vertx.sharedData().getLocalMap(Addresses.NODE_METRICS);
    NodeMetrics existing = map.get(KEY);
    if (existing != null) {
      return existing;
    }
    NodeMetrics metrics = new NodeMetrics(vertx, registry, vertxMetrics, nodeName(settings), latencyBucketsMs(settings));
    map.put(KEY, metrics);
    metrics.lag.start();
    return metrics;
  }

  /**
   * The node's metrics: the installed ones, else (Vert.x built without metrics) a registry created now with the
   * settings of the calling verticle's config, or the defaults outside a verticle.
   */
  public static synchronized NodeMetrics of(Vertx vertx) {
    NodeMetrics existing = vertx.sharedData().<String, NodeMetrics>getLocalMap(Addresses.NODE_METRICS).get(KEY);
    if (existing != null) {
      return existing;
    }
    Context context = Vertx.currentContext();
    JsonObject config = context == null ? null : context.config();
    Settings settings = new Settings(config == null ? new JsonObject() : config);
    return install(vertx, newRegistry(nodeName(settings)), false, settings);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Whether Vert.x's own meters (HTTP server, pools) are in {@link #registry()} too. */
  public boolean vertxMetrics() {
    return vertxMetrics;
  }

  /** The {@code node} tag of every meter. */
  public String nodeName() {
    return nodeName;
  }

  /** The source-to-client latency timer of one channel type (record once per publication per feed). */
  public Timer latency(ChannelType type) {
    return latency[type.ordinal()];
  }

  public EventLoopLag eventLoopLag() {
    return lag;
  }

  /** Upper bounds (ms) of the latency histogram's finite buckets. */
  public double[] latencyBoundsMs() {
    return latencyBoundsMs.clone();
  }

  /**
   * The latency histogram of all channel types together, cumulative since start: per finite bucket of
   * {@link #latencyBoundsMs()} the count of recordings at or below it, then the total count (the +Inf bucket).
   */
  public long[] latencyCounts() {
    long[] out = new long[latencyBoundsMs.length + 1];
    for (Timer timer : latency) {
      HistogramSnapshot snapshot = timer.takeSnapshot();
      CountAtBucket[] buckets = snapshot.histogramCounts();
      for (int i = 0; i < buckets.length && i < latencyBoundsMs.length; i++) {
        out[i] += (long) buckets[i].count();
      }
      out[latencyBoundsMs.length] += snapshot.count();
    }
    return out;
  }

  /** {@code node.id}, or {@code local} where the config has none (unit tests). */
  static String nodeName(Settings settings) {
    Object name = settings.get(ConfigKeys.NODE_ID);
    return name == null ? "local" : String.valueOf(name);
  }

  /**
   * {@code metrics.latencyBucketsMs}: comma-separated, strictly increasing positive milliseconds (the defaults where
   * the config has no such key). Fails naming the key otherwise.
   */
  public static List<Long> latencyBucketsMs(Settings settings) {
    Object value = settings.get(ConfigKeys.METRICS_LATENCY_BUCKETS_MS);
    if (value == null) {
      return DEFAULT_LATENCY_BUCKETS_MS;
    }
    List<Long> out = new ArrayList<>();
    String text = value instanceof Iterable<?> list ? String.join(",", toStrings(list)) : String.valueOf(value);
    try {
      for (String part : text.split(",")) {
        if (!part.isBlank()) {
          long ms = Long.parseLong(part.trim());
          if (ms <= 0 || (!out.isEmpty() && ms <= out.get(out.size() - 1))) {
            throw new NumberFormatException();
          }
          out.add(ms);
        }
      }
    } catch (NumberFormatException e) {
      out.clear();
    }
    if (out.isEmpty() || out.size() > 50) {
      throw new IllegalArgumentException("config key " + ConfigKeys.METRICS_LATENCY_BUCKETS_MS
          + ": expected 1 to 50 increasing positive milliseconds, comma-separated (e.g. \"1,5,10,50,100\"), got '"
          + text + "'");
    }
    return List.copyOf(out);
  }

  private static List<String> toStrings(Iterable<?> list) {
    List<String> out = new ArrayList<>();
    list.forEach(o -> out.add(String.valueOf(o)));
    return out;
  }
}

package io.quotecast.monitor;

import io.quotecast.common.Addresses;
import io.quotecast.common.GatewayCounters;
import io.quotecast.common.MessageTypes;
import io.quotecast.common.NodeMetrics;
import io.quotecast.common.cluster.ClusterView;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;

/**
 * Publishes this node's {@link NodeFigures} on {@link Addresses#NODE_FIGURES} every {@value #INTERVAL_MS} ms, to
 * every monitor of the cluster (this one included). The first figures go out at start, without rates.
 */
final class FiguresPublisher {
  static final long INTERVAL_MS = 1000;
  /** This node's data sources must answer well within the interval, or the figures go out without them. */
  private static final long SOURCES_TIMEOUT_MS = 500;

  private final Vertx vertx;
  private final NodeMetrics metrics;
  private final GatewayCounters counters;
  private final double[] boundsMs;
  private NodeFigures.Reading last;
  private long timer = -1;
  private boolean busy;

  FiguresPublisher(Vertx vertx, NodeMetrics metrics, GatewayCounters counters) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.counters = counters;
    this.boundsMs = metrics.latencyBoundsMs();
  }

  void start() {
    timer = vertx.setPeriodic(INTERVAL_MS, id -> tick());
    tick();
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void tick() {
    if (busy) {
      return; // the sources have not answered the previous tick yet
    }
    busy = true;
    localSources().onComplete(ar -> {
      busy = false;
      vertx.eventBus().publish(Addresses.NODE_FIGURES, figures(ar.succeeded() ? ar.result() : new JsonArray()));
    });
  }

  /** The states of this node's own data sources (none when the node has no quote role). */
  private Future<JsonArray> localSources() {
    return vertx.eventBus().<JsonArray>request(Addresses.SOURCE_STATES, new JsonObject(),
            new DeliveryOptions().setLocalOnly(true).setSendTimeout(SOURCES_TIMEOUT_MS))
        .map(reply -> reply.body()).otherwise(new JsonArray());
  }

  /** This node's figures now, with the rates since the previous call. */
  JsonObject figures(JsonArray sources) {
    long now = System.currentTimeMillis();
    GatewayCounters c = counters;
    NodeFigures.Reading reading = new NodeFigures.Reading(now, c.messagesIn.sum(), c.messagesOut.sum(),
        c.bytesIn.sum(), c.bytesOut.sum(), metrics.latencyCounts(), processCpuNanos(),
        Runtime.getRuntime().availableProcessors());
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    JsonObject levels = new JsonObject()
        .put("node", ClusterView.of(vertx).nodeId())
        .put("name", metrics.nodeName())
        .put("at", now)
        .put("draining", io.quotecast.common.cluster.NodeState.of(vertx).draining())
        .put("connections", c.connections.get())
        .put("connectionsByTier", new JsonObject(new java.util.LinkedHashMap<>(c.connectionsByTier())))
        .put("subscriptions", c.subscriptions.get())
        .put("subscriptionsByType", c.subscriptionsByTypeJson())
        .put("feeds", c.feeds.get())
        .put("conflated", c.conflated.sum())
        .put("dropped", c.dropped.sum())
        .put("slowConsumerCloses", c.closes(MessageTypes.CLOSE_SLOW_CONSUMER).sum())
        .put("authFailures", NodeMeters.authFailures(c))
        .put("rateLimitRefusals", NodeMeters.rateLimitRefusals(c))
        .put("heapUsedBytes", heap.getUsed())
        .put("heapMaxBytes", heap.getMax())
        .put("directBytes", NodeMeters.directBytes())
        .put("eventLoopLagMs", metrics.eventLoopLag().maxMs())
        .put("eventLoops", metrics.eventLoopLag().loops())
        .put("overload", overload())
        .put("sources", sources);
    JsonObject figures = NodeFigures.of(levels, last, reading, boundsMs);
    last = reading;
    return figures;
  }

  /**
   * The node's overload state as its gateway last decided it ({@link Addresses#OVERLOAD_STATE_MAP}), without the
   * settings and the change history ({@code GET /admin/overload} has them); null on a node without the gateway role.
   */
  private JsonObject overload() {
    Object state = vertx.sharedData().getLocalMap(Addresses.OVERLOAD_STATE_MAP).get("state");
    if (!(state instanceof JsonObject s)) {
      return null;
    }
    s.remove("settings");
    s.remove("transitions");
    return s;
  }

  /**
   * CPU time the process used so far, -1 when the JVM does not tell. (Not getProcessCpuLoad: that measures since
   * its previous call by anyone, and the Prometheus binder calls it too.)
   */
  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }
}

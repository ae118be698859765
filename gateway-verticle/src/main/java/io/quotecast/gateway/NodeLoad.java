package io.quotecast.gateway;

import io.quotecast.common.ConfigKeys;
import io.quotecast.common.GatewayCounters;
import io.quotecast.common.Settings;
import io.quotecast.common.cluster.ClusterView;
import io.quotecast.common.cluster.GatewayLoad;
import io.quotecast.common.cluster.NodeState;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;

/** This node's load as the fleet sees it ({@link GatewayLoad}), read from the node's counters and state. */
final class NodeLoad {
  private final ClusterView cluster;
  private final NodeState state;
  private final GatewayCounters counters;
  final String name;
  final String url;
  final int maxConnections;

  NodeLoad(Vertx vertx, Settings settings) {
    this.cluster = ClusterView.of(vertx);
    this.state = NodeState.of(vertx);
    this.counters = GatewayCounters.of(vertx);
    this.name = settings.getString(ConfigKeys.NODE_ID);
    this.url = PublicUrl.of(settings);
    this.maxConnections = settings.getInt(ConfigKeys.LIMITS_CONNECTIONS_PER_NODE);
  }

  String nodeId() {
    return cluster.nodeId();
  }

  boolean draining() {
    return state.draining();
  }

  long connections() {
    return counters.connections.get();
  }

  /** The load now; {@code eventLoopLagMs} and {@code overloadLevel} come from the caller, which measures them. */
  GatewayLoad now(long eventLoopLagMs, int overloadLevel) {
    int connections = (int) Math.min(Integer.MAX_VALUE, counters.connections.get());
    String s = state.draining() ? GatewayLoad.DRAINING
        : connections >= maxConnections ? GatewayLoad.FULL : GatewayLoad.READY;
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    return new GatewayLoad(cluster.nodeId(), name, url, connections, maxConnections, processCpu(), heap.getUsed(),
        heap.getMax(), eventLoopLagMs, s, System.currentTimeMillis(), overloadLevel);
  }

  /** The process's recent CPU load, 0..1, or -1 where the JVM does not tell. */
  static double processCpu() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      double load = sun.getProcessCpuLoad();
      return Double.isNaN(load) ? -1 : load;
    }
    return -1;
  }
}

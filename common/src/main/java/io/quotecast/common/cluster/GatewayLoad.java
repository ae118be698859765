package io.quotecast.common.cluster;

import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * One gateway node's load as it publishes it to {@link io.quotecast.common.Addresses#GATEWAY_LOAD_MAP} every
 * {@code cluster.loadIntervalMs}: what the endpoints list, admission answers and rebalancing compare.
 *
 * @param node cluster node id
 * @param name the node's configured {@code node.id}, for people
 * @param url WebSocket URL clients use to reach it ({@code gateway.publicUrl})
 * @param connections open client connections
 * @param maxConnections {@code limits.connectionsPerNode}
 * @param cpu process CPU load, 0..1 (negative when unknown)
 * @param heapUsed bytes
 * @param heapMax bytes
 * @param eventLoopLagMs how late a 100 ms timer fired, at most over the last interval
 * @param state {@value #READY}, {@value #DRAINING} or {@value #FULL}
 * @param updatedAt epoch ms of this report
 * @param overloadLevel the node's overload level (README "Overload"; 0 = normal): a node that is slowing, refusing
 *     or shedding its clients is the last place to send more
 */
public record GatewayLoad(String node, String name, String url, int connections, int maxConnections, double cpu,
                          long heapUsed, long heapMax, long eventLoopLagMs, String state, long updatedAt,
                          int overloadLevel) {
  public static final String READY = "ready";
  public static final String DRAINING = "draining";
  public static final String FULL = "full";

  /**
   * Least loaded first: accepting nodes before full or draining ones, then the less overloaded, then by connection
   * share, then CPU.
   */
  public static final Comparator<GatewayLoad> LEAST_LOADED_FIRST = Comparator
      .comparing((GatewayLoad l) -> !l.accepting())
      .thenComparingInt(GatewayLoad::overloadLevel)
      .thenComparingDouble(GatewayLoad::share)
      .thenComparingDouble(GatewayLoad::cpu)
      .thenComparing(GatewayLoad::node);

  /** A node that is not overloaded (or does not say). */
  public GatewayLoad(String node, String name, String url, int connections, int maxConnections, double cpu,
                     long heapUsed, long heapMax, long eventLoopLagMs, String state, long updatedAt) {
    this(node, name, url, connections, maxConnections, cpu, heapUsed, heapMax, eventLoopLagMs, state, updatedAt, 0);
  }

  /** Whether it takes new connections. */
  public boolean accepting() {
    return READY.equals(state) && connections < maxConnections;
  }

  /** Connections as a fraction of the node's limit. */
  public double share() {
    return maxConnections <= 0 ? 1.0 : (double) connections / maxConnections;
  }

  public static List<GatewayLoad> leastLoadedFirst(Collection<GatewayLoad> loads) {
    return loads.stream().sorted(LEAST_LOADED_FIRST).toList();
  }

  public JsonObject toJson() {
    return new JsonObject().put("node", node).put("name", name).put("url", url).put("connections", connections)
        .put("maxConnections", maxConnections).put("cpu", cpu).put("heapUsed", heapUsed).put("heapMax", heapMax)
        .put("eventLoopLagMs", eventLoopLagMs).put("state", state).put("updatedAt", updatedAt)
        .put("overloadLevel", overloadLevel);
  }

  public static GatewayLoad fromJson(JsonObject j) {
    return new GatewayLoad(j.getString("node"), j.getString("name"), j.getString("url"),
        j.getInteger("connections", 0), j.getInteger("maxConnections", 0), j.getDouble("cpu", -1.0),
        j.getLong("heapUsed", 0L), j.getLong("heapMax", 0L), j.getLong("eventLoopLagMs", 0L),
        j.getString("state", READY), j.getLong("updatedAt", 0L), j.getInteger("overloadLevel", 0));
  }
}

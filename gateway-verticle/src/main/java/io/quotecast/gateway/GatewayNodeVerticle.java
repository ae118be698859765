package io.quotecast.gateway;

import io.quotecast.common.Addresses;
import io.quotecast.common.ConfigKeys;
import io.quotecast.common.EventLoopLag;
import io.quotecast.common.NodeMetrics;
import io.quotecast.common.Settings;
import io.quotecast.common.cluster.ClusterView;
import io.quotecast.common.cluster.GatewayLoad;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway role's per-node duties, deployed once per node after the {@link GatewayVerticle} instances: every
 * {@code cluster.loadIntervalMs} it publishes this node's {@link GatewayLoad} to the cluster
 * ({@link Addresses#GATEWAY_LOAD_MAP}, with a TTL so a dead node's entry expires), reads every node's back into the
 * {@link Fleet} table the instances use, and runs the {@link RebalancePlanner}, telling the instances (on a node-local
 * address) what fraction of their sessions to ask to move. On the same beat it decides the node's overload level
 * ({@link NodeOverload}), which every instance applies to its own sessions ({@link OverloadGuard}).
 */
public final class GatewayNodeVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayNodeVerticle.class);

  private ClusterView cluster;
  private NodeLoad self;
  private RebalancePlanner planner;
  private AsyncMap<String, JsonObject> loads;
  private long intervalMs;
  private long spreadMs;
  private long loadTimer = -1;
  /** Lag of every event loop of the node (a gateway instance runs on each), not only this verticle's. */
  private EventLoopLag lag;
  private boolean reporting;
  /** The node's overload level, decided here once per node and applied by every instance. */
  private NodeOverload overload;

  /** Node-local address on which the gateway instances of {@code nodeId} take rebalance requests. */
  static String rebalanceAddress(String nodeId) {
    return "quotecast.gateway.rebalance." + nodeId;
  }

  @Override
  public Future<?> start() {
    Settings settings = new Settings(config());
    cluster = ClusterView.of(vertx);
    self = new NodeLoad(vertx, settings);
    intervalMs = settings.getLong(ConfigKeys.CLUSTER_LOAD_INTERVAL_MS);
    spreadMs = settings.getLong(ConfigKeys.CLUSTER_REBALANCE_SPREAD_MS);
    planner = new RebalancePlanner(settings.getDouble(ConfigKeys.CLUSTER_REBALANCE_THRESHOLD),
        settings.getInt(ConfigKeys.CLUSTER_REBALANCE_PER_SECOND), spreadMs,
        settings.getInt(ConfigKeys.CLUSTER_REBALANCE_MIN_CONNECTIONS), intervalMs);
    lag = NodeMetrics.of(vertx).eventLoopLag();
    overload = new NodeOverload(vertx, settings, lag);
    return overload.start()
        .compose(v -> vertx.sharedData().<String, JsonObject>getAsyncMap(Addresses.GATEWAY_LOAD_MAP))
        .compose(map -> {
          loads = map;
          loadTimer = vertx.setPeriodic(intervalMs, id -> {
            overload.tick(); // local and quick: not held up by a slow cluster, unlike the report
            report();
          });
          return report();
        });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(loadTimer);
    Future<Void> overloadStopped = overload == null ? Future.succeededFuture() : overload.stop();
    // The fleet table stays: gateway instances stopping after this verticle still name the other nodes in notices.
    if (loads == null) {
      return overloadStopped;
    }
    // Leave the list at once rather than when the TTL expires; a failure (cluster already gone) is harmless.
    return Future.all(overloadStopped, loads.remove(self.nodeId()).otherwiseEmpty());
  }

  /** Publishes this node's load, refreshes the fleet table from everyone's, and plans a rebalancing step. */
  private Future<Void> report() {
    if (reporting) {
      return Future.succeededFuture(); // the cluster is slow; the next tick tries again
    }
    reporting = true;
    GatewayLoad mine = self.now(lag.maxMs(), overload.levelNumber());
    // Dead nodes drop out by membership at once; the TTL only clears entries of nodes that stopped reporting while
    // still members, so it is generous enough that a busy node's late report never makes it vanish from the list.
    return loads.put(mine.node(), mine.toJson(), Math.max(10 * intervalMs, 5000))
        .compose(v -> loads.entries())
        .map(entries -> {
          List<GatewayLoad> fleet = fleet(mine, entries);
          Fleet.store(vertx, fleet);
          rebalance(mine, fleet);
          return (Void) null;
        })
        .onFailure(failure -> LOG.warn("could not publish or read gateway loads: {}", failure.getMessage()))
        .otherwiseEmpty()
        .andThen(done -> reporting = false);
  }

  /** Every live member's load (entries of departed nodes may linger until their TTL), this node's as just measured. */
  private List<GatewayLoad> fleet(GatewayLoad mine, Map<String, JsonObject> entries) {
    Set<String> members = new HashSet<>(cluster.members());
    List<GatewayLoad> fleet = new ArrayList<>();
    fleet.add(mine);
    entries.forEach((node, json) -> {
      if (!node.equals(mine.node()) && members.contains(node) && json != null) {
        fleet.add(GatewayLoad.fromJson(json));
      }
    });
    fleet.sort(GatewayLoad.LEAST_LOADED_FIRST);
    return fleet;
  }

  private void rebalance(GatewayLoad mine, List<GatewayLoad> fleet) {
    RebalancePlanner.Step step = planner.tick(System.currentTimeMillis(), mine.node(), fleet);
    if (step.ask() <= 0 || mine.connections() <= 0) {
      return;
    }
    double fraction = Math.min(1.0, step.ask() / (double) mine.connections());
    LOG.info("rebalancing: {} connections here, asking {} to move to {}", mine.connections(), step.ask(),
        step.endpoints());
    JsonObject request = new JsonObject().put("fraction", fraction).put("spreadMs", spreadMs)
        .put("endpoints", new JsonArray(step.endpoints()));
    vertx.eventBus().publish(rebalanceAddress(mine.node()), request, new DeliveryOptions().setLocalOnly(true));
  }
}

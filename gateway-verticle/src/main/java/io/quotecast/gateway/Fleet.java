package io.quotecast.gateway;

import io.quotecast.common.cluster.GatewayLoad;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway nodes' loads as this node last read them from the cluster: {@link GatewayNodeVerticle} refreshes the
 * table every {@code cluster.loadIntervalMs}; the gateway instances read it for endpoints, admission and notices.
 * This node is always in it, measured now, so the answers hold before the first refresh and without a cluster.
 */
final class Fleet {
  /** Local map holding the table under {@value #KEY}. */
  static final String MAP = "quotecast.gateway.fleet";
  private static final String KEY = "loads";

  private final LocalMap<String, Table> map;
  private final NodeLoad self;

  Fleet(Vertx vertx, NodeLoad self) {
    this.map = vertx.sharedData().getLocalMap(MAP);
    this.self = self;
  }

  /** Immutable, so the local map hands it out without copying. */
  record Table(List<GatewayLoad> loads) implements Shareable {
  }

  static void store(Vertx vertx, List<GatewayLoad> loads) {
    vertx.sharedData().<String, Table>getLocalMap(MAP).put(KEY, new Table(List.copyOf(loads)));
  }

  /** Every known gateway node's load, least loaded first; this node's entry is current. */
  /** The WebSocket URLs of every gateway node in the last table (cheap: no measurement of this node). */
  List<String> urls() {
    Table table = map.get(KEY);
    return table == null ? List.of() : table.loads().stream().map(GatewayLoad::url).toList();
  }

  List<GatewayLoad> loads() {
    Table table = map.get(KEY);
    List<GatewayLoad> loads = new ArrayList<>();
    String me = self.nodeId();
    long lag = 0;
    int overloadLevel = 0;
    if (table != null) {
      for (GatewayLoad l : table.loads()) {
        if (l.node().equals(me)) {
          lag = l.eventLoopLagMs();
          overloadLevel = l.overloadLevel();
        } else {
          loads.add(l);
        }
      }
    }
    loads.add(self.now(lag, overloadLevel));
    loads.sort(GatewayLoad.LEAST_LOADED_FIRST);
    return loads;
  }

  /** The other nodes that accept connections, least loaded first. */
  List<String> alternatives() {
    return Admission.alternatives(loads(), self.nodeId());
  }

  /** Whether this node takes one more connection, {@code connections} being its current count. */
  Admission admit(long connections) {
    boolean draining = self.draining();
    if (!draining && connections < self.maxConnections) {
      return new Admission(true, false, connections, self.maxConnections, List.of()); // the hot path: no table read
    }
    return Admission.decide(draining, connections, self.maxConnections, loads(), self.nodeId());
  }
}

package io.quotecast.common.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.ArrayList;
import java.util.List;

/**
 * Who is in the cluster, as the cluster manager (Hazelcast) sees it: this node's id and the live members. A member
 * that leaves or is declared dead ({@code cluster.memberTimeoutSeconds}) drops out of {@link #members()}, which is
 * what lets another node take its work over. Not clustered: one member, {@value #LOCAL}.
 *
 * <p>Vert.x has no public accessor for the cluster manager, hence {@link VertxInternal}; re-check on upgrades. Vert.x
 * keeps the manager's single node listener for itself, so callers poll {@link #members()} (a local read).
 */
public final class ClusterView {
  public static final String LOCAL = "local";

  private final ClusterManager manager;

  private ClusterView(ClusterManager manager) {
    this.manager = manager;
  }

  public static ClusterView of(Vertx vertx) {
    return new ClusterView(vertx.isClustered() ? ((VertxInternal) vertx).clusterManager() : null);
  }

  public boolean clustered() {
    return manager != null;
  }

  /** This node's id: the cluster manager's (a UUID) when clustered, else {@value #LOCAL}. */
  public String nodeId() {
    return manager == null ? LOCAL : manager.getNodeId();
  }

  /** Live member ids, sorted, this node included; empty while the node is not (or no longer) an active member. */
  public List<String> members() {
    if (manager == null) {
      return List.of(LOCAL);
    }
    if (!manager.isActive()) {
      return List.of();
    }
    List<String> nodes = new ArrayList<>(manager.getNodes());
    nodes.sort(null);
    return nodes;
  }

  /** Whether this node is an active member (always, when not clustered). */
  public boolean active() {
    return manager == null || manager.isActive();
  }
}

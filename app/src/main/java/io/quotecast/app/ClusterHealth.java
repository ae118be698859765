package io.quotecast.app;

import com.hazelcast.core.HazelcastInstance;
import io.quotecast.common.cluster.ClusterView;
import io.quotecast.common.cluster.NodeState;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports the node's cluster readiness ({@code cluster} in {@code /health/ready}) every {@value #PERIOD_MS} ms. A
 * joining node becomes ready once it is an active member and Hazelcast has called the cluster safe (its partitions and
 * backups in place). After that only losing membership makes it unready: every scale event migrates partitions, and
 * marking every node unready meanwhile would leave a Service without endpoints. Deployed only on clustered nodes.
 */
public final class ClusterHealth extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterHealth.class);
  static final long PERIOD_MS = 2000;
  private long timer = -1;
  private Boolean lastSafe;
  private boolean joined;

  @Override
  public Future<?> start() {
    NodeState.of(vertx).ready("cluster", false, "joining");
    timer = vertx.setPeriodic(0, PERIOD_MS, id -> check());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void check() {
    ClusterView view = ClusterView.of(vertx);
    HazelcastInstance hz = ((HazelcastClusterManager) ((VertxInternal) vertx).clusterManager()).getHazelcastInstance();
    // isClusterSafe may ask other members: off the event loop.
    vertx.executeBlocking(() -> view.active() && hz.getLifecycleService().isRunning()
            && hz.getPartitionService().isClusterSafe(), false)
        .onComplete(ar -> {
          boolean safe = ar.succeeded() && ar.result();
          joined |= safe;
          boolean ready = safe || (joined && view.active());
          String reason = ready ? null : !view.active() ? "not an active cluster member"
              : ar.failed() ? "cluster check failed: " + ar.cause().getMessage()
              : "joining: waiting for the cluster to be safe (partitions and backups in place)";
          NodeState.of(vertx).ready("cluster", ready, reason);
          if (lastSafe == null || lastSafe != safe) {
            LOG.info("cluster {}: {} members", safe ? "safe" : "not safe", view.members().size());
            lastSafe = safe;
          }
        });
  }
}

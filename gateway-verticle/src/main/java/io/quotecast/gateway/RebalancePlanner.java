package io.quotecast.gateway;

import io.quotecast.common.cluster.GatewayLoad;
import java.util.List;

/**
 * Decides when this gateway node holds far more than its share of the fleet's connections and how many of them to ask
 * to move. A round starts when this node has more than {@code (1 + threshold)} times the average connections of the
 * live gateway nodes (and at least {@code minConnections}); it asks the excess over the average to move, at most
 * {@code perSecond} a second, and only as many as the less-loaded nodes can take. After a round it stays quiet until
 * the asked clients have had time to leave ({@code spreadMs} plus the grace) and loads measured after that arrived,
 * so it never acts twice on the same imbalance (no oscillation). Pure: fed with loads and the time, one tick per load
 * interval.
 */
final class RebalancePlanner {
  /** How long after {@code reconnectAfterMs} an asked session is closed if it has not left by itself. */
  static final long GRACE_MS = 1000;

  /** What to do this tick: ask {@code ask} sessions of this node to move to {@code endpoints}. */
  record Step(int ask, List<String> endpoints) {
    static final Step NONE = new Step(0, List.of());
  }

  private final double threshold;
  private final int perTick;
  private final long spreadMs;
  private final int minConnections;
  private int remaining;
  private long quietUntil;

  RebalancePlanner(double threshold, int perSecond, long spreadMs, int minConnections, long intervalMs) {
    this.threshold = threshold;
    this.perTick = (int) Math.max(1, Math.round(perSecond * intervalMs / 1000.0));
    this.spreadMs = spreadMs;
    this.minConnections = minConnections;
  }

  /** Whether a round is under way (sessions still to be asked). */
  boolean inRound() {
    return remaining > 0;
  }

  /** @param loads the live gateway nodes' loads, this node's ({@code self}) included */
  Step tick(long now, String self, List<GatewayLoad> loads) {
    if (threshold <= 0) {
      return Step.NONE;
    }
    GatewayLoad mine = loads.stream().filter(l -> l.node().equals(self)).findFirst().orElse(null);
    if (mine == null || GatewayLoad.DRAINING.equals(mine.state())) {
      remaining = 0; // a draining node moves everyone anyway
      return Step.NONE;
    }
    List<GatewayLoad> live = loads.stream().filter(l -> !GatewayLoad.DRAINING.equals(l.state())).toList();
    if (remaining == 0) {
      if (now < quietUntil || live.stream().anyMatch(l -> l.updatedAt() < quietUntil)) {
        return Step.NONE; // the last round's effect is not measured yet
      }
      remaining = excess(mine, live);
      if (remaining == 0) {
        return Step.NONE;
      }
    }
    List<String> endpoints = lessLoaded(mine, live);
    if (endpoints.isEmpty()) {
      remaining = 0; // no one to move to any more
      quietUntil = now;
      return Step.NONE;
    }
    int ask = Math.min(perTick, remaining);
    remaining -= ask;
    if (remaining == 0) {
      quietUntil = now + spreadMs + GRACE_MS;
    }
    return new Step(ask, endpoints);
  }

  /** How many connections should leave {@code mine}: its excess over the average, bounded by the room elsewhere. */
  int excess(GatewayLoad mine, List<GatewayLoad> live) {
    if (live.size() < 2 || mine.connections() < minConnections) {
      return 0;
    }
    double average = live.stream().mapToLong(GatewayLoad::connections).sum() / (double) live.size();
    if (mine.connections() <= (1 + threshold) * average) {
      return 0;
    }
    long room = live.stream().filter(l -> !l.node().equals(mine.node()) && l.accepting()
            && l.connections() < mine.connections())
        .mapToLong(l -> Math.max(0, l.maxConnections() - l.connections())).sum();
    return (int) Math.min(room, (long) Math.floor(mine.connections() - average));
  }

  /** The other nodes that accept and hold fewer connections than this one, least loaded first. */
  static List<String> lessLoaded(GatewayLoad mine, List<GatewayLoad> live) {
    return live.stream().filter(l -> !l.node().equals(mine.node()) && l.accepting()
            && l.connections() < mine.connections())
        .sorted(GatewayLoad.LEAST_LOADED_FIRST).map(GatewayLoad::url).distinct().toList();
  }
}

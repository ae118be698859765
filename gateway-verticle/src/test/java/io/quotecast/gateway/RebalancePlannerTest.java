package io.quotecast.gateway;

import static io.quotecast.gateway.AdmissionTest.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.cluster.GatewayLoad;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a node asks connections to move, how many, how fast, and that it waits for fresh loads between rounds. */
class RebalancePlannerTest {
  private static final long INTERVAL = 1000;

  private static GatewayLoad at(String node, int connections, long updatedAt) {
    return new GatewayLoad(node, node, "ws://" + node + "/ws", connections, 10_000, 0.1, 0, 0, 0,
        GatewayLoad.READY, updatedAt);
  }

  private static RebalancePlanner planner(double threshold) {
    return new RebalancePlanner(threshold, 50, 10_000, 100, INTERVAL);
  }

  @Test
  void asksTheExcessOverTheAverageAtTheConfiguredRateThenWaitsForFreshLoads() {
    RebalancePlanner p = planner(0.5);
    // 900 + 150 + 150: average 400, 900 > 1.5 x 400 -> 500 should move, 50 per second.
    int asked = 0;
    long now = 0;
    for (int tick = 0; tick < 10; tick++) {
      now += INTERVAL;
      RebalancePlanner.Step step = p.tick(now, "a", List.of(at("a", 900, now), at("b", 150, now), at("c", 150, now)));
      assertEquals(50, step.ask(), "tick " + tick);
      assertEquals(List.of("ws://b/ws", "ws://c/ws"), step.endpoints());
      asked += step.ask();
    }
    assertEquals(500, asked);
    assertFalse(p.inRound());
    // The same (stale) picture right after the round: nothing, however long the old loads keep coming.
    long roundEnd = now;
    now += INTERVAL;
    assertEquals(0, p.tick(now, "a", List.of(at("a", 900, now), at("b", 150, now), at("c", 150, now))).ask());
    now = roundEnd + 10_000 + RebalancePlanner.GRACE_MS + 1;
    assertEquals(0, p.tick(now, "a", List.of(at("a", 900, now), at("b", 150, roundEnd), at("c", 150, now))).ask(),
        "b's load predates the end of the quiet period");
    // Fresh loads after the moves: balanced, nothing to do.
    assertEquals(0, p.tick(now, "a", List.of(at("a", 410, now), at("b", 400, now), at("c", 390, now))).ask());
    // Fresh loads still unbalanced: a new round.
    assertEquals(50, p.tick(now + 1, "a", List.of(at("a", 900, now), at("b", 150, now), at("c", 150, now))).ask());
  }

  @Test
  void staysQuietBelowTheThresholdOrTheMinimumOrWhenOff() {
    List<GatewayLoad> mild = List.of(at("a", 500, 1), at("b", 300, 1), at("c", 300, 1)); // avg 366, 1.5x = 550
    assertEquals(0, planner(0.5).tick(1000, "a", mild).ask());
    List<GatewayLoad> small = List.of(at("a", 90, 1), at("b", 0, 1)); // far over, but under minConnections
    assertEquals(0, planner(0.5).tick(1000, "a", small).ask());
    List<GatewayLoad> skewed = List.of(at("a", 900, 1), at("b", 0, 1));
    assertEquals(0, planner(0).tick(1000, "a", skewed).ask(), "threshold 0 = off");
    assertEquals(0, planner(0.5).tick(1000, "b", skewed).ask(), "the less loaded node does nothing");
    assertEquals(0, planner(0.5).tick(1000, "a", List.of(at("a", 900, 1))).ask(), "alone: nowhere to go");
  }

  @Test
  void movesNoMoreThanTheOthersCanTakeAndIgnoresDrainingNodes() {
    RebalancePlanner p = new RebalancePlanner(0.5, 1000, 0, 1, INTERVAL);
    GatewayLoad a = at("a", 900, 1);
    GatewayLoad almostFull = new GatewayLoad("b", "b", "ws://b/ws", 90, 100, 0, 0, 0, 0, GatewayLoad.READY, 1);
    GatewayLoad leaving = new GatewayLoad("c", "c", "ws://c/ws", 0, 10_000, 0, 0, 0, 0, GatewayLoad.DRAINING, 1);
    RebalancePlanner.Step step = p.tick(1000, "a", List.of(a, almostFull, leaving));
    assertEquals(10, step.ask(), "b has room for 10; the draining node neither counts nor receives");
    assertEquals(List.of("ws://b/ws"), step.endpoints());
  }

  @Test
  void aDrainingNodeDoesNotRebalance() {
    GatewayLoad me = new GatewayLoad("a", "a", "ws://a/ws", 900, 10_000, 0, 0, 0, 0, GatewayLoad.DRAINING, 1);
    assertEquals(0, planner(0.5).tick(1000, "a", List.of(me, at("b", 0, 1))).ask());
  }

  @Test
  void theRateScalesWithTheInterval() {
    RebalancePlanner p = new RebalancePlanner(0.5, 50, 0, 1, 200);
    assertTrue(p.tick(1000, "a", List.of(at("a", 900, 1), at("b", 0, 1))).ask() == 10);
  }
}

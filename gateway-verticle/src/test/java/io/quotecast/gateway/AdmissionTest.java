package io.quotecast.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.ErrorCode;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.cluster.GatewayLoad;
import io.vertx.core.json.JsonArray;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The admission decision and the alternatives a refusal names. */
class AdmissionTest {
  static GatewayLoad load(String node, int connections, int max, String state) {
    return new GatewayLoad(node, "name-" + node, "ws://" + node + ":8080/ws", connections, max, 0.1, 0, 0, 0, state, 1);
  }

  private static final List<GatewayLoad> FLEET = List.of(
      load("self", 10, 10, GatewayLoad.FULL),
      load("busy", 80, 100, GatewayLoad.READY),
      load("idle", 5, 100, GatewayLoad.READY),
      load("full", 100, 100, GatewayLoad.FULL),
      load("leaving", 0, 100, GatewayLoad.DRAINING));

  @Test
  void acceptsBelowTheLimitWhenNotDraining() {
    Admission a = Admission.decide(false, 9, 10, FLEET, "self");
    assertTrue(a.accepted());
    assertTrue(a.endpoints().isEmpty());
  }

  @Test
  void refusesAtTheLimitNamingTheAcceptingOthersLeastLoadedFirst() {
    Admission a = Admission.decide(false, 10, 10, FLEET, "self");
    assertFalse(a.accepted());
    assertEquals(List.of("ws://idle:8080/ws", "ws://busy:8080/ws"), a.endpoints(), "not self, full or draining");
    ProtocolException e = a.error();
    assertEquals(ErrorCode.UNAVAILABLE, e.code());
    assertEquals(Admission.RETRY_FULL_MS, e.extra().getLong("retryAfterMs"));
    assertEquals(new JsonArray(a.endpoints()), e.extra().getJsonArray("endpoints"));
    assertEquals("connectionsPerNode", e.extra().getString("limit"));
    assertEquals(10, e.extra().getInteger("max"));
    assertEquals(10, e.extra().getInteger("current"));
    assertTrue(a.closeReason().contains("ws://idle:8080/ws"), a.closeReason());
  }

  @Test
  void refusesWhileDrainingEvenWithRoom() {
    Admission a = Admission.decide(true, 0, 10, FLEET, "self");
    assertFalse(a.accepted());
    assertEquals(Admission.RETRY_DRAINING_MS, a.error().extra().getLong("retryAfterMs"));
    assertEquals("ws://idle:8080/ws", a.endpoints().get(0));
    assertTrue(a.closeReason().startsWith("draining"), a.closeReason());
  }

  @Test
  void aLoneNodeRefusesWithoutAlternativesAndAShortCloseReason() {
    Admission a = Admission.decide(false, 3, 3, List.of(load("self", 3, 3, GatewayLoad.FULL)), "self");
    assertTrue(a.endpoints().isEmpty());
    assertEquals("node full", a.closeReason());
    assertTrue(a.error().getMessage().contains("try again later"));
    GatewayLoad longUrl = new GatewayLoad("x", "x", "ws://" + "h".repeat(200) + "/ws", 0, 10, 0, 0, 0, 0,
        GatewayLoad.READY, 1);
    assertTrue(Admission.decide(false, 3, 3, List.of(longUrl), "self").closeReason().length() <= 123);
  }

  @Test
  void endpointsOrderPutsAcceptingNodesFirstThenByShareThenCpu() {
    List<String> order = GatewayLoad.leastLoadedFirst(FLEET).stream().map(GatewayLoad::node).toList();
    assertEquals(List.of("idle", "busy"), order.subList(0, 2));
    assertTrue(order.subList(2, 5).containsAll(List.of("self", "full", "leaving")));
  }
}

package io.quotecast.common.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayLoadTest {
  private static GatewayLoad load(String node, int connections, String state, int overloadLevel) {
    return new GatewayLoad(node, node, "ws://" + node + "/ws", connections, 100, 0.1, 0, 0, 0, state, 1,
        overloadLevel);
  }

  @Test
  void anOverloadedNodeComesAfterTheOthersThatAccept() {
    List<GatewayLoad> sorted = GatewayLoad.leastLoadedFirst(List.of(
        load("full", 100, GatewayLoad.FULL, 0),
        load("shedding", 5, GatewayLoad.READY, 3),
        load("busy", 80, GatewayLoad.READY, 0),
        load("slowing", 10, GatewayLoad.READY, 1),
        load("quiet", 20, GatewayLoad.READY, 0)));
    assertEquals(List.of("quiet", "busy", "slowing", "shedding", "full"),
        sorted.stream().map(GatewayLoad::node).toList(),
        "accepting first; among them the less overloaded, then the lower share");
  }

  @Test
  void theLevelTravelsInTheJsonAndIsZeroFromAnOlderNode() {
    GatewayLoad l = load("a", 1, GatewayLoad.READY, 4);
    assertEquals(l, GatewayLoad.fromJson(l.toJson()));
    io.vertx.core.json.JsonObject older = l.toJson();
    older.remove("overloadLevel");
    assertEquals(0, GatewayLoad.fromJson(older).overloadLevel());
    assertEquals(0, new GatewayLoad("b", "b", "ws://b/ws", 0, 1, 0, 0, 0, 0, GatewayLoad.READY, 1).overloadLevel());
  }
}

package io.quotecast.common.admin;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** When the monitor has heard from every gateway instance of every gateway node. */
class GatewayAdminTest {
  private static JsonObject answer(String member, int instances) {
    return new JsonObject().put(GatewayAdmin.MEMBER, member).put(GatewayAdmin.INSTANCES, instances);
  }

  @Test
  void completeOnceEveryNodeSentOneAnswerPerInstance() {
    Set<String> members = Set.of("a", "b");
    assertFalse(GatewayAdmin.allAnswered(List.of(answer("a", 2)), members));
    assertFalse(GatewayAdmin.allAnswered(List.of(answer("a", 2), answer("a", 2)), members), "b is missing");
    assertFalse(GatewayAdmin.allAnswered(List.of(answer("a", 2), answer("b", 1)), members), "a sent one of two");
    assertTrue(GatewayAdmin.allAnswered(List.of(answer("a", 2), answer("b", 1), answer("a", 2)), members));
    assertTrue(GatewayAdmin.allAnswered(List.of(answer("a", 1), answer("b", 1), answer("c", 1)), members),
        "a node not yet in the load table does not hold the answer back");
  }

  @Test
  void unknownMembersNeverComplete() {
    assertFalse(GatewayAdmin.allAnswered(List.of(answer("a", 1)), Set.of()));
  }
}

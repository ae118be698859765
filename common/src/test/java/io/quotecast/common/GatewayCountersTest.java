package io.quotecast.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayCountersTest {
  @Test
  void errorsAndClosesAreCountedByCodeAndOnlyUsedCodesAreListed() {
    GatewayCounters c = new GatewayCounters();
    c.errors(ErrorCode.UNAUTHORIZED).increment();
    c.errors(ErrorCode.UNAUTHORIZED).increment();
    c.errors(ErrorCode.RATE_LIMITED).increment();
    c.closes(4008).increment();
    c.closes(1012).add(3);
    c.dropped.add(5);
    JsonObject json = c.toJson();
    assertEquals(new JsonObject().put("UNAUTHORIZED", 2L).put("RATE_LIMITED", 1L), json.getJsonObject("errors"));
    assertEquals(new JsonObject().put("1012", 3L).put("4008", 1L), json.getJsonObject("closes"));
    assertEquals(Map.of(1012, 3L, 4008, 1L), c.closesByCode());
    assertEquals(5L, json.getLong("dropped"));
    assertEquals(0L, json.getLong("refused"));
  }
}

package io.quotecast.common.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.ProtocolException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class TraceSpecTest {

  @Test
  void exactlyOneTargetWithSeconds() {
    assertEquals(new TraceSpec("c-1", null, null, 60), TraceSpec.parse(new JsonObject().put("connectionId", "c-1")));
    assertEquals(new TraceSpec(null, "alice", null, 5),
        TraceSpec.parse(new JsonObject().put("user", "alice").put("seconds", 5)));
    TraceSpec symbol = TraceSpec.parse(new JsonObject().put("symbol", "600519.sh").put("seconds", 300));
    assertEquals("600519.SH", symbol.symbol(), "canonical");
    assertTrue(symbol.bySymbol());
    assertEquals(symbol, TraceSpec.fromJson(symbol.toJson()));
  }

  @Test
  void badBodiesNameTheField() {
    assertField("connectionId", new JsonObject());
    assertField("connectionId", new JsonObject().put("user", "a").put("symbol", "600519.SH"));
    assertField("symbol", new JsonObject().put("symbol", "600519"));
    assertField("user", new JsonObject().put("user", 7));
    assertField("seconds", new JsonObject().put("user", "a").put("seconds", 0));
    assertField("seconds", new JsonObject().put("user", "a").put("seconds", 301));
    assertField("seconds", new JsonObject().put("user", "a").put("seconds", 1.5));
    assertField("body", null);
  }

  private static void assertField(String field, JsonObject body) {
    ProtocolException e = assertThrows(ProtocolException.class, () -> TraceSpec.parse(body));
    assertEquals(field, e.extra().getString("field"), e::getMessage);
  }

  @Test
  void watchesTheConnectionOrEveryConnectionOfTheUser() {
    TraceSpec connection = new TraceSpec("c-1", null, null, 10);
    assertTrue(connection.watches("c-1", "alice"));
    assertFalse(connection.watches("c-2", "alice"));
    TraceSpec user = new TraceSpec(null, "alice", null, 10);
    assertTrue(user.watches("c-9", "alice"));
    assertFalse(user.watches("c-1", "bob"));
    assertFalse(new TraceSpec(null, null, "600519.SH", 10).watches("c-1", "alice"), "a symbol trace watches feeds");
  }
}

package io.quotecast.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cluster's alerts as one monitor keeps them: firing and the last resolved, once each, by state. */
class AlertBookTest {

  private static JsonObject alert(String id, String member, String state, long firedAt) {
    return new JsonObject().put("id", id).put("rule", "cpu").put("node", "n-" + member).put("member", member)
        .put("state", state).put("firedAt", firedAt).put("details", new JsonObject().put("cpu", 0.99));
  }

  private static List<String> ids(JsonArray alerts) {
    return alerts.stream().map(a -> ((JsonObject) a).getString("id")).toList();
  }

  @Test
  void firingThenResolvedMovesTheAlertAndRepeatsChangeNothing() {
    AlertBook book = new AlertBook(10);
    book.accept(alert("a", "m1", "firing", 1));
    book.accept(alert("b", "m2", "firing", 2));
    book.accept(alert("a", "m1", "firing", 1));
    assertEquals(List.of("b", "a"), ids(book.list("firing")), "newest first, once each");
    assertEquals(List.of(), ids(book.list("resolved")));
    book.accept(alert("a", "m1", "resolved", 1));
    book.accept(alert("a", "m1", "resolved", 1));
    book.accept(alert("a", "m1", "firing", 1)); // a late firing event after its resolution
    assertEquals(List.of("b"), ids(book.list("firing")));
    assertEquals(List.of("a"), ids(book.list("resolved")));
    assertEquals(List.of("b", "a"), ids(book.list(null)), "firing first, then resolved");
    assertEquals(1, book.firingCount());
    assertEquals(1, book.resolvedCount());
  }

  @Test
  void resolvedAlertsAreBounded() {
    AlertBook book = new AlertBook(3);
    for (int i = 0; i < 10; i++) {
      book.accept(alert("x" + i, "m1", "firing", i));
      book.accept(alert("x" + i, "m1", "resolved", i));
    }
    assertEquals(List.of("x9", "x8", "x7"), ids(book.list("resolved")));
    assertEquals(0, book.firingCount());
  }

  @Test
  void theFiringAlertsOfANodeThatLeftAreResolved() {
    AlertBook book = new AlertBook(10);
    book.accept(alert("a", "m1", "firing", 1));
    book.accept(alert("b", "m2", "firing", 2));
    book.retain(List.of("m1"), 500);
    assertEquals(List.of("a"), ids(book.list("firing")));
    JsonObject gone = book.list("resolved").getJsonObject(0);
    assertEquals("b", gone.getString("id"));
    assertEquals(500L, gone.getLong("resolvedAt"));
    assertEquals("node left", gone.getJsonObject("details").getString("resolution"));
    assertEquals(0.99, gone.getJsonObject("details").getDouble("cpu"));
  }

  @Test
  void eventsWithoutAnIdOrAStateAreIgnored() {
    AlertBook book = new AlertBook(10);
    book.accept(null);
    book.accept(new JsonObject().put("state", "firing"));
    book.accept(new JsonObject().put("id", "z").put("state", "pending"));
    assertEquals(0, book.list(null).size());
  }
}

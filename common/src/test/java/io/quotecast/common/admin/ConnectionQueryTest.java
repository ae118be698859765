package io.quotecast.common.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.ProtocolException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Filters, order and paging of {@code GET /admin/connections}, and the merge of many instances' answers. */
class ConnectionQueryTest {

  private static ConnectionQuery parse(Map<String, String> params) {
    return ConnectionQuery.parse(params::get);
  }

  private static JsonObject conn(String id, String user, String node, String member, long connectedAt,
      Long queueBytes) {
    return new JsonObject().put("connectionId", id).put("user", user).put("node", node).put("member", member)
        .put("connectedAt", connectedAt).put("queueBytes", queueBytes);
  }

  @Test
  void defaultsAndBounds() {
    ConnectionQuery q = parse(Map.of());
    assertEquals(new ConnectionQuery(null, null, 100, 0, "connectedAt"), q);
    ConnectionQuery all = parse(Map.of("user", " alice ", "node", "b", "limit", "1000", "offset", "5",
        "sort", "queueBytes"));
    assertEquals(new ConnectionQuery("alice", "b", 1000, 5, "queueBytes"), all);
    assertEquals(all, ConnectionQuery.fromJson(all.toJson()), "travels to the gateways unchanged");
  }

  @Test
  void badParametersNameTheParameter() {
    for (Map<String, String> bad : List.of(Map.of("limit", "0"), Map.of("limit", "1001"), Map.of("limit", "x"),
        Map.of("offset", "-1"), Map.of("sort", "name"))) {
      ProtocolException e = assertThrows(ProtocolException.class, () -> parse(bad), bad::toString);
      assertEquals(bad.keySet().iterator().next(), e.extra().getString("field"), e::getMessage);
    }
  }

  @Test
  void filtersByUserAndByNodeNameOrMember() {
    ConnectionQuery byUser = parse(Map.of("user", "alice"));
    assertTrue(byUser.matches(conn("c-1", "alice", "a", "m-a", 1, null)));
    assertFalse(byUser.matches(conn("c-2", "bob", "a", "m-a", 1, null)));
    ConnectionQuery byNode = parse(Map.of("node", "b"));
    assertTrue(byNode.matches(conn("c-1", "alice", "b", "m-b", 1, null)), "by name");
    assertFalse(byNode.matches(conn("c-1", "alice", "a", "m-a", 1, null)));
    assertTrue(parse(Map.of("node", "m-b")).matches(conn("c-1", "alice", "b", "m-b", 1, null)), "by member id");
    assertTrue(byNode.wantsNode("b", "m-b"));
    assertFalse(byNode.wantsNode("a", "m-a"));
  }

  @Test
  void largestFirstMissingFiguresLastTiesByConnectionId() {
    ConnectionQuery q = parse(Map.of("sort", "queueBytes"));
    List<JsonObject> sorted = q.top(List.of(conn("c-b", "u", "a", "m", 1, 10L), conn("c-x", "u", "a", "m", 1, null),
        conn("c-a", "u", "a", "m", 1, 10L), conn("c-c", "u", "a", "m", 1, 500L)));
    assertEquals(List.of("c-c", "c-a", "c-b", "c-x"), sorted.stream().map(c -> c.getString("connectionId")).toList());
  }

  @Test
  void eachInstanceSendsAtMostOffsetPlusLimit() {
    ConnectionQuery q = parse(Map.of("limit", "3", "offset", "2"));
    List<JsonObject> many = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      many.add(conn("c-" + i, "u", "a", "m", i, null));
    }
    List<JsonObject> top = q.top(many);
    assertEquals(5, top.size());
    assertEquals(19, top.get(0).getLong("connectedAt"), "newest first");
  }

  /** The merged page equals the page of all connections sorted at once, whichever instance holds which. */
  @Test
  void mergingInstanceTopsGivesTheGlobalPage() {
    Random random = new Random(42);
    List<JsonObject> all = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      all.add(conn("c-" + i, i % 3 == 0 ? "alice" : "bob", "n" + (i % 2), "m" + (i % 2), random.nextInt(50),
          random.nextInt(5) == 0 ? null : (long) random.nextInt(100)));
    }
    for (Map<String, String> params : List.of(Map.of("limit", "7", "offset", "0", "sort", "queueBytes"),
        Map.of("limit", "10", "offset", "25", "sort", "connectedAt", "user", "alice"),
        Map.of("limit", "50", "offset", "90", "node", "n1"), Map.of("limit", "5", "offset", "400"))) {
      ConnectionQuery q = parse(params);
      List<JsonObject> answers = new ArrayList<>();
      for (int instance = 0; instance < 4; instance++) {
        int k = instance;
        List<JsonObject> mine = IntStream.range(0, all.size()).filter(i -> i % 4 == k).mapToObj(all::get).toList();
        answers.add(new JsonObject().put("total", mine.stream().filter(q::matches).count())
            .put("connections", new JsonArray(new ArrayList<>(q.top(mine)))));
      }
      JsonObject page = q.merge(answers);
      List<JsonObject> expected = all.stream().filter(q::matches).sorted(q.order()).skip(q.offset())
          .limit(q.limit()).toList();
      assertEquals(all.stream().filter(q::matches).count(), page.getLong("total"), params::toString);
      assertEquals(expected, page.getJsonArray("connections").getList(), params::toString);
      assertEquals(expected.size(), page.getInteger("count"));
      assertEquals(q.sort(), page.getString("sort"));
    }
  }

  @Test
  void noAnswersIsAnEmptyPage() {
    JsonObject page = parse(Map.of()).merge(List.of());
    assertEquals(0, page.getLong("total"));
    assertTrue(page.getJsonArray("connections").isEmpty());
    assertNull(page.getString("user"));
  }
}

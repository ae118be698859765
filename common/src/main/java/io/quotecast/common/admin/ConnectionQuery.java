package io.quotecast.common.admin;

import io.quotecast.common.ProtocolException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Which connections {@code GET /admin/connections} shows: filters ({@code user}, {@code node}), an order (one figure,
 * largest first, then connection id) and a page ({@code offset}, {@code limit}). Each gateway instance applies it to
 * its own connections and answers its matching count and its first {@code offset + limit} in this order
 * ({@link #top}); the monitor merges the answers ({@link #merge}). The page of the union always lies within the union
 * of every instance's first {@code offset + limit}, so nothing more needs to travel.
 *
 * @param user only this user's connections (null: all)
 * @param node only connections on this node, by name ({@code node.id}) or cluster member id (null: all)
 * @param sort one of {@link #SORTS}
 */
public record ConnectionQuery(String user, String node, int limit, int offset, String sort) {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;
  /** Bounds what each instance sends for one page. */
  public static final int MAX_OFFSET = 50_000;
  public static final String DEFAULT_SORT = "connectedAt";
  /** Connection figures a page may be ordered by (largest first; a missing figure sorts last). */
  public static final List<String> SORTS = List.of("connectedAt", "lastActivity", "queueBytes", "sent", "received",
      "bytesSent", "subscriptions", "conflated", "ackLag", "rttMs");

  /** Reads the query parameters; a bad one is BAD_REQUEST naming it. */
  public static ConnectionQuery parse(Function<String, String> param) {
    String user = blankToNull(param.apply("user"));
    String node = blankToNull(param.apply("node"));
    int limit = integer(param.apply("limit"), "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    int offset = integer(param.apply("offset"), "offset", 0, 0, MAX_OFFSET);
    String sort = blankToNull(param.apply("sort"));
    if (sort == null) {
      sort = DEFAULT_SORT;
    } else if (!SORTS.contains(sort)) {
      throw ProtocolException.badRequest("sort", "sort must be one of " + SORTS + ", got '" + sort + "'");
    }
    return new ConnectionQuery(user, node, limit, offset, sort);
  }

  public JsonObject toJson() {
    return new JsonObject().put("user", user).put("node", node).put("limit", limit).put("offset", offset)
        .put("sort", sort);
  }

  public static ConnectionQuery fromJson(JsonObject json) {
    return new ConnectionQuery(json.getString("user"), json.getString("node"),
        json.getInteger("limit", DEFAULT_LIMIT), json.getInteger("offset", 0), json.getString("sort", DEFAULT_SORT));
  }

  /** Whether a node named {@code name} with cluster member id {@code member} holds connections of this query. */
  public boolean wantsNode(String name, String member) {
    return node == null || node.equals(name) || node.equals(member);
  }

  /** Whether {@code connection} (a diagnostics object: {@code user, node, member, ...}) passes the filters. */
  public boolean matches(JsonObject connection) {
    return (user == null || user.equals(connection.getString("user")))
        && wantsNode(connection.getString("node"), connection.getString("member"));
  }

  /** The page order: the sort figure, largest first, a missing one last; ties by connection id. */
  public Comparator<JsonObject> order() {
    Comparator<JsonObject> byFigure = Comparator.comparing((JsonObject c) -> figure(c, sort),
        Comparator.nullsLast(Comparator.reverseOrder()));
    return byFigure.thenComparing(c -> c.getString("connectionId", ""));
  }

  /** One instance's share: the matching connections in page order, at most {@code offset + limit} of them. */
  public List<JsonObject> top(Collection<JsonObject> connections) {
    return connections.stream().filter(this::matches).sorted(order()).limit((long) offset + limit).toList();
  }

  /**
   * The page over every instance's answer ({@code {total, connections}}): {@code {total, offset, limit, sort, count,
   * connections}}, {@code total} counting every match, {@code connections} the page in order.
   */
  public JsonObject merge(List<JsonObject> answers) {
    long total = 0;
    List<JsonObject> all = new ArrayList<>();
    for (JsonObject answer : answers) {
      total += answer.getLong("total", 0L);
      JsonArray connections = answer.getJsonArray("connections", new JsonArray());
      for (Object c : connections) {
        if (c instanceof JsonObject json) {
          all.add(json);
        }
      }
    }
    List<JsonObject> page = all.stream().sorted(order()).skip(offset).limit(limit).toList();
    return new JsonObject().put("total", total).put("offset", offset).put("limit", limit).put("sort", sort)
        .put("count", page.size()).put("connections", new JsonArray(new ArrayList<>(page)));
  }

  private static Double figure(JsonObject connection, String field) {
    return connection.getValue(field) instanceof Number n ? n.doubleValue() : null;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  private static int integer(String text, String name, int dflt, int min, int max) {
    if (text == null || text.isBlank()) {
      return dflt;
    }
    try {
      int v = Integer.parseInt(text.trim());
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ProtocolException.badRequest(name, name + " must be an integer from " + min + " to " + max + ", got '"
        + text + "'");
  }
}

package io.quotecast.sdk;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Picks WebSocket URLs from {@code GET /api/v1/endpoints} (README "Running a cluster"). */
final class Discovery {
  static final String PATH = "/api/v1/endpoints";

  private Discovery() {}

  /**
   * The gateways that accept connections, in the server's order (least loaded first): state {@code ready} (an entry
   * without a state counts as ready) and, when both are given, fewer {@code connections} than
   * {@code maxConnections}. Draining and full nodes would only answer 503. {@code self} is used only when the answer
   * lists no endpoints at all (an older server); a listed but non-ready self is not.
   */
  static List<String> candidates(JsonObject body) {
    JsonArray endpoints = body.getJsonArray("endpoints", new JsonArray());
    List<String> out = new ArrayList<>();
    for (Object o : endpoints) {
      if (o instanceof JsonObject e && accepting(e) && e.getString("url") != null && !out.contains(e.getString("url"))) {
        out.add(e.getString("url"));
      }
    }
    if (endpoints.isEmpty() && body.getString("self") != null) {
      out.add(body.getString("self"));
    }
    return out;
  }

  /** The first candidate, or null. */
  static String pick(JsonObject body) {
    List<String> all = candidates(body);
    return all.isEmpty() ? null : all.get(0);
  }

  private static boolean accepting(JsonObject e) {
    if (!"ready".equals(e.getString("state", "ready"))) {
      return false;
    }
    Object connections = e.getValue("connections");
    Object max = e.getValue("maxConnections");
    return !(connections instanceof Number c && max instanceof Number m && c.longValue() >= m.longValue());
  }

  /** {@code http://lb:8080/} -> {@code http://lb:8080/api/v1/endpoints}. */
  static String endpointsUrl(String base) {
    return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + PATH;
  }
}

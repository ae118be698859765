package io.quotecast.sdk;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Picks a WebSocket URL from {@code GET /api/v1/endpoints} (README "Running a cluster"). */
final class Discovery {
  static final String PATH = "/api/v1/endpoints";

  private Discovery() {}

  /** The first {@code ready} gateway (the list is least loaded first), else the answering node itself, else null. */
  static String pick(JsonObject body) {
    JsonArray endpoints = body.getJsonArray("endpoints", new JsonArray());
    for (Object o : endpoints) {
      if (o instanceof JsonObject e && "ready".equals(e.getString("state", "ready")) && e.getString("url") != null) {
        return e.getString("url");
      }
    }
    return body.getString("self");
  }

  /** {@code http://lb:8080/} -> {@code http://lb:8080/api/v1/endpoints}. */
  static String endpointsUrl(String base) {
    return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + PATH;
  }
}

package io.quotecast.gateway;

import io.quotecast.common.ErrorCode;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.cluster.GatewayLoad;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.List;

/**
 * Whether this node takes one more connection: not while it is draining, nor at {@code limits.connectionsPerNode}.
 * A refusal names the other nodes that accept, least loaded first, so the client goes there instead of retrying here.
 */
record Admission(boolean accepted, boolean draining, long connections, int max, List<String> endpoints) {
  /** How long a refused client should wait before trying this node again. */
  static final long RETRY_FULL_MS = 1000;
  static final long RETRY_DRAINING_MS = 5000;
  /** WebSocket close reasons are limited to 123 bytes. */
  private static final int MAX_CLOSE_REASON = 123;

  /**
   * @param connections this node's connections, not counting the one asking
   * @param fleet the gateway nodes' loads (this node's included or not)
   */
  static Admission decide(boolean draining, long connections, int max, Collection<GatewayLoad> fleet, String self) {
    boolean accepted = !draining && connections < max;
    List<String> endpoints = accepted ? List.of() : alternatives(fleet, self);
    return new Admission(accepted, draining, connections, max, endpoints);
  }

  /** The URLs of the other nodes that accept connections, least loaded first. */
  static List<String> alternatives(Collection<GatewayLoad> fleet, String self) {
    return fleet.stream().filter(l -> !l.node().equals(self) && l.accepting())
        .sorted(GatewayLoad.LEAST_LOADED_FIRST).map(GatewayLoad::url).distinct().toList();
  }

  long retryAfterMs() {
    return draining ? RETRY_DRAINING_MS : RETRY_FULL_MS;
  }

  /** The refusal: UNAVAILABLE with {@code retryAfterMs} and {@code endpoints} (and the limit, when full). */
  ProtocolException error() {
    JsonObject extra = new JsonObject().put("retryAfterMs", retryAfterMs()).put("endpoints", new JsonArray(endpoints));
    String where = endpoints.isEmpty() ? "; try again later" : "; connect to " + endpoints.get(0) + " instead";
    if (draining) {
      return new ProtocolException(ErrorCode.UNAVAILABLE, "this node is shutting down" + where, extra);
    }
    extra.put("limit", "connectionsPerNode").put("max", max).put("current", connections).put("requested", 1);
    return new ProtocolException(ErrorCode.UNAVAILABLE, "this node is at its connection limit (" + max + ")" + where,
        extra);
  }

  /** The 1013 close reason, naming the first alternative. */
  String closeReason() {
    String reason = (draining ? "draining" : "node full") + (endpoints.isEmpty() ? "" : "; try " + endpoints.get(0));
    return reason.length() <= MAX_CLOSE_REASON ? reason : reason.substring(0, MAX_CLOSE_REASON);
  }
}

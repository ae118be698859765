package io.quotecast.monitor;

import io.vertx.core.json.JsonObject;

/**
 * One alert as it is logged, published on {@code monitor.alerts}, POSTed to the webhook and listed by
 * {@code GET /admin/alerts}. {@code node} is the raising node's {@code node.id}, {@code member} its cluster member id
 * (as in {@code /admin/stats}); {@code since} is when the condition began, {@code firedAt} when it had lasted
 * {@code forMs}; {@code value} is what fired it.
 */
record Alert(String id, String rule, String severity, String node, String member, String state, long since,
             long firedAt, Long resolvedAt, Double value, double threshold, String unit, String message,
             JsonObject details) {
  static final String FIRING = "firing";
  static final String RESOLVED = "resolved";

  Alert resolved(long at, String resolvedMessage, JsonObject resolvedDetails) {
    return new Alert(id, rule, severity, node, member, RESOLVED, since, firedAt, at, value, threshold, unit,
        resolvedMessage, resolvedDetails);
  }

  JsonObject toJson() {
    return new JsonObject().put("id", id).put("rule", rule).put("severity", severity).put("node", node)
        .put("member", member).put("state", state).put("since", since).put("firedAt", firedAt)
        .put("resolvedAt", resolvedAt).put("value", value).put("threshold", threshold).put("unit", unit)
        .put("message", message).put("details", details.copy());
  }
}

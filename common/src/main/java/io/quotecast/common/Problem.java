package io.quotecast.common;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/** REST errors as RFC 9457 problem documents carrying the protocol's {@code code} (PROTOCOL.md §5). */
public final class Problem {
  public static final String CONTENT_TYPE = "application/problem+json; charset=utf-8";

  private Problem() {}

  public static JsonObject of(ProtocolException e, int status, String instance) {
    JsonObject body = new JsonObject()
        .put("type", "urn:quotecast:problem:" + e.code().name().toLowerCase(Locale.ROOT))
        .put("title", e.code().name())
        .put("status", status)
        .put("code", e.code().name())
        .put("detail", e.getMessage())
        .put("instance", instance);
    e.extra().forEach(entry -> body.put(entry.getKey(), entry.getValue()));
    return body;
  }

  /** The {@code WWW-Authenticate} challenge a 401 carries (RFC 6750 §3). */
  public static String bearerChallenge(String reason) {
    return reason == null ? "Bearer realm=\"quotecast\""
        : "Bearer realm=\"quotecast\", error=\"invalid_token\", error_description=\"" + reason.replace('"', '\'') + "\"";
  }
}

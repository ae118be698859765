package io.quotecast.sdk;

import io.vertx.core.json.JsonObject;

/** A request the server answered with {@code type: "error"} (PROTOCOL.md §5), or that got no answer. */
public final class RequestException extends RuntimeException {
  private final String code;
  private final JsonObject data;

  public RequestException(String code, String message, JsonObject data) {
    super(code + ": " + message);
    this.code = code;
    this.data = data == null ? new JsonObject() : data;
  }

  /** {@code BAD_REQUEST}, {@code NOT_SUBSCRIBED}, ...; {@code DISCONNECTED} when the connection ended first. */
  public String code() {
    return code;
  }

  /** The error's {@code data} (code, message and extra fields such as {@code retryAfterMs}). */
  public JsonObject data() {
    return data;
  }
}

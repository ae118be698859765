package io.quotecast.common;

import io.vertx.core.json.JsonObject;

/**
 * A failure the client must be told about, with its protocol code and the code's extra fields (§5). Carries no stack
 * trace: it is control flow for bad input, not a bug.
 */
public final class ProtocolException extends RuntimeException {
  private final ErrorCode code;
  private final JsonObject extra;

  public ProtocolException(ErrorCode code, String message) {
    this(code, message, new JsonObject());
  }

  public ProtocolException(ErrorCode code, String message, JsonObject extra) {
    super(message, null, false, false);
    this.code = code;
    this.extra = extra;
  }

  public static ProtocolException badRequest(String field, String message) {
    return new ProtocolException(ErrorCode.BAD_REQUEST, message, new JsonObject().put("field", field));
  }

  public ErrorCode code() {
    return code;
  }

  /** Extra fields for the error's {@code data} (e.g. {@code field}, {@code suggestions}). */
  public JsonObject extra() {
    return extra;
  }

  /** The error as the {@code data} of an error message: code, message and extras. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("code", code.name()).put("message", getMessage());
    extra.forEach(e -> json.put(e.getKey(), e.getValue()));
    return json;
  }

  public static ProtocolException fromJson(JsonObject json) {
    JsonObject extra = json.copy();
    extra.remove("code");
    extra.remove("message");
    return new ProtocolException(ErrorCode.valueOf(json.getString("code")), json.getString("message"), extra);
  }
}

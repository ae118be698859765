package io.quotecast.gateway;

import io.quotecast.common.ErrorCode;
import io.quotecast.common.MessageTypes;
import io.quotecast.common.ProtocolException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/** A client request ({@code {"op":..,"id":..,"args":{..}}}) after the envelope-level checks of PROTOCOL.md §2. */
record ClientRequest(String op, String id, JsonObject args) {
  static final int MAX_ID_LENGTH = 64;

  /** A message that is not a valid request; {@code requestId} is its id when one could be read, else null. */
  static final class Malformed extends Exception {
    final String requestId;
    final ProtocolException error;

    Malformed(String requestId, ProtocolException error) {
      super(error.getMessage(), null, false, false);
      this.requestId = requestId;
      this.error = error;
    }
  }

  static ClientRequest parse(String text, int maxBytes) throws Malformed {
    // chars <= UTF-8 bytes <= 3 * chars: only measure bytes when the length alone cannot decide.
    if (text.length() > maxBytes || (text.length() * 3L > maxBytes
        && text.getBytes(StandardCharsets.UTF_8).length > maxBytes)) {
      throw new Malformed(null, new ProtocolException(ErrorCode.BAD_REQUEST,
          "message larger than maxMessageBytes (" + maxBytes + ")",
          new JsonObject().put("field", "message").put("max", maxBytes)));
    }
    Object value;
    try {
      value = Json.decodeValue(text);
    } catch (DecodeException e) {
      throw new Malformed(null, ProtocolException.badRequest("message", "message is not valid JSON"));
    }
    if (!(value instanceof JsonObject json)) {
      throw new Malformed(null, ProtocolException.badRequest("message", "message must be a JSON object"));
    }
    Object rawId = json.getValue("id");
    String id = null;
    if (rawId != null) {
      if (!(rawId instanceof String s) || s.length() > MAX_ID_LENGTH) {
        throw new Malformed(null, ProtocolException.badRequest("id",
            "id must be a string of at most " + MAX_ID_LENGTH + " characters"));
      }
      id = s;
    }
    Object rawOp = json.getValue("op");
    if (!(rawOp instanceof String op) || op.isEmpty()) {
      throw new Malformed(id, ProtocolException.badRequest("op", "op is required and must be a string"));
    }
    if (!MessageTypes.OPS.contains(op)) {
      throw new Malformed(id, new ProtocolException(ErrorCode.UNKNOWN_OP, "unknown op '" + op + "'",
          new JsonObject().put("ops", new JsonArray(MessageTypes.OPS))));
    }
    Object rawArgs = json.getValue("args");
    if (rawArgs != null && !(rawArgs instanceof JsonObject)) {
      throw new Malformed(id, ProtocolException.badRequest("args", "args must be a JSON object"));
    }
    return new ClientRequest(op, id, rawArgs == null ? new JsonObject() : (JsonObject) rawArgs);
  }
}

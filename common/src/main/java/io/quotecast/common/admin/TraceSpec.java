package io.quotecast.common.admin;

import io.quotecast.common.ProtocolException;
import io.quotecast.common.SymbolCode;
import io.vertx.core.json.JsonObject;

/**
 * What a message trace watches, and for how long: one connection, every connection of one user, or one symbol (the
 * publications gateways receive for it and the channel messages they write for it). Exactly one of the three is set.
 */
public record TraceSpec(String connectionId, String user, String symbol, int seconds) {
  public static final int DEFAULT_SECONDS = 60;
  public static final int MAX_SECONDS = 300;

  /** Reads {@code {"connectionId"|"user"|"symbol": .., "seconds": N}}; anything else is BAD_REQUEST naming the field. */
  public static TraceSpec parse(JsonObject body) {
    if (body == null) {
      throw ProtocolException.badRequest("body", "expected {\"connectionId\"|\"user\"|\"symbol\": \"...\", "
          + "\"seconds\": 1.." + MAX_SECONDS + "}");
    }
    String connectionId = text(body, "connectionId");
    String user = text(body, "user");
    String symbol = text(body, "symbol");
    int given = (connectionId == null ? 0 : 1) + (user == null ? 0 : 1) + (symbol == null ? 0 : 1);
    if (given != 1) {
      throw ProtocolException.badRequest("connectionId", "give exactly one of connectionId, user or symbol");
    }
    if (symbol != null) {
      String canonical = SymbolCode.normalize(symbol);
      if (canonical == null) {
        throw ProtocolException.badRequest("symbol", "symbol must look like 600519.SH, got '" + symbol + "'");
      }
      symbol = canonical;
    }
    Object seconds = body.getValue("seconds");
    int s = DEFAULT_SECONDS;
    if (seconds != null) {
      if (!(seconds instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 1
          || n.longValue() > MAX_SECONDS) {
        throw ProtocolException.badRequest("seconds", "seconds must be an integer from 1 to " + MAX_SECONDS);
      }
      s = n.intValue();
    }
    return new TraceSpec(connectionId, user, symbol, s);
  }

  private static String text(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s) || s.isBlank() || s.length() > 128) {
      throw ProtocolException.badRequest(field, field + " must be a non-empty string");
    }
    return s.trim();
  }

  public boolean bySymbol() {
    return symbol != null;
  }

  /** For a connection or user trace: whether it watches the connection {@code connectionId} of {@code userId}. */
  public boolean watches(String connectionId, String userId) {
    return this.connectionId != null ? this.connectionId.equals(connectionId)
        : user != null && user.equals(userId);
  }

  /** For people: {@code connection c-1}, {@code user alice}, {@code symbol 600519.SH}. */
  public String describe() {
    return connectionId != null ? "connection " + connectionId : user != null ? "user " + user : "symbol " + symbol;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (connectionId != null) {
      json.put("connectionId", connectionId);
    }
    if (user != null) {
      json.put("user", user);
    }
    if (symbol != null) {
      json.put("symbol", symbol);
    }
    return json.put("seconds", seconds);
  }

  public static TraceSpec fromJson(JsonObject json) {
    return new TraceSpec(json.getString("connectionId"), json.getString("user"), json.getString("symbol"),
        json.getInteger("seconds", DEFAULT_SECONDS));
  }
}

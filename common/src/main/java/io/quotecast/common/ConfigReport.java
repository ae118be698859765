package io.quotecast.common;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The effective configuration made fit for a log line: secrets replaced by {@value #MASK}. */
public final class ConfigReport {
  public static final String MASK = "****";

  private ConfigReport() {}

  /**
   * A deep copy of {@code config} with secrets masked. A value is a secret when its key (the last segment, if the key
   * itself is dotted), or the key of an enclosing object or array, contains {@code secret}, {@code password},
   * {@code token} or {@code webhook}, case-insensitively. Only non-empty strings are masked (an empty secret means "not configured" and
   * stays visible), never booleans or "true"/"false" strings (flags such as {@code auth.adminToken} and
   * {@code auth.devTokens}); numbers are masked under secret and password keys only, so that
   * {@code auth.devTokenMaxTtlSeconds} stays visible. The input is not modified.
   */
  public static JsonObject masked(JsonObject config) {
    return maskObject(config, Kind.PLAIN);
  }

  /** How secret a key is: PLAIN; TOKEN (strings masked); SECRET, for secret and password (numbers masked too). */
  private enum Kind {
    PLAIN, TOKEN, SECRET;

    static Kind of(String key) {
      int dot = key.lastIndexOf('.');
      String name = (dot < 0 ? key : key.substring(dot + 1)).toLowerCase(Locale.ROOT);
      if (name.contains("secret") || name.contains("password")) {
        return SECRET;
      }
      // A webhook URL usually carries its credential in the path (Slack, Teams): a token in effect.
      return name.contains("token") || name.contains("webhook") ? TOKEN : PLAIN;
    }

    Kind and(Kind other) {
      return compareTo(other) >= 0 ? this : other;
    }
  }

  private static JsonObject maskObject(JsonObject in, Kind enclosing) {
    JsonObject out = new JsonObject();
    for (Map.Entry<String, Object> e : in) {
      out.put(e.getKey(), maskValue(e.getValue(), enclosing.and(Kind.of(e.getKey()))));
    }
    return out;
  }

  private static JsonArray maskArray(JsonArray in, Kind kind) {
    JsonArray out = new JsonArray();
    for (Object item : in) {
      out.add(maskValue(item, kind));
    }
    return out;
  }

  private static Object maskValue(Object value, Kind kind) {
    if (value instanceof JsonObject obj) {
      return maskObject(obj, kind);
    }
    if (value instanceof Map<?, ?> map) {
      return maskObject(new JsonObject(castMap(map)), kind);
    }
    if (value instanceof JsonArray arr) {
      return maskArray(arr, kind);
    }
    if (value instanceof List<?> list) {
      return maskArray(new JsonArray(new ArrayList<>(list)), kind);
    }
    if (kind == Kind.PLAIN) {
      return value;
    }
    if (value == null || value instanceof Boolean) {
      return value; // flags such as auth.adminToken
    }
    if (value instanceof Number) {
      return kind == Kind.SECRET ? MASK : value;
    }
    if (value instanceof CharSequence cs) {
      String s = cs.toString();
      String t = s.trim();
      return s.isEmpty() || t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false") ? s : MASK;
    }
    return MASK; // binary or other values under a secret key
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }
}

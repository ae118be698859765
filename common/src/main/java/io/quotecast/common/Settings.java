package io.quotecast.common;

import io.vertx.core.json.JsonObject;

/** Typed reads of dotted keys ({@link ConfigKeys}) from the config tree; a missing or mistyped value fails loudly. */
public final class Settings {
  private final JsonObject root;

  public Settings(JsonObject root) {
    this.root = root;
  }

  public JsonObject json() {
    return root;
  }

  public Object get(String path) {
    Object node = root;
    for (String part : path.split("\\.")) {
      if (!(node instanceof JsonObject obj)) {
        return null;
      }
      node = obj.getValue(part);
    }
    return node;
  }

  public String getString(String path) {
    Object v = require(path);
    return String.valueOf(v);
  }

  public int getInt(String path) {
    return (int) getLong(path);
  }

  public long getLong(String path) {
    Object v = require(path);
    if (v instanceof Number n) {
      return n.longValue();
    }
    try {
      return Long.parseLong(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("config key " + path + ": expected an integer, got '" + v + "'");
    }
  }

  public double getDouble(String path) {
    Object v = require(path);
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    try {
      return Double.parseDouble(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("config key " + path + ": expected a number, got '" + v + "'");
    }
  }

  public boolean getBoolean(String path) {
    Object v = require(path);
    if (v instanceof Boolean b) {
      return b;
    }
    String s = v.toString().trim();
    if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(s);
    }
    throw new IllegalArgumentException("config key " + path + ": expected true or false, got '" + v + "'");
  }

  public Freq getFreq(String path) {
    Freq f = Freq.fromWire(getString(path));
    if (f == null) {
      throw new IllegalArgumentException("config key " + path + ": expected one of " + Freq.wireNames()
          + ", got '" + get(path) + "'");
    }
    return f;
  }

  private Object require(String path) {
    Object v = get(path);
    if (v == null) {
      throw new IllegalArgumentException("config key " + path + " is missing");
    }
    return v;
  }
}

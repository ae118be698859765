package io.quotecast.common;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loads the one configuration tree every verticle receives, in increasing precedence: defaults
 * ({@value #DEFAULTS} on the classpath), the {@code --conf} file (YAML or JSON), environment variables
 * ({@code QUOTECAST_} + the key in upper snake case: {@code limits.subscriptionsPerConnection} is
 * {@code QUOTECAST_LIMITS_SUBSCRIPTIONS_PER_CONNECTION}), then system properties ({@code quotecast.} + the key).
 * Overrides from the environment and system properties are typed after the default they replace.
 */
public final class ConfigLoader {
  public static final String DEFAULTS = "quotecast-defaults.yaml";
  public static final String ENV_PREFIX = "QUOTECAST_";
  public static final String SYSPROP_PREFIX = "quotecast.";

  private ConfigLoader() {}

  public static Future<JsonObject> load(Vertx vertx, String confFile) {
    return load(vertx, confFile, System.getenv(), System.getProperties());
  }

  static Future<JsonObject> load(Vertx vertx, String confFile, Map<String, String> env, java.util.Properties props) {
    ConfigRetrieverOptions options = new ConfigRetrieverOptions().setScanPeriod(-1)
        .addStore(fileStore(DEFAULTS));
    if (confFile != null && !confFile.isBlank()) {
      options.addStore(fileStore(confFile));
    }
    ConfigRetriever files = ConfigRetriever.create(vertx, options);
    return files.getConfig().eventually(files::close).map(base -> {
      Map<String, Object> flat = new LinkedHashMap<>();
      flatten("", base, flat);
      JsonObject merged = base.copy();
      flat.forEach((key, defaultValue) -> {
        String fromEnv = env.get(envName(key));
        if (fromEnv != null) {
          put(merged, key, typed(key, fromEnv, defaultValue));
        }
        String fromProp = props.getProperty(SYSPROP_PREFIX + key);
        if (fromProp != null) {
          put(merged, key, typed(key, fromProp, defaultValue));
        }
      });
      return merged;
    });
  }

  private static ConfigStoreOptions fileStore(String path) {
    String format = path.endsWith(".json") ? "json" : "yaml";
    return new ConfigStoreOptions().setType("file").setFormat(format).setConfig(new JsonObject().put("path", path));
  }

  /** {@code limits.subscriptionsPerConnection} -> {@code QUOTECAST_LIMITS_SUBSCRIPTIONS_PER_CONNECTION}. */
  public static String envName(String key) {
    StringBuilder sb = new StringBuilder(ENV_PREFIX);
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '.') {
        sb.append('_');
      } else if (Character.isUpperCase(c)) {
        sb.append('_').append(c);
      } else {
        sb.append(Character.toUpperCase(c));
      }
    }
    return sb.toString();
  }

  private static Object typed(String key, String text, Object defaultValue) {
    String s = text.trim();
    try {
      if (defaultValue instanceof Integer || defaultValue instanceof Long) {
        return Long.parseLong(s);
      }
      if (defaultValue instanceof Number) {
        return Double.parseDouble(s);
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("config key " + key + ": expected a number, got '" + text + "'");
    }
    if (defaultValue instanceof Boolean) {
      if (!s.equalsIgnoreCase("true") && !s.equalsIgnoreCase("false")) {
        throw new IllegalArgumentException("config key " + key + ": expected true or false, got '" + text + "'");
      }
      return Boolean.parseBoolean(s);
    }
    return text;
  }

  private static void flatten(String prefix, JsonObject obj, Map<String, Object> out) {
    for (Map.Entry<String, Object> e : obj) {
      String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      if (e.getValue() instanceof JsonObject child) {
        flatten(key, child, out);
      } else {
        out.put(key, e.getValue());
      }
    }
  }

  private static void put(JsonObject root, String key, Object value) {
    String[] parts = key.split("\\.");
    JsonObject node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonObject next = node.getJsonObject(parts[i]);
      if (next == null) {
        next = new JsonObject();
        node.put(parts[i], next);
      }
      node = next;
    }
    node.put(parts[parts.length - 1], value);
  }
}

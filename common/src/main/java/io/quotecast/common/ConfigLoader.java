package io.quotecast.common;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads the one configuration tree every verticle receives, in increasing precedence: the base defaults
 * ({@value #DEFAULTS} on the classpath), the profile's defaults ({@code quotecast-profile-<profile>.yaml}), the
 * {@code --conf} file (YAML or JSON), environment variables ({@code QUOTECAST_} + the key in upper snake case:
 * {@code auth.hmacSecret} is {@code QUOTECAST_AUTH_HMAC_SECRET}), then system properties ({@code quotecast.} + the key).
 * The profile is chosen by the same precedence ({@code profile} key). Overrides from the environment and system
 * properties are typed after the default they replace. A key the defaults do not know (a typo in the file) and a value
 * that breaks {@link ConfigRules} fail the load with a message naming the key.
 */
public final class ConfigLoader {
  public static final String DEFAULTS = "quotecast-defaults.yaml";
  public static final String ENV_PREFIX = "QUOTECAST_";
  public static final String SYSPROP_PREFIX = "quotecast.";
  /** The named sets of defaults, each in {@code quotecast-profile-<name>.yaml}. */
  public static final List<String> PROFILES = List.of("dev", "cluster");

  private ConfigLoader() {}

  public static Future<JsonObject> load(Vertx vertx, String confFile) {
    return load(vertx, confFile, System.getenv(), System.getProperties());
  }

  static Future<JsonObject> load(Vertx vertx, String confFile, Map<String, String> env, java.util.Properties props) {
    Future<JsonObject> file = confFile == null || confFile.isBlank()
        ? Future.succeededFuture(new JsonObject()) : read(vertx, confFile);
    return Future.all(read(vertx, DEFAULTS), file).compose(both -> {
      JsonObject defaults = both.resultAt(0);
      JsonObject fromFile = both.resultAt(1);
      Map<String, Object> known = new LinkedHashMap<>();
      flatten("", defaults, known);
      Map<String, Object> given = new LinkedHashMap<>();
      flatten("", fromFile, given);
      for (String key : given.keySet()) {
        if (!known.containsKey(key) && !key.equals(ConfigKeys.AUTH_LOCAL_SECRET)) {
          return Future.failedFuture(new IllegalArgumentException("config key " + key + " in " + confFile
              + " is not a Quotecast setting" + nearest(key, known.keySet())));
        }
      }
      String profile = firstNonNull(props.getProperty(SYSPROP_PREFIX + ConfigKeys.PROFILE),
          env.get(envName(ConfigKeys.PROFILE)), fromFile.getString(ConfigKeys.PROFILE),
          defaults.getString(ConfigKeys.PROFILE)).trim();
      if (!PROFILES.contains(profile)) {
        return Future.failedFuture(new IllegalArgumentException("config key " + ConfigKeys.PROFILE
            + ": expected one of " + PROFILES + ", got '" + profile + "'"));
      }
      return read(vertx, "quotecast-profile-" + profile + ".yaml").map(profileDefaults -> {
        JsonObject merged = defaults.copy().mergeIn(profileDefaults, true).mergeIn(fromFile, true);
        known.forEach((key, defaultValue) -> {
          String fromEnv = env.get(envName(key));
          if (fromEnv != null) {
            put(merged, key, typed(key, fromEnv, defaultValue));
          }
          String fromProp = props.getProperty(SYSPROP_PREFIX + key);
          if (fromProp != null) {
            put(merged, key, typed(key, fromProp, defaultValue));
          }
        });
        put(merged, ConfigKeys.PROFILE, profile);
        ConfigRules.check(merged);
        return merged;
      });
    });
  }

  private static Future<JsonObject> read(Vertx vertx, String path) {
    ConfigRetriever retriever = ConfigRetriever.create(vertx,
        new ConfigRetrieverOptions().setScanPeriod(-1).addStore(fileStore(path)));
    return retriever.getConfig().eventually(retriever::close)
        .recover(failure -> Future.failedFuture(new IllegalArgumentException("cannot read configuration " + path
            + ": " + failure.getMessage(), failure)));
  }

  private static String firstNonNull(String... values) {
    for (String v : values) {
      if (v != null) {
        return v;
      }
    }
    return "";
  }

  /** A hint for a mistyped key: the known key with the same last segment, or sharing the longest prefix. */
  private static String nearest(String key, java.util.Set<String> known) {
    String last = key.substring(key.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
    String best = null;
    int bestScore = 0;
    for (String k : known) {
      int score = 0;
      while (score < Math.min(k.length(), key.length()) && k.charAt(score) == key.charAt(score)) {
        score++;
      }
      if (k.toLowerCase(java.util.Locale.ROOT).endsWith("." + last)) {
        score += 100;
      }
      if (score > bestScore) {
        bestScore = score;
        best = k;
      }
    }
    return best == null || bestScore < 3 ? "" : " (did you mean " + best + "?)";
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

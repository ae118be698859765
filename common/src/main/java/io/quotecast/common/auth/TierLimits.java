package io.quotecast.common.auth;

import io.quotecast.common.ConfigKeys;
import io.quotecast.common.Freq;
import io.quotecast.common.Settings;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One row of the tier table ({@code tiers.<tier>.*} in config): what a user of that tier may do on a node. */
public record TierLimits(String tier, Freq minFreq, int subscriptionsPerConnection, int subscriptionsPerUser,
                         int connectionsPerUser) {
  public static final String FREE = "free";
  public static final String STANDARD = "standard";
  public static final String PRO = "pro";
  /** The tiers of PROTOCOL.md §9, lowest first. */
  public static final List<String> NAMES = List.of(FREE, STANDARD, PRO);

  /** The whole table from config; a missing or invalid value fails naming its key. */
  public static Map<String, TierLimits> table(Settings settings) {
    Map<String, TierLimits> table = new LinkedHashMap<>();
    for (String tier : NAMES) {
      String prefix = ConfigKeys.TIERS + "." + tier + ".";
      table.put(tier, new TierLimits(tier, settings.getFreq(prefix + "minFreq"),
          positive(settings, prefix + "subscriptionsPerConnection"),
          positive(settings, prefix + "subscriptionsPerUser"),
          positive(settings, prefix + "connectionsPerUser")));
    }
    return Map.copyOf(table);
  }

  private static int positive(Settings settings, String key) {
    long v = settings.getLong(key);
    if (v < 1 || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("config key " + key + ": expected an integer from 1 to "
          + Integer.MAX_VALUE + ", got " + v);
    }
    return (int) v;
  }

  /** The tier part of the limits {@code welcome} and {@code list} show. */
  public JsonObject toJson() {
    return new JsonObject().put("tier", tier).put("minFreq", minFreq.wire())
        .put("subscriptions", subscriptionsPerConnection)
        .put("subscriptionsPerUser", subscriptionsPerUser)
        .put("connectionsPerUser", connectionsPerUser);
  }
}

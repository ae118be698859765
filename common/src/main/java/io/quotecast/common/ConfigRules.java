package io.quotecast.common;

import io.quotecast.common.auth.TierLimits;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What each configuration value may be. {@link ConfigLoader} checks the merged tree once, before anything starts, so
 * a bad value stops the process with one message naming the key and what it allows, instead of failing later in
 * whichever verticle reads it first.
 */
public final class ConfigRules {
  private ConfigRules() {}

  private record IntRange(long min, long max) {
  }

  private static final long MAX_INT = Integer.MAX_VALUE;

  private static final Map<String, IntRange> INTEGERS = Map.ofEntries(
      Map.entry(ConfigKeys.GATEWAY_PORT, new IntRange(0, 65535)),
      Map.entry(ConfigKeys.MONITOR_PORT, new IntRange(0, 65535)),
      Map.entry(ConfigKeys.GATEWAY_INSTANCES, new IntRange(0, 1024)),
      Map.entry(ConfigKeys.GATEWAY_HEARTBEAT_MS, new IntRange(100, 3_600_000)),
      Map.entry(ConfigKeys.GATEWAY_IDLE_TIMEOUT_MS, new IntRange(200, 3_600_000)),
      Map.entry(ConfigKeys.GATEWAY_MAX_MESSAGE_BYTES, new IntRange(256, 64 << 20)),
      Map.entry(ConfigKeys.GATEWAY_MAX_FRAME_BYTES, new IntRange(1024, 64 << 20)),
      Map.entry(ConfigKeys.GATEWAY_WRITE_QUEUE_BYTES, new IntRange(1024, 1L << 30)),
      Map.entry(ConfigKeys.GATEWAY_COMPRESSION_LEVEL, new IntRange(1, 9)),
      Map.entry(ConfigKeys.GATEWAY_COMPRESSION_MIN_MESSAGE_BYTES, new IntRange(0, 64 << 20)),
      Map.entry(ConfigKeys.GATEWAY_MALFORMED_LIMIT, new IntRange(1, MAX_INT)),
      Map.entry(ConfigKeys.GATEWAY_MALFORMED_WINDOW_MS, new IntRange(1, MAX_INT)),
      Map.entry(ConfigKeys.LIMITS_CONNECTIONS_PER_NODE, new IntRange(1, MAX_INT)),
      Map.entry(ConfigKeys.LIMITS_REQUEST_BURST, new IntRange(1, 1_000_000)),
      Map.entry(ConfigKeys.LIMITS_RATE_LIMITED_CLOSE_AFTER, new IntRange(1, MAX_INT)),
      Map.entry(ConfigKeys.LIMITS_REQUESTS_PER_SECOND, new IntRange(1, MAX_INT)),
      Map.entry(ConfigKeys.LIMITS_CHANNELS_PER_REQUEST, new IntRange(1, 100_000)),
      Map.entry(ConfigKeys.LIMITS_CONNECTIONS_PER_IP_PER_SECOND, new IntRange(0, 1_000_000)),
      Map.entry(ConfigKeys.LIMITS_CONNECTION_BURST_PER_IP, new IntRange(1, 1_000_000)),
      Map.entry(ConfigKeys.GATEWAY_HANDSHAKE_TIMEOUT_MS, new IntRange(0, 3_600_000)),
      Map.entry(ConfigKeys.SIMULATOR_TICK_MS, new IntRange(1, 60_000)),
      Map.entry(ConfigKeys.HISTORY_QUOTE, new IntRange(1, 1_000_000)),
      Map.entry(ConfigKeys.HISTORY_TRADE, new IntRange(1, 1_000_000)),
      Map.entry(ConfigKeys.HISTORY_KLINE, new IntRange(1, 1_000_000)),
      Map.entry(ConfigKeys.RECOVERY_MAX_MESSAGES, new IntRange(0, 1_000_000)),
      Map.entry(ConfigKeys.RECOVERY_MAX_AGE_MS, new IntRange(0, 86_400_000)),
      Map.entry(ConfigKeys.BACKFILL_DAILY_BARS, new IntRange(0, 100_000)),
      Map.entry(ConfigKeys.BACKFILL_MINUTE_BARS, new IntRange(0, 100_000)),
      Map.entry(ConfigKeys.AUTH_LEEWAY_SECONDS, new IntRange(0, 600)),
      Map.entry(ConfigKeys.AUTH_TIMEOUT_MS, new IntRange(100, 3_600_000)),
      Map.entry(ConfigKeys.AUTH_EXPIRY_NOTICE_MS, new IntRange(0, 86_400_000)),
      Map.entry(ConfigKeys.AUTH_DEV_TOKEN_MAX_TTL_SECONDS, new IntRange(1, 365L * 86_400)),
      Map.entry(ConfigKeys.CLUSTER_PORT, new IntRange(1, 65535)),
      Map.entry(ConfigKeys.SHUTDOWN_DRAIN_MS, new IntRange(0, 600_000)),
      Map.entry(ConfigKeys.SIMULATOR_FAULT_AFTER_MS, new IntRange(0, 86_400_000)),
      Map.entry(ConfigKeys.SIMULATOR_FAULT_DURATION_MS, new IntRange(0, 86_400_000)),
      Map.entry(ConfigKeys.SOURCE_STALE_MS, new IntRange(100, 3_600_000)),
      Map.entry(ConfigKeys.SOURCE_FEED_CONNECT_TIMEOUT_MS, new IntRange(100, 600_000)),
      Map.entry(ConfigKeys.SOURCE_FEED_MAX_FRAME_BYTES, new IntRange(1024, 64 << 20)),
      Map.entry(ConfigKeys.SOURCE_FEED_PING_MS, new IntRange(0, 3_600_000)),
      Map.entry(ConfigKeys.SHUTDOWN_TIMEOUT_MS, new IntRange(1000, 3_600_000)),
      Map.entry(ConfigKeys.CLUSTER_MEMBER_TIMEOUT_SECONDS, new IntRange(2, 600)),
      Map.entry(ConfigKeys.CLUSTER_EVENT_BUS_PORT, new IntRange(0, 65535)),
      Map.entry(ConfigKeys.CLUSTER_BUCKETS, new IntRange(1, 4096)),
      Map.entry(ConfigKeys.CLUSTER_RECONCILE_MS, new IntRange(50, 60_000)),
      Map.entry(ConfigKeys.CLUSTER_SNAPSHOT_FLUSH_MS, new IntRange(10, 60_000)),
      Map.entry(ConfigKeys.CLUSTER_LOAD_INTERVAL_MS, new IntRange(100, 60_000)),
      Map.entry(ConfigKeys.CLUSTER_REBALANCE_PER_SECOND, new IntRange(1, 100_000)),
      Map.entry(ConfigKeys.CLUSTER_REBALANCE_SPREAD_MS, new IntRange(0, 600_000)),
      Map.entry(ConfigKeys.CLUSTER_REBALANCE_MIN_CONNECTIONS, new IntRange(1, MAX_INT)),
      Map.entry(ConfigKeys.CLUSTER_REQUEST_TIMEOUT_MS, new IntRange(100, 600_000)),
      Map.entry(ConfigKeys.SIMULATOR_FAULT_SKIP, new IntRange(1, 1_000_000_000)),
      Map.entry(ConfigKeys.QUALITY_STALE_MS, new IntRange(100, 86_400_000)),
      Map.entry(ConfigKeys.OVERLOAD_EVENT_LOOP_LAG_MS, new IntRange(0, 600_000)),
      Map.entry(ConfigKeys.OVERLOAD_SEND_QUEUE_BYTES, new IntRange(0, 1L << 40)),
      Map.entry(ConfigKeys.OVERLOAD_STEP_UP_MS, new IntRange(0, 3_600_000)),
      Map.entry(ConfigKeys.OVERLOAD_STEP_DOWN_MS, new IntRange(0, 3_600_000)),
      Map.entry(ConfigKeys.OVERLOAD_SHED_PER_SECOND, new IntRange(1, 100_000)));

  private static final Map<String, List<String>> CHOICES = Map.of(
      ConfigKeys.SIMULATOR_MODE, List.of("continuous", "realistic"),
      ConfigKeys.AUTH_DEFAULT_TIER, TierLimits.NAMES,
      ConfigKeys.CLUSTER_DISCOVERY, List.of("tcp", "kubernetes"),
      ConfigKeys.SIMULATOR_FAULT_MODE, List.of("none", "down", "stall", "gap", "stale"),
      ConfigKeys.SOURCE_KIND, List.of("simulator", "feed"));

  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** Fails with an {@link IllegalArgumentException} naming the first bad key. */
  public static void check(JsonObject config) {
    Settings s = new Settings(config);
    INTEGERS.forEach((key, range) -> {
      long v = s.getLong(key);
      if (v < range.min || v > range.max) {
        throw new IllegalArgumentException("config key " + key + ": expected an integer from " + range.min + " to "
            + range.max + ", got " + v);
      }
    });
    CHOICES.forEach((key, allowed) -> {
      String v = s.getString(key);
      if (!allowed.contains(v.trim().toLowerCase(java.util.Locale.ROOT))) {
        throw new IllegalArgumentException("config key " + key + ": expected one of " + allowed + ", got '" + v
            + "'");
      }
    });
    if (!NODE_ID.matcher(s.getString(ConfigKeys.NODE_ID)).matches()) {
      throw new IllegalArgumentException("config key " + ConfigKeys.NODE_ID
          + ": expected 1-64 letters, digits, '.', '_' or '-', got '" + s.getString(ConfigKeys.NODE_ID) + "'");
    }
    if (s.getLong(ConfigKeys.GATEWAY_IDLE_TIMEOUT_MS) <= s.getLong(ConfigKeys.GATEWAY_HEARTBEAT_MS)) {
      throw new IllegalArgumentException("config key " + ConfigKeys.GATEWAY_IDLE_TIMEOUT_MS
          + ": must be longer than gateway.heartbeatMs (" + s.getLong(ConfigKeys.GATEWAY_HEARTBEAT_MS) + ")");
    }
    if (s.getLong(ConfigKeys.GATEWAY_MAX_MESSAGE_BYTES) > s.getLong(ConfigKeys.GATEWAY_MAX_FRAME_BYTES)) {
      throw new IllegalArgumentException("config key " + ConfigKeys.GATEWAY_MAX_MESSAGE_BYTES
          + ": must not exceed gateway.maxFrameBytes (" + s.getLong(ConfigKeys.GATEWAY_MAX_FRAME_BYTES) + ")");
    }
    double ups = s.getDouble(ConfigKeys.SIMULATOR_UPDATES_PER_SECOND);
    if (!(ups > 0 && ups <= 10_000_000)) {
      throw new IllegalArgumentException("config key " + ConfigKeys.SIMULATOR_UPDATES_PER_SECOND
          + ": expected a number above 0 and at most 10000000, got " + ups);
    }
    double skew = s.getDouble(ConfigKeys.SIMULATOR_SKEW);
    if (!(skew >= 0 && skew <= 5)) {
      throw new IllegalArgumentException("config key " + ConfigKeys.SIMULATOR_SKEW
          + ": expected a number from 0 to 5, got " + skew);
    }
    s.getLong(ConfigKeys.SIMULATOR_SEED);
    double staleFactor = s.getDouble(ConfigKeys.QUALITY_STALE_FACTOR);
    if (!(staleFactor >= 1 && staleFactor <= 1000)) {
      throw new IllegalArgumentException("config key " + ConfigKeys.QUALITY_STALE_FACTOR
          + ": expected a number from 1 to 1000, got " + staleFactor);
    }
    String faultMode = s.getString(ConfigKeys.SIMULATOR_FAULT_MODE).trim().toLowerCase(java.util.Locale.ROOT);
    if ((faultMode.equals("gap") || faultMode.equals("stale"))
        && s.getString(ConfigKeys.SIMULATOR_FAULT_SYMBOL).isBlank()) {
      throw new IllegalArgumentException("config key " + ConfigKeys.SIMULATOR_FAULT_SYMBOL
          + ": required when simulator.fault.mode is " + faultMode + " (e.g. 600000.SH)");
    }
    double threshold = s.getDouble(ConfigKeys.CLUSTER_REBALANCE_THRESHOLD);
    if (!(threshold >= 0 && threshold <= 100)) {
      throw new IllegalArgumentException("config key " + ConfigKeys.CLUSTER_REBALANCE_THRESHOLD
          + ": expected a number from 0 (off) to 100, got " + threshold);
    }
    for (String proxy : s.getString(ConfigKeys.GATEWAY_TRUSTED_PROXIES).split(",")) {
      // compared with the TCP peer's address as text, so a host name would never match
      if (!proxy.isBlank() && !proxy.trim().matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
        throw new IllegalArgumentException("config key " + ConfigKeys.GATEWAY_TRUSTED_PROXIES
            + ": expected comma-separated IP addresses such as 10.0.0.5, got '" + proxy.trim() + "'");
      }
    }
    String url = s.getString(ConfigKeys.GATEWAY_PUBLIC_URL).trim();
    if (!url.isEmpty() && !url.matches("wss?://[^/\\s]+(/\\S*)?")) {
      throw new IllegalArgumentException("config key " + ConfigKeys.GATEWAY_PUBLIC_URL
          + ": expected a ws:// or wss:// URL such as ws://node-2.example.com:8080/ws, got '" + url + "'");
    }
    String feedUrl = s.getString(ConfigKeys.SOURCE_FEED_URL).trim();
    boolean feed = s.getString(ConfigKeys.SOURCE_KIND).trim().equalsIgnoreCase("feed");
    if ((feed || !feedUrl.isEmpty()) && !feedUrl.matches("wss?://[^/\\s]+(/\\S*)?")) {
      throw new IllegalArgumentException("config key " + ConfigKeys.SOURCE_FEED_URL
          + ": expected a ws:// or wss:// URL such as ws://feed.example.com:7070/ticks"
          + (feed && feedUrl.isEmpty() ? " (required when source.kind is feed)" : "") + ", got '" + feedUrl + "'");
    }
    if (s.getString(ConfigKeys.SOURCE_FEED_AUTH_HEADER).isBlank()
        && !s.getString(ConfigKeys.SOURCE_FEED_TOKEN).isEmpty()) {
      throw new IllegalArgumentException("config key " + ConfigKeys.SOURCE_FEED_AUTH_HEADER
          + ": must name the handshake header that carries source.feed.token (e.g. Authorization)");
    }
    if (s.getLong(ConfigKeys.SHUTDOWN_DRAIN_MS) >= s.getLong(ConfigKeys.SHUTDOWN_TIMEOUT_MS)) {
      throw new IllegalArgumentException("config key " + ConfigKeys.SHUTDOWN_DRAIN_MS + ": must be shorter than "
          + ConfigKeys.SHUTDOWN_TIMEOUT_MS + " (" + s.getLong(ConfigKeys.SHUTDOWN_TIMEOUT_MS) + ")");
    }
    String clusterHost = s.getString(ConfigKeys.CLUSTER_HOST).trim();
    if (s.getBoolean(ConfigKeys.CLUSTER_ENABLED) && (clusterHost.isEmpty() || clusterHost.equals("0.0.0.0"))) {
      // Hazelcast and the event bus advertise this address to the other nodes; 0.0.0.0 reaches nobody.
      throw new IllegalArgumentException("config key " + ConfigKeys.CLUSTER_HOST
          + ": must be an address the other nodes can reach (e.g. the pod IP in Kubernetes), got '" + clusterHost
          + "'");
    }
    if (s.getBoolean(ConfigKeys.CLUSTER_ENABLED)
        && s.getString(ConfigKeys.CLUSTER_DISCOVERY).trim().equalsIgnoreCase("kubernetes")
        && s.getString(ConfigKeys.CLUSTER_KUBERNETES_SERVICE_DNS).isBlank()) {
      throw new IllegalArgumentException("config key " + ConfigKeys.CLUSTER_KUBERNETES_SERVICE_DNS
          + ": required when cluster.discovery is kubernetes (the headless service, e.g. "
          + "quotecast-hazelcast.default.svc.cluster.local)");
    }
    double cpuPercent = s.getDouble(ConfigKeys.OVERLOAD_CPU_PERCENT);
    if (!(cpuPercent >= 0 && cpuPercent <= 100)) {
      throw new IllegalArgumentException("config key " + ConfigKeys.OVERLOAD_CPU_PERCENT
          + ": expected a number from 0 (ignored) to 100 (% of the machine), got " + cpuPercent);
    }
    double recoverBelow = s.getDouble(ConfigKeys.OVERLOAD_RECOVER_BELOW);
    if (!(recoverBelow >= 0.05 && recoverBelow <= 1)) {
      throw new IllegalArgumentException("config key " + ConfigKeys.OVERLOAD_RECOVER_BELOW
          + ": expected a number from 0.05 to 1 (a fraction of the thresholds), got " + recoverBelow);
    }
    if (s.getFreq(ConfigKeys.OVERLOAD_DEGRADED_FREQ).isRealtime()) {
      throw new IllegalArgumentException("config key " + ConfigKeys.OVERLOAD_DEGRADED_FREQ
          + ": expected a freq slower than realtime (e.g. 5s), got 'realtime'");
    }
    for (String key : List.of(ConfigKeys.AUTH_ANONYMOUS, ConfigKeys.AUTH_ADMIN_TOKEN, ConfigKeys.AUTH_DEV_TOKENS,
        ConfigKeys.OVERLOAD_ENABLED)) {
      s.getBoolean(key);
    }
    TierLimits.table(s);
  }
}

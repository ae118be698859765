package io.quotecast.common;

/**
 * Configuration keys (dotted paths into the config tree). Defaults live in {@code quotecast-defaults.yaml}; each key
 * can be overridden by a {@code --conf} file, the environment ({@code QUOTECAST_GATEWAY_PORT} for
 * {@code gateway.port}) and system properties ({@code -Dquotecast.gateway.port=...}).
 */
public final class ConfigKeys {
  private ConfigKeys() {}

  public static final String NODE_ID = "node.id";

  public static final String GATEWAY_HOST = "gateway.host";
  public static final String GATEWAY_PORT = "gateway.port";
  public static final String GATEWAY_INSTANCES = "gateway.instances";
  public static final String GATEWAY_HEARTBEAT_MS = "gateway.heartbeatMs";
  public static final String GATEWAY_IDLE_TIMEOUT_MS = "gateway.idleTimeoutMs";
  public static final String GATEWAY_MAX_MESSAGE_BYTES = "gateway.maxMessageBytes";
  public static final String GATEWAY_MAX_FRAME_BYTES = "gateway.maxFrameBytes";
  public static final String GATEWAY_WRITE_QUEUE_BYTES = "gateway.writeQueueBytes";
  public static final String GATEWAY_MALFORMED_LIMIT = "gateway.malformedLimit";
  public static final String GATEWAY_MALFORMED_WINDOW_MS = "gateway.malformedWindowMs";

  public static final String MONITOR_HOST = "monitor.host";
  public static final String MONITOR_PORT = "monitor.port";

  public static final String LIMITS_SUBSCRIPTIONS_PER_CONNECTION = "limits.subscriptionsPerConnection";
  public static final String LIMITS_CONNECTIONS_PER_NODE = "limits.connectionsPerNode";
  public static final String LIMITS_REQUESTS_PER_SECOND = "limits.requestsPerSecond";
  public static final String LIMITS_MIN_FREQ = "limits.minFreq";
  public static final String LIMITS_CHANNELS_PER_REQUEST = "limits.channelsPerRequest";

  public static final String SIMULATOR_MODE = "simulator.mode";
  public static final String SIMULATOR_UPDATES_PER_SECOND = "simulator.updatesPerSecond";
  public static final String SIMULATOR_SKEW = "simulator.skew";
  public static final String SIMULATOR_SEED = "simulator.seed";
  public static final String SIMULATOR_TICK_MS = "simulator.tickMs";
  public static final String SYMBOLS_LISTINGS_FILE = "symbols.listingsFile";

  public static final String HISTORY_QUOTE = "history.quote";
  public static final String HISTORY_TRADE = "history.trade";
  public static final String HISTORY_KLINE = "history.kline";
  public static final String BACKFILL_DAILY_BARS = "backfill.dailyBars";
  public static final String BACKFILL_MINUTE_BARS = "backfill.minuteBars";
}

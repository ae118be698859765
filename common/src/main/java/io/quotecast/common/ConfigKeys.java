package io.quotecast.common;

/**
 * Configuration keys (dotted paths into the config tree). Defaults live in {@code quotecast-defaults.yaml}; each key
 * can be overridden by a {@code --conf} file, the environment ({@code QUOTECAST_GATEWAY_PORT} for
 * {@code gateway.port}) and system properties ({@code -Dquotecast.gateway.port=...}).
 */
public final class ConfigKeys {
  private ConfigKeys() {}

  public static final String PROFILE = "profile";
  public static final String NODE_ID = "node.id";

  public static final String GATEWAY_HOST = "gateway.host";
  public static final String GATEWAY_PORT = "gateway.port";
  public static final String GATEWAY_INSTANCES = "gateway.instances";
  public static final String GATEWAY_HEARTBEAT_MS = "gateway.heartbeatMs";
  public static final String GATEWAY_IDLE_TIMEOUT_MS = "gateway.idleTimeoutMs";
  public static final String GATEWAY_MAX_MESSAGE_BYTES = "gateway.maxMessageBytes";
  public static final String GATEWAY_MAX_FRAME_BYTES = "gateway.maxFrameBytes";
  public static final String GATEWAY_WRITE_QUEUE_BYTES = "gateway.writeQueueBytes";
  /** permessage-deflate (RFC 7692) on WebSocket connections whose client offers it. */
  public static final String GATEWAY_COMPRESSION_ENABLED = "gateway.compression.enabled";
  /** Deflate level 1 (fastest) to 9 (smallest). */
  public static final String GATEWAY_COMPRESSION_LEVEL = "gateway.compression.level";
  /** No deflate window kept per connection between messages, whether or not the client asked (server_no_context_takeover). */
  public static final String GATEWAY_COMPRESSION_SERVER_NO_CONTEXT = "gateway.compression.serverNoContextTakeover";
  /** Ask clients for client_no_context_takeover. */
  public static final String GATEWAY_COMPRESSION_CLIENT_NO_CONTEXT = "gateway.compression.clientNoContextTakeover";
  public static final String GATEWAY_MALFORMED_LIMIT = "gateway.malformedLimit";
  public static final String GATEWAY_MALFORMED_WINDOW_MS = "gateway.malformedWindowMs";
  public static final String GATEWAY_ALLOWED_ORIGINS = "gateway.allowedOrigins";
  /** A TCP connection without a complete HTTP request (the upgrade) this long after accept is closed; 0 = never. */
  public static final String GATEWAY_HANDSHAKE_TIMEOUT_MS = "gateway.handshakeTimeoutMs";
  /** One socket write per connection per event-loop turn rather than one per message (FlushCoalescing). */
  public static final String GATEWAY_COALESCE_FLUSHES = "gateway.coalesceFlushes";
  /** Proxies (load balancers) whose X-Forwarded-For names the client, for per-address limits. */
  public static final String GATEWAY_TRUSTED_PROXIES = "gateway.trustedProxies";
  /** The WebSocket URL clients reach this node's gateway at (endpoints list, 1013/503 answers); empty = derived. */
  public static final String GATEWAY_PUBLIC_URL = "gateway.publicUrl";
  /** On shutdown, clients are told to reconnect at a random moment within this window (no reconnect storm). */
  public static final String SHUTDOWN_DRAIN_MS = "shutdown.drainMs";
  /** The process exits at most this long after SIGTERM, drained or not. */
  public static final String SHUTDOWN_TIMEOUT_MS = "shutdown.timeoutMs";

  /** Join a Hazelcast cluster ({@code --cluster} sets it; the cluster profile too). */
  public static final String CLUSTER_ENABLED = "cluster.enabled";
  /** Hazelcast XML; empty = {@code cluster.xml} in the working directory if present, else the one in the jar. */
  public static final String CLUSTER_CONFIG = "cluster.config";
  /** {@code tcp} (member list) or {@code kubernetes} (DNS lookup of a headless service). */
  public static final String CLUSTER_DISCOVERY = "cluster.discovery";
  /** Address Hazelcast binds and advertises, and the default event-bus host. */
  public static final String CLUSTER_HOST = "cluster.host";
  /** Hazelcast member port (auto-increments when taken). */
  public static final String CLUSTER_PORT = "cluster.port";
  /** TCP-IP discovery: comma-separated members, {@code host} or {@code host:port}. */
  public static final String CLUSTER_MEMBERS = "cluster.members";
  /** Kubernetes discovery: DNS name of the headless service. */
  public static final String CLUSTER_KUBERNETES_SERVICE_DNS = "cluster.kubernetesServiceDns";
  /** Seconds without a heartbeat before Hazelcast declares a member dead (bounds failover). */
  public static final String CLUSTER_MEMBER_TIMEOUT_SECONDS = "cluster.memberTimeoutSeconds";
  public static final String CLUSTER_EVENT_BUS_HOST = "cluster.eventBusHost";
  public static final String CLUSTER_EVENT_BUS_PORT = "cluster.eventBusPort";
  public static final String CLUSTER_EVENT_BUS_PUBLIC_HOST = "cluster.eventBusPublicHost";
  /** Symbols are owned in this many buckets; every node of a cluster must agree. */
  public static final String CLUSTER_BUCKETS = "cluster.buckets";
  /** How often a quote node re-checks bucket ownership against the member list. */
  public static final String CLUSTER_RECONCILE_MS = "cluster.reconcileMs";
  /** How often a quote node copies its latest snapshots into the cluster map (failover restarts from them). */
  public static final String CLUSTER_SNAPSHOT_FLUSH_MS = "cluster.snapshotFlushMs";
  /** How often each gateway node publishes its load. */
  public static final String CLUSTER_LOAD_INTERVAL_MS = "cluster.loadIntervalMs";
  /** A node with more than (1 + threshold) x the average connections asks the excess to move. 0 = never. */
  public static final String CLUSTER_REBALANCE_THRESHOLD = "cluster.rebalanceThreshold";
  /** At most this many rebalance notices per second per node. */
  public static final String CLUSTER_REBALANCE_PER_SECOND = "cluster.rebalancePerSecond";
  /** Notified clients are closed (1001) at a random time within this window, so they do not reconnect at once. */
  public static final String CLUSTER_REBALANCE_SPREAD_MS = "cluster.rebalanceSpreadMs";
  /** Nodes with fewer connections than this never rebalance. */
  public static final String CLUSTER_REBALANCE_MIN_CONNECTIONS = "cluster.rebalanceMinConnections";
  /** Timeout of requests routed to a symbol's owner (snapshots, history, replay). */
  public static final String CLUSTER_REQUEST_TIMEOUT_MS = "cluster.requestTimeoutMs";

  public static final String MONITOR_HOST = "monitor.host";
  public static final String MONITOR_PORT = "monitor.port";

  /** Vert.x's own HTTP server, pool and verticle meters in the node's registry ({@code /metrics}). */
  public static final String METRICS_VERTX = "metrics.vertx";
  /** Upper bounds (ms, comma-separated) of the source-to-client latency histogram's buckets. */
  public static final String METRICS_LATENCY_BUCKETS_MS = "metrics.latencyBucketsMs";

  /** Alert rules evaluated on every node's figures (README "Alerts"); false = no node raises alerts. */
  public static final String ALERTS_ENABLED = "alerts.enabled";
  /** Firing and resolved alerts are POSTed here as JSON (empty = no webhook). */
  public static final String ALERTS_WEBHOOK_URL = "alerts.webhookUrl";
  /** A webhook POST without an answer this long fails (and is retried once). */
  public static final String ALERTS_WEBHOOK_TIMEOUT_MS = "alerts.webhookTimeoutMs";
  /** Resolved alerts each monitor keeps for {@code GET /admin/alerts}. */
  public static final String ALERTS_KEEP_RESOLVED = "alerts.keepResolved";
  /**
   * One rule's block: {@code alerts.<rule>} with {@code enabled}, {@code severity}, {@code threshold}, {@code forMs},
   * {@code clearMs} (and rule-specific keys), for the rules {@code latencyP99}, {@code sourceDown},
   * {@code staleSymbols}, {@code connectionDrop}, {@code cpu}, {@code heap}, {@code eventLoopLag}.
   */
  public static final String ALERTS_RULE_PREFIX = "alerts.";
  public static final String ALERTS_RULE_ENABLED = "enabled";
  public static final String ALERTS_RULE_SEVERITY = "severity";
  public static final String ALERTS_RULE_THRESHOLD = "threshold";
  public static final String ALERTS_RULE_FOR_MS = "forMs";
  public static final String ALERTS_RULE_CLEAR_MS = "clearMs";
  /** {@code alerts.sourceDown.includeDegraded}: a connected but silent source counts as down too. */
  public static final String ALERTS_SOURCE_DOWN_INCLUDE_DEGRADED = "alerts.sourceDown.includeDegraded";
  /** {@code alerts.connectionDrop.windowMs}: the drop is measured from the highest count within this window. */
  public static final String ALERTS_CONNECTION_DROP_WINDOW_MS = "alerts.connectionDrop.windowMs";
  /** {@code alerts.connectionDrop.minDrop}: fewer connections lost than this never fire, whatever the percentage. */
  public static final String ALERTS_CONNECTION_DROP_MIN_DROP = "alerts.connectionDrop.minDrop";

  public static final String LIMITS_CONNECTIONS_PER_NODE = "limits.connectionsPerNode";
  public static final String LIMITS_REQUESTS_PER_SECOND = "limits.requestsPerSecond";
  /** Requests a connection may send at once before {@link #LIMITS_REQUESTS_PER_SECOND} applies (token bucket). */
  public static final String LIMITS_REQUEST_BURST = "limits.requestBurst";
  /** RATE_LIMITED refusals within 10 s after which the connection is closed with 4029. */
  public static final String LIMITS_RATE_LIMITED_CLOSE_AFTER = "limits.rateLimitedCloseAfter";
  public static final String LIMITS_CHANNELS_PER_REQUEST = "limits.channelsPerRequest";
  /** New connections per second one client address may open (token bucket); 0 = no limit. */
  public static final String LIMITS_CONNECTIONS_PER_IP_PER_SECOND = "limits.connectionsPerIpPerSecond";
  /** New connections one address may open at once before {@link #LIMITS_CONNECTIONS_PER_IP_PER_SECOND} applies. */
  public static final String LIMITS_CONNECTION_BURST_PER_IP = "limits.connectionBurstPerIp";

  /** The tier table: {@code tiers.<tier>.<field>}, see {@link io.quotecast.common.auth.TierLimits}. */
  public static final String TIERS = "tiers";

  public static final String AUTH_ANONYMOUS = "auth.anonymous";
  public static final String AUTH_ANONYMOUS_SCOPES = "auth.anonymousScopes";
  public static final String AUTH_HMAC_SECRET = "auth.hmacSecret";
  public static final String AUTH_PUBLIC_KEY_FILE = "auth.publicKeyFile";
  public static final String AUTH_JWKS_FILE = "auth.jwksFile";
  public static final String AUTH_ISSUER = "auth.issuer";
  public static final String AUTH_AUDIENCE = "auth.audience";
  public static final String AUTH_LEEWAY_SECONDS = "auth.leewaySeconds";
  public static final String AUTH_DEFAULT_TIER = "auth.defaultTier";
  public static final String AUTH_DEFAULT_SCOPES = "auth.defaultScopes";
  public static final String AUTH_TIMEOUT_MS = "auth.authTimeoutMs";
  public static final String AUTH_EXPIRY_NOTICE_MS = "auth.expiryNoticeMs";
  public static final String AUTH_ADMIN_TOKEN = "auth.adminToken";
  public static final String AUTH_DEV_TOKENS = "auth.devTokens";
  public static final String AUTH_DEV_TOKEN_MAX_TTL_SECONDS = "auth.devTokenMaxTtlSeconds";
  /**
   * Not in the defaults: a per-process HS256 secret the app generates at start when {@code auth.adminToken} or
   * {@code auth.devTokens} needs one and {@code auth.hmacSecret} is empty. Verifiers accept tokens it signed.
   */
  public static final String AUTH_LOCAL_SECRET = "auth.localSecret";

  public static final String LOG_LEVEL = "log.level";
  public static final String LOG_LEVELS = "log.levels";

  public static final String SIMULATOR_MODE = "simulator.mode";
  public static final String SIMULATOR_UPDATES_PER_SECOND = "simulator.updatesPerSecond";
  public static final String SIMULATOR_SKEW = "simulator.skew";
  public static final String SIMULATOR_SEED = "simulator.seed";
  public static final String SIMULATOR_TICK_MS = "simulator.tickMs";
  /**
   * Fault injected once after start: {@code none}, {@code down} (connection lost), {@code stall} (no updates), or for
   * one symbol ({@link #SIMULATOR_FAULT_SYMBOL}) {@code gap} (skipped source seqs) or {@code stale} (no updates).
   */
  public static final String SIMULATOR_FAULT_MODE = "simulator.fault.mode";
  public static final String SIMULATOR_FAULT_AFTER_MS = "simulator.fault.afterMs";
  public static final String SIMULATOR_FAULT_DURATION_MS = "simulator.fault.durationMs";
  /** A connected source without updates this long during trading is reported degraded. */
  public static final String SOURCE_STALE_MS = "source.staleMs";
  /** Where market data comes from: {@code simulator} (built in) or {@code feed} (an upstream WebSocket feed). */
  public static final String SOURCE_KIND = "source.kind";
  /** The upstream feed's WebSocket URL ({@code ws://} or {@code wss://}); required when {@code source.kind} is feed. */
  public static final String SOURCE_FEED_URL = "source.feed.url";
  /** A text frame sent after every connect (empty = none); {@code {{token}}} in it is replaced by the token. */
  public static final String SOURCE_FEED_SUBSCRIBE = "source.feed.subscribe";
  /** The feed's credential, sent in {@link #SOURCE_FEED_AUTH_HEADER} on the handshake (empty = none); masked. */
  public static final String SOURCE_FEED_TOKEN = "source.feed.token";
  /** Handshake header carrying the token: {@code Authorization} sends {@code Bearer <token>}, any other the token. */
  public static final String SOURCE_FEED_AUTH_HEADER = "source.feed.authHeader";
  /** A connect attempt (TCP, TLS and the WebSocket handshake) that takes longer fails and is retried with backoff. */
  public static final String SOURCE_FEED_CONNECT_TIMEOUT_MS = "source.feed.connectTimeoutMs";
  /** Largest frame (and message) accepted from the feed; a larger one closes the connection (1009), then reconnect. */
  public static final String SOURCE_FEED_MAX_FRAME_BYTES = "source.feed.maxFrameBytes";
  /** WebSocket ping period; a connection that answers nothing (no data, no pong) for a period is dropped. 0 = off. */
  public static final String SOURCE_FEED_PING_MS = "source.feed.pingMs";
  public static final String SYMBOLS_LISTINGS_FILE = "symbols.listingsFile";

  public static final String HISTORY_QUOTE = "history.quote";
  public static final String HISTORY_TRADE = "history.trade";
  public static final String HISTORY_KLINE = "history.kline";
  /** A client's gap of more publications than this is not replayed: it gets a snapshot (notRecovered). */
  public static final String RECOVERY_MAX_MESSAGES = "recovery.maxMessages";
  /** A gap whose first missed publication is older than this is not replayed: it gets a snapshot (notRecovered). */
  public static final String RECOVERY_MAX_AGE_MS = "recovery.maxAgeMs";
  public static final String BACKFILL_DAILY_BARS = "backfill.dailyBars";
  public static final String BACKFILL_MINUTE_BARS = "backfill.minuteBars";

  // ---- data quality (issue 6: GET /admin/quality) ------------------------------------------------------------------
  /** Symbol-level faults for {@code simulator.fault.mode} gap and stale: the symbol they hit. */
  public static final String SIMULATOR_FAULT_SYMBOL = "simulator.fault.symbol";
  /** {@code simulator.fault.mode} gap: how many source sequence numbers the simulator skips for the symbol. */
  public static final String SIMULATOR_FAULT_SKIP = "simulator.fault.skip";
  /** A symbol without a source update this long during trading (at least) is stale in the quality report. */
  public static final String QUALITY_STALE_MS = "quality.staleMs";
  /** ...or this many times its own typical interval between updates, when that is longer (quiet symbols). */
  public static final String QUALITY_STALE_FACTOR = "quality.staleFactor";

  // ---- priority under overload (issue 7; README "Overload") --------------------------------------------------------
  /** Overload protection on or off; off = level normal at once, nothing degraded, refused or shed. */
  public static final String OVERLOAD_ENABLED = "overload.enabled";
  /** Process CPU (% of the machine, over the last second) at which the node counts as overloaded; 0 = ignored. */
  public static final String OVERLOAD_CPU_PERCENT = "overload.cpuPercent";
  /** Worst event-loop lag (ms, over the last one to two seconds) at which the node is overloaded; 0 = ignored. */
  public static final String OVERLOAD_EVENT_LOOP_LAG_MS = "overload.eventLoopLagMs";
  /** Bytes waiting in the send queues of all the node's connections at which it is overloaded; 0 = ignored. */
  public static final String OVERLOAD_SEND_QUEUE_BYTES = "overload.sendQueueBytes";
  /** The level falls only while the pressure (worst input / its threshold) is below this fraction (hysteresis). */
  public static final String OVERLOAD_RECOVER_BELOW = "overload.recoverBelow";
  /** While overloaded, the level climbs one step per this many ms. */
  public static final String OVERLOAD_STEP_UP_MS = "overload.stepUpMs";
  /** While below {@link #OVERLOAD_RECOVER_BELOW}, the level falls one step per this many ms. */
  public static final String OVERLOAD_STEP_DOWN_MS = "overload.stepDownMs";
  /** From level 1, free-tier subscriptions are delivered at most this often (a freq of PROTOCOL.md §4). */
  public static final String OVERLOAD_DEGRADED_FREQ = "overload.degradedFreq";
  /** From level 3, at most this many connections per second are shed per node. */
  public static final String OVERLOAD_SHED_PER_SECOND = "overload.shedPerSecond";

  // ---- bandwidth (issue 7) -----------------------------------------------------------------------------------------
  /** Messages (frames) smaller than this many bytes go out uncompressed on a permessage-deflate connection. */
  public static final String GATEWAY_COMPRESSION_MIN_MESSAGE_BYTES = "gateway.compression.minMessageBytes";
}

package io.quotecast.common;

/** Event-bus addresses and shared-data names: the only way verticles reach each other. */
public final class Addresses {
  private Addresses() {}

  /** Prefix of channel publications: {@code md.quote.600519.SH}, {@code md.kline.1m.600519.SH}. */
  public static final String MARKET_DATA_PREFIX = "md.";

  /** Publish: data-source state changes ({@code status} messages). */
  public static final String SOURCE_STATUS = "quote.source.status";
  /**
   * Publish: inject a data-source fault on every quote node, {@code {mode: "down"|"stall"|"gap"|"stale"|"none",
   * durationMs, symbol, skip}} (for demos and tests; the operations port's {@code POST /admin/source/fault} sends it).
   */
  public static final String SOURCE_FAULT = "quote.source.fault";
  /** Request: current state of every data source. */
  public static final String SOURCE_STATES = "quote.source.states";

  /** Request: may this connection subscribe to these channels? Answered by the subscription verticle. */
  public static final String SUBSCRIPTION_CHECK = "subscription.check";
  /**
   * Request: a connection opened or changed user (the {@code auth} op): {@code {connectionId, user: Principal}} ->
   * {@code {limits: TierLimits}} or {@code {error}} (LIMIT_EXCEEDED connectionsPerUser/subscriptionsPerUser).
   */
  public static final String SUBSCRIPTION_CONNECT = "subscription.connect";
  /** Publish: a connection closed, {@code {connectionId}}; everything still counted for it is released. */
  public static final String SUBSCRIPTION_DISCONNECT = "subscription.disconnect";
  /** Publish: subscriptions released (unsubscribe or disconnect), for statistics. */
  public static final String SUBSCRIPTION_RELEASED = "subscription.released";
  /** Request: subscription statistics by channel. */
  public static final String SUBSCRIPTION_STATS = "subscription.stats";
  /** Request: symbol search and suggestions. */
  public static final String SYMBOL_SEARCH = "subscription.symbols.search";

  /** Request: one gateway instance's counters (connections, subscriptions, feeds, consumers). */
  public static final String GATEWAY_STATS = "gateway.stats";

  /**
   * Requests about one symbol, answered only by the quote node that owns the symbol's bucket
   * ({@link io.quotecast.common.cluster.QuoteRoute}): {@code quote.bucket.<n>} with header {@code action}.
   */
  public static final String QUOTE_BUCKET_PREFIX = "quote.bucket.";

  /**
   * Cluster-wide map (a Hazelcast map when clustered, a local async map otherwise): channel key -> latest publication
   * in {@link PublicationCodec} wire form, written behind by the owning quote node; a node taking a bucket over
   * continues from it.
   */
  public static final String SNAPSHOT_MAP = "quotecast.snapshots";
  /** Cluster-wide map: bucket number (String) -> node id of the quote node producing it. Changed only by CAS. */
  public static final String OWNER_MAP = "quotecast.owners";
  /** Cluster-wide map: node id -> {@code {node, since}} for every node running the quote role. */
  public static final String QUOTE_NODES_MAP = "quotecast.quote.nodes";
  /** Cluster-wide map: node id -> {@link io.quotecast.common.cluster.GatewayLoad} JSON, refreshed every second. */
  public static final String GATEWAY_LOAD_MAP = "quotecast.gateways";
  /**
   * Cluster-wide map: node id -> that node's subscription usage
   * {@code {users: {user: {connections, subscriptions}}, channels: {ch: subscribers}, connections, updatedAt}}.
   */
  public static final String USAGE_MAP = "quotecast.usage";
  /**
   * Cluster-wide map: reference data every node serves, {@value io.quotecast.common.ReferenceData#LISTINGS} -> the
   * listing CSV text. The first node to start puts its own; later nodes use the cluster's
   * ({@link io.quotecast.common.ReferenceData}).
   */
  public static final String REFERENCE_MAP = "quotecast.reference";
  /** Local map: this node's state flags ({@link io.quotecast.common.cluster.NodeState}). */
  public static final String NODE_STATE_MAP = "quotecast.node";
  /** Local map: gateway-wide counters shared by all gateway instances of a node. */
  public static final String GATEWAY_COUNTERS = "quotecast.gateway.counters";
  /** Local map: the node's meter registry and latency/lag meters ({@link NodeMetrics}). */
  public static final String NODE_METRICS = "quotecast.metrics";

  // ---- operations (monitor-verticle, PROTOCOL-independent) -------------------------------------------------------

  /** Publish: one node's figures (connections, throughput, latency, CPU, memory, ...), every second, by each node. */
  public static final String NODE_FIGURES = "monitor.figures";
  /** Publish: an alert raised or resolved (for dashboards; the monitor logs and lists them). */
  public static final String ALERTS = "monitor.alerts";
  /** Per node: {@code monitor.node.<nodeId>} takes operator commands for that node (drain, undrain). */
  public static final String MONITOR_NODE_PREFIX = "monitor.node.";
  /**
   * Scatter-gather ({@link io.quotecast.common.cluster.ScatterGather}): every gateway instance on every node answers
   * operations questions about its connections (list, detail, close, traces).
   */
  public static final String GATEWAY_ADMIN = "gateway.admin";
  /** Publish: {@code monitor.trace.<traceId>} carries the events of one message trace. */
  public static final String TRACE_EVENTS_PREFIX = "monitor.trace.";
  /** Scatter-gather: every quote node answers with the data-quality figures of the symbols it owns. */
  public static final String QUOTE_QUALITY = "quote.quality";

  // ---- priority under overload (gateway-verticle; README "Overload") ---------------------------------------------

  /**
   * Node-local publish (delivery local only): the gateway node's overload level, from its node verticle to every
   * gateway instance of the node, every {@code cluster.loadIntervalMs}: {@code {level, state, degradedFreq,
   * shedPerSecond, retryAfterMs, restoreSpreadMs}}.
   */
  public static final String GATEWAY_OVERLOAD_LEVEL = "gateway.overload.level";
  /**
   * Scatter-gather ({@link io.quotecast.common.cluster.ScatterGather}): every gateway node answers once.
   * {@code {action: "status", node?}} -> the node's overload state; {@code {action: "configure", node?, changes:
   * {cpuPercent, ...}}} -> the state after applying the changes, or {@code {error: {code, message, field}}}. Every
   * answer carries {@code member}, {@code node} and {@code matched} ({@code node} names it, or none was named).
   */
  public static final String GATEWAY_OVERLOAD = "gateway.overload";
  /**
   * Local map: under the key {@code state}, this node's overload state as {@code GET /admin/overload} shows it
   * (JSON), rewritten by the gateway node every {@code cluster.loadIntervalMs}; absent on nodes without the gateway
   * role. The monitor puts it in the node's figures.
   */
  public static final String OVERLOAD_STATE_MAP = "quotecast.overload";
}

package io.quotecast.common;

/**
 * Every Quotecast meter name and tag, in one place. Names are Micrometer's dotted form; the Prometheus scrape
 * ({@code GET /metrics} on the operations port) writes them with underscores, the base unit and {@code _total} for
 * counters: {@code quotecast.messages.out} is {@code quotecast_messages_out_total}, {@link #LATENCY} is
 * {@code quotecast_latency_seconds_bucket/_count/_sum/_max}. Every meter carries the tag {@link #TAG_NODE}
 * ({@code node.id}); none has a per-symbol or per-connection tag, so the number of series never grows with the
 * market or the clients.
 */
public final class MetricNames {
  private MetricNames() {}

  public static final String PREFIX = "quotecast.";

  // ---- tags ------------------------------------------------------------------------------------------------------
  /** Common tag of every meter of the node: the configured {@code node.id}. */
  public static final String TAG_NODE = "node";
  /** Tier of a connection's user ({@code free}, {@code standard}, {@code pro}), {@link #TIER_NONE} without a user. */
  public static final String TAG_TIER = "tier";
  /** Channel type: {@code quote}, {@code trade}, {@code kline}. */
  public static final String TAG_TYPE = "type";
  /** An error code (PROTOCOL.md §5) or a close code (§8). */
  public static final String TAG_CODE = "code";
  /** Which kind of event a meter counts: {@code error}, {@code close}, {@code connection}, {@code filled}... */
  public static final String TAG_KIND = "kind";
  /** Connections that have no user yet (waiting for the {@code auth} op) or were refused one. */
  public static final String TIER_NONE = "none";

  // ---- connections and subscriptions (gauges) ---------------------------------------------------------------------
  /** Open client connections (WebSocket and SockJS), by {@link #TAG_TIER}. */
  public static final String CONNECTIONS = "quotecast.connections";
  /** Connections accepted since start (counter). */
  public static final String CONNECTIONS_OPENED = "quotecast.connections.opened";
  /** Subscriptions held by connections, by {@link #TAG_TYPE}. */
  public static final String SUBSCRIPTIONS = "quotecast.subscriptions";
  /** Channel feeds: event-bus consumers of channels, one per channel per gateway instance. */
  public static final String FEEDS = "quotecast.feeds";

  // ---- traffic (counters) -----------------------------------------------------------------------------------------
  /** Client messages received (requests, malformed ones included). */
  public static final String MESSAGES_IN = "quotecast.messages.in";
  /** Messages written to clients (data, replies, notices; a batch frame counts its messages). */
  public static final String MESSAGES_OUT = "quotecast.messages.out";
  /** Client message text received (base unit bytes: {@code quotecast_network_in_bytes_total}). */
  public static final String NETWORK_IN = "quotecast.network.in";
  /** Message text written to clients ({@code quotecast_network_out_bytes_total}). */
  public static final String NETWORK_OUT = "quotecast.network.out";
  /** Publications the gateway feeds received from the quote side (once per feed, not per client). */
  public static final String PUBLICATIONS_IN = "quotecast.publications.in";
  /** State messages replaced by a newer one while a client's send queue was full (PROTOCOL.md §6). */
  public static final String MESSAGES_CONFLATED = "quotecast.messages.conflated";
  /** Channel messages a connection never got (the one that closed a slow consumer; what it held at close). */
  public static final String MESSAGES_DROPPED = "quotecast.messages.dropped";
  /** Malformed client messages. */
  public static final String MESSAGES_MALFORMED = "quotecast.messages.malformed";
  /** Seq jumps on the bus, {@link #TAG_KIND} {@code filled} (from the owner's history) or {@code unfilled}. */
  public static final String GAPS = "quotecast.gaps";

  // ---- refusals and closes (counters) ------------------------------------------------------------------------------
  /** Error replies and REST problems, by error {@link #TAG_CODE}. */
  public static final String ERRORS = "quotecast.errors";
  /** Connections the server closed, by close {@link #TAG_CODE}. */
  public static final String CLOSES = "quotecast.closes";
  /** Connections closed as slow consumers (close 4008). */
  public static final String SLOW_CONSUMER_CLOSES = "quotecast.slow.consumer.closes";
  /**
   * Authentication failures: {@link #TAG_KIND} {@code error} (UNAUTHORIZED answers, WebSocket and REST) and
   * {@code close} (connections closed 1008 for a bad or expired token, 4001 for none in time).
   */
  public static final String AUTH_FAILURES = "quotecast.auth.failures";
  /**
   * Refusals for limits: {@link #TAG_KIND} {@code error} (RATE_LIMITED and LIMIT_EXCEEDED answers), {@code close}
   * (close 4029) and {@code connection} (connections refused at the node limit or while draining: 503 before the
   * upgrade, or 1013 after it).
   */
  public static final String RATE_LIMIT_REFUSALS = "quotecast.rate.limit.refusals";
  /** TCP connections closed without a complete HTTP request within gateway.handshakeTimeoutMs. */
  public static final String HANDSHAKE_TIMEOUTS = "quotecast.handshake.timeouts";

  // ---- latency and the node -----------------------------------------------------------------------------------------
  /**
   * Source-to-client latency: from a publication's source time to the gateway writing it to its realtime
   * subscribers, recorded once per publication per gateway feed, by {@link #TAG_TYPE}. A histogram with the buckets
   * of {@code metrics.latencyBucketsMs}.
   */
  public static final String LATENCY = "quotecast.latency";
  /** How late the periodic probe on each event loop of the node ran (histogram over all loops). */
  public static final String EVENT_LOOP_LAG = "quotecast.event.loop.lag";
  /** The largest event-loop lag of the node over the last second or two, a loop stuck right now included. */
  public static final String EVENT_LOOP_LAG_MAX = "quotecast.event.loop.lag.max";
  /** Event loops the lag probe watches. */
  public static final String EVENT_LOOPS = "quotecast.event.loops";
  /** Direct memory Netty allocated without the JDK's buffer pools (base unit bytes), -1 when Netty does not tell. */
  public static final String NETTY_DIRECT_MEMORY = "quotecast.netty.direct.memory.used";

  // ---- priority under overload (README "Overload") ------------------------------------------------------------------
  /** The gateway node's overload level, 0 (normal) to 5 (shedding pro connections). */
  public static final String OVERLOAD_LEVEL = "quotecast.overload.level";
  /** The worst overload input relative to its threshold (1 = at the threshold); 0 when every input is ignored. */
  public static final String OVERLOAD_PRESSURE = "quotecast.overload.pressure";
  /** Connections closed (1013) to shed load, by {@link #TAG_TIER}. */
  public static final String OVERLOAD_SHED = "quotecast.overload.shed";
  /** New connections refused for overload (503 before the upgrade, 1013 after authentication), by {@link #TAG_TIER}. */
  public static final String OVERLOAD_REFUSED = "quotecast.overload.refused";
  /** Subscriptions delivered slower than their own freq because the node degrades their tier. */
  public static final String OVERLOAD_DEGRADED_SUBSCRIPTIONS = "quotecast.overload.degraded.subscriptions";
  /** Bytes waiting in the send queues of all the node's WebSocket connections (base unit bytes). */
  public static final String SEND_QUEUE = "quotecast.send.queue";
}

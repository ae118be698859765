package io.quotecast.common;

/** Event-bus addresses and shared-data names: the only way verticles reach each other. */
public final class Addresses {
  private Addresses() {}

  /** Prefix of channel publications: {@code md.quote.600519.SH}, {@code md.kline.1m.600519.SH}. */
  public static final String MARKET_DATA_PREFIX = "md.";

  /** Request: recent trades / bars history of one symbol, answered by the quote verticle. */
  public static final String QUOTE_HISTORY = "quote.history";
  /** Request: missed publications of a channel since a seq, answered by the quote verticle. */
  public static final String QUOTE_REPLAY = "quote.replay";
  /** Publish: data-source state changes ({@code status} messages). */
  public static final String SOURCE_STATUS = "quote.source.status";
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

  /** Local map: channel key -> latest {@link Publication} (the snapshot cache). */
  public static final String SNAPSHOT_MAP = "quotecast.snapshots";
  /** Local map: gateway-wide counters shared by all gateway instances of a node. */
  public static final String GATEWAY_COUNTERS = "quotecast.gateway.counters";
}

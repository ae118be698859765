package io.quotecast.common;

import io.quotecast.common.auth.Principal;
import io.quotecast.common.auth.TierLimits;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Node-wide gateway counters shared by every gateway instance of one process (through a local map) and read by the
 * monitor and by tests: connections, subscriptions, channel feeds and their event-bus consumers, traffic.
 */
public final class GatewayCounters implements Shareable {
  public final AtomicLong connections = new AtomicLong();
  public final AtomicLong connectionsTotal = new AtomicLong();
  public final AtomicLong subscriptions = new AtomicLong();
  /** Channel feeds (one per channel per gateway instance). */
  public final AtomicLong feeds = new AtomicLong();
  /** Event-bus consumers registered for channel feeds; equals {@link #feeds} unless a registration is in flight. */
  public final AtomicLong consumers = new AtomicLong();
  public final AtomicLong conflationGroups = new AtomicLong();
  // Traffic counters are bumped on every write from every event loop: LongAdder keeps them off one contended line.
  public final LongAdder messagesIn = new LongAdder();
  public final LongAdder messagesOut = new LongAdder();
  /** Client message text received (counted as characters: requests are ASCII JSON). */
  public final LongAdder bytesIn = new LongAdder();
  public final LongAdder bytesOut = new LongAdder();
  public final LongAdder conflated = new LongAdder();
  public final LongAdder malformed = new LongAdder();
  public final LongAdder publicationsIn = new LongAdder();
  /** Seq jumps on the bus filled from the owner's history before clients saw them. */
  public final LongAdder gapsFilled = new LongAdder();
  /** Seq jumps the owner could no longer fill (clients see the jump). */
  public final LongAdder gapsUnfilled = new LongAdder();
  /**
   * Channel messages a connection never got: the one that made a slow consumer close (4008), and the latest values
   * a connection was holding when it closed. (Values replaced by newer ones while a queue was full are
   * {@link #conflated}, not dropped: the client got something newer.)
   */
  public final LongAdder dropped = new LongAdder();
  /**
   * WebSocket/SockJS connections refused for a connection limit: before the upgrade (node full or draining: 503; user
   * at connectionsPerUser: 429) or right after it (1013).
   */
  public final LongAdder refused = new LongAdder();
  /** Connections refused with 429 because their address opened too many (limits.connectionsPerIpPerSecond). */
  public final LongAdder refusedByAddressRate = new LongAdder();
  /** TCP connections closed because no complete HTTP request came within gateway.handshakeTimeoutMs. */
  public final LongAdder handshakeTimeouts = new LongAdder();
  private final LongAdder[] errors = new LongAdder[ErrorCode.values().length];
  private final ConcurrentHashMap<Integer, LongAdder> closes = new ConcurrentHashMap<>();
  /** Subscriptions by channel type (the sum is {@link #subscriptions}); counted as they join and leave a feed. */
  private final AtomicLong[] subscriptionsByType = new AtomicLong[ChannelType.values().length];
  /** Open connections by their user's tier; connections without a user are the rest of {@link #connections}. */
  private final ConcurrentHashMap<String, AtomicLong> connectionsByTier = new ConcurrentHashMap<>();

  public GatewayCounters() {
    for (int i = 0; i < errors.length; i++) {
      errors[i] = new LongAdder();
    }
    for (int i = 0; i < subscriptionsByType.length; i++) {
      subscriptionsByType[i] = new AtomicLong();
    }
    for (String tier : TierLimits.NAMES) {
      connectionsByTier.put(tier, new AtomicLong());
    }
  }

  /** Subscriptions of one channel type held by this node's connections. */
  public AtomicLong subscriptions(ChannelType type) {
    return subscriptionsByType[type.ordinal()];
  }

  /**
   * A connection's user changed: {@code from} is the user it had (null when none yet), {@code to} the one it has now
   * (null when the connection is released). Moves the connection between the per-tier counts; called on connect,
   * on the {@code auth} op and on release, never per message.
   */
  public void userChanged(Principal from, Principal to) {
    String before = from == null ? null : from.tier();
    String after = to == null ? null : to.tier();
    if (java.util.Objects.equals(before, after)) {
      return;
    }
    if (before != null) {
      tier(before).decrementAndGet();
    }
    if (after != null) {
      tier(after).incrementAndGet();
    }
  }

  private AtomicLong tier(String tier) {
    return connectionsByTier.computeIfAbsent(tier, t -> new AtomicLong());
  }

  /**
   * Open connections of users of {@code tier}; for {@link MetricNames#TIER_NONE}, those without a user (waiting for a
   * token, or refused at connect).
   */
  public long connections(String tier) {
    if (MetricNames.TIER_NONE.equals(tier)) {
      long withUser = 0;
      for (AtomicLong n : connectionsByTier.values()) {
        withUser += n.get();
      }
      return Math.max(0, connections.get() - withUser);
    }
    AtomicLong n = connectionsByTier.get(tier);
    return n == null ? 0 : n.get();
  }

  /** Every tier with connections counted so far ({@link TierLimits#NAMES} always), then {@code none}. */
  public Map<String, Long> connectionsByTier() {
    Map<String, Long> out = new java.util.LinkedHashMap<>();
    new TreeMap<>(connectionsByTier).forEach((tier, n) -> out.put(tier, n.get()));
    out.put(MetricNames.TIER_NONE, connections(MetricNames.TIER_NONE));
    return out;
  }

  /** Subscriptions by channel type, {@code {quote, trade, kline}}. */
  public JsonObject subscriptionsByTypeJson() {
    JsonObject out = new JsonObject();
    for (ChannelType type : ChannelType.values()) {
      out.put(type.wire(), subscriptions(type).get());
    }
    return out;
  }

  /** Errors answered to clients, WebSocket {@code error} replies and REST problems alike, with {@code code}. */
  public LongAdder errors(ErrorCode code) {
    return errors[code.ordinal()];
  }

  /** Connections the server closed with close code {@code code} (PROTOCOL.md §8). */
  public LongAdder closes(int code) {
    return closes.computeIfAbsent(code, c -> new LongAdder());
  }

  /** Every close code the server used so far, with its count. */
  public Map<Integer, Long> closesByCode() {
    Map<Integer, Long> out = new TreeMap<>();
    closes.forEach((code, n) -> out.put(code, n.sum()));
    return out;
  }

  public static GatewayCounters of(Vertx vertx) {
    LocalMap<String, GatewayCounters> map = vertx.sharedData().getLocalMap(Addresses.GATEWAY_COUNTERS);
    GatewayCounters fresh = new GatewayCounters();
    GatewayCounters existing = map.putIfAbsent("counters", fresh);
    return existing != null ? existing : fresh;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("connections", connections.get())
        .put("connectionsTotal", connectionsTotal.get())
        .put("connectionsByTier", new JsonObject(new java.util.LinkedHashMap<>(connectionsByTier())))
        .put("subscriptions", subscriptions.get())
        .put("subscriptionsByType", subscriptionsByTypeJson())
        .put("feeds", feeds.get())
        .put("consumers", consumers.get())
        .put("conflationGroups", conflationGroups.get())
        .put("messagesIn", messagesIn.sum())
        .put("messagesOut", messagesOut.sum())
        .put("bytesIn", bytesIn.sum())
        .put("bytesOut", bytesOut.sum())
        .put("conflated", conflated.sum())
        .put("malformed", malformed.sum())
        .put("publicationsIn", publicationsIn.sum())
        .put("gapsFilled", gapsFilled.sum())
        .put("gapsUnfilled", gapsUnfilled.sum())
        .put("dropped", dropped.sum())
        .put("refused", refused.sum())
        .put("refusedByAddressRate", refusedByAddressRate.sum())
        .put("handshakeTimeouts", handshakeTimeouts.sum())
        .put("errors", errorsJson())
        .put("closes", closesJson());
  }

  private JsonObject errorsJson() {
    JsonObject out = new JsonObject();
    for (ErrorCode code : ErrorCode.values()) {
      long n = errors(code).sum();
      if (n > 0) {
        out.put(code.name(), n);
      }
    }
    return out;
  }

  private JsonObject closesJson() {
    JsonObject out = new JsonObject();
    closesByCode().forEach((code, n) -> out.put(String.valueOf(code), n));
    return out;
  }
}

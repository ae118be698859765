package io.quotecast.common;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
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
  public final LongAdder bytesOut = new LongAdder();
  public final LongAdder conflated = new LongAdder();
  public final LongAdder malformed = new LongAdder();
  public final LongAdder publicationsIn = new LongAdder();
  /** Seq jumps on the bus filled from the owner's history before clients saw them. */
  public final LongAdder gapsFilled = new LongAdder();
  /** Seq jumps the owner could no longer fill (clients see the jump). */
  public final LongAdder gapsUnfilled = new LongAdder();

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
        .put("subscriptions", subscriptions.get())
        .put("feeds", feeds.get())
        .put("consumers", consumers.get())
        .put("conflationGroups", conflationGroups.get())
        .put("messagesIn", messagesIn.sum())
        .put("messagesOut", messagesOut.sum())
        .put("bytesOut", bytesOut.sum())
        .put("conflated", conflated.sum())
        .put("malformed", malformed.sum())
        .put("publicationsIn", publicationsIn.sum())
        .put("gapsFilled", gapsFilled.sum())
        .put("gapsUnfilled", gapsUnfilled.sum());
  }
}

package io.quotecast.common;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.atomic.AtomicLong;

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
  public final AtomicLong messagesIn = new AtomicLong();
  public final AtomicLong messagesOut = new AtomicLong();
  public final AtomicLong bytesOut = new AtomicLong();
  public final AtomicLong conflated = new AtomicLong();
  public final AtomicLong malformed = new AtomicLong();
  public final AtomicLong publicationsIn = new AtomicLong();

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
        .put("messagesIn", messagesIn.get())
        .put("messagesOut", messagesOut.get())
        .put("bytesOut", bytesOut.get())
        .put("conflated", conflated.get())
        .put("malformed", malformed.get())
        .put("publicationsIn", publicationsIn.get());
  }
}

package io.quotecast.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quotecast.common.auth.Principal;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The per-tier connection counts and per-type subscription counts behind quotecast_connections/subscriptions. */
class GatewayCountersTiersTest {
  private static Principal user(String id, String tier) {
    return new Principal(id, tier, Set.of("md:quote"), false, 0);
  }

  private static Map<String, Long> tiers(long free, long pro, long standard, long none) {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("free", free);
    m.put("pro", pro);
    m.put("standard", standard);
    m.put("none", none);
    return m;
  }

  @Test
  void connectionsMoveBetweenTiersAndThoseWithoutAUserAreNone() {
    GatewayCounters c = new GatewayCounters();
    c.connections.set(3); // three open, none has a user yet
    assertEquals(tiers(0, 0, 0, 3), c.connectionsByTier());
    Principal anon = Principal.anonymous("free", Set.of());
    c.userChanged(null, anon);
    c.userChanged(null, user("alice", "pro"));
    assertEquals(tiers(1, 1, 0, 1), c.connectionsByTier());
    c.userChanged(anon, user("bob", "standard")); // the auth op upgraded an anonymous connection
    c.userChanged(user("alice", "pro"), user("alice", "pro")); // a refreshed token of the same tier
    assertEquals(tiers(0, 1, 1, 1), c.connectionsByTier());
    c.userChanged(user("bob", "standard"), null); // released
    c.connections.decrementAndGet();
    assertEquals(tiers(0, 1, 0, 1), c.connectionsByTier());
    assertEquals(1, c.connections("pro"));
    assertEquals(1, c.connections(MetricNames.TIER_NONE));
    assertEquals(new JsonObject().put("free", 0L).put("pro", 1L).put("standard", 0L).put("none", 1L),
        c.toJson().getJsonObject("connectionsByTier"));
  }

  @Test
  void subscriptionsAreCountedByChannelType() {
    GatewayCounters c = new GatewayCounters();
    c.subscriptions(ChannelType.QUOTE).addAndGet(2);
    c.subscriptions(ChannelType.KLINE).incrementAndGet();
    c.bytesIn.add(42);
    JsonObject json = c.toJson();
    assertEquals(new JsonObject().put("quote", 2L).put("trade", 0L).put("kline", 1L),
        json.getJsonObject("subscriptionsByType"));
    assertEquals(42L, json.getLong("bytesIn"));
  }
}

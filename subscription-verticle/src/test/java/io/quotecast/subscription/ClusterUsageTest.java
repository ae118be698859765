package io.quotecast.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quotecast.common.ChannelKey;
import io.quotecast.common.ErrorCode;
import io.quotecast.common.Freq;
import io.quotecast.common.ProtocolException;
import io.quotecast.common.auth.Principal;
import io.quotecast.common.auth.Scopes;
import io.quotecast.common.auth.TierLimits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterUsageTest {
  static final TierLimits FREE = new TierLimits("free", Freq.S1, 5, 6, 2);
  static final Set<String> SCOPES = Set.of(Scopes.QUOTE, Scopes.TRADE, Scopes.KLINE);

  private static Principal user(String id) {
    return new Principal(id, "free", SCOPES, false, 0);
  }

  /** A node's entry as its own verticle would publish it. */
  private static JsonObject entry(String node, ConnectionRegistry registry, SubscriptionStats stats) {
    return ClusterUsage.entry(node, "name-" + node, registry, stats, 1000);
  }

  /** One node with the given connections (connection id -> user, "" = anonymous) and channels per connection. */
  private static JsonObject node(String node, Map<String, String> users, Map<String, List<String>> channels) {
    ConnectionRegistry registry = new ConnectionRegistry();
    SubscriptionStats stats = new SubscriptionStats();
    users.forEach((conn, id) -> registry.connect(conn, id.isEmpty() ? Principal.anonymous("free", SCOPES) : user(id),
        new TierLimits("free", Freq.S1, 100, 100, 100)));
    channels.forEach((conn, chs) -> stats.added(registry.reserve(conn, chs.stream().map(ChannelKey::parse).toList())));
    return entry(node, registry, stats);
  }

  @Test
  void entryListsAuthenticatedUsersChannelsAndCounts() {
    JsonObject e = node("n1", Map.of("c1", "u1", "c2", "u1", "a1", ""),
        Map.of("c1", List.of("quote:600519.SH", "trade:600519.SH"), "c2", List.of("quote:600519.SH"),
            "a1", List.of("quote:000001.SZ")));
    assertEquals(new JsonObject().put("node", "n1").put("name", "name-n1")
        .put("users", new JsonObject().put("u1", new JsonObject().put("connections", 2).put("subscriptions", 3)))
        .put("channels", new JsonObject().put("quote:600519.SH", 2).put("trade:600519.SH", 1)
            .put("quote:000001.SZ", 1))
        .put("connections", 3).put("subscriptions", 4L).put("anonymousConnections", 1).put("updatedAt", 1000L), e,
        "anonymous connections only in the counts, never pooled as a user");
  }

  @Test
  void remoteTotalsSumTheOtherLiveNodesOnly() {
    ClusterUsage usage = new ClusterUsage("self");
    Map<String, Object> entries = new HashMap<>();
    entries.put("self", node("self", Map.of("s1", "u1"), Map.of("s1", List.of("quote:600519.SH"))));
    entries.put("n2", node("n2", Map.of("c1", "u1", "c2", "u2"), Map.of("c1", List.of("quote:600519.SH"))));
    entries.put("n3", node("n3", Map.of("c1", "u1"), Map.of("c1", List.of("quote:600519.SH", "quote:000001.SZ"))));
    entries.put("dead", node("dead", Map.of("c1", "u1"), Map.of("c1", List.of("quote:600519.SH"))));

    List<String> stale = usage.update(entries, List.of("n2", "n3", "self"));

    assertEquals(List.of("dead"), stale, "a departed node's entry is to be purged");
    assertEquals(Set.of("n2", "n3"), usage.remoteNodes());
    assertEquals(2, usage.connections("u1"), "n2 + n3; its own entry is never read back, the dead node's ignored");
    assertEquals(3, usage.subscriptions("u1"));
    assertEquals(1, usage.connections("u2"));
    assertEquals(0, usage.subscriptions("u2"));
    assertEquals(0, usage.connections("nobody"));

    // n3 leaves: its usage stops counting at the next read
    stale = usage.update(entries, List.of("n2", "self"));
    assertEquals(Set.of("n3", "dead"), Set.copyOf(stale));
    assertEquals(1, usage.connections("u1"));
    assertEquals(1, usage.subscriptions("u1"));
  }

  @Test
  void notAMemberPurgesNothingAndCountsNothing() {
    ClusterUsage usage = new ClusterUsage("self");
    Map<String, Object> entries = Map.of("n2", node("n2", Map.of("c1", "u1"), Map.of()));
    assertEquals(List.of(), usage.update(entries, List.of()), "cannot tell the dead from the live");
    assertEquals(0, usage.connections("u1"));
  }

  @Test
  void malformedEntriesAreSkipped() {
    ClusterUsage usage = new ClusterUsage("self");
    Map<String, Object> entries = new HashMap<>();
    entries.put("n2", "not json");
    entries.put("n3", new JsonObject().put("users", new JsonObject().put("u1", "x")).put("channels", new JsonObject()));
    entries.put("n4", node("n4", Map.of("c1", "u1"), Map.of()));
    assertEquals(List.of(), usage.update(entries, List.of("self", "n2", "n3", "n4")));
    assertEquals(Set.of("n4"), usage.remoteNodes());
    assertEquals(1, usage.connections("u1"));
  }

  @Test
  void registryChecksCountRemoteUsage() {
    ClusterUsage usage = new ClusterUsage("self");
    usage.update(Map.of("n2", node("n2", Map.of("c1", "u1"), Map.of("c1", List.of("quote:600519.SH",
        "quote:000001.SZ", "quote:600000.SH", "quote:600036.SH", "quote:601318.SH")))), List.of("self", "n2"));
    ConnectionRegistry registry = new ConnectionRegistry(usage);

    registry.connect("c1", user("u1"), FREE); // 1 here + 1 there = connectionsPerUser 2
    ProtocolException e = assertThrows(ProtocolException.class, () -> registry.connect("c2", user("u1"), FREE));
    assertEquals(ErrorCode.LIMIT_EXCEEDED, e.code());
    JsonObject json = e.toJson();
    assertEquals("connectionsPerUser", json.getString("limit"));
    assertEquals(2, json.getInteger("current"), "the cluster-wide count");
    assertEquals(5, registry.userSubscriptions("c1"), "0 here + 5 there");

    registry.connect("a1", Principal.anonymous("free", SCOPES), FREE);
    registry.connect("a2", Principal.anonymous("free", SCOPES), FREE);
    assertEquals(0, registry.userSubscriptions("a1"), "anonymous connections are never pooled, nor remotely");

    // the other node's usage is gone: the limit frees up
    usage.update(Map.of(), List.of("self"));
    registry.connect("c2", user("u1"), FREE);
    assertEquals(0, registry.userSubscriptions("c2"));
  }

  @Test
  void subscriptionsPerUserCountsRemoteOnMove() {
    ClusterUsage usage = new ClusterUsage("self");
    usage.update(Map.of("n2", node("n2", Map.of("c1", "u1"), Map.of("c1", List.of("quote:600519.SH",
        "quote:000001.SZ", "quote:600000.SH", "quote:600036.SH", "quote:601318.SH")))), List.of("self", "n2"));
    ConnectionRegistry registry = new ConnectionRegistry(usage);
    registry.connect("a1", Principal.anonymous("free", SCOPES), FREE);
    registry.reserve("a1", List.of(ChannelKey.parse("quote:600519.SH"), ChannelKey.parse("trade:600519.SH")));
    // authenticating as u1 would carry 2 subscriptions onto u1's 5 elsewhere: over subscriptionsPerUser 6
    ProtocolException e = assertThrows(ProtocolException.class, () -> registry.connect("a1", user("u1"), FREE));
    assertEquals("subscriptionsPerUser", e.toJson().getString("limit"));
    assertEquals(5, e.toJson().getInteger("current"));
  }

  @Test
  void statsSumTheNodesWithABreakdown() {
    ClusterUsage usage = new ClusterUsage("self");
    JsonObject n2 = node("n2", Map.of("c1", "u1", "c2", "u2", "a1", ""),
        Map.of("c1", List.of("quote:600519.SH", "quote:000001.SZ"), "a1", List.of("quote:600519.SH")));
    usage.update(Map.of("n2", n2, "gone", n2.copy().put("node", "gone")), List.of("self", "n2"));
    JsonObject local = node("self", Map.of("s1", "u1", "s2", "u3"),
        Map.of("s1", List.of("quote:600519.SH", "trade:600519.SH")));

    JsonObject stats = usage.stats(local, 2);

    assertEquals(new JsonArray().add(new JsonObject().put("ch", "quote:600519.SH").put("subscribers", 3))
        .add(new JsonObject().put("ch", "quote:000001.SZ").put("subscribers", 1)), stats.getJsonArray("channels"),
        "top 2 over the cluster, by subscribers then key");
    assertEquals(5, stats.getLong("totalSubscriptions"));
    assertEquals(3, stats.getInteger("channelCount"));
    assertEquals(5, stats.getLong("connections"));
    assertEquals(4, stats.getLong("users"), "u1 (on both), u2, u3 and one anonymous connection");
    assertEquals(1, stats.getLong("anonymousConnections"));
    assertEquals("self", stats.getString("node"));
    JsonArray nodes = stats.getJsonArray("nodes");
    assertEquals(2, nodes.size(), nodes.encode());
    JsonObject first = nodes.getJsonObject(0);
    assertEquals("n2", first.getString("node"));
    assertEquals("name-n2", first.getString("name"));
    assertEquals(3, first.getInteger("connections"));
    assertEquals(3, first.getLong("subscriptions"));
    assertEquals(3, first.getInteger("users"));
    assertEquals(false, first.getBoolean("local"));
    JsonObject second = nodes.getJsonObject(1);
    assertEquals("self", second.getString("node"));
    assertEquals(2, second.getLong("subscriptions"));
    assertTrue(second.getBoolean("local"));
  }

  @Test
  void aSingleNodeReportsWhatItAlwaysDid() {
    ConnectionRegistry registry = new ConnectionRegistry();
    SubscriptionStats stats = new SubscriptionStats();
    registry.connect("c1", user("u1"), FREE);
    registry.connect("a1", Principal.anonymous("free", SCOPES), FREE);
    stats.added(registry.reserve("c1", List.of(ChannelKey.parse("quote:600519.SH"))));
    JsonObject merged = new ClusterUsage("local").stats(entry("local", registry, stats), 0);
    JsonObject single = stats.toJson(0).mergeIn(registry.toJson());
    for (String field : single.fieldNames()) {
      assertEquals(single.getValue(field).toString(), merged.getValue(field).toString(), field);
    }
  }
}

package io.quotecast.subscription;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The subscription usage of the whole cluster, as this node knows it: its own, exact, and every other live node's as
 * last read from {@link io.quotecast.common.Addresses#USAGE_MAP}. Pure logic, no Vert.x runtime; owned by one verticle
 * (one event loop), so it is not thread-safe.
 *
 * <p>Each node publishes one entry ({@link #entry}) under its cluster node id:
 * {@code {node, name, users: {userId: {connections, subscriptions}}, channels: {ch: subscribers}, connections,
 * subscriptions, anonymousConnections, updatedAt}}. Anonymous connections appear only in the counts, never in
 * {@code users}: they are not pooled per user (see {@link ConnectionRegistry}).
 *
 * <p><b>Lag.</b> Remote counts are as of the last read, and a node publishes soon after a change (debounced) and every
 * {@code cluster.loadIntervalMs}, so they lag by at most about one interval: a user racing connections or subscriptions
 * on two nodes within that window can briefly exceed a per-user limit by the difference. The limits are a fair-use
 * guard, not an accounting one; blocking every check on a cluster-wide lock would cost far more than that.
 *
 * <p><b>Dead nodes.</b> Only entries of current members count; entries of nodes that left ({@link #update} returns
 * them) are purged by whoever sees them first.
 */
public final class ClusterUsage implements ConnectionRegistry.RemoteUsage {
  /** One user's totals summed over the other nodes. */
  private record Load(int connections, int subscriptions) {
    Load plus(int c, int s) {
      return new Load(connections + c, subscriptions + s);
    }
  }

  private final String self;
  /** Other live nodes' entries by node id, sorted. */
  private Map<String, JsonObject> remote = new TreeMap<>();
  private Map<String, Load> remoteUsers = Map.of();

  /** @param self this node's id: its own entry is never read back (the local counts are exact) */
  public ClusterUsage(String self) {
    this.self = self;
  }

  /** This node's entry for the usage map, from its registry and statistics. */
  public static JsonObject entry(String node, String name, ConnectionRegistry registry, SubscriptionStats stats,
      long now) {
    JsonObject users = new JsonObject();
    registry.authenticatedUsers().forEach((id, load) -> users.put(id,
        new JsonObject().put("connections", load.connections()).put("subscriptions", load.subscriptions())));
    JsonObject channels = new JsonObject();
    stats.bySubscribers().forEach(channels::put);
    return new JsonObject().put("node", node).put("name", name).put("users", users).put("channels", channels)
        .put("connections", registry.connectionCount()).put("subscriptions", stats.totalSubscriptions())
        .put("anonymousConnections", registry.anonymousConnectionCount()).put("updatedAt", now);
  }

  /**
   * Takes the entries just read from the usage map (node id -> entry). Keeps those of live {@code members} other
   * than this node; malformed values are skipped.
   *
   * @return the ids of entries whose node is no longer a member, to purge; none while this node itself is not an
   *     active member (empty {@code members}): then it cannot tell the dead from the live
   */
  public List<String> update(Map<String, ?> entries, Collection<String> members) {
    Set<String> live = new HashSet<>(members);
    Map<String, JsonObject> kept = new TreeMap<>();
    Map<String, Load> users = new HashMap<>();
    List<String> stale = new ArrayList<>();
    for (Map.Entry<String, ?> e : entries.entrySet()) {
      String node = e.getKey();
      if (node.equals(self)) {
        continue;
      }
      if (!live.contains(node)) {
        if (!live.isEmpty()) {
          stale.add(node);
        }
        continue;
      }
      if (!(e.getValue() instanceof JsonObject entry) || !wellFormed(entry)) {
        continue;
      }
      kept.put(node, entry);
      JsonObject nodeUsers = entry.getJsonObject("users");
      for (String user : nodeUsers.fieldNames()) {
        JsonObject load = nodeUsers.getJsonObject(user);
        users.merge(user, new Load(load.getInteger("connections", 0), load.getInteger("subscriptions", 0)),
            (a, b) -> a.plus(b.connections, b.subscriptions));
      }
    }
    remote = kept;
    remoteUsers = users;
    return stale;
  }

  /** The other live nodes' ids, as last read. */
  public Set<String> remoteNodes() {
    return remote.keySet();
  }

  @Override
  public int connections(String userId) {
    Load load = remoteUsers.get(userId);
    return load == null ? 0 : load.connections;
  }

  @Override
  public int subscriptions(String userId) {
    Load load = remoteUsers.get(userId);
    return load == null ? 0 : load.subscriptions;
  }

  /**
   * The cluster-wide statistics: this node's {@code local} entry plus the other live nodes' as last read.
   * {@code {"channels":[{ch,subscribers}..], "totalSubscriptions", "channelCount", "connections", "users",
   * "anonymousConnections", "node", "nodes":[{node, name, connections, subscriptions, users, anonymousConnections,
   * channelCount, updatedAt, local}..]}}: the same fields, with the same meaning, as a single node's, summed over the
   * nodes (channels by subscribers descending, then by key; {@code top} > 0 keeps the first {@code top}); {@code users}
   * counts distinct user ids over the cluster plus every anonymous connection; {@code nodes} is sorted by node id.
   */
  public JsonObject stats(JsonObject local, int top) {
    Map<String, JsonObject> all = new TreeMap<>(remote);
    all.put(local.getString("node"), local);
    Map<String, Integer> channels = new HashMap<>();
    Set<String> users = new HashSet<>();
    long connections = 0;
    long subscriptions = 0;
    long anonymous = 0;
    JsonArray nodes = new JsonArray();
    for (Map.Entry<String, JsonObject> e : all.entrySet()) {
      JsonObject entry = e.getValue();
      JsonObject nodeChannels = entry.getJsonObject("channels");
      for (String ch : nodeChannels.fieldNames()) {
        channels.merge(ch, nodeChannels.getInteger(ch, 0), Integer::sum);
      }
      JsonObject nodeUsers = entry.getJsonObject("users");
      users.addAll(nodeUsers.fieldNames());
      int nodeConnections = entry.getInteger("connections", 0);
      long nodeSubscriptions = entry.getLong("subscriptions", 0L);
      int nodeAnonymous = entry.getInteger("anonymousConnections", 0);
      connections += nodeConnections;
      subscriptions += nodeSubscriptions;
      anonymous += nodeAnonymous;
      nodes.add(new JsonObject().put("node", e.getKey()).put("name", entry.getString("name"))
          .put("connections", nodeConnections).put("subscriptions", nodeSubscriptions)
          .put("users", nodeUsers.size() + nodeAnonymous).put("anonymousConnections", nodeAnonymous)
          .put("channelCount", nodeChannels.size()).put("updatedAt", entry.getLong("updatedAt", 0L))
          .put("local", e.getValue() == local));
    }
    return new JsonObject().put("channels", topChannels(channels, top)).put("totalSubscriptions", subscriptions)
        .put("channelCount", channels.size()).put("connections", connections).put("users", users.size() + anonymous)
        .put("anonymousConnections", anonymous).put("node", local.getString("node")).put("nodes", nodes);
  }

  private static JsonArray topChannels(Map<String, Integer> channels, int top) {
    List<Map.Entry<String, Integer>> list = new ArrayList<>(channels.entrySet());
    list.sort(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
        .thenComparing(Map.Entry.comparingByKey()));
    JsonArray out = new JsonArray();
    for (Map.Entry<String, Integer> e : list) {
      if (top > 0 && out.size() == top) {
        break;
      }
      out.add(new JsonObject().put("ch", e.getKey()).put("subscribers", e.getValue()));
    }
    return out;
  }

  /** An entry written by another version or corrupted must not break every check: the parts we read, typed right. */
  private static boolean wellFormed(JsonObject entry) {
    try {
      JsonObject users = entry.getJsonObject("users");
      JsonObject channels = entry.getJsonObject("channels");
      if (users == null || channels == null) {
        return false;
      }
      for (String user : users.fieldNames()) {
        JsonObject load = users.getJsonObject(user);
        if (load == null) {
          return false;
        }
        load.getInteger("connections");
        load.getInteger("subscriptions");
      }
      for (String ch : channels.fieldNames()) {
        channels.getInteger(ch);
      }
      entry.getInteger("connections");
      entry.getLong("subscriptions");
      entry.getInteger("anonymousConnections");
      entry.getLong("updatedAt");
      entry.getString("name");
      return true;
    } catch (ClassCastException e) {
      return false;
    }
  }
}

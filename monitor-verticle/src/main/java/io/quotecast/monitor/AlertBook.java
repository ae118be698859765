package io.quotecast.monitor;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cluster's alerts as one monitor heard them on {@code monitor.alerts}: those firing, and the last
 * {@code keepResolved} resolved. Every node raises alerts about itself only and publishes them, so each monitor's book
 * holds every node's alerts once. A firing alert of a node that left the cluster is resolved here (its node can no
 * longer resolve it). Pure: the caller passes the time and the live members, on one event loop.
 */
final class AlertBook {
  private final int keepResolved;
  private final Map<String, JsonObject> firing = new LinkedHashMap<>();
  private final Deque<JsonObject> resolved = new ArrayDeque<>();
  private final Set<String> resolvedIds = new HashSet<>();

  AlertBook(int keepResolved) {
    this.keepResolved = keepResolved;
  }

  /** Takes an alert event; a repeat, or a firing event after its resolution (events may cross), changes nothing. */
  void accept(JsonObject alert) {
    String id = alert == null ? null : alert.getString("id");
    if (id == null || resolvedIds.contains(id)) {
      return;
    }
    if (Alert.FIRING.equals(alert.getString("state"))) {
      firing.put(id, alert);
    } else if (Alert.RESOLVED.equals(alert.getString("state"))) {
      firing.remove(id);
      keep(alert);
    }
  }

  private void keep(JsonObject alert) {
    resolved.addFirst(alert);
    resolvedIds.add(alert.getString("id"));
    while (resolved.size() > keepResolved) {
      resolvedIds.remove(resolved.removeLast().getString("id"));
    }
  }

  /** Resolves the firing alerts of nodes no longer in {@code members}. */
  void retain(Collection<String> members, long now) {
    Set<String> live = new HashSet<>(members);
    List<JsonObject> gone = firing.values().stream().filter(a -> !live.contains(a.getString("member"))).toList();
    for (JsonObject a : gone) {
      firing.remove(a.getString("id"));
      keep(a.copy().put("state", Alert.RESOLVED).put("resolvedAt", now)
          .put("message", a.getString("rule") + " resolved: node " + a.getString("node") + " left the cluster")
          .put("details", a.getJsonObject("details", new JsonObject()).copy().put("resolution", "node left")));
    }
  }

  /** Alerts in {@code state} ({@code null}: both), firing first, newest first. */
  JsonArray list(String state) {
    List<JsonObject> out = new ArrayList<>();
    if (state == null || Alert.FIRING.equals(state)) {
      List<JsonObject> active = new ArrayList<>(firing.values());
      active.sort(Comparator.comparingLong((JsonObject a) -> a.getLong("firedAt", 0L)).reversed());
      out.addAll(active);
    }
    if (state == null || Alert.RESOLVED.equals(state)) {
      out.addAll(resolved);
    }
    return new JsonArray(new ArrayList<>(out));
  }

  int firingCount() {
    return firing.size();
  }

  int resolvedCount() {
    return resolved.size();
  }
}

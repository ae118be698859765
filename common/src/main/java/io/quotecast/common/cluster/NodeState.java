package io.quotecast.common.cluster;

import io.quotecast.common.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;

/**
 * This node's operational state, shared by its verticles through a local map: whether it is draining (refusing new
 * connections, readiness down) and each component's readiness ({@code cluster}, {@code quote}, {@code gateway}, ...),
 * which {@code /health/ready} reports. A component that never reports does not hold readiness back.
 */
public final class NodeState {
  private static final String DRAINING = "draining";
  private static final String READY_PREFIX = "ready.";

  private final LocalMap<String, Object> map;

  private NodeState(LocalMap<String, Object> map) {
    this.map = map;
  }

  public static NodeState of(Vertx vertx) {
    return new NodeState(vertx.sharedData().getLocalMap(Addresses.NODE_STATE_MAP));
  }

  public boolean draining() {
    return Boolean.TRUE.equals(map.get(DRAINING));
  }

  public void draining(boolean draining) {
    map.put(DRAINING, draining);
  }

  /** Records a component's readiness; {@code reason} says what it waits for (null when ready). */
  public void ready(String component, boolean ready, String reason) {
    map.put(READY_PREFIX + component, new JsonObject().put("ready", ready).put("reason", reason));
  }

  /** {@code {component: {ready, reason}}} for every component that reported. */
  public JsonObject components() {
    JsonObject out = new JsonObject();
    for (String key : map.keySet()) {
      if (key.startsWith(READY_PREFIX) && map.get(key) instanceof JsonObject state) {
        out.put(key.substring(READY_PREFIX.length()), state);
      }
    }
    return out;
  }

  /** Every reported component is ready and the node is not draining. */
  public boolean ready() {
    if (draining()) {
      return false;
    }
    JsonObject components = components();
    for (String name : components.fieldNames()) {
      if (!components.getJsonObject(name).getBoolean("ready", false)) {
        return false;
      }
    }
    return true;
  }
}

package io.quotecast.monitor;

import io.quotecast.common.cluster.ClusterView;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;

/** The live members that registered in a cluster map keyed by member id (gateway loads, quote nodes). */
final class RegisteredMembers {
  private RegisteredMembers() {}

  /** The keys of {@code map} that are live members; empty when the map cannot be read. */
  static Future<Set<String>> of(Vertx vertx, String map) {
    return vertx.sharedData().<String, JsonObject>getAsyncMap(map)
        .compose(m -> m.keys())
        .map(keys -> {
          Set<String> live = new HashSet<>(keys);
          live.retainAll(ClusterView.of(vertx).members());
          return live;
        })
        .otherwise(failure -> Set.of());
  }
}

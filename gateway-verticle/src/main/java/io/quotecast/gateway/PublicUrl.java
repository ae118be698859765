package io.quotecast.gateway;

import io.quotecast.common.ConfigKeys;
import io.quotecast.common.Settings;

/** The WebSocket URL clients reach this node at, as endpoints lists, refusals and notices name it. */
final class PublicUrl {
  private PublicUrl() {}

  /** {@code gateway.publicUrl}, or {@code ws://<gateway.host, or cluster.host when a wildcard>:<gateway.port>/ws}. */
  static String of(Settings settings) {
    Object configured = settings.get(ConfigKeys.GATEWAY_PUBLIC_URL);
    if (configured != null && !configured.toString().isBlank()) {
      return configured.toString().trim();
    }
    String host = settings.getString(ConfigKeys.GATEWAY_HOST);
    if (host.isBlank() || host.equals("0.0.0.0") || host.equals("::")) {
      // A wildcard bind names no reachable address; the cluster host is the one other nodes reach this node at.
      Object clusterHost = settings.get(ConfigKeys.CLUSTER_HOST);
      host = clusterHost == null || clusterHost.toString().isBlank() ? "127.0.0.1" : clusterHost.toString().trim();
    }
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]"; // an IPv6 literal
    }
    return "ws://" + host + ":" + settings.getInt(ConfigKeys.GATEWAY_PORT) + "/ws";
  }
}

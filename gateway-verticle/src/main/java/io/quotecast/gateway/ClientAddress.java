package io.quotecast.gateway;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The address a connection comes from, for per-address limits. Behind a load balancer every connection comes from the
 * balancer, so when the peer is one of {@code gateway.trustedProxies} the client is taken from
 * {@code X-Forwarded-For}: the rightmost entry that is not itself a trusted proxy (entries further left were written
 * by the client and could be anything). Without trusted proxies the header is ignored, so a client cannot pick its own
 * budget.
 */
final class ClientAddress {
  private final Set<String> trustedProxies;

  /** @param trustedProxies comma-separated addresses; empty = trust none */
  ClientAddress(String trustedProxies) {
    this.trustedProxies = Arrays.stream(trustedProxies == null ? new String[0] : trustedProxies.split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
  }

  /**
   * @param peer          the TCP peer's address (may be null for an unusual transport)
   * @param forwardedFor  the {@code X-Forwarded-For} header, or null
   */
  String of(String peer, String forwardedFor) {
    if (peer == null) {
      return "unknown";
    }
    if (forwardedFor == null || !trustedProxies.contains(peer)) {
      return peer;
    }
    String[] hops = forwardedFor.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (!hop.isEmpty() && !trustedProxies.contains(hop)) {
        return hop;
      }
    }
    return peer;
  }
}

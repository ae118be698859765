package io.quotecast.gateway;

import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which browser pages may open a WebSocket or SockJS session (config {@code gateway.allowedOrigins}). A browser always
 * sends {@code Origin}; without this check any web page a user visits could connect with the user's cookies or a
 * token the page found. Allowed: no Origin at all (non-browser clients), the page's own origin (Origin's host and port
 * equal the request's Host), any listed origin, or anything when the list is {@code *}.
 */
final class OriginPolicy {
  private final boolean any;
  private final Set<String> allowed;

  OriginPolicy(String config) {
    Set<String> entries = Stream.of(config == null ? new String[0] : config.split("[,\\s]+"))
        .map(String::trim).filter(s -> !s.isEmpty()).map(OriginPolicy::normalize).collect(Collectors.toSet());
    this.any = entries.contains("*");
    this.allowed = Set.copyOf(entries);
  }

  boolean allows(String origin, String host) {
    if (origin == null || any) {
      return true;
    }
    String o = normalize(origin);
    if (allowed.contains(o)) {
      return true;
    }
    if (host == null) {
      return false;
    }
    try {
      URI uri = new URI(o);
      if (uri.getHost() == null) {
        return false;
      }
      int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
      String h = host.trim().toLowerCase(Locale.ROOT);
      String hostPart = h;
      int hostPort = "https".equals(uri.getScheme()) ? 443 : 80;
      int colon = h.lastIndexOf(':');
      if (colon > 0 && h.indexOf(']') < colon) {
        hostPart = h.substring(0, colon);
        try {
          hostPort = Integer.parseInt(h.substring(colon + 1));
        } catch (NumberFormatException e) {
          return false;
        }
      }
      return uri.getHost().equals(hostPart) && port == hostPort;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  /** Origins compare case-insensitively and without a trailing slash. */
  private static String normalize(String origin) {
    String o = origin.trim().toLowerCase(Locale.ROOT);
    return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
  }
}

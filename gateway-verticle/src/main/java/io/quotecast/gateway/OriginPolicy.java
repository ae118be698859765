package io.quotecast.gateway;

import java.net.URI;
import java.util.Collection;
import java.util.List;
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
    return allows(origin, host, List.of());
  }

  /**
   * As {@link #allows(String, String)}, and also the page of any gateway of the fleet ({@code fleetUrls}, their
   * WebSocket URLs): a page served by one node follows {@code endpoints} to another, which must not refuse it.
   */
  boolean allows(String origin, String host, Collection<String> fleetUrls) {
    if (origin == null || any) {
      return true;
    }
    String o = normalize(origin);
    if (allowed.contains(o)) {
      return true;
    }
    for (String url : fleetUrls) {
      if (o.equals(pageOrigin(url))) {
        return true;
      }
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

  /** {@code ws://h:p/ws} -> {@code http://h:p} (wss -> https), the origin of the page that node serves. */
  static String pageOrigin(String wsUrl) {
    try {
      URI uri = new URI(wsUrl);
      String scheme = "wss".equalsIgnoreCase(uri.getScheme()) ? "https" : "http";
      int port = uri.getPort();
      boolean defaultPort = port < 0 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
      return normalize(scheme + "://" + uri.getHost() + (defaultPort ? "" : ":" + port));
    } catch (java.net.URISyntaxException | NullPointerException e) {
      return null;
    }
  }

  /** Origins compare case-insensitively and without a trailing slash. */
  private static String normalize(String origin) {
    String o = origin.trim().toLowerCase(Locale.ROOT);
    return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
  }
}
